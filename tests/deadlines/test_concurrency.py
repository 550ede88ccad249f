"""R-DL-1 and the batch under real concurrency on PostgreSQL: parallel connections released together by
a barrier. Whatever the interleaving, a citizen has at most one open deadline, and a booking racing the
batch either fulfils the deadline before the overdue close or finds it closed — never both."""

import threading
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connections

from samtale.citizens.services import citizen_upsert
from samtale.core import clock
from samtale.core.actors import Actor
from samtale.deadlines import jobs
from samtale.deadlines.models import Deadline
from samtale.deadlines.services import deadline_create
from tests.conftest import make_cpr

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TODAY = date(2026, 3, 2)


def _parallel(*fns):
    barrier = threading.Barrier(len(fns))
    errors = []

    def run(fn):
        try:
            barrier.wait()
            fn()
        except Exception as exc:  # collected and inspected by the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(fn,)) for fn in fns]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_r_dl_1_parallel_creates_leave_one_open(jc_a, actor_a):
    with time_machine.travel(clock.at(TODAY, 9), tick=False):
        citizen, _ = citizen_upsert(
            actor=Actor.system("test"), cpr=make_cpr(), name="Borger", contact_group=2, jobcenter=jc_a.code
        )
        errors = _parallel(
            *[
                (
                    lambda n=n: deadline_create(
                        actor=actor_a,
                        citizen=citizen,
                        conversation_type=7,
                        deadline_date=TODAY + timedelta(days=10 + n),
                    )
                )
                for n in range(6)
            ]
        )
    assert errors == []
    assert Deadline.objects.filter(citizen=citizen).count() == 6
    assert (
        Deadline.objects.filter(citizen=citizen, status__in=["not_activated", "active", "fulfilled"]).count()
        == 1
    )
    for d in Deadline.objects.filter(citizen=citizen).exclude(status="active"):
        assert d.history.order_by("id").last().event == "superseded"


def test_batch_and_new_deadline_race(jc_a, actor_a):
    """The batch closes yesterday's overdue deadlines while caseworkers set new ones for the same
    citizens: each citizen ends with one open deadline, the old one closed exactly once."""
    with time_machine.travel(clock.at(TODAY, 9), tick=False):
        citizens = [
            citizen_upsert(
                actor=Actor.system("test"),
                cpr=make_cpr(),
                name=f"Borger {i}",
                contact_group=2,
                jobcenter=jc_a.code,
            )[0]
            for i in range(8)
        ]
        for c in citizens:
            deadline_create(
                actor=actor_a, citizen=c, conversation_type=7, deadline_date=TODAY + timedelta(days=8)
            )
    day = TODAY + timedelta(days=9)
    with time_machine.travel(clock.at(day, 9), tick=False):
        errors = _parallel(
            lambda: jobs.daily(day, chunk=3),
            *[
                (
                    lambda c=c: deadline_create(
                        actor=actor_a, citizen=c, conversation_type=7, deadline_date=day + timedelta(days=10)
                    )
                )
                for c in citizens[:4]
            ],
        )
    assert errors == []
    for c in citizens:
        deadlines = list(Deadline.objects.filter(citizen=c).order_by("id"))
        old = deadlines[0]
        closes = [h for h in old.history.order_by("id") if h.new_status == "closed_admin"]
        assert len(closes) == 1 and old.status == "closed_admin"
        assert [h.new_status for h in old.history.order_by("id")][-2:] == ["closed_overdue", "closed_admin"]
        open_ = [d for d in deadlines if d.status in ("not_activated", "active", "fulfilled")]
        assert len(open_) == (1 if c in citizens[:4] else 0)
