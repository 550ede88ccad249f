"""Planned conversations (SPEC.md § 4): one test per rule R-PC-1 … R-PC-11 (R-PC-10 is in
tests/citizens), plus the bad inputs the issue lists. Nothing is mocked: services, selectors and the
database are the real ones."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from samtale.bookings import services
from samtale.bookings.models import Booking, BookingChange, BookingStatus
from samtale.bookings.selectors import bookable_slots, bookable_slots_by_day, booking_get, citizen_bookings
from samtale.core import clock
from samtale.core.actors import Actor
from samtale.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from samtale.reporting.models import ReportEvent
from samtale.scheduling.models import Slot
from tests.bookings.conftest import TZ, local


def booking_events(kind=None):
    qs = ReportEvent.objects.filter(kind__startswith="booking.")
    return qs.filter(kind=kind) if kind else qs


def summon(actor, citizen, start, minutes=45, ctype=7, form="personligt", **kw):
    kw.setdefault("address", "Vesterbrogade 1, 1620 København V")
    kw.setdefault("location", "Jobcentret, mødelokale 2")
    kw.setdefault("description", "Vi taler om din jobsøgning og dine næste skridt.")
    kw.setdefault("citizen_contact", "+4520304050")
    return services.booking_summon(
        actor=actor,
        citizen=citizen,
        conversation_type=ctype,
        contact_form=form,
        start=start,
        end=start + timedelta(minutes=minutes),
        **kw,
    )


def assert_unchanged(before_bookings, before_events):
    assert Booking.objects.count() == before_bookings
    assert booking_events().count() == before_events


# R-PC-1 ---------------------------------------------------------------------------------------------


def test_r_pc_1_end_before_start_is_refused_and_nothing_changes(actor_a, citizen):
    start = local(2026, 3, 10, 10)
    with pytest.raises(InvalidInput) as e:
        services.booking_summon(
            actor=actor_a,
            citizen=citizen,
            conversation_type=7,
            contact_form="telefonisk",
            location="Jobcentret, mødelokale 1",
            description="Vi taler om din situation og dine næste skridt.",
            start=start,
            end=start - timedelta(minutes=1),
        )
    assert e.value.rule == "R-PC-1" and e.value.code == "end_before_start"
    assert_unchanged(0, 0)


def test_r_pc_1_naive_times_are_refused(actor_a, citizen):
    with pytest.raises(InvalidInput) as e:
        services.booking_summon(
            actor=actor_a,
            citizen=citizen,
            conversation_type=7,
            contact_form="telefonisk",
            location="Jobcentret, mødelokale 1",
            description="Vi taler om din situation og dine næste skridt.",
            start=datetime(2026, 3, 10, 10),
            end=datetime(2026, 3, 10, 11),
        )
    assert e.value.rule == "R-PC-1"


def test_r_pc_1_summons_in_the_past_is_refused(actor_a, citizen):
    with pytest.raises(InvalidInput) as e:
        summon(actor_a, citizen, local(2026, 3, 1, 10))
    assert e.value.rule == "R-PC-1" and e.value.code == "start_in_past"
    assert_unchanged(0, 0)


def test_r_pc_1_times_are_stored_in_utc(actor_a, citizen):
    b = summon(actor_a, citizen, local(2026, 3, 10, 10))
    b.refresh_from_db()
    assert b.start == datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    assert b.start.astimezone(TZ).hour == 10


# R-PC-2 ---------------------------------------------------------------------------------------------


def test_r_pc_2_personal_attendance_requires_an_address(actor_a, citizen):
    with pytest.raises(InvalidInput) as e:
        summon(actor_a, citizen, local(2026, 3, 10, 10), address="")
    assert e.value.rule == "R-PC-2" and e.value.code == "address_required"
    assert_unchanged(0, 0)


def test_r_pc_2_citizen_calls_requires_the_number(actor_a, citizen):
    with pytest.raises(InvalidInput) as e:
        summon(actor_a, citizen, local(2026, 3, 10, 10), form="telefonisk", who_calls="citizen")
    assert e.value.rule == "R-PC-2" and e.value.code == "phone_to_call_required"
    b = summon(
        actor_a,
        citizen,
        local(2026, 3, 10, 10),
        form="telefonisk",
        who_calls="citizen",
        phone_to_call="33 33 33 33",
    )
    assert b.phone_to_call == "+4533333333"


def test_r_pc_2_jobsamtale_med_akasse_requires_participation_status(actor_a, make_citizen, akasse):
    member = make_citizen(contact_group=1, akasse=akasse.code)
    with pytest.raises(InvalidInput) as e:
        summon(actor_a, member, local(2026, 3, 10, 10), ctype=17)
    assert e.value.rule == "R-PC-2" and e.value.code == "akasse_participation_required"
    b = summon(actor_a, member, local(2026, 3, 10, 10), ctype=17, akasse_expected=True, akasse_invited=True)
    assert b.akasse_expected is True


def test_r_pc_2_offer_for_personal_attendance_requires_an_address(make_offer):
    with pytest.raises(InvalidInput) as e:
        make_offer(address="")
    assert e.value.rule == "R-PC-2"


# R-PC-3 ---------------------------------------------------------------------------------------------


def test_r_pc_3_move_keeps_the_number_and_records_old_and_new_times(actor_a, citizen):
    b = summon(actor_a, citizen, local(2026, 3, 10, 10))
    number = b.booking_number
    moved = services.booking_move(
        actor=actor_a, booking=b, start=local(2026, 3, 11, 13), end=local(2026, 3, 11, 14)
    )
    assert moved.booking_number == number and moved.pk == b.pk
    change = BookingChange.objects.filter(booking=b, kind="moved").get()
    assert change.old["start"] == local(2026, 3, 10, 10).astimezone(UTC).isoformat()
    assert change.new["start"] == local(2026, 3, 11, 13).astimezone(UTC).isoformat()
    assert change.actor == actor_a.label
    assert [c.kind for c in b.changes.all()] == ["created", "moved"]


def test_r_pc_3_cancellation_carries_a_reason(actor_a, citizen):
    b = summon(actor_a, citizen, local(2026, 3, 10, 10))
    with pytest.raises(InvalidInput) as e:
        services.booking_cancel(actor=actor_a, booking=b, reason="")
    assert e.value.rule == "R-PC-3"
    b.refresh_from_db()
    assert b.status == BookingStatus.PLANNED
    services.booking_cancel(actor=actor_a, booking=b, reason="fejlindkaldelse")
    b.refresh_from_db()
    assert b.status == BookingStatus.CANCELLED and b.cancellation_reason.code == "fejlindkaldelse"


def test_r_pc_3_statuses_planned_held_cancelled_no_show(actor_a, citizen, make_citizen):
    b = summon(actor_a, citizen, local(2026, 3, 2, 10))
    with pytest.raises(Conflict) as e:
        services.booking_mark_no_show(actor=actor_a, booking=b)
    assert e.value.code == "no_show_before_start"
    with time_machine.travel(local(2026, 3, 2, 10, 5), tick=False):
        services.booking_mark_no_show(actor=actor_a, booking=b)
        b.refresh_from_db()
        assert b.status == BookingStatus.NO_SHOW
        services.booking_mark_held(actor=actor_a, booking=b)  # a no-show registered by mistake
        b.refresh_from_db()
        assert b.status == BookingStatus.HELD
        with pytest.raises(Conflict) as e:
            services.booking_cancel(actor=actor_a, booking=b, reason="fejlindkaldelse")
        assert e.value.rule == "R-PC-3"
    assert set(BookingStatus.values) == {"planned", "held", "cancelled", "no_show"}


def test_booking_numbers_are_human_readable_and_unique(actor_a, make_citizen):
    numbers = [
        summon(actor_a, make_citizen(contact_group=6), local(2026, 3, 10 + i, 10), ctype=12).booking_number
        for i in range(3)
    ]
    assert len(set(numbers)) == 3
    assert all(n.startswith("B-2026-") and len(n) == len("B-2026-000001") for n in numbers)


# R-PC-4 ---------------------------------------------------------------------------------------------


def test_r_pc_4_one_planned_jobsamtale_or_opfoelgning_at_a_time(actor_a, citizen):
    first = summon(actor_a, citizen, local(2026, 3, 10, 10), ctype=4)
    with pytest.raises(Conflict) as e:
        summon(actor_a, citizen, local(2026, 3, 20, 10), ctype=7)  # Opfølgning and Jobsamtale count together
    assert e.value.rule == "R-PC-4"
    assert first.booking_number in e.value.message
    summon(actor_a, citizen, local(2026, 3, 20, 10), ctype=12)  # Anden samtale has no family: allowed
    services.booking_cancel(actor=actor_a, booking=first, reason="fejlindkaldelse")
    summon(actor_a, citizen, local(2026, 3, 23, 10), ctype=7)  # the cancelled one no longer counts


def test_r_pc_4_self_booking_refused_while_one_is_planned(actor_a, citizen, me, slot):
    summon(actor_a, citizen, local(2026, 3, 20, 10), ctype=7)
    with pytest.raises(Conflict) as e:
        services.booking_self_book(actor=me, slot=slot)
    assert e.value.rule == "R-PC-4"
    slot.refresh_from_db()
    assert slot.booked == 0


@pytest.mark.parametrize(
    "meeting, at, allowed",
    [
        # Ordinary day: the exception holds from 00:00 Copenhagen time on the meeting's day; from the
        # next day on the meeting's day has passed and it no longer counts at all (R-PC-4, S-5).
        (local(2026, 3, 10, 10), local(2026, 3, 9, 23, 59), False),
        (local(2026, 3, 10, 10), local(2026, 3, 10, 0, 0), True),
        (local(2026, 3, 10, 10), local(2026, 3, 10, 23, 59), True),
        (local(2026, 3, 10, 10), local(2026, 3, 11, 0, 0), True),
        # Spring forward (29 March 2026, 02:00 → 03:00): the Danish day starts at 23:00 UTC the 28th.
        (local(2026, 3, 29, 1, 30), datetime(2026, 3, 28, 22, 59, tzinfo=UTC), False),
        (local(2026, 3, 29, 1, 30), datetime(2026, 3, 28, 23, 0, tzinfo=UTC), True),
        (local(2026, 3, 29, 23, 30), datetime(2026, 3, 29, 21, 59, tzinfo=UTC), True),
        # Fall back (25 October 2026, 03:00 → 02:00): the day before ends at 22:00 UTC.
        (local(2026, 10, 25, 23, 30), datetime(2026, 10, 24, 21, 59, tzinfo=UTC), False),
        (local(2026, 10, 25, 23, 30), datetime(2026, 10, 24, 22, 0, tzinfo=UTC), True),
    ],
)
def test_r_pc_4_same_day_exception_at_the_copenhagen_day_boundary_and_dst(
    actor_a, citizen, meeting, at, allowed
):
    # Night and Sunday meetings, confirmed as unusual times: the day boundary is what is tested here.
    with time_machine.travel(meeting - timedelta(days=3), tick=False):
        summon(actor_a, citizen, meeting, minutes=20, ctype=7, confirm_unusual_time=True)
    with time_machine.travel(at, tick=False):
        later = at + timedelta(days=14)
        if allowed:
            second = summon(actor_a, citizen, later, ctype=7, confirm_unusual_time=True)
            assert Booking.objects.filter(citizen=citizen, status="planned").count() == 2
            assert second.status == BookingStatus.PLANNED
        else:
            with pytest.raises(Conflict) as e:
                summon(actor_a, citizen, later, ctype=7, confirm_unusual_time=True)
            assert e.value.rule == "R-PC-4"


def test_r_pc_4_move_does_not_count_the_booking_itself(actor_a, citizen):
    b = summon(actor_a, citizen, local(2026, 3, 10, 10), ctype=7)
    services.booking_move(actor=actor_a, booking=b, start=local(2026, 3, 12, 10))
    b.refresh_from_db()
    assert b.start == local(2026, 3, 12, 10) and b.end - b.start == timedelta(minutes=45)


# R-PC-5 ---------------------------------------------------------------------------------------------


def test_r_pc_5_full_slot_is_refused(make_citizen, slot):
    first = Actor.for_citizen(make_citizen(contact_group=6))
    second = Actor.for_citizen(make_citizen(contact_group=6))
    services.booking_self_book(actor=first, slot=slot)
    with pytest.raises(Conflict) as e:
        services.booking_self_book(actor=second, slot=slot)
    assert e.value.rule == "R-PC-5" and e.value.status == 409
    slot.refresh_from_db()
    assert slot.booked == 1 and Booking.objects.count() == 1


def test_r_pc_5_a_citizen_holds_a_joint_slot_once_and_cancel_frees_the_place(
    make_offer, make_slot, make_citizen
):
    info = make_offer(title="Informationsmøde", conversation_type=9, meeting_form="joint")
    joint = make_slot(info, local(2026, 3, 5, 13), minutes=90, capacity=10)
    me = Actor.for_citizen(make_citizen(contact_group=6))
    b = services.booking_self_book(actor=me, slot=joint)
    with pytest.raises(Conflict) as e:
        services.booking_self_book(actor=me, slot=joint)
    assert e.value.rule == "R-PC-5" and e.value.code == "already_booked"
    joint.refresh_from_db()
    assert joint.booked == 1
    services.booking_cancel(actor=me, booking=b, reason="borger_sygdom")
    joint.refresh_from_db()
    assert joint.booked == 0
    services.booking_self_book(actor=me, slot=joint)  # may book again after cancelling
    joint.refresh_from_db()
    assert joint.booked == 1


def test_r_pc_5_summons_into_a_full_slot_is_refused(actor_a, make_citizen, slot):
    services.booking_summon(actor=actor_a, citizen=make_citizen(contact_group=6), slot=slot)
    with pytest.raises(Conflict) as e:
        services.booking_summon(actor=actor_a, citizen=make_citizen(contact_group=6), slot=slot)
    assert e.value.rule == "R-PC-5"


# R-PC-6 ---------------------------------------------------------------------------------------------


def test_r_pc_6_citizen_rebooks_only_before_the_cutoff(me, offer, make_slot, slot):
    other = make_slot(offer, local(2026, 3, 6, 10))
    b = services.booking_self_book(actor=me, slot=slot)
    assert b.rebooking_deadline == local(2026, 3, 4, 10)
    with time_machine.travel(local(2026, 3, 4, 10, 0), tick=False):
        with pytest.raises(Conflict) as e:
            services.booking_rebook(actor=me, booking=b, slot=other)
        assert e.value.rule == "R-PC-6" and e.value.code == "rebook_deadline_passed"
    with time_machine.travel(local(2026, 3, 4, 9, 59), tick=False):
        moved = services.booking_rebook(actor=me, booking=b, slot=other)
    assert moved.booking_number == b.booking_number and moved.start == other.start
    slot.refresh_from_db()
    other.refresh_from_db()
    assert (slot.booked, other.booked) == (0, 1)
    assert b.changes.filter(kind="rebooked").count() == 1


def test_r_pc_6_citizen_may_not_rebook_when_not_allowed(me, make_offer, make_slot):
    strict = make_offer(rebooking_allowed=False, cancellation_allowed=False)
    a, b2 = make_slot(strict, local(2026, 3, 5, 10)), make_slot(strict, local(2026, 3, 6, 10))
    b = services.booking_self_book(actor=me, slot=a)
    with pytest.raises(Conflict) as e:
        services.booking_rebook(actor=me, booking=b, slot=b2)
    assert e.value.rule == "R-PC-6" and e.value.code == "rebook_not_allowed"
    with pytest.raises(Conflict) as e:
        services.booking_cancel(actor=me, booking=b, reason="borger_sygdom")
    assert e.value.rule == "R-PC-6" and e.value.code == "cancel_not_allowed"
    b.refresh_from_db()
    assert b.status == "planned" and b.slot_id == a.pk


def test_r_pc_6_citizen_cancels_only_before_the_cutoff_the_jobcenter_always(me, actor_a, slot):
    b = services.booking_self_book(actor=me, slot=slot)
    with time_machine.travel(local(2026, 3, 4, 12), tick=False):
        with pytest.raises(Conflict) as e:
            services.booking_cancel(actor=me, booking=b, reason="borger_sygdom")
        assert e.value.rule == "R-PC-6"
        services.booking_move(actor=actor_a, booking=b, start=local(2026, 3, 5, 14))
        services.booking_cancel(actor=actor_a, booking=b, reason="sagsbehandler_fravaer")
    b.refresh_from_db()
    assert b.status == "cancelled"


def test_r_pc_6_citizen_cannot_use_a_jobcenter_reason(me, slot):
    b = services.booking_self_book(actor=me, slot=slot)
    with pytest.raises(InvalidInput) as e:
        services.booking_cancel(actor=me, booking=b, reason="fejlindkaldelse")
    assert e.value.code == "reason_not_for_citizen"


def test_r_pc_6_only_the_citizen_rebooks_and_only_the_jobcenter_moves(me, actor_a, offer, make_slot, slot):
    other = make_slot(offer, local(2026, 3, 6, 10))
    b = services.booking_self_book(actor=me, slot=slot)
    with pytest.raises(Forbidden):
        services.booking_move(actor=me, booking=b, slot=other)
    with pytest.raises(Forbidden):
        services.booking_rebook(actor=actor_a, booking=b, slot=other)


# R-PC-7 / R-PC-8 -------------------------------------------------------------------------------------


def test_r_pc_7_every_create_move_change_and_cancel_is_one_report_event(
    actor_a, me, citizen, offer, make_slot, slot
):
    other = make_slot(offer, local(2026, 3, 6, 10))
    b = services.booking_self_book(actor=me, slot=slot)
    assert list(booking_events().values_list("kind", flat=True)) == ["booking.created"]
    services.booking_rebook(actor=me, booking=b, slot=other)
    services.booking_move(actor=actor_a, booking=b, start=local(2026, 3, 9, 10))
    services.booking_mark_seen(actor=me, booking=b)
    services.booking_cancel(actor=actor_a, booking=b, reason="jobcenter_aflyst")
    kinds = list(booking_events().order_by("id").values_list("kind", flat=True))
    assert kinds == [
        "booking.created",
        "booking.rebooked",
        "booking.moved",
        "booking.confirmed",
        "booking.cancelled",
    ]
    moved = booking_events("booking.moved").get()
    assert moved.payload["booking_number"] == b.booking_number
    assert moved.payload["previous"]["start"] == other.start.astimezone(UTC).isoformat()
    assert moved.payload["start"] == local(2026, 3, 9, 10).astimezone(UTC).isoformat()
    assert all(e.citizen_id == citizen.pk for e in booking_events())
    assert booking_events("booking.cancelled").get().payload["cancellation_reason"] == "jobcenter_aflyst"


def test_r_pc_7_a_refused_change_writes_no_event(me, make_citizen, slot):
    services.booking_self_book(actor=Actor.for_citizen(make_citizen(contact_group=6)), slot=slot)
    with pytest.raises(Conflict):
        services.booking_self_book(actor=me, slot=slot)
    assert booking_events().count() == 1


def test_r_pc_8_contact_group_1_summons_goes_to_the_akasse(actor_a, make_citizen, akasse):
    member = make_citizen(contact_group=1, akasse=akasse.code)
    other = make_citizen(contact_group=2, akasse=akasse.code)
    summon(actor_a, member, local(2026, 3, 10, 10))
    summon(actor_a, other, local(2026, 3, 10, 11))
    assert booking_events().get(citizen=member).akasse_id == akasse.pk
    assert booking_events().get(citizen=other).akasse_id is None


# R-PC-9 ---------------------------------------------------------------------------------------------


def test_r_pc_9_mark_seen_sets_confirmed_at_the_first_time_only(actor_a, citizen, me):
    b = summon(actor_a, citizen, local(2026, 3, 10, 10))
    assert b.confirmed_at is None
    services.booking_mark_seen(actor=me, booking=b)
    b.refresh_from_db()
    first = b.confirmed_at
    assert first == clock.now()
    with time_machine.travel(local(2026, 3, 3, 12), tick=False):
        services.booking_mark_seen(actor=me, booking=b)
    b.refresh_from_db()
    assert b.confirmed_at == first
    assert b.changes.filter(kind="confirmed").count() == 1
    with pytest.raises(Forbidden):
        services.booking_mark_seen(actor=actor_a, booking=b)


# R-PC-11 --------------------------------------------------------------------------------------------


def test_r_pc_11_bookable_slots_match_jobcenter_contact_group_future_notice_and_free(
    citizen, me, offer, make_offer, make_slot, jc_b, cw_b, make_citizen
):
    good = make_slot(offer, local(2026, 3, 5, 10))
    make_slot(offer, local(2026, 3, 2, 9, 30))  # inside the 2 hours' minimum notice
    other_group = make_offer(contact_groups=[2])
    make_slot(other_group, local(2026, 3, 5, 11))
    elsewhere = make_offer(jobcenter=jc_b)
    make_slot(elsewhere, local(2026, 3, 5, 12), caseworker=cw_b)
    full = make_slot(offer, local(2026, 3, 5, 14))
    services.booking_self_book(actor=Actor.for_citizen(make_citizen(contact_group=6)), slot=full)
    withdrawn = make_slot(offer, local(2026, 3, 5, 15))
    Slot.objects.filter(pk=withdrawn.pk).update(status="withdrawn")
    inactive = make_offer(active=False)
    make_slot(inactive, local(2026, 3, 5, 16))
    assert [s.pk for s in bookable_slots(citizen, now=clock.now())] == [good.pk]
    days = bookable_slots_by_day(citizen, now=clock.now())
    assert list(days) == [local(2026, 3, 5).date()]


def test_r_pc_11_contact_group_that_may_not_self_book_sees_nothing(make_citizen, slot, make_offer):
    """Without a deadline a kontanthjælpsmodtager does not self-book (seed 004 § 2; with one they
    do — R-DL-18, tests/bookings/test_r_dl_18.py)."""
    cash = make_citizen(contact_group=2)
    open_offer = make_offer(contact_groups=[2])
    assert bookable_slots(cash, now=clock.now()) == []
    with pytest.raises(Conflict) as e:
        services.booking_self_book(actor=Actor.for_citizen(cash), slot=slot)
    assert e.value.rule == "R-DL-18"
    assert open_offer.slots.count() == 0


def test_r_pc_11_absence_days_are_not_offered(citizen, me, offer, make_slot, system):
    from samtale.citizens.services import absence_register

    a = make_slot(offer, local(2026, 3, 5, 10))
    b = make_slot(offer, local(2026, 3, 6, 10))
    absence_register(
        actor=system,
        citizen=citizen,
        absence_type=10,
        start_date=local(2026, 3, 5).date(),
        end_date=local(2026, 3, 5).date(),
    )
    assert [s.pk for s in bookable_slots(citizen, now=clock.now())] == [b.pk]
    with pytest.raises(Conflict) as e:
        services.booking_self_book(actor=me, slot=a)
    assert e.value.rule == "R-PC-11" and e.value.code == "slot_in_absence"


def test_r_pc_11_bad_slots_are_refused_with_the_rule(me, make_offer, make_slot, jc_b, cw_b, offer):
    with pytest.raises(InvalidInput) as e:
        services.booking_self_book(
            actor=me, slot=make_slot(make_offer(jobcenter=jc_b), local(2026, 3, 5, 10), caseworker=cw_b)
        )
    assert (e.value.rule, e.value.code) == ("R-PC-11", "slot_other_jobcenter")
    with pytest.raises(InvalidInput) as e:
        services.booking_self_book(
            actor=me, slot=make_slot(make_offer(contact_groups=[2]), local(2026, 3, 5, 11))
        )
    assert (e.value.rule, e.value.code) == ("R-PC-11", "slot_other_contact_group")
    past = make_slot(offer, local(2026, 3, 3, 10))
    with time_machine.travel(local(2026, 3, 3, 11), tick=False):
        with pytest.raises(InvalidInput) as e:
            services.booking_self_book(actor=me, slot=past)
        assert (e.value.rule, e.value.code) == ("R-PC-11", "slot_in_past")
    soon = make_slot(offer, local(2026, 3, 2, 9))
    with pytest.raises(Conflict) as e:
        services.booking_self_book(actor=me, slot=soon)
    assert (e.value.rule, e.value.code) == ("R-PC-11", "slot_too_soon")
    assert Booking.objects.count() == 0 and booking_events().count() == 0


def test_r_dl_16_absence_that_takes_away_self_booking_blocks_it(citizen, me, slot, system, actor_a):
    from samtale.citizens.services import absence_register

    absence_register(actor=system, citizen=citizen, absence_type=57, start_date=clock.today())
    assert bookable_slots(citizen, now=clock.now()) == []
    with pytest.raises(Conflict) as e:
        services.booking_self_book(actor=me, slot=slot)
    assert e.value.rule == "R-DL-16"
    services.booking_summon(actor=actor_a, citizen=citizen, slot=slot)  # the jobcenter summons instead


def test_r_dl_9_horizon_limits_self_booking_and_rebooking(citizen, me, make_offer, make_slot, make_deadline):
    follow_up = make_offer(title="Opfølgningssamtale", conversation_type=4)
    inside = make_slot(follow_up, local(2026, 3, 17, 10))
    last_day = make_slot(follow_up, local(2026, 3, 17, 15))
    beyond = make_slot(follow_up, local(2026, 3, 18, 9))
    job = make_offer(title="Jobsamtale", conversation_type=7)
    other_family = make_slot(job, local(2026, 3, 30, 9))
    anden = make_offer(
        title="Anden samtale", conversation_type=12, contact_forms=["telefonisk"], fulfils_deadline=False
    )
    unlimited = make_slot(anden, local(2026, 3, 30, 11))
    assert beyond.pk in [s.pk for s in bookable_slots(citizen, now=clock.now())]
    make_deadline(citizen, 4, local(2026, 3, 10).date())  # Opfølgningssamtale: horizon 17 March
    ids = [s.pk for s in bookable_slots(citizen, now=clock.now())]
    assert inside.pk in ids and last_day.pk in ids and beyond.pk not in ids
    assert other_family.pk in ids and unlimited.pk in ids  # another family, or no family: no limit
    with pytest.raises(Conflict) as e:
        services.booking_self_book(actor=me, slot=beyond)
    assert e.value.rule == "R-DL-9" and "17.03.2026" in e.value.message
    b = services.booking_self_book(actor=me, slot=inside)
    with pytest.raises(Conflict) as e:
        services.booking_rebook(actor=me, booking=b, slot=beyond)
    assert e.value.rule == "R-DL-9"
    services.booking_rebook(actor=me, booking=b, slot=last_day)
    b.refresh_from_db()
    assert b.slot_id == last_day.pk


def test_r_pc_11_fulfils_deadline_filter(citizen, make_offer, make_slot, make_deadline):
    follow_up = make_slot(make_offer(title="Opfølgningssamtale", conversation_type=4), local(2026, 3, 5, 10))
    job = make_slot(make_offer(title="Jobsamtale", conversation_type=7), local(2026, 3, 5, 11))
    anden = make_slot(
        make_offer(title="Anden samtale", conversation_type=12, contact_forms=["telefonisk"]),
        local(2026, 3, 5, 12),
    )
    make_deadline(citizen, 4, local(2026, 3, 20).date())
    now = clock.now()
    assert [s.pk for s in bookable_slots(citizen, now=now, fulfils_deadline=True)] == [follow_up.pk]
    assert [s.pk for s in bookable_slots(citizen, now=now, fulfils_deadline=False)] == [anden.pk]
    assert {s.pk for s in bookable_slots(citizen, now=now)} == {follow_up.pk, job.pk, anden.pk}


# Scoping and hooks ----------------------------------------------------------------------------------


def test_caseworker_reaches_only_their_jobcenters_bookings(actor_a, actor_b, citizen, make_citizen):
    b = summon(actor_a, citizen, local(2026, 3, 10, 10))
    assert booking_get(actor_a, b.public_id) == b
    with pytest.raises(NotFound):
        booking_get(actor_b, b.public_id)
    with pytest.raises(NotFound):
        services.booking_cancel(actor=actor_b, booking=b, reason="fejlindkaldelse")
    with pytest.raises(NotFound):
        summon(actor_b, citizen, local(2026, 3, 11, 10))
    stranger = Actor.for_citizen(make_citizen(contact_group=6))
    with pytest.raises(NotFound):
        booking_get(stranger, b.public_id)
    with pytest.raises(NotFound):
        services.booking_cancel(actor=stranger, booking=b, reason="borger_sygdom")
    assert citizen_bookings(Actor.for_citizen(citizen), citizen) == [b]
    b.refresh_from_db()
    assert b.status == "planned"


def test_booking_changed_hooks_are_called_inside_the_transaction(actor_a, citizen):
    seen = []

    def hook(*, actor, booking, kind, old):
        seen.append(
            (
                kind,
                old["start"] if old else None,
                Booking.objects.filter(pk=booking.pk, status=booking.status).exists(),
            )
        )

    services.BOOKING_CHANGED.append(hook)
    try:
        b = summon(actor_a, citizen, local(2026, 3, 10, 10))
        services.booking_move(actor=actor_a, booking=b, start=local(2026, 3, 11, 10))
        services.booking_cancel(actor=actor_a, booking=b, reason="fejlindkaldelse")
    finally:
        services.BOOKING_CHANGED.remove(hook)
    assert [k for k, _, _ in seen] == ["created", "moved", "cancelled"]
    assert seen[1][1] == local(2026, 3, 10, 10).astimezone(UTC).isoformat()
    assert all(visible for _, _, visible in seen)


def test_caseworker_calendar_is_not_double_booked(actor_a, citizen, make_citizen, offer, make_slot):
    summon(actor_a, citizen, local(2026, 3, 10, 10), minutes=60, ctype=12)
    with pytest.raises(Conflict) as e:
        summon(actor_a, make_citizen(contact_group=6), local(2026, 3, 10, 10, 30), ctype=12)
    assert e.value.code == "caseworker_busy"
    make_slot(offer, local(2026, 3, 10, 13))
    with pytest.raises(Conflict):
        summon(actor_a, make_citizen(contact_group=6), local(2026, 3, 10, 13), ctype=12)


def test_errors_are_domain_errors_with_danish_messages(actor_a, citizen):
    with pytest.raises(DomainError) as e:
        summon(actor_a, citizen, local(2026, 3, 10, 10), ctype=999)
    assert e.value.code == "unknown_conversationtype" and "samtaletype" in e.value.message
