from datetime import date, timedelta

import pytest
import time_machine

from samtale.citizens import services as citizens
from samtale.core import clock
from samtale.core.actors import Actor
from samtale.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from samtale.deadlines import jobs
from samtale.deadlines.models import Deadline
from samtale.deadlines.selectors import booking_horizon, deadline_open_for
from samtale.deadlines.services import deadline_close, deadline_create
from samtale.reporting.models import ReportEvent
from tests.deadlines.conftest import booking_changed, history, statuses

TODAY = date(2026, 3, 2)  # a Monday


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(clock.at(TODAY, 9), tick=False):
        yield


def test_r_dl_2_create_active_today_with_history_and_reports(make_citizen, actor_a):
    citizen = make_citizen(contact_group=2)
    deadline, warnings = deadline_create(
        actor=actor_a, citizen=citizen, conversation_type=7, deadline_date=TODAY + timedelta(days=14)
    )
    assert deadline.status == "active"
    assert deadline.activation_date == TODAY
    assert deadline.jobcenter.code == "101" and deadline.caseworker.ident == "kbh-ah"
    assert history(deadline) == [
        (TODAY, None, "not_activated", "created"),
        (TODAY, "not_activated", "active", "activation_date_reached"),
    ]
    events = ReportEvent.objects.filter(kind="deadline.status_changed", citizen=citizen).order_by("id")
    assert [(e.payload["old"], e.payload["new"]) for e in events] == [
        (None, "not_activated"),
        ("not_activated", "active"),
    ]
    # R-DL-12: no free times at all → warned.
    assert any("ingen ledige tider" in w for w in warnings)


def test_r_dl_2_type_must_be_allowed_for_contact_group(make_citizen, actor_a):
    citizen = make_citizen(contact_group=6)  # sygedagpenge: Opfølgningssamtale only
    with pytest.raises(Conflict) as err:
        deadline_create(
            actor=actor_a, citizen=citizen, conversation_type=7, deadline_date=TODAY + timedelta(days=14)
        )
    assert err.value.rule == "R-DL-2"
    deadline, _ = deadline_create(
        actor=actor_a, citizen=citizen, conversation_type=4, deadline_date=TODAY + timedelta(days=14)
    )
    assert deadline.status == "active"
    with pytest.raises(Conflict):  # Anden samtale: no deadline ever
        deadline_create(
            actor=actor_a, citizen=citizen, conversation_type=12, deadline_date=TODAY + timedelta(days=14)
        )


def test_invalid_dates_are_refused(make_citizen, actor_a):
    citizen = make_citizen(contact_group=2)
    for kwargs in [
        {"deadline_date": TODAY - timedelta(days=1)},
        {"deadline_date": TODAY + timedelta(days=10), "activation_date": TODAY + timedelta(days=11)},
        {"deadline_date": TODAY + timedelta(days=10), "activation_date": TODAY - timedelta(days=1)},
    ]:
        with pytest.raises(InvalidInput):
            deadline_create(actor=actor_a, citizen=citizen, conversation_type=7, **kwargs)
    with pytest.raises(InvalidInput):
        deadline_create(actor=actor_a, citizen=citizen, conversation_type=999, deadline_date=TODAY)
    assert not Deadline.objects.exists()


def test_scope_other_jobcenter_and_citizen_actor(make_citizen, actor_b):
    citizen = make_citizen(contact_group=2)
    with pytest.raises(NotFound):
        deadline_create(
            actor=actor_b, citizen=citizen, conversation_type=7, deadline_date=TODAY + timedelta(days=10)
        )
    with pytest.raises(Forbidden):
        deadline_create(
            actor=Actor.for_citizen(citizen),
            citizen=citizen,
            conversation_type=7,
            deadline_date=TODAY + timedelta(days=10),
        )


def test_r_dl_1_new_deadline_closes_old_one(make_citizen, actor_a):
    citizen = make_citizen(contact_group=2)
    old, _ = deadline_create(
        actor=actor_a, citizen=citizen, conversation_type=7, deadline_date=TODAY + timedelta(days=14)
    )
    new, _ = deadline_create(
        actor=actor_a, citizen=citizen, conversation_type=7, deadline_date=TODAY + timedelta(days=20)
    )
    old.refresh_from_db()
    assert old.status == "closed_admin" and new.status == "active"
    assert history(old)[-1] == (TODAY, "active", "closed_admin", "superseded")
    assert (
        Deadline.objects.filter(citizen=citizen, status__in=["not_activated", "active", "fulfilled"]).count()
        == 1
    )


