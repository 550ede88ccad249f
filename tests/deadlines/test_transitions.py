"""Every (status, event) pair of the transition table, allowed and refused — in the pure table and
through the one service function that applies it (history row + report event, R-DL-14)."""

import itertools
from datetime import date, timedelta
from pathlib import Path

import pytest
import time_machine

from samtale.codes.models import ConversationType
from samtale.core import clock
from samtale.core.actors import Actor
from samtale.deadlines import rules, services
from samtale.deadlines.models import Deadline
from samtale.reporting.models import ReportEvent

TODAY = date(2026, 3, 2)
PAIRS = list(itertools.product([None, *rules.STATUSES], rules.EVENTS))


def test_table_only_mentions_known_statuses_and_events():
    for (old, event), new in rules.TRANSITIONS.items():
        assert old in (None, *rules.STATUSES) and event in rules.EVENTS and new in rules.STATUSES
    # closed_admin is final; the momentary ones lead only to closed_admin.
    assert not [k for k in rules.TRANSITIONS if k[0] == rules.CLOSED_ADMIN]
    for status in rules.MOMENTARY:
        assert {new for (old, _), new in rules.TRANSITIONS.items() if old == status} == {rules.CLOSED_ADMIN}


@pytest.mark.parametrize("old,event", PAIRS, ids=[f"{o}-{e}" for o, e in PAIRS])
def test_pure_pair(old, event):
    if (old, event) in rules.TRANSITIONS:
        assert rules.next_status(old, event) == rules.TRANSITIONS[(old, event)]
    else:
        with pytest.raises(rules.TransitionRefused):
            rules.next_status(old, event)


@pytest.mark.parametrize(
    "old,event", [p for p in PAIRS if p[0] is not None], ids=[f"{o}-{e}" for o, e in PAIRS if o]
)
def test_service_applies_pair(old, event, make_citizen, jc_a, make_booking):
    """_apply on a stored deadline: allowed → new status (momentary ones closed at once), one history
    row and one report event per status change; refused → nothing written."""
    with time_machine.travel(clock.at(TODAY, 9), tick=False):
        citizen = make_citizen(contact_group=2)
        booking = make_booking(citizen, TODAY + timedelta(days=3), notify=False)
        open_ = old in rules.OPEN
        fulfilled = old in (rules.FULFILLED, rules.CLOSED_FULFILLED)
        deadline = Deadline.objects.create(
            citizen=citizen,
            conversation_type=ConversationType.objects.get(code=7),
            deadline_date=TODAY + timedelta(days=10),
            activation_date=TODAY,
            status=old if open_ else rules.CLOSED_ADMIN,
            jobcenter=jc_a,
            created_by="test",
            created_on=TODAY,
            expires_on=rules.expires_on(TODAY),
            status_since=TODAY,
            fulfilled_by=booking if fulfilled else None,
            meeting_date=booking.start.date() if fulfilled else None,
        )
        Deadline.objects.filter(pk=deadline.pk).update(status=old)  # also the momentary/closed ones
        deadline.refresh_from_db()
        events_before = ReportEvent.objects.filter(kind="deadline.status_changed").count()
        if (old, event) not in rules.TRANSITIONS:
            with pytest.raises(rules.TransitionRefused):
                services._apply(deadline, event, actor=Actor.system("test"), day=TODAY)
            deadline.refresh_from_db()
            assert deadline.status == old and not deadline.history.exists()
            assert ReportEvent.objects.filter(kind="deadline.status_changed").count() == events_before
            return
        if event in (rules.FULFILLING_BOOKING_MADE, rules.SUMMONS_MADE):
            deadline.fulfilled_by, deadline.meeting_date = booking, booking.start.date()
        services._apply(deadline, event, actor=Actor.system("test"), day=TODAY)
        deadline.refresh_from_db()
        expected = [rules.TRANSITIONS[(old, event)]]
        if expected[0] in rules.MOMENTARY:
            expected.append(rules.CLOSED_ADMIN)
        assert [h.new_status for h in deadline.history.order_by("id")] == expected
        assert deadline.status == expected[-1]
        new_events = ReportEvent.objects.filter(kind="deadline.status_changed").order_by("id")[events_before:]
        assert [e.payload["new"] for e in new_events] == expected
        if deadline.status == rules.CLOSED_ADMIN:
            assert deadline.closed_on == TODAY


def test_docs_deadline_states_is_generated_from_the_table():
    """docs/deadline-states.md is the table as a Mermaid diagram; regenerate with `samtale deadline_states`."""
    path = Path(__file__).resolve().parents[2] / "docs" / "deadline-states.md"
    assert path.read_text(encoding="utf-8") == rules.states_markdown()
    for (old, event), new in rules.TRANSITIONS.items():
        assert f"{old or '[*]'} --> {new}: {event}" in rules.mermaid()
