"""SPEC.md § 9, seed 004 Bilag 1: S-1 … S-8, step by step, the clock walked day by day with the daily
batch between days; each asserts the status and the full history.

"Samtalen registreres" (held conversation registration, issue 5) is represented by its effect on the
planned conversation (held / no-show) through the BOOKING_CHANGED hook; the next deadline is set with
deadline_create, which is what the registration calls (R-HC-10)."""

from datetime import date, timedelta

import pytest

from samtale.codes.models import CancellationReason
from samtale.deadlines import rules
from samtale.deadlines.models import Deadline
from samtale.deadlines.selectors import booking_horizon, deadline_open_for
from samtale.deadlines.services import deadline_create
from samtale.reporting.models import ReportEvent
from tests.deadlines.conftest import booking_changed, history

D0 = date(2026, 6, 1)  # a Monday


def d(n: int) -> date:
    return D0 + timedelta(days=n)


def _deadline(actor, citizen, deadline_day, activation_day=None, code=7):
    deadline, _ = deadline_create(
        actor=actor,
        citizen=citizen,
        conversation_type=code,
        deadline_date=deadline_day,
        activation_date=activation_day,
    )
    return deadline


def _mark(booking, status):
    booking.status = status
    booking.save(update_fields=["status"])
    booking_changed(booking, status)


def _reported(deadline):
    return [
        (e.payload["old"], e.payload["new"])
        for e in ReportEvent.objects.filter(
            kind="deadline.status_changed", payload__deadline=str(deadline.public_id)
        ).order_by("id")
    ]


CREATED_ACTIVE = lambda day: [  # noqa: E731
    (day, None, "not_activated", "created"),
    (day, "not_activated", "active", "activation_date_reached"),
]


def test_s1_booked_held_closed_on_meeting_date_then_new_deadline(
    walker, make_citizen, actor_a, make_booking, make_offer
):
    w = walker(D0)
    citizen = make_citizen(contact_group=3)
    deadline = _deadline(actor_a, citizen, d(14))
    assert deadline.status == "active"
    w.walk_to(d(3), deadline)
    booking = make_booking(citizen, d(10), self_booked=True, offer=make_offer())  # citizen books
    deadline.refresh_from_db()
    assert deadline.status == "fulfilled"
    w.walk_to(d(9), deadline)
    assert deadline.status == "fulfilled"
    w.walk_to(d(10), deadline)  # meeting date: the batch closes it
    assert deadline.status == "closed_admin"
    w.at(11)
    _mark(booking, "held")  # the conversation is held
    deadline.refresh_from_db()
    new = _deadline(
        actor_a, citizen, d(40)
    )  # the jobcenter sets a new deadline, the conversation is registered
    assert history(deadline) == [
        *CREATED_ACTIVE(d(0)),
        (d(3), "active", "fulfilled", "fulfilling_booking_made"),
        (d(10), "fulfilled", "closed_fulfilled", "meeting_date_reached"),
        (d(10), "closed_fulfilled", "closed_admin", "closed_at_once"),
    ]
    assert _reported(deadline) == [(h[1], h[2]) for h in history(deadline)]
    assert new.status == "active" and history(new) == CREATED_ACTIVE(d(10))


def test_s2_turns_up_without_booking_new_deadline_closes_old(walker, make_citizen, actor_a):
    w = walker(D0)
    citizen = make_citizen(contact_group=2)
    old = _deadline(actor_a, citizen, d(14))
    w.walk_to(d(6), old)
    assert old.status == "active"
    # The citizen turns up without booking; the conversation is held and a new deadline set.
    new = _deadline(actor_a, citizen, d(30))
    old.refresh_from_db()
    assert history(old) == [*CREATED_ACTIVE(d(0)), (d(6), "active", "closed_admin", "superseded")]
    assert new.status == "active" and history(new) == CREATED_ACTIVE(d(6))
    w.walk_to(d(16), old, new)
    assert old.status == "closed_admin" and new.status == "active"


def test_s3_summons_fulfils_closed_on_meeting_date(walker, make_citizen, actor_a, make_booking):
    w = walker(D0)
    citizen = make_citizen(contact_group=2)
    deadline = _deadline(actor_a, citizen, d(14))
    w.walk_to(d(2), deadline)
    make_booking(citizen, d(12))  # the jobcenter summons
    deadline.refresh_from_db()
    assert deadline.status == "fulfilled"
    w.walk_to(d(13), deadline)
    assert history(deadline) == [
        *CREATED_ACTIVE(d(0)),
        (d(2), "active", "fulfilled", "summons_made"),
        (d(12), "fulfilled", "closed_fulfilled", "meeting_date_reached"),
        (d(12), "closed_fulfilled", "closed_admin", "closed_at_once"),
    ]


def test_s4_already_summoned_deadline_fulfilled_at_once(walker, make_citizen, actor_a, make_booking):
    """S-4: summoned before the deadline is given → fulfilled at once (R-DL-3) → closed as S-3."""
    w = walker(D0)
    citizen = make_citizen(contact_group=2)
    make_booking(citizen, d(9))
    w.walk_to(d(1))
    deadline = _deadline(actor_a, citizen, d(14))
    assert deadline.status == "fulfilled"
    w.walk_to(d(10), deadline)
    assert history(deadline) == [
        (d(1), None, "not_activated", "created"),
        (d(1), "not_activated", "fulfilled", "summons_made"),
        (d(9), "fulfilled", "closed_fulfilled", "meeting_date_reached"),
        (d(9), "closed_fulfilled", "closed_admin", "closed_at_once"),
    ]


