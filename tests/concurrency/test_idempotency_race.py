"""Idempotency-Key under real concurrency (PostgreSQL, one connection per request thread): 20
identical summonses sent at once with one key make exactly one booking, and every answer is the
first answer or 409 idempotency_key_in_use."""

import threading

import pytest
from django.db import connections

from samtale.bookings.models import Booking
from samtale.reporting.models import ReportEvent
from tests.api.idempotency_helpers import summons_body
from tests.conftest import ApiClient

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_twenty_concurrent_identical_summonses_make_one_booking(api_a, make_citizen):
    citizen = make_citizen()
    body = summons_body(citizen)
    token = api_a.headers["HTTP_AUTHORIZATION"].removeprefix("Bearer ")
    barrier = threading.Barrier(20)
    answers, errors = [], []
    lock = threading.Lock()

    def send():
        client = ApiClient(token)
        try:
            barrier.wait(30)
            r = client.post("/bookings", body, HTTP_IDEMPOTENCY_KEY="indkaldelse-42")
            with lock:
                answers.append((r.status_code, r.content))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(answers) == 20
    assert Booking.objects.filter(citizen=citizen).count() == 1
    assert ReportEvent.objects.filter(citizen=citizen, kind="booking.created").count() == 1
    created = [a for a in answers if a[0] == 201]
    assert created, answers
    in_use = [a for a in answers if a[0] == 409]
    assert all(b'"idempotency_key_in_use"' in content for _, content in in_use), in_use
    assert len(set(created)) == 1 and len(created) + len(in_use) == 20
