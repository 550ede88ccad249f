"""S-1, S-2 and S-5 once more, end to end through the other apps' services: the citizen self-books a
free time (bookings.services.booking_self_book, which also checks the horizon R-DL-9), the jobcenter
summons (booking_summon) or registers a no-show (booking_mark_no_show), and "Samtalen registreres" is
conversations.services.held_conversation_register with `next_deadline` (R-HC-10)."""

from datetime import date, timedelta

import pytest

from samtale.bookings import services as bookings
from samtale.conversations.services import held_conversation_register
from samtale.core import clock
from samtale.core.actors import Actor
from samtale.core.errors import Conflict
from samtale.deadlines.models import Deadline
from samtale.deadlines.services import deadline_create
from samtale.scheduling.models import Slot
from tests.deadlines.conftest import history

D0 = date(2026, 6, 1)
AGREEMENT = {"text": "Borgeren søger mindst fem stillinger om ugen."}


def d(n: int) -> date:
    return D0 + timedelta(days=n)


CREATED_ACTIVE = lambda day: [  # noqa: E731
    (day, None, "not_activated", "created"),
    (day, "not_activated", "active", "activation_date_reached"),
]


@pytest.fixture
def slot_on(make_offer, cw_a):
    offer = make_offer()

    def make(day: date, hour: int = 10) -> Slot:
        return Slot.objects.create(
            offer=offer, caseworker=cw_a, start=clock.at(day, hour), end=clock.at(day, hour, 45)
        )

    return make


def test_s1_through_services(walker, make_citizen, actor_a, slot_on):
    w = walker(D0)
    citizen = make_citizen(contact_group=3)
    deadline, _ = deadline_create(actor=actor_a, citizen=citizen, conversation_type=7, deadline_date=d(14))
    late, ok = slot_on(d(22)), slot_on(d(10))
    w.walk_to(d(3), deadline)
    me = Actor.for_citizen(citizen)
    with pytest.raises(Conflict) as err:  # R-DL-9: beyond deadline + 7
        bookings.booking_self_book(actor=me, slot=late)
    assert err.value.rule == "R-DL-9"
    booking = bookings.booking_self_book(actor=me, slot=ok)
    deadline.refresh_from_db()
    assert deadline.status == "fulfilled"
    w.walk_to(d(10), deadline)
    w.at(11)
    result = held_conversation_register(
        actor=actor_a,
        citizen=citizen,
        held_at=clock.at(d(10), 10, 30),
        conversation_type=7,
        contact_form="personligt",
        agreement=AGREEMENT,
        booking=booking,
        next_deadline={"conversation_type": 7, "deadline_date": d(40)},
    )
    booking.refresh_from_db()
    assert booking.status == "held"
    assert history(deadline) == [
        *CREATED_ACTIVE(d(0)),
        (d(3), "active", "fulfilled", "fulfilling_booking_made"),
        (d(10), "fulfilled", "closed_fulfilled", "meeting_date_reached"),
        (d(10), "closed_fulfilled", "closed_admin", "closed_at_once"),
    ]
    assert result.deadline.status == "active" and history(result.deadline) == CREATED_ACTIVE(d(10))


def test_s2_through_services(walker, make_citizen, actor_a):
    w = walker(D0)
    citizen = make_citizen(contact_group=2)
    old, _ = deadline_create(actor=actor_a, citizen=citizen, conversation_type=7, deadline_date=d(14))
    w.walk_to(d(6), old)
    w.at(11)
    result = held_conversation_register(
        actor=actor_a,
        citizen=citizen,
        held_at=clock.at(d(6), 10),
        conversation_type=7,
        contact_form="personligt",
        agreement=AGREEMENT,
        next_deadline={"conversation_type": 7, "deadline_date": d(30)},
    )
    old.refresh_from_db()
    assert history(old) == [*CREATED_ACTIVE(d(0)), (d(6), "active", "closed_admin", "superseded")]
    assert result.deadline.status == "active"
    assert (
        Deadline.objects.filter(citizen=citizen, status__in=["not_activated", "active", "fulfilled"]).count()
        == 1
    )


def test_s5_through_services(walker, make_citizen, actor_a, slot_on):
    w = walker(D0)
    citizen = make_citizen(contact_group=3)
    deadline, _ = deadline_create(actor=actor_a, citizen=citizen, conversation_type=7, deadline_date=d(14))
    slot = slot_on(d(11))
    w.walk_to(d(4), deadline)
    booking = bookings.booking_self_book(actor=Actor.for_citizen(citizen), slot=slot)
    w.walk_to(d(11), deadline)  # the citizen does not turn up; closed on the meeting date anyway
    assert deadline.status == "closed_admin"
    w.at(14)
    new, _ = deadline_create(actor=actor_a, citizen=citizen, conversation_type=7, deadline_date=d(30))
    bookings.booking_mark_no_show(actor=actor_a, booking=booking)  # no-show registered
    start = clock.at(d(20), 9)
    bookings.booking_summon(
        actor=actor_a,
        citizen=citizen,
        conversation_type=7,
        contact_form="personligt",
        start=start,
        end=start + timedelta(minutes=30),
        address="Jobcentervej 1",
    )
    new.refresh_from_db()
    assert history(deadline)[-2:] == [
        (d(11), "fulfilled", "closed_fulfilled", "meeting_date_reached"),
        (d(11), "closed_fulfilled", "closed_admin", "closed_at_once"),
    ]
    assert history(new) == [*CREATED_ACTIVE(d(11)), (d(11), "active", "fulfilled", "summons_made")]
    w.walk_to(d(20), new)
    assert new.status == "closed_admin"
