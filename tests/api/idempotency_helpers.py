"""A summons body at a time every rule accepts: a weekday, 10:00 in Copenhagen, a week or more ahead
of the test's clock (seed: summonses need a location and a description, and no weekend times)."""

from datetime import timedelta

from samtale.core import clock


def office_time(days_ahead: int = 7, hour: int = 10):
    day = clock.today() + timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    start = clock.local(clock.at(day, hour))
    return start, start + timedelta(minutes=45)


def summons_body(citizen, *, days_ahead: int = 7, hour: int = 10) -> dict:
    start, end = office_time(days_ahead, hour)
    return {
        "citizen": str(citizen.public_id),
        "conversation_type": 7,
        "contact_form": "personligt",
        "start": start.isoformat(),
        "end": end.isoformat(),
        "title": "Jobsamtale",
        "description": "Vi taler om din jobsøgning.",
        "location": "Jobcenter København, Kalvebod Brygge",
        "address": "Kalvebod Brygge 45, 1560 København V",
    }
