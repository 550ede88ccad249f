"""At-least-once delivery that survives crashes (PostgreSQL, real processes and threads):

- `samtale worker` as a subprocess is SIGKILLed at random points while it delivers 1,000 SMS to the
  local provider, and restarted; in the end every message is delivered, none is lost, and the
  provider — which dedupes by idempotency key, as real providers do — delivered each text once;
- two workers at once never send the same message within a lease.

The code lists that a transactional test's flush removes are put back by tests/conftest.py."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection, connections, transaction

from samtale.messaging import services
from samtale.messaging.models import Message, MessageKind
from samtale.messaging.models import MessageStatus as S
from tests.processes import wait_for_progress

ROOT = Path(__file__).resolve().parents[2]
STALL = 120


def fill_outbox(citizen, n: int, prefix: str) -> list[str]:
    keys = []
    with transaction.atomic():
        for i in range(n):
            key = f"{prefix}:{i:04d}:sms"
            services.message_enqueue(
                citizen=citizen,
                kind=MessageKind.BOOKING_SUMMONS,
                channel="sms",
                recipient=citizen.phone,
                subject="",
                text=f"Besked nr. {i}",
                idempotency_key=key,
            )
            keys.append(key)
    return keys


def database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def start_worker(spawned, provider, log) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "PYTHONPATH": str(ROOT / "src"),
        "SAMTALE_SMS_GATEWAY": "http",
        "SAMTALE_SMS_URL": provider.url,
        "SAMTALE_SMS_TIMEOUT": "2",
        "SAMTALE_MESSAGE_LEASE_SECONDS": "2",
        "SAMTALE_MESSAGE_BACKOFF_SECONDS": "0.2",
        "SAMTALE_LOG_LEVEL": "WARNING",
    }
    return spawned.add(
        subprocess.Popen(
            [sys.executable, "-m", "samtale.cli", "worker", "--interval", "0.1", "--limit", "25"],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=log,
        )
    )


def sent_count() -> int:
    return Message.objects.filter(status=S.SENT).count()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_sigkilled_worker_loses_nothing_and_provider_delivers_each_key_once(
    subscribed, sms_provider, tmp_path, spawned
):
    citizen = subscribed(email=False)
    keys = fill_outbox(citizen, 1000, "crash")
    rng = random.Random(os.environ.get("CRASH_SEED", "20261124"))
    log_path = tmp_path / "worker.log"
    log = open(log_path, "wb")
    kills = 0
    # No limit on the whole run (typically 30–70 s, far more on a busy machine): each wait fails only
    # when nothing moves for STALL seconds (a worker start-up on a loaded machine included), or when
    # the worker dies on its own.
    try:
        for _ in range(6):
            target = len(sms_provider.requests) + rng.randint(40, 160)
            proc = start_worker(spawned, sms_provider, log)
            sms_provider.wait_for_requests(target, stall=STALL, alive=lambda p=proc: p.poll() is None)
            proc.send_signal(signal.SIGKILL)  # at a random point in the middle of delivering
            proc.wait()
            kills += 1
        killed_mid_send = Message.objects.filter(status=S.SENDING).count()
        delivered_before_restart = sent_count()
        assert 0 < delivered_before_restart < 1000
        proc = start_worker(spawned, sms_provider, log)
        wait_for_progress(sent_count, 1000, "the restarted worker", stall=STALL, proc=proc, log=log_path)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=STALL) == 0
    finally:
        spawned.kill_all()  # a failed wait leaves no worker running
        log.close()
    log_text = (tmp_path / "worker.log").read_text(errors="replace")
    assert Message.objects.count() == 1000
    statuses = Counter(Message.objects.values_list("status", flat=True))
    assert statuses == {S.SENT: 1000}, (statuses, log_text[-2000:])
    # the provider: every key delivered exactly once, however often it was sent to it
    assert set(sms_provider.delivered) == set(keys)
    assert sms_provider.deliveries == 1000
    requested = Counter(r["idempotency_key"] for r in sms_provider.requests)
    assert set(requested) == set(keys)
    # the crashes did happen mid-delivery: some messages were claimed and sent but not recorded
    assert kills == 6 and killed_mid_send > 0
    resent = [k for k, n in requested.items() if n > 1]
    assert resent, "no message was resent after a crash: the kills missed the window"
    for m in Message.objects.filter(idempotency_key__in=resent[:20]):
        assert m.attempts >= 2
        assert [e.status for e in m.events.order_by("id")][-1] == S.SENT


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_never_send_the_same_message_within_a_lease(subscribed, http_sms, settings):
    settings.MESSAGE_LEASE_SECONDS = 60
    citizen = subscribed(email=False)
    keys = fill_outbox(citizen, 300, "pair")
    claims: dict[str, list[int]] = {"a": [], "b": []}
    errors = []
    barrier = threading.Barrier(2)

    def work(name: str) -> None:
        try:
            barrier.wait()
            while True:
                claimed = services.messages_claim(worker_id=name, limit=7)
                if not claimed:
                    break
                claims[name].extend(m.pk for m in claimed)
                for m in claimed:
                    services.message_deliver(m, worker_id=name)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n,)) for n in claims]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert claims["a"] and claims["b"], "both workers took part"
    assert not set(claims["a"]) & set(claims["b"])
    assert len(claims["a"]) + len(claims["b"]) == 300
    requested = Counter(r["idempotency_key"] for r in http_sms.requests)
    assert set(requested) == set(keys) and set(requested.values()) == {1}
    assert Message.objects.filter(status=S.SENT).count() == 300