def test_r_dl_3_created_with_existing_summons_is_fulfilled_at_once(make_citizen, actor_a, make_booking):
    citizen = make_citizen(contact_group=2)
    booking = make_booking(citizen, TODAY + timedelta(days=5))
    deadline, warnings = deadline_create(
        actor=actor_a, citizen=citizen, conversation_type=7, deadline_date=TODAY + timedelta(days=10)
    )
    assert deadline.status == "fulfilled" and deadline.fulfilled_by == booking
    assert deadline.meeting_date == TODAY + timedelta(days=5)
    assert statuses(deadline) == ["not_activated", "fulfilled"]
    assert warnings == []


def test_r_dl_3_other_family_or_non_fulfilling_offer_does_not_fulfil(
    make_citizen, actor_a, make_booking, make_offer
):
    citizen = make_citizen(contact_group=2)
    make_booking(citizen, TODAY + timedelta(days=3), code=12)  # Anden samtale
    make_booking(citizen, TODAY + timedelta(days=4), self_booked=True, offer=make_offer(fulfils=False))
    deadline, _ = deadline_create(
        actor=actor_a, citizen=citizen, conversation_type=7, deadline_date=TODAY + timedelta(days=10)
    )
    assert deadline.status == "active"


def test_r_dl_11_deadline_whose_horizon_ends_before_the_booking_is_refused(
    make_citizen, actor_a, make_booking
):
    """R-DL-11: the booking lies after deadline date + 7 — the caseworker must move it instead."""
    citizen = make_citizen(contact_group=2)
    make_booking(citizen, TODAY + timedelta(days=18))
    with pytest.raises(Conflict) as err:
        deadline_create(
            actor=actor_a, citizen=citizen, conversation_type=7, deadline_date=TODAY + timedelta(days=10)
        )
    assert err.value.rule == "R-DL-11" and "flyt samtalen" in err.value.message
    assert not Deadline.objects.exists()


@pytest.mark.parametrize("days_after_deadline", [1, 7])
def test_r_dl_11_booking_inside_the_horizon_fulfils_the_new_deadline_at_once(
    make_citizen, actor_a, make_booking, days_after_deadline
):
    """R-DL-11 (changed) with R-DL-3: a booking after the deadline date but inside its horizon
    (deadline date + 7) is no reason to refuse — the new deadline is fulfilled at once."""
    citizen = make_citizen(contact_group=2)
    booking = make_booking(citizen, TODAY + timedelta(days=10 + days_after_deadline))
    deadline, _ = deadline_create(
        actor=actor_a, citizen=citizen, conversation_type=7, deadline_date=TODAY + timedelta(days=10)
    )
    assert deadline.status == "fulfilled" and deadline.fulfilled_by == booking


def test_r_dl_12_warnings_free_times_and_absence(make_citizen, actor_a, make_offer):
    from samtale.scheduling.models import Slot

    citizen = make_citizen(contact_group=3)  # may self-book (bookings.selectors.bookable_slots)
    offer = make_offer()
    Slot.objects.create(
        offer=offer,
        caseworker=actor_a.caseworker,
        start=clock.at(TODAY + timedelta(days=3), 10),
        end=clock.at(TODAY + timedelta(days=3), 11),
    )
    citizens.absence_register(
        actor=actor_a,
        citizen=citizen,
        absence_type=10,
        start_date=TODAY + timedelta(days=9),
        end_date=TODAY + timedelta(days=12),
    )
    _, warnings = deadline_create(
        actor=actor_a, citizen=citizen, conversation_type=7, deadline_date=TODAY + timedelta(days=10)
    )
    assert not any("ingen ledige tider" in w for w in warnings)
    assert any("fravær" in w for w in warnings)
    # A free time after the horizon does not count.
    other = make_citizen(contact_group=3)
    Slot.objects.all().update(
        start=clock.at(TODAY + timedelta(days=30), 10), end=clock.at(TODAY + timedelta(days=30), 11)
    )
    _, warnings = deadline_create(
        actor=actor_a, citizen=other, conversation_type=7, deadline_date=TODAY + timedelta(days=10)
    )
    assert any("ingen ledige tider" in w for w in warnings)
    assert not any("fravær" in w for w in warnings)


def test_r_dl_17_short_deadline_refused_for_group_1_warned_for_others(make_citizen, actor_a):
    g1 = make_citizen(contact_group=1)
    with pytest.raises(Conflict) as err:
        deadline_create(
            actor=actor_a, citizen=g1, conversation_type=7, deadline_date=TODAY + timedelta(days=7)
        )
    assert err.value.rule == "R-DL-17"
    deadline, _ = deadline_create(
        actor=actor_a, citizen=g1, conversation_type=7, deadline_date=TODAY + timedelta(days=8)
    )
    assert deadline.status == "active"
    g2 = make_citizen(contact_group=2)
    _, warnings = deadline_create(
        actor=actor_a, citizen=g2, conversation_type=7, deadline_date=TODAY + timedelta(days=7)
    )
    assert any("8 dage" in w for w in warnings)


