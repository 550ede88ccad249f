"""Meeting offers and free times: weekly schedules skip Danish public holidays and the caseworker's
existing meetings; withdrawing a booked free time is refused unless its bookings are cancelled."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from samtale.bookings import services as bookings
from samtale.bookings.models import Booking
from samtale.bookings.selectors import bookable_slots
from samtale.core import clock
from samtale.core.actors import Actor
from samtale.core.errors import Conflict, InvalidInput, NotFound
from samtale.reporting.models import ReportEvent
from samtale.scheduling import rules, services
from samtale.scheduling.models import Slot
from tests.scheduling.conftest import local


def week_schedule(actor, offer, caseworker, **kw):
    args = dict(
        actor=actor,
        offer=offer,
        caseworker=caseworker,
        weekdays=[0, 1, 2, 3, 4],
        day_start=time(9, 0),
        day_end=time(12, 0),
        duration_minutes=30,
        date_from=date(2026, 3, 30),
        date_to=date(2026, 4, 10),
    )
    args.update(kw)
    return services.schedule_create(**args)


def test_weekly_schedule_skips_danish_public_holidays(system, offer, cw_a):
    schedule, slots, skipped = week_schedule(system, offer, cw_a)
    days = sorted({clock.local_date(s.start) for s in slots})
    # Easter 2026: Skærtorsdag 2 April, Langfredag 3 April, 2. påskedag 6 April.
    assert date(2026, 4, 2) not in days and date(2026, 4, 3) not in days and date(2026, 4, 6) not in days
    assert len(days) == 7 and len(slots) == 7 * 6
    assert skipped["holiday"] == 3 * 6
    assert all(s.schedule_id == schedule.pk and s.capacity == 1 for s in slots)


def test_weekly_schedule_uses_danish_wall_clock_across_dst(system, offer, cw_a):
    _, slots, _ = week_schedule(
        system, offer, cw_a, date_from=date(2026, 3, 27), date_to=date(2026, 3, 30), weekdays=[0, 4]
    )
    firsts = sorted(
        s.start for s in slots if clock.local(s.start).hour == 9 and clock.local(s.start).minute == 0
    )
    assert firsts == [datetime(2026, 3, 27, 8, 0, tzinfo=UTC), datetime(2026, 3, 30, 7, 0, tzinfo=UTC)]


def test_weekly_schedule_skips_the_caseworkers_existing_meetings(system, actor_a, offer, cw_a, make_citizen):
    bookings.booking_summon(
        actor=actor_a,
        citizen=make_citizen(contact_group=6),
        conversation_type=12,
        contact_form="telefonisk",
        location="Jobcentret, mødelokale 1",
        description="Vi taler om din situation og dine næste skridt.",
        start=local(2026, 3, 31, 10),
        end=local(2026, 3, 31, 10, 45),
        citizen_contact="+4520304050",
    )
    _, slots, skipped = week_schedule(system, offer, cw_a)
    assert skipped["busy"] == 2  # 10:00 and 10:30 overlap the summons
    assert len(slots) == 40
    _, again, skipped = week_schedule(system, offer, cw_a)  # the same schedule twice makes nothing new
    assert again == [] and skipped["busy"] == 42


def test_weekly_schedule_input_is_checked(system, offer, cw_a):
    with pytest.raises(InvalidInput) as e:
        week_schedule(system, offer, cw_a, day_start=time(12), day_end=time(9))
    assert e.value.rule == "R-PC-1"
    with pytest.raises(InvalidInput):
        week_schedule(system, offer, cw_a, weekdays=[7])
    with pytest.raises(InvalidInput):
        week_schedule(system, offer, cw_a, date_to=date(2026, 3, 1))
    assert Slot.objects.count() == 0


def test_slot_input_is_checked(system, offer, make_offer, cw_a, cw_b, make_slot):
    with pytest.raises(InvalidInput) as e:
        services.slot_create(
            actor=system, offer=offer, start=local(2026, 3, 5, 10), end=local(2026, 3, 5, 9), caseworker=cw_a
        )
    assert e.value.rule == "R-PC-1"
    with pytest.raises(InvalidInput) as e:
        make_slot(offer, local(2026, 3, 1, 10))
    assert e.value.code == "slot_in_past"
    with pytest.raises(InvalidInput) as e:
        make_slot(offer, local(2026, 3, 5, 10), capacity=3)
    assert e.value.rule == "R-PC-5"
    with pytest.raises(InvalidInput) as e:
        make_slot(offer, local(2026, 3, 5, 10), caseworker=cw_b)
    assert e.value.code == "caseworker_not_in_jobcenter"
    make_slot(offer, local(2026, 3, 5, 10))
    with pytest.raises(Conflict) as e:
        make_slot(offer, local(2026, 3, 5, 10, 15))
    assert e.value.code == "caseworker_busy"
    joint = make_offer(title="Informationsmøde", conversation_type=9, meeting_form="joint")
    assert make_slot(joint, local(2026, 3, 5, 13), capacity=10).capacity == 10
    assert Slot.objects.count() == 2


def test_offers_belong_to_the_caseworkers_jobcenters(actor_a, jc_b, make_offer):
    with pytest.raises(NotFound):
        make_offer(actor=actor_a, jobcenter=jc_b)
    offer = make_offer(actor=actor_a, jobcenter=None)  # the caseworker's only jobcenter
    assert offer.jobcenter.code == "101"


def test_withdrawing_a_booked_slot_is_refused_unless_its_bookings_are_cancelled(
    system, slot, citizen, make_citizen
):
    booking = bookings.booking_self_book(actor=Actor.for_citizen(citizen), slot=slot)
    with pytest.raises(Conflict) as e:
        services.slot_withdraw(actor=system, slot=slot)
    assert e.value.code == "slot_has_bookings"
    with pytest.raises(InvalidInput):
        services.slot_withdraw(actor=system, slot=slot, cancel_bookings=True)
    slot.refresh_from_db()
    assert slot.status == "published" and slot.booked == 1
    services.slot_withdraw(actor=system, slot=slot, cancel_bookings=True, reason="tid_trukket_tilbage")
    slot.refresh_from_db()
    booking.refresh_from_db()
    assert slot.status == "withdrawn" and slot.booked == 0
    assert booking.status == "cancelled" and booking.cancellation_reason.code == "tid_trukket_tilbage"
    assert ReportEvent.objects.filter(kind="booking.cancelled", citizen=citizen).count() == 1
    assert bookable_slots(make_citizen(contact_group=6), now=clock.now()) == []
    with pytest.raises(Conflict) as e:
        bookings.booking_self_book(actor=Actor.for_citizen(make_citizen(contact_group=6)), slot=slot)
    assert e.value.code == "slot_withdrawn"
    assert Booking.objects.filter(status="planned").count() == 0


def test_expand_schedule_is_pure_and_skips_busy_times():
    busy = [(datetime(2026, 6, 1, 8, 0, tzinfo=UTC), datetime(2026, 6, 1, 8, 30, tzinfo=UTC))]
    made, skipped = rules.expand_schedule(
        weekdays=[0],
        day_start=time(9),
        day_end=time(11),
        duration_minutes=60,
        date_from=date(2026, 6, 1),
        date_to=date(2026, 6, 1),
        busy=busy,
    )
    # Summer time: 09:00 in Copenhagen is 07:00 UTC; 10:00–11:00 (08:00–09:00 UTC) is busy.
    assert made == [
        (datetime(2026, 6, 1, 7, 0, tzinfo=UTC), datetime(2026, 6, 1, 7, 0, tzinfo=UTC) + timedelta(hours=1))
    ]
    assert skipped["busy"] == 1
    assert rules.is_public_holiday(date(2026, 12, 25)) and not rules.is_public_holiday(date(2026, 12, 23))