# S-5 runs through the real services, in the seed's order, in test_seed_004_through_services.py
# (test_s5_in_the_seeds_order): a shortcut past the booking services would skip R-PC-4.


@pytest.mark.parametrize("group,deregistration", [(2, False), (1, True)])
def test_s6_nothing_booked_closed_overdue_day_after(walker, make_citizen, actor_a, group, deregistration):
    """S-6: nothing booked → the day after the deadline date closed_overdue, closed_admin (R-DL-6;
    contact group 1 also gets the deregistration event, R-DL-15)."""
    w = walker(D0)
    citizen = make_citizen(contact_group=group)
    deadline = _deadline(actor_a, citizen, d(10))
    w.walk_to(d(10), deadline)
    assert deadline.status == "active"
    assert deadline_open_for(citizen, d(10)) is not None
    w.walk_to(d(11), deadline)
    assert history(deadline) == [
        *CREATED_ACTIVE(d(0)),
        (d(11), "active", "closed_overdue", "deadline_date_passed"),
        (d(11), "closed_overdue", "closed_admin", "closed_at_once"),
    ]
    assert _reported(deadline)[-2:] == [("active", "closed_overdue"), ("closed_overdue", "closed_admin")]
    dereg = ReportEvent.objects.filter(kind="deadline.deregistration_due", citizen=citizen)
    assert dereg.exists() is deregistration  # R-DL-6 (none) vs R-DL-15 (contact group 1)


def test_s7_activation_in_a_month(walker, make_citizen, actor_a, make_booking, make_offer):
    w = walker(D0)
    citizen = make_citizen(contact_group=3)
    deadline = _deadline(actor_a, citizen, d(45), activation_day=d(30))
    assert deadline.status == "not_activated"
    assert rules.notice_for(deadline, d(0)) is None  # invisible
    from samtale.codes.models import ConversationType

    assert booking_horizon(citizen, ConversationType.objects.get(code=7), d(0)) == d(52)  # limits already
    w.walk_to(d(29), deadline)
    assert deadline.status == "not_activated"
    w.walk_to(d(30), deadline)
    assert deadline.status == "active" and rules.notice_for(deadline, d(30)).rule == "R-NT-1"
    w.walk_to(d(33), deadline)
    make_booking(citizen, d(40), self_booked=True, offer=make_offer())
    w.walk_to(d(40), deadline)
    assert history(deadline) == [
        (d(0), None, "not_activated", "created"),
        (d(30), "not_activated", "active", "activation_date_reached"),
        (d(33), "active", "fulfilled", "fulfilling_booking_made"),
        (d(40), "fulfilled", "closed_fulfilled", "meeting_date_reached"),
        (d(40), "closed_fulfilled", "closed_admin", "closed_at_once"),
    ]


def test_s8_booking_before_activation_moves_activation_date(
    walker, make_citizen, actor_a, make_booking, make_offer
):
    w = walker(date(2026, 6, 6))
    citizen = make_citizen(contact_group=3)
    deadline = _deadline(actor_a, citizen, date(2026, 7, 14), activation_day=date(2026, 7, 3))
    w.walk_to(date(2026, 7, 1), deadline)
    assert deadline.status == "not_activated"
    make_booking(citizen, date(2026, 7, 2), self_booked=True, offer=make_offer())  # books on 1 July
    deadline.refresh_from_db()
    assert deadline.status == "fulfilled" and deadline.activation_date == date(2026, 7, 1)
    w.walk_to(date(2026, 7, 4), deadline)
    assert history(deadline) == [
        (date(2026, 6, 6), None, "not_activated", "created"),
        (date(2026, 7, 1), "not_activated", "fulfilled", "fulfilling_booking_made"),
        (date(2026, 7, 2), "fulfilled", "closed_fulfilled", "meeting_date_reached"),
        (date(2026, 7, 2), "closed_fulfilled", "closed_admin", "closed_at_once"),
    ]
    assert Deadline.objects.get(pk=deadline.pk).activation_date == date(2026, 7, 1)


def test_cancelled_fulfilling_booking_back_to_active_then_overdue(
    walker, make_citizen, actor_a, make_booking
):
    """Our decision for a cancelled fulfilling conversation (docs/deadline-states.md): back to active;
    with nothing new booked the deadline then runs out as any active one."""
    w = walker(D0)
    citizen = make_citizen(contact_group=2)
    deadline = _deadline(actor_a, citizen, d(10))
    w.walk_to(d(2), deadline)
    booking = make_booking(citizen, d(12))
    w.walk_to(d(5), deadline)
    booking.status, booking.cancellation_reason = "cancelled", CancellationReason.objects.first()
    booking.save()
    booking_changed(booking, "cancelled")
    w.walk_to(d(11), deadline)
    assert history(deadline) == [
        *CREATED_ACTIVE(d(0)),
        (d(2), "active", "fulfilled", "summons_made"),
        (d(5), "fulfilled", "active", "fulfilling_booking_cancelled"),
        (d(11), "active", "closed_overdue", "deadline_date_passed"),
        (d(11), "closed_overdue", "closed_admin", "closed_at_once"),
    ]
