"""Fixtures for planned conversations: offers, free times and citizens at a fixed Danish time."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from samtale.core.actors import Actor
from samtale.scheduling import services as scheduling

TZ = ZoneInfo("Europe/Copenhagen")
# Monday 2 March 2026, 08:00 in Copenhagen (CET). Tests that need another moment travel themselves.
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=TZ)


def local(y, m, d, h=9, mi=0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=TZ)


@pytest.fixture(autouse=True)
def frozen_now(request):
    if request.node.get_closest_marker("no_freeze"):
        yield None
        return
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def system():
    return Actor.system("test")


@pytest.fixture
def make_offer(jc_a, system):
    def make(**kw):
        defaults = dict(
            actor=system,
            jobcenter=jc_a,
            title="Jobsamtale",
            description="Vi taler om din jobsøgning og dine næste skridt.",
            location="Jobcentret, stuen",
            conversation_type=7,
            contact_forms=["personligt", "telefonisk"],
            contact_groups=[1, 3, 6],
            address="Vesterbrogade 1, 1620 København V",
            phone_to_call="+4533333333",
            rebooking_cutoff_hours=24,
            cancellation_cutoff_hours=24,
            min_notice_hours=2,
        )
        defaults.update(kw)
        return scheduling.offer_create(**defaults)

    return make


@pytest.fixture
def offer(make_offer):
    return make_offer()


@pytest.fixture
def make_slot(cw_a, system):
    def make(offer, start: datetime, minutes: int = 30, capacity: int = 1, caseworker=None):
        return scheduling.slot_create(
            actor=system,
            offer=offer,
            start=start,
            end=start + timedelta(minutes=minutes),
            capacity=capacity,
            caseworker=caseworker or cw_a,
        )

    return make


@pytest.fixture
def slot(offer, make_slot):
    return make_slot(offer, local(2026, 3, 5, 10))


@pytest.fixture
def citizen(make_citizen):
    """Contact group 6 (sygedagpengemodtager): may self-book."""
    return make_citizen(contact_group=6, name="Bo Borger")


@pytest.fixture
def me(citizen):
    return Actor.for_citizen(citizen)


@pytest.fixture
def make_deadline(system):
    def make(citizen, conversation_type_code: int, deadline_date: date):
        from samtale.deadlines.services import deadline_create

        deadline, _ = deadline_create(
            actor=system,
            citizen=citizen,
            conversation_type=conversation_type_code,
            deadline_date=deadline_date,
        )
        return deadline

    return make
