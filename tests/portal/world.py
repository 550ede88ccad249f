"""A small jobcenter world for the portal tests (test client and browser alike), on the seed's dates:
a Jobsamtale deadline on Monday 10 July 2017 (seed 004 § 2.3), so the horizon is 17 July (R-DL-9).
Everything is made through the services, never by writing rows by hand."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from samtale.core.actors import Actor
from samtale.scheduling import services as scheduling

TZ = ZoneInfo("Europe/Copenhagen")
DEADLINE = date(2017, 7, 10)  # mandag den 10. juli 2017
HORIZON = date(2017, 7, 17)
TODAY = date(2017, 6, 26)  # a Monday, 14 days before the deadline (R-NT-1)
NOW = datetime(2017, 6, 26, 9, 0, tzinfo=TZ)
SYSTEM = Actor.system("test")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TZ)


@dataclass
class World:
    citizen: object
    offer: object
    other_offer: object | None
    slots: list = field(default_factory=list)
    deadline: object | None = None


def make_offer(jobcenter, **kw):
    defaults = dict(
        actor=SYSTEM,
        jobcenter=jobcenter,
        title="Jobsamtale – kontanthjælp",
        description="En samtale om dit jobmål og din jobsøgning med en sagsbehandler.",
        conversation_type=7,
        contact_forms=["personligt", "telefonisk"],
        contact_groups=[3, 6],
        location="Jobcentret, stuen",
        address="Vesterbrogade 1, 1620 København V",
        phone_to_call="+4533333333",
        rebooking_cutoff_hours=24,
        cancellation_cutoff_hours=24,
        min_notice_hours=2,
    )
    defaults.update(kw)
    return scheduling.offer_create(**defaults)


def make_slot(offer, start: datetime, caseworker, minutes: int = 30, capacity: int = 1):
    return scheduling.slot_create(
        actor=SYSTEM,
        offer=offer,
        start=start,
        end=start + timedelta(minutes=minutes),
        capacity=capacity,
        caseworker=caseworker,
    )


def make_deadline(citizen, deadline_date: date = DEADLINE, conversation_type: int = 7, activation_date=None):
    from samtale.deadlines.services import deadline_create

    deadline, _warnings = deadline_create(
        actor=SYSTEM,
        citizen=citizen,
        conversation_type=conversation_type,
        deadline_date=deadline_date,
        activation_date=activation_date,
    )
    return deadline


def make_world(
    make_citizen,
    jobcenter,
    caseworker,
    *,
    name: str = "Finney Hansen",
    deadline: bool = True,
    other_offer: bool = True,
    slot_times: list[datetime] | None = None,
    citizen=None,
) -> World:
    """A citizen of contact group 3 with (by default) a Jobsamtale deadline, the Jobsamtale offer with
    free times on 10–13 and 17 July (inside the horizon) and 18 July (after it), and an information
    meeting that does not fulfil the deadline (R-NT-9)."""
    citizen = citizen or make_citizen(contact_group=3, jobcenter=jobcenter, name=name, phone="+4520202020")
    offer = make_offer(jobcenter)
    times = (
        slot_times
        if slot_times is not None
        else [
            at(date(2017, 7, 10), 10),
            at(date(2017, 7, 10), 11),
            at(date(2017, 7, 11), 10),
            at(date(2017, 7, 12), 13),
            at(date(2017, 7, 13), 9),
            at(date(2017, 7, 17), 10),
            at(date(2017, 7, 18), 10),  # after deadline + 7: never offered (R-DL-9)
        ]
    )
    slots = [make_slot(offer, t, caseworker) for t in times]
    other = None
    if other_offer:
        other = make_offer(
            jobcenter,
            title="Informationsmøde A",
            description="Et møde om jobcentrets tilbud.",
            conversation_type=13,
            contact_forms=["personligt"],
            fulfils_deadline=False,
        )
        make_slot(other, at(date(2017, 7, 5), 14), caseworker)
    dl = make_deadline(citizen) if deadline else None
    return World(citizen=citizen, offer=offer, other_offer=other, slots=slots, deadline=dl)
