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


def _summon(actor, citizen, day: date, hour: int = 9):
    start = clock.at(day, hour)
    return bookings.booking_summon(
        actor=actor,
        citizen=citizen,
        conversation_type=7,
        contact_form="personligt",
        title="Jobsamtale",
        description="Vi taler om din jobsøgning og dine næste skridt.",
        location="Jobcentret, mødelokale 1",
        address="Jobcentervej 1",
        start=start,
        end=start + timedelta(minutes=30),
    )


@pytest.mark.parametrize(
    "how, meeting_day",
    [
        ("summoned", 9),  # before the deadline date
        ("self_booked", 18),  # after the deadline date, inside its horizon (R-DL-11: fulfils at once)
    ],
)
def test_s4_in_the_seeds_order(walker, make_citizen, actor_a, slot_on, how, meeting_day):
    """S-4, seed 004 Bilag 1 "Borger har - inden fristen er angivet - selvbooket eller er indkaldt",
    step by step through the services:
    1. Borger er indkaldt eller har selvbooket;
    2. Jobcentret opretter frist → Indfriet frist (R-DL-3; R-DL-11: a booking inside the horizon);
    3. Afholder møde → Lukket indfriet frist efterfulgt af Administrativt lukket frist (batch);
    4. Jobcentret opretter ny frist → Aktiv frist;
    5. Samtalen registreres."""
    w = walker(D0)
    citizen = make_citizen(contact_group=3)
    if how == "summoned":
        booking = _summon(actor_a, citizen, d(meeting_day))  # 1.
    else:
        booking = bookings.booking_self_book(actor=Actor.for_citizen(citizen), slot=slot_on(d(meeting_day)))
    w.walk_to(d(1))
    deadline, _ = deadline_create(  # 2.
        actor=actor_a, citizen=citizen, conversation_type=7, deadline_date=d(14)
    )
    assert deadline.status == "fulfilled" and deadline.fulfilled_by == booking
    w.walk_to(d(meeting_day), deadline)  # 3.
    assert deadline.status == "closed_admin"
    event = "summons_made" if how == "summoned" else "fulfilling_booking_made"
    assert history(deadline) == [
        (d(1), None, "not_activated", "created"),
        (d(1), "not_activated", "fulfilled", event),
        (d(meeting_day), "fulfilled", "closed_fulfilled", "meeting_date_reached"),
        (d(meeting_day), "closed_fulfilled", "closed_admin", "closed_at_once"),
    ]
    w.at(12)
    new, _ = deadline_create(  # 4.
        actor=actor_a, citizen=citizen, conversation_type=7, deadline_date=d(meeting_day + 30)
    )
    assert new.status == "active"
    held_conversation_register(  # 5.
        actor=actor_a,
        citizen=citizen,
        held_at=clock.at(d(meeting_day), 10),
        conversation_type=7,
        contact_form="personligt",
        agreement=AGREEMENT,
        booking=booking,
    )
    booking.refresh_from_db()
    new.refresh_from_db()
    assert booking.status == "held" and new.status == "active"


@pytest.mark.parametrize("then", ["new_deadline", "summons"])
def test_s5_in_the_seeds_order(walker, make_citizen, actor_a, slot_on, then):
    """S-5, seed 004 Bilag 1 "Borger har selvbooket eller er indkaldt, men udebliver fra samtale",
    step by step through the services, in the seed's order:
    1. Jobcentret opretter frist → Aktiv frist;
    2. Borger booker samtale → Indfriet frist;
    3. Borger udebliver → on the meeting date the batch closes it anyway (Lukket indfriet → Adm. lukket);
    4. Jobcentret opretter ny frist → Aktiv frist (eller indkalder → Indfriet frist) — while the missed
       booking is still planned: its day has passed, so it neither blocks (R-PC-4) nor fulfils;
    5. Jobcentret registrerer udeblivelse."""
    w = walker(D0)
    citizen = make_citizen(contact_group=3)
    deadline, _ = deadline_create(  # 1.
        actor=actor_a, citizen=citizen, conversation_type=7, deadline_date=d(14)
    )
    slot = slot_on(d(11))
    w.walk_to(d(4), deadline)
    booking = bookings.booking_self_book(actor=Actor.for_citizen(citizen), slot=slot)  # 2.
    deadline.refresh_from_db()
    assert deadline.status == "fulfilled"
    w.walk_to(d(11), deadline)  # 3. the citizen does not turn up; closed on the meeting date anyway
    assert history(deadline) == [
        *CREATED_ACTIVE(d(0)),
        (d(4), "active", "fulfilled", "fulfilling_booking_made"),
        (d(11), "fulfilled", "closed_fulfilled", "meeting_date_reached"),
        (d(11), "closed_fulfilled", "closed_admin", "closed_at_once"),
    ]
    w.walk_to(d(14))  # the next working day: the missed booking is still "planned"
    booking.refresh_from_db()
    assert booking.status == "planned"
    new, _ = deadline_create(  # 4.
        actor=actor_a, citizen=citizen, conversation_type=7, deadline_date=d(30)
    )
    assert new.status == "active"  # the missed booking does not fulfil it
    if then == "summons":
        summons = _summon(actor_a, citizen, d(18))  # R-PC-4: the missed booking does not block
        new.refresh_from_db()
        assert new.status == "fulfilled" and new.fulfilled_by == summons
    bookings.booking_mark_no_show(actor=actor_a, booking=booking)  # 5.
    booking.refresh_from_db()
    new.refresh_from_db()
    assert booking.status == "no_show"
    if then == "summons":
        assert history(new) == [*CREATED_ACTIVE(d(14)), (d(14), "active", "fulfilled", "summons_made")]
        w.walk_to(d(18), new)
        assert new.status == "closed_admin"
    else:
        assert history(new) == CREATED_ACTIVE(d(14)) and new.status == "active"