def test_r_dl_4_fulfilling_self_booking_and_summons(make_citizen, actor_a, make_booking, make_offer):
    citizen = make_citizen(contact_group=2)
    deadline, _ = deadline_create(
        actor=actor_a, citizen=citizen, conversation_type=7, deadline_date=TODAY + timedelta(days=10)
    )
    make_booking(citizen, TODAY + timedelta(days=2), self_booked=True, offer=make_offer(fulfils=False))
    deadline.refresh_from_db()
    assert deadline.status == "active"  # "Book møde med jobcentret" does not fulfil
    booking = make_booking(citizen, TODAY + timedelta(days=4), self_booked=True, offer=make_offer())
    deadline.refresh_from_db()
    assert deadline.status == "fulfilled" and deadline.fulfilled_by == booking
    assert history(deadline)[-1] == (TODAY, "active", "fulfilled", "fulfilling_booking_made")

    other = make_citizen(contact_group=2)
    d2, _ = deadline_create(
        actor=actor_a, citizen=other, conversation_type=7, deadline_date=TODAY + timedelta(days=10)
    )
    make_booking(other, TODAY + timedelta(days=3), code=17)  # Jobsamtale med a-kasse: same family
    d2.refresh_from_db()
    assert d2.status == "fulfilled" and history(d2)[-1][3] == "summons_made"


def test_r_dl_8_booking_while_not_activated_moves_activation_date(make_citizen, actor_a, make_booking):
    citizen = make_citizen(contact_group=2)
    deadline, _ = deadline_create(
        actor=actor_a,
        citizen=citizen,
        conversation_type=7,
        deadline_date=TODAY + timedelta(days=40),
        activation_date=TODAY + timedelta(days=20),
    )
    assert deadline.status == "not_activated"
    make_booking(citizen, TODAY + timedelta(days=15), self_booked=True)
    deadline.refresh_from_db()
    assert deadline.status == "fulfilled" and deadline.activation_date == TODAY


def test_cancelled_fulfilling_booking_reopens_the_deadline(make_citizen, actor_a, make_booking):
    citizen = make_citizen(contact_group=2)
    deadline, _ = deadline_create(
        actor=actor_a, citizen=citizen, conversation_type=7, deadline_date=TODAY + timedelta(days=10)
    )
    booking = make_booking(citizen, TODAY + timedelta(days=4))
    booking.status = "cancelled"
    booking.cancellation_reason_id = (
        __import__("samtale.codes.models", fromlist=["x"]).CancellationReason.objects.first().pk
    )
    booking.save()
    booking_changed(booking, "cancelled")
    deadline.refresh_from_db()
    assert deadline.status == "active" and deadline.fulfilled_by is None and deadline.meeting_date is None
    assert history(deadline)[-1] == (TODAY, "fulfilled", "active", "fulfilling_booking_cancelled")


def test_moved_fulfilling_booking_moves_the_closing_date(make_citizen, actor_a, make_booking):
    citizen = make_citizen(contact_group=2)
    deadline, _ = deadline_create(
        actor=actor_a, citizen=citizen, conversation_type=7, deadline_date=TODAY + timedelta(days=10)
    )
    booking = make_booking(citizen, TODAY + timedelta(days=4))
    booking.start, booking.end = (
        clock.at(TODAY + timedelta(days=8), 10),
        clock.at(TODAY + timedelta(days=8), 11),
    )
    booking.save()
    booking_changed(booking, "moved")
    deadline.refresh_from_db()
    assert deadline.meeting_date == TODAY + timedelta(days=8) and deadline.status == "fulfilled"


def test_r_dl_10_contact_group_change_closes_when_type_not_allowed(make_citizen, actor_a):
    citizen = make_citizen(contact_group=2)
    deadline, _ = deadline_create(
        actor=actor_a, citizen=citizen, conversation_type=7, deadline_date=TODAY + timedelta(days=10)
    )
    citizens.citizen_change_contact_group(actor=actor_a, citizen=citizen, contact_group=3)  # still allows 7
    deadline.refresh_from_db()
    assert deadline.status == "active"
    citizens.citizen_change_contact_group(actor=actor_a, citizen=citizen, contact_group=6)
    deadline.refresh_from_db()
    assert history(deadline)[-1] == (TODAY, "active", "closed_admin", "contact_group_disallows")


def test_r_dl_10_jobcenter_change_closes(make_citizen, actor_a, jc_b):
    citizen = make_citizen(contact_group=2)
    deadline, _ = deadline_create(
        actor=actor_a, citizen=citizen, conversation_type=7, deadline_date=TODAY + timedelta(days=10)
    )
    citizens.citizen_move_jobcenter(actor=Actor.system("test"), citizen=citizen, jobcenter=jc_b.code)
    deadline.refresh_from_db()
    assert history(deadline)[-1][2:] == ("closed_admin", "jobcenter_changed")


