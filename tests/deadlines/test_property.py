"""Hypothesis stateful test: random sequences of create / book / summon / rebook / cancel / move /
contact-group change / absence / batch-day. After every step: at most one open deadline per citizen,
history consistent with status (and one report event per history row), and — on batch days — the
effective status computed before the batch equals the status the batch makes durable."""

from datetime import timedelta

import pytest
import time_machine
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from samtale.bookings.models import Booking
from samtale.citizens import services as citizens
from samtale.citizens.selectors import contact_group_on
from samtale.codes.models import CancellationReason
from samtale.core import clock
from samtale.core.errors import DomainError
from samtale.deadlines import jobs, rules
from samtale.deadlines.models import Deadline
from samtale.deadlines.selectors import effective_status
from samtale.deadlines.services import deadline_create
from samtale.reporting.models import ReportEvent
from tests.deadlines.conftest import booking_changed

START = clock.at(clock.today().replace(year=2026, month=3, day=20), 9)  # spans the DST change of 29 March


@pytest.mark.django_db
def test_deadline_lifecycle_state_machine(make_citizen, actor_a, make_booking, make_offer):
    fulfilling_offer = make_offer(fulfils=True)
    other_offer = make_offer(fulfils=False)

    class Lifecycle(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.travel = time_machine.travel(START, tick=False)
            self.coords = self.travel.start()
            self.today = clock.today()
            self.citizens = [make_citizen(contact_group=g) for g in (2, 1)]

        def teardown(self):
            self.travel.stop()

        def _bookings(self):
            return list(Booking.objects.filter(citizen__in=self.citizens, status="planned").order_by("id"))

        @initialize(days=st.integers(0, 25), activation=st.integers(0, 12))
        def first_deadline(self, days, activation):
            self.create(0, days, activation, 0)

        @rule(
            who=st.integers(0, 1),
            days=st.integers(0, 25),
            activation=st.integers(0, 12),
            pick=st.integers(0, 3),
        )
        def create(self, who, days, activation, pick):
            """Mostly a type the contact group allows, sometimes one it does not (refused, R-DL-2)."""
            citizen = self.citizens[who]
            group = contact_group_on(citizen, self.today)
            allowed = sorted(group.deadline_types.values_list("code", flat=True))
            code = allowed[pick % len(allowed)] if allowed and pick < 3 else 12
            try:
                deadline_create(
                    actor=actor_a,
                    citizen=citizen,
                    conversation_type=code,
                    deadline_date=self.today + timedelta(days=days),
                    activation_date=self.today + timedelta(days=min(activation, days)),
                )
            except DomainError:
                pass

        @rule(
            who=st.integers(0, 1),
            days=st.integers(0, 20),
            code=st.sampled_from([7, 17, 4, 12]),
            fulfils=st.booleans(),
        )
        def book(self, who, days, code, fulfils):
            offer = fulfilling_offer if fulfils else other_offer
            make_booking(
                self.citizens[who],
                self.today + timedelta(days=days),
                code=code,
                self_booked=True,
                offer=offer,
            )

        @rule(who=st.integers(0, 1), days=st.integers(0, 20), code=st.sampled_from([7, 4, 12]))
        def summon(self, who, days, code):
            make_booking(self.citizens[who], self.today + timedelta(days=days), code=code, hour=13)

        @rule(pick=st.integers(0, 10), days=st.integers(0, 20), kind=st.sampled_from(["moved", "rebooked"]))
        def move(self, pick, days, kind):
            bookings = self._bookings()
            if not bookings:
                return
            booking = bookings[pick % len(bookings)]
            day = self.today + timedelta(days=days)
            booking.start, booking.end = clock.at(day, 14), clock.at(day, 15)
            booking.save()
            booking_changed(booking, kind)

        @rule(pick=st.integers(0, 10))
        def cancel(self, pick):
            bookings = self._bookings()
            if not bookings:
                return
            booking = bookings[pick % len(bookings)]
            booking.status, booking.cancellation_reason = "cancelled", CancellationReason.objects.first()
            booking.save()
            booking_changed(booking, "cancelled")

        @rule(who=st.integers(0, 1), group=st.sampled_from([1, 2, 3, 6]))
        def change_contact_group(self, who, group):
            citizens.citizen_change_contact_group(
                actor=actor_a, citizen=self.citizens[who], contact_group=group
            )

        @rule(who=st.integers(0, 1), kind=st.sampled_from([10, 56, 75]))
        def absence(self, who, kind):
            citizens.absence_register(
                actor=actor_a, citizen=self.citizens[who], absence_type=kind, start_date=self.today
            )

        @rule(days=st.integers(1, 4))
        def batch_days(self, days):
            for _ in range(days):
                self.today += timedelta(days=1)
                self.coords.move_to(clock.at(self.today, 6))
                mine = list(Deadline.objects.filter(citizen__in=self.citizens))
                expected = {d.pk: effective_status(d, self.today) for d in mine}
                jobs.daily(self.today)
                assert dict(Deadline.objects.filter(pk__in=expected).values_list("pk", "status")) == expected
                self.coords.move_to(clock.at(self.today, 9))

        @invariant()
        def one_open_deadline_per_citizen(self):
            for citizen in self.citizens:
                assert Deadline.objects.filter(citizen=citizen, status__in=list(rules.OPEN)).count() <= 1

        @invariant()
        def history_consistent_with_status(self):
            for deadline in Deadline.objects.filter(citizen__in=self.citizens).prefetch_related("history"):
                rows = list(deadline.history.all())
                assert rows and rows[0].old_status == "" and rows[0].event == rules.CREATED
                for before, row in zip([None, *rows], rows, strict=False):
                    assert (before.new_status if before else "") == row.old_status
                    assert rules.TRANSITIONS[(row.old_status or None, row.event)] == row.new_status
                    if before:
                        assert before.day <= row.day
                assert rows[-1].new_status == deadline.status
                assert deadline.status not in rules.MOMENTARY
                if deadline.status == rules.FULFILLED:
                    assert deadline.fulfilled_by_id and deadline.meeting_date
                reported = ReportEvent.objects.filter(
                    kind="deadline.status_changed", payload__deadline=str(deadline.public_id)
                ).count()
                assert reported == len(rows)

    run_state_machine_as_test(
        Lifecycle,
        settings=settings(
            max_examples=20,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
