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


def _hold_key(token: str, key: str, release: threading.Event, holding: threading.Event, commit: bool):
    """What an in-flight first request looks like to a duplicate: the key's row inserted in an open
    transaction (committed with its answer, or rolled back when it did nothing)."""
    import hashlib
    from datetime import timedelta

    from django.db import transaction

    from samtale.api.models import IdempotencyKey
    from samtale.core import clock

    try:
        with transaction.atomic():
            IdempotencyKey.objects.create(
                scope=hashlib.sha256(f"Bearer {token}".encode()).hexdigest(),
                key=key,
                fingerprint="other",
                status=201,
                content_type="application/json",
                body=b"{}",
                created_at=clock.now(),
                expires_at=clock.now() + timedelta(hours=24),
            )
            holding.set()
            release.wait(30)
            if not commit:
                transaction.set_rollback(True)
    finally:
        connections.close_all()


@pytest.mark.parametrize("first_commits", [False, True])
def test_a_duplicate_waits_for_the_first_then_does_the_work_or_gets_409(
    api_a, make_citizen, settings, first_commits
):
    settings.IDEMPOTENCY_WAIT_SECONDS = 1
    citizen = make_citizen()
    token = api_a.headers["HTTP_AUTHORIZATION"].removeprefix("Bearer ")
    release, holding = threading.Event(), threading.Event()
    first = threading.Thread(target=_hold_key, args=(token, "k", release, holding, first_commits))
    first.start()
    holding.wait(10)
    if first_commits:
        # the first runs longer than the duplicate waits: 409, try again later
        r = api_a.post("/bookings", summons_body(citizen), HTTP_IDEMPOTENCY_KEY="k")
        release.set()
        assert r.status_code == 409 and r.json()["code"] == "idempotency_key_in_use"
        assert r["Retry-After"]
        assert not Booking.objects.filter(citizen=citizen).exists()
    else:
        # the first gives up within the wait: the duplicate holds the key now and does the work
        threading.Timer(0.3, release.set).start()
        r = api_a.post("/bookings", summons_body(citizen), HTTP_IDEMPOTENCY_KEY="k")
        assert r.status_code == 201, r.content
        assert Booking.objects.filter(citizen=citizen).count() == 1
    first.join()
