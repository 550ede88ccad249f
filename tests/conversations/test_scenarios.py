"""Scenarios S-1, S-2 and S-5 of SPEC.md § 9 (seed 004, Bilag 1) end to end, through the real
services: deadlines, the citizen's self-booking, the daily batch, the held-conversation registration
("Samtalen registreres") and the no-show ("Jobcentret registrerer udeblivelse"). Also R-HC-9: the
planned conversation a held one came from."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from samtale.bookings import services as bookings
from samtale.bookings.models import Booking
from samtale.conversations.models import HeldConversation
from samtale.conversations.services import held_conversation_register
from samtale.core import clock
from samtale.core.actors import Actor
from samtale.core.errors import Conflict
from samtale.deadlines import jobs
from samtale.deadlines.models import Deadline
from samtale.deadlines.services import deadline_create
from samtale.reporting.models import ReportEvent
from samtale.scheduling import services as scheduling

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Europe/Copenhagen")
AGREEMENT = {"text": "Du søger mindst fem stillinger om ugen og booker næste jobsamtale inden fristen."}


def local(y, m, d, h=9, mi=0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=TZ)


@pytest.fixture
def travel():
    """Move time like the scenarios do: `travel(moment)`."""
    traveller = time_machine.travel(local(2026, 3, 2, 8), tick=False)
    t = traveller.start()

    def go(moment):
        t.move_to(moment)

    yield go
    traveller.stop()


@pytest.fixture
def citizen(travel, make_citizen):
    # Contact group 3 (kontanthjælpsmodtager i integrationsprogrammet): may self-book on Mine møder
    # and be given a deadline for a Jobsamtale (seed 004 § 2).
    return make_citizen(contact_group=3, name="Freja Pedersen")


@pytest.fixture
def slots(citizen, jc_a, cw_a):
    system = Actor.system("test")
    offer = scheduling.offer_create(
        actor=system,
        jobcenter=jc_a,
        title="Jobsamtale",
        description="Vi taler om din jobsøgning og dine næste skridt.",
        location="Jobcentret, stuen",
        conversation_type=7,
        contact_forms=["personligt"],
        contact_groups=[3],
        address="Vesterbrogade 1, 1620 København V",
    )
    return [
        scheduling.slot_create(
            actor=system, offer=offer, start=start, end=start + timedelta(minutes=45), caseworker=cw_a
        )
        for start in (local(2026, 3, 10, 10), local(2026, 3, 12, 13))
    ]


def statuses(deadline: Deadline) -> list[str]:
    return [h.new_status for h in deadline.history.order_by("id")]


def test_s_1_booked_held_closed_new_deadline_registered(travel, citizen, slots, actor_a):
    # Jobcentret opretter frist → Aktiv frist.
    first, _ = deadline_create(
        actor=actor_a, citizen=citizen, conversation_type=7, deadline_date=date(2026, 3, 16)
    )
    assert first.status == "active"
    # Borgeren booker en samtale → Indfriet frist.
    travel(local(2026, 3, 3, 19))
    booking = bookings.booking_self_book(actor=Actor.for_citizen(citizen), slot=slots[0])
    first.refresh_from_db()
    assert first.status == "fulfilled"
    # On the meeting date the batch closes it: Lukket indfriet frist → Administrativt lukket frist.
    travel(local(2026, 3, 10, 1))
    jobs.daily(date(2026, 3, 10))
    first.refresh_from_db()
    assert first.status == "closed_admin"
    assert statuses(first)[-2:] == ["closed_fulfilled", "closed_admin"]
    # Samtalen afholdes; Jobcentret opretter ny frist; Samtalen registreres.
    travel(local(2026, 3, 10, 10, 50))
    result = held_conversation_register(
        actor=actor_a,
        citizen=citizen,
        booking=booking,
        held_at=local(2026, 3, 10, 10),
        agreement=AGREEMENT,
        visitation_group="jobparat",
        next_deadline={"conversation_type": 7, "deadline_date": date(2026, 4, 7)},
    )
    hc = result.held_conversation
    assert hc.conversation_type.code == 7 and hc.contact_form.code == "personligt"  # from the booking
    booking.refresh_from_db()
    assert booking.status == "held" and hc.booking == booking
    assert booking.changes.filter(kind="held").exists()
    assert result.deadline.status == "active" and result.deadline.deadline_date == date(2026, 4, 7)
    assert Deadline.objects.filter(citizen=citizen).exclude(status="closed_admin").get() == result.deadline
    kinds = list(ReportEvent.objects.filter(citizen=citizen).order_by("id").values_list("kind", flat=True))
    assert kinds.count("held_conversation.registered") == 1 and "visitation.registered" in kinds


def test_s_2_turns_up_without_booking(travel, citizen, actor_a):
    first, _ = deadline_create(
        actor=actor_a, citizen=citizen, conversation_type=7, deadline_date=date(2026, 3, 16)
    )
    # The citizen turns up on 5 March without having booked; the conversation is held and registered
    # with a new deadline, which closes the old one (R-DL-1).
    travel(local(2026, 3, 5, 11))
    result = held_conversation_register(
        actor=actor_a,
        citizen=citizen,
        held_at=local(2026, 3, 5, 10, 15),
        conversation_type=7,
        contact_form="personligt",
        agreement=AGREEMENT,
        next_deadline={"conversation_type": 7, "deadline_date": date(2026, 4, 2)},
    )
    first.refresh_from_db()
    assert first.status == "closed_admin" and statuses(first)[-2:] == ["active", "closed_admin"]
    assert result.deadline.status == "active"
    assert result.held_conversation.booking is None


def test_s_5_no_show_closed_anyway_new_deadline_then_no_show_registered(travel, citizen, slots, actor_a):
    first, _ = deadline_create(
        actor=actor_a, citizen=citizen, conversation_type=7, deadline_date=date(2026, 3, 16)
    )
    travel(local(2026, 3, 3, 19))
    booking = bookings.booking_self_book(actor=Actor.for_citizen(citizen), slot=slots[0])
    # The citizen does not turn up; on the meeting date the batch closes the deadline anyway.
    travel(local(2026, 3, 10, 1))
    jobs.daily(date(2026, 3, 10))
    first.refresh_from_db()
    assert statuses(first)[-2:] == ["closed_fulfilled", "closed_admin"]
    # Jobcentret opretter ny frist, og registrerer udeblivelse.
    travel(local(2026, 3, 10, 11))
    second, _ = deadline_create(
        actor=actor_a, citizen=citizen, conversation_type=7, deadline_date=date(2026, 3, 25)
    )
    assert second.status == "active"
    bookings.booking_mark_no_show(actor=actor_a, booking=booking)
    booking.refresh_from_db()
    assert booking.status == "no_show"
    assert HeldConversation.objects.filter(citizen=citizen).count() == 0
    second.refresh_from_db()
    assert second.status == "active"
    # (or the jobcenter summons instead → the new deadline is fulfilled)
    bookings.booking_summon(
        actor=actor_a,
        citizen=citizen,
        conversation_type=7,
        contact_form="personligt",
        location="Jobcentret, mødelokale 1",
        description="Vi taler om din situation og dine næste skridt.",
        start=local(2026, 3, 17, 9),
        end=local(2026, 3, 17, 9, 30),
        title="Jobsamtale",
        address="Vesterbrogade 1, 1620 København V",
    )
    second.refresh_from_db()
    assert second.status == "fulfilled"


def test_r_hc_9_booking_must_be_open_and_the_citizens(travel, citizen, slots, actor_a, make_citizen):
    booking = bookings.booking_self_book(actor=Actor.for_citizen(citizen), slot=slots[0])
    travel(local(2026, 3, 10, 11))
    other = make_citizen(contact_group=3)
    before = ReportEvent.objects.count()
    with pytest.raises(Exception) as info:
        held_conversation_register(
            actor=actor_a, citizen=other, booking=booking, held_at=local(2026, 3, 10, 10), agreement=AGREEMENT
        )
    assert info.value.rule == "R-HC-9"
    held_conversation_register(
        actor=actor_a, citizen=citizen, booking=booking, held_at=local(2026, 3, 10, 10), agreement=AGREEMENT
    )
    # A second registration for the same planned conversation is a conflict; nothing more is stored.
    before = ReportEvent.objects.count()
    with pytest.raises(Conflict) as info:
        held_conversation_register(
            actor=actor_a,
            citizen=citizen,
            booking=booking,
            held_at=local(2026, 3, 10, 10, 30),
            agreement=AGREEMENT,
        )
    assert info.value.rule == "R-HC-9"
    assert HeldConversation.objects.count() == 1 and ReportEvent.objects.count() == before


def test_r_hc_9_no_show_by_mistake_may_still_be_registered_held(travel, citizen, slots, actor_a):
    booking = bookings.booking_self_book(actor=Actor.for_citizen(citizen), slot=slots[0])
    travel(local(2026, 3, 10, 10, 20))
    bookings.booking_mark_no_show(actor=actor_a, booking=booking)
    held_conversation_register(
        actor=actor_a,
        citizen=citizen,
        booking=booking,
        held_at=local(2026, 3, 10, 10, 5),
        agreement=AGREEMENT,
    )
    booking.refresh_from_db()
    assert booking.status == "held"


def test_registration_with_booking_through_the_api(travel, citizen, slots, api_a, api_as):
    booking = bookings.booking_self_book(actor=Actor.for_citizen(citizen), slot=slots[0])
    travel(local(2026, 3, 10, 11))
    r = api_a.post(
        "/held-conversations",
        {
            "citizen": str(citizen.public_id),
            "booking": str(booking.public_id),
            "held_at": "2026-03-10T10:00:00+01:00",
            "agreement": AGREEMENT,
            "next_deadline": {"conversation_type": 7, "deadline_date": "2026-04-07"},
        },
    )
    assert r.status_code == 201, r.json()
    out = r.json()
    assert out["booking"] == str(booking.public_id) and out["booking_number"] == booking.booking_number
    assert out["next_deadline"]["status"] == "active"
    assert Booking.objects.get(pk=booking.pk).status == "held"
    mine = api_as("citizen", citizen_public_id=str(citizen.public_id)).get("/me/held-conversations").json()
    assert [m["contact_number"] for m in mine] == [out["contact_number"]]
    assert clock.today() == date(2026, 3, 10)
