"""The daily batch (R-DL-5, 6, 7, 10, 13, 15): set-based, idempotent, catching up in date order, DST-safe."""

from datetime import date, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from samtale.core import clock
from samtale.deadlines import jobs, rules
from samtale.deadlines.models import BatchRun, Deadline, DeadlineChange
from samtale.deadlines.selectors import effective_status
from samtale.deadlines.services import deadline_create
from samtale.reporting.models import ReportEvent
from tests.deadlines.conftest import history

START = date(2026, 3, 2)


def _create(actor, citizen, *, days: int, activation: int = 0, code: int = 7):
    deadline, _ = deadline_create(
        actor=actor,
        citizen=citizen,
        conversation_type=code,
        deadline_date=START + timedelta(days=days),
        activation_date=START + timedelta(days=activation),
    )
    return deadline


@pytest.fixture
def world(make_citizen, actor_a, make_booking):
    """Four deadlines with something due on different days, created on START."""
    with time_machine.travel(clock.at(START, 9), tick=False):
        future = _create(
            actor_a, make_citizen(contact_group=2), days=20, activation=5
        )  # activation day 5, overdue day 21
        overdue = _create(actor_a, make_citizen(contact_group=2), days=8)  # overdue day 9
        booked_citizen = make_citizen(contact_group=2)
        booked = _create(actor_a, booked_citizen, days=10)
        make_booking(booked_citizen, START + timedelta(days=7))  # meeting day 7
        g1 = _create(actor_a, make_citizen(contact_group=1), days=8)  # overdue day 9, R-DL-15
    return {"future": future, "overdue": overdue, "booked": booked, "g1": g1}


def _snapshot():
    return (
        sorted(Deadline.objects.values_list("id", "status", "closed_on")),
        DeadlineChange.objects.count(),
        ReportEvent.objects.count(),
    )


def transitions(summary: dict) -> dict:
    """The deadline transitions of a day's batch summary (the other steps add their own counts)."""
    return {k: v for k, v in summary.items() if k in ("activation", "meeting", "overdue", "ninety_days")}


def test_r_dl_13_run_twice_changes_nothing(world):
    day = START + timedelta(days=9)
    first = jobs.daily(day)
    assert transitions(first[day]) == {"activation": 1, "meeting": 1, "overdue": 2, "ninety_days": 0}
    before = _snapshot()
    assert transitions(jobs.daily(day)[day]) == {
        "activation": 0,
        "meeting": 0,
        "overdue": 0,
        "ninety_days": 0,
    }
    assert _snapshot() == before


def test_r_dl_13_catches_up_in_date_order_after_skipped_days(world):
    jobs.daily(START)
    jobs.daily(START + timedelta(days=30))  # 30 days skipped
    assert list(BatchRun.objects.order_by("day").values_list("day", flat=True)) == [
        START + timedelta(days=i) for i in range(31)
    ]
    future = Deadline.objects.get(pk=world["future"].pk)
    assert history(future) == [
        (START, None, "not_activated", "created"),
        (START + timedelta(days=5), "not_activated", "active", "activation_date_reached"),
        (START + timedelta(days=21), "active", "closed_overdue", "deadline_date_passed"),
        (START + timedelta(days=21), "closed_overdue", "closed_admin", "closed_at_once"),
    ]
    runs = {r.day: r.summary for r in BatchRun.objects.all()}
    assert runs[START + timedelta(days=5)]["activation"] == 1
    assert runs[START + timedelta(days=7)]["meeting"] == 1
    assert runs[START + timedelta(days=9)]["overdue"] == 2
    assert runs[START + timedelta(days=21)]["overdue"] == 1
    # History days never go backwards for any deadline: date order.
    for d in Deadline.objects.all():
        days = [h[0] for h in history(d)]
        assert days == sorted(days)
    # The same result as a single run straight at the last day would give (conditions are `<= day`).
    assert all(d.status == "closed_admin" for d in Deadline.objects.all())


def test_history_and_reports_written_by_the_batch_match_the_services(world):
    jobs.daily(START + timedelta(days=9))
    booked = Deadline.objects.get(pk=world["booked"].pk)
    assert history(booked)[-2:] == [
        (START + timedelta(days=7), "fulfilled", "closed_fulfilled", "meeting_date_reached"),
        (START + timedelta(days=7), "closed_fulfilled", "closed_admin", "closed_at_once"),
    ]
    assert booked.closed_on == START + timedelta(days=7)
    events = list(
        ReportEvent.objects.filter(kind="deadline.status_changed", citizen=booked.citizen).order_by("id")
    )
    assert [(e.payload["old"], e.payload["new"]) for e in events][-2:] == [
        ("fulfilled", "closed_fulfilled"),
        ("closed_fulfilled", "closed_admin"),
    ]
    last = events[-1].payload
    assert last["deadline"] == str(booked.public_id) and last["conversation_type"] == 7
    assert last["jobcenter"] == "101" and last["day"] == str(START + timedelta(days=7))
    assert last["deadline_date"] == str(booked.deadline_date) and last["event"] == "closed_at_once"