@pytest.mark.parametrize(
    "absence_type,closes", [(56, True), (57, True), (75, True), (10, False), (11, False)]
)
def test_r_dl_16_closing_absence(make_citizen, actor_a, absence_type, closes):
    citizen = make_citizen(contact_group=2)
    deadline, _ = deadline_create(
        actor=actor_a, citizen=citizen, conversation_type=7, deadline_date=TODAY + timedelta(days=10)
    )
    citizens.absence_register(actor=actor_a, citizen=citizen, absence_type=absence_type, start_date=TODAY)
    deadline.refresh_from_db()
    assert (deadline.status == "closed_admin") is closes
    if closes:
        assert history(deadline)[-1][3] == "closing_absence"


def test_close_by_caseworker_and_refused_twice(make_citizen, actor_a, actor_b):
    citizen = make_citizen(contact_group=2)
    deadline, _ = deadline_create(
        actor=actor_a, citizen=citizen, conversation_type=7, deadline_date=TODAY + timedelta(days=10)
    )
    with pytest.raises(NotFound):
        deadline_close(actor=actor_b, deadline=deadline)
    deadline_close(actor=actor_a, deadline=deadline)
    deadline.refresh_from_db()
    assert history(deadline)[-1] == (TODAY, "active", "closed_admin", "closed_by_caseworker")
    with pytest.raises(Conflict):
        deadline_close(actor=actor_a, deadline=deadline)


def test_r_dl_9_horizon_and_open_for(make_citizen, actor_a):
    from samtale.codes.models import ConversationType

    citizen = make_citizen(contact_group=2)
    deadline_create(
        actor=actor_a, citizen=citizen, conversation_type=7, deadline_date=TODAY + timedelta(days=10)
    )
    assert booking_horizon(citizen, ConversationType.objects.get(code=7), TODAY) == TODAY + timedelta(days=17)
    assert deadline_open_for(citizen, TODAY).status == "active"


def test_event_after_missed_batch_acts_on_effective_status(make_citizen, actor_a, make_booking):
    """A booking made after the deadline date passed (batch not run) does not fulfil it: the service
    first makes the overdue close durable, with the same history the batch writes."""
    citizen = make_citizen(contact_group=2)
    deadline, _ = deadline_create(
        actor=actor_a, citizen=citizen, conversation_type=7, deadline_date=TODAY + timedelta(days=8)
    )
    with time_machine.travel(clock.at(TODAY + timedelta(days=9), 9), tick=False):
        make_booking(citizen, TODAY + timedelta(days=12))
    deadline.refresh_from_db()
    assert history(deadline)[-2:] == [
        (TODAY + timedelta(days=9), "active", "closed_overdue", "deadline_date_passed"),
        (TODAY + timedelta(days=9), "closed_overdue", "closed_admin", "closed_at_once"),
    ]
    summary = jobs.daily(TODAY + timedelta(days=9))[TODAY + timedelta(days=9)]
    assert {k: summary[k] for k in ("activation", "meeting", "overdue", "ninety_days")} == {
        "activation": 0,
        "meeting": 0,
        "overdue": 0,
        "ninety_days": 0,
    }


def test_with_the_real_booking_services(make_citizen, actor_a):
    """R-DL-4 and the cancellation decision through bookings.services (BOOKING_CHANGED wired in ready())."""
    from samtale.bookings import services as bookings
    from samtale.codes.models import CancellationReason

    citizen = make_citizen(contact_group=2)
    deadline, _ = deadline_create(
        actor=actor_a, citizen=citizen, conversation_type=7, deadline_date=TODAY + timedelta(days=10)
    )
    start = clock.at(TODAY + timedelta(days=4), 10)
    booking = bookings.booking_summon(
        actor=actor_a,
        citizen=citizen,
        conversation_type=7,
        contact_form="personligt",
        location="Jobcentret, mødelokale 1",
        description="Vi taler om din situation og dine næste skridt.",
        start=start,
        end=start + timedelta(minutes=30),
        address="Jobcentervej 1",
    )
    deadline.refresh_from_db()
    assert deadline.status == "fulfilled" and deadline.fulfilled_by == booking
    later = clock.at(TODAY + timedelta(days=6), 10)
    bookings.booking_move(
        actor=actor_a,
        booking=booking,
        start=later,
        end=later + timedelta(minutes=30),
        confirm_unusual_time=True,  # a Sunday
    )
    deadline.refresh_from_db()
    assert deadline.meeting_date == TODAY + timedelta(days=6)
    reason = CancellationReason.objects.filter(active=True).first()
    bookings.booking_cancel(actor=actor_a, booking=booking, reason=reason.code)
    deadline.refresh_from_db()
    assert deadline.status == "active"
    assert [h[3] for h in history(deadline)][-2:] == ["summons_made", "fulfilling_booking_cancelled"]