def test_r_dl_15_deregistration_due_only_for_contact_group_1(world):
    jobs.daily(START + timedelta(days=9))
    dereg = ReportEvent.objects.filter(kind="deadline.deregistration_due")
    assert [e.citizen_id for e in dereg] == [world["g1"].citizen_id]
    assert dereg[0].payload == {
        "deadline": str(world["g1"].public_id),
        "effective_from": str(START + timedelta(days=9)),
    }


def test_r_dl_10_ninety_days(make_citizen, actor_a):
    with time_machine.travel(clock.at(START, 9), tick=False):
        deadline = _create(actor_a, make_citizen(contact_group=2), days=120)
    jobs.daily(START + timedelta(days=90))
    assert Deadline.objects.get(pk=deadline.pk).status == "active"  # 90 days: not yet *more than* 90
    jobs.daily(START + timedelta(days=91))
    deadline.refresh_from_db()
    assert history(deadline)[-1] == (
        START + timedelta(days=91),
        "active",
        "closed_admin",
        "ninety_days_passed",
    )


def test_chunks_and_progress_output(make_citizen, actor_a):
    with time_machine.travel(clock.at(START, 9), tick=False):
        ids = [_create(actor_a, make_citizen(contact_group=2), days=8).pk for _ in range(5)]
    out = StringIO()
    result = jobs.daily(START + timedelta(days=9), chunk=2, out=out)
    assert result[START + timedelta(days=9)]["overdue"] == 5
    assert set(Deadline.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"closed_admin"}
    assert "overdue: 4 …" in out.getvalue()
    assert "lukket overskredet (R-DL-6): 5 frister" in out.getvalue()


def test_command_summary_and_bad_date(world):
    out = StringIO()
    call_command("daily", "--date", str(START + timedelta(days=9)), stdout=out)
    assert "Dagskørsel færdig for 2026-03-11: aktiveringer (R-DL-7) 1" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("daily", "--date", "11-03-2026", stdout=StringIO())


def test_daily_steps_run_after_transitions_for_every_day(world):
    seen = []

    def step(day, out):
        seen.append((day, Deadline.objects.get(pk=world["overdue"].pk).status))

    jobs.DAILY_STEPS.append(step)
    try:
        jobs.daily(START + timedelta(days=8))
        jobs.daily(START + timedelta(days=10))
    finally:
        jobs.DAILY_STEPS.remove(step)
    assert seen == [
        (START + timedelta(days=8), "active"),
        (START + timedelta(days=9), "closed_admin"),
        (START + timedelta(days=10), "closed_admin"),
    ]


@pytest.mark.parametrize("dst_day", [date(2026, 3, 29), date(2026, 10, 25)])
def test_dst_meeting_just_after_midnight_closes_on_its_danish_date(
    dst_day, make_citizen, actor_a, make_booking
):
    """A meeting at 00:30 Danish time on the day of a DST change lies on the previous UTC date; the batch
    closes it on its Danish date, and `samtale daily` without --date takes the Danish today."""
    created = dst_day - timedelta(days=5)
    with time_machine.travel(clock.at(created, 9), tick=False):
        citizen = make_citizen(contact_group=2)
        deadline, _ = deadline_create(
            actor=actor_a, citizen=citizen, conversation_type=7, deadline_date=dst_day + timedelta(days=3)
        )
        booking = make_booking(citizen, dst_day, hour=0)
    assert booking.start.date() == dst_day - timedelta(days=1)  # UTC date is the day before
    deadline.refresh_from_db()
    assert deadline.meeting_date == dst_day
    with time_machine.travel(clock.at(dst_day - timedelta(days=1), 23, 50), tick=False):
        jobs.daily()
        deadline.refresh_from_db()
        assert deadline.status == "fulfilled"
    with time_machine.travel(clock.at(dst_day, 0, 5), tick=False):
        assert clock.today() == dst_day
        jobs.daily()
        deadline.refresh_from_db()
        assert deadline.status == "closed_admin" and deadline.closed_on == dst_day
    with time_machine.travel(clock.at(dst_day, 23, 59), tick=False):
        assert jobs.daily()[dst_day]["meeting"] == 0


def test_effective_status_equals_batch_status(world):
    for offset in range(0, 25):
        day = START + timedelta(days=offset)
        expected = {d.pk: effective_status(d, day) for d in Deadline.objects.all()}
        jobs.daily(day)
        assert {d.pk: d.status for d in Deadline.objects.all()} == expected
    assert rules.CLOSED_ADMIN in expected.values()
