"""Webhooks never skip (PostgreSQL, real processes and threads): writers commit report events in
parallel while `samtale worker` pushes them to a real local receiver that is up, slow, failing and
down for a while, and the worker is SIGKILLed twice while the receiver holds a batch it has kept but
not yet acknowledged. At the end each receiver has every event of its feed, in position order,
duplicates only where a crash forced a resend (same id and position), and the a-kasse receiver got
nothing about non-members (R-RP-3)."""

from __future__ import annotations

import random
import signal
import threading
import time

import pytest
from django.db import connections, transaction

from samtale.core.actors import Actor
from samtale.reporting.models import ReportEvent, WebhookAttempt, WebhookSubscriber
from samtale.reporting.services import report, webhook_create
from tests.messaging.test_worker_crash import database_url
from tests.processes import wait_for
from tests.reporting.receiver import Receiver

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SECRET = "hemmelig-noegle-til-test"


def start_worker(spawned, log):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "PYTHONPATH": str(root / "src"),
        # a generous timeout: a push answered late counts as failed and is resent, which this test
        # would see as a duplicate without a crash
        "SAMTALE_WEBHOOK_TIMEOUT": "4",
        "SAMTALE_WEBHOOK_LEASE_SECONDS": "5",
        "SAMTALE_WEBHOOK_BACKOFF_SECONDS": "0.2",
        "SAMTALE_WEBHOOK_BACKOFF_MAX_SECONDS": "1",
        "SAMTALE_WEBHOOK_BATCH_SIZE": "20",
        "SAMTALE_LOG_LEVEL": "ERROR",
    }
    return spawned.add(
        subprocess.Popen(
            [sys.executable, "-m", "samtale.cli", "worker", "--interval", "0.05"],
            env=env,
            cwd=root,
            stdout=log,
            stderr=log,
        )
    )


# Each wait ends as soon as its condition holds; the limit is only a bound for a busy machine (and a
# worker that dies ends the wait at once, with its log).
PATIENCE = 120


def received_in_order(batches: list[dict]) -> tuple[list[tuple[int, int]], int]:
    """The distinct (id, position) in arrival order, and how often the stream went back (a resend)."""
    seen: dict[int, int] = {}
    rewinds, highest = 0, 0
    for batch in batches:
        positions = [e["position"] for e in batch["events"]]
        assert positions == sorted(set(positions)), "a batch out of order"
        if positions[0] <= highest:
            rewinds += 1
            for e in batch["events"]:
                if e["position"] <= highest:
                    assert seen[e["position"]] == e["id"], "a resend with another event id"
        for e in batch["events"]:
            seen.setdefault(e["position"], e["id"])
        highest = max(highest, positions[-1])
    return [(i, p) for p, i in seen.items()], rewinds


def test_every_event_arrives_in_order_through_outages_and_two_crashes(
    make_citizen, akasse, tmp_path, spawned
):
    members = [make_citizen(contact_group=1, akasse=akasse.code) for _ in range(4)]
    others = [make_citizen(contact_group=2, akasse=akasse.code) for _ in range(2)] + [
        make_citizen(contact_group=1) for _ in range(2)
    ]
    receiver = Receiver()
    receiver.start()
    admin = Actor(kind="admin", label="test")
    for path, feed in (("/dfdg", "dfdg"), ("/3f", f"akasse:{akasse.code}")):
        receiver.secrets[path] = SECRET
        webhook_create(actor=admin, url=receiver.url(path), feed=feed, secret=SECRET)

    stop = threading.Event()
    errors: list[Exception] = []

    def writer(seed: int) -> None:
        rng = random.Random(seed)
        try:
            while not stop.is_set():
                with transaction.atomic():
                    for _ in range(rng.randint(1, 3)):
                        citizen = rng.choice(members + others)
                        report(
                            "booking.created", citizen=citizen, payload={"w": seed}, share_with_akasse=True
                        )
                    time.sleep(rng.uniform(0, 0.01))  # commit order differs from insert order
                time.sleep(rng.uniform(0.005, 0.03))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    writers = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    log_path = tmp_path / "worker.log"
    log = open(log_path, "wb")
    kills = 0
    proc = None

    def waiting(condition, what: str, seconds: float = PATIENCE) -> None:
        wait_for(condition, seconds, what, proc=proc, log=log_path)

    def crash_while_held(proc):
        """Kill the worker after the receiver kept a batch and before it answered."""
        nonlocal kills
        receiver.held.clear()
        receiver.mode = "hold"
        wait_for(receiver.held.is_set, PATIENCE, "a held batch", proc=proc, log=log_path)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        kills += 1
        receiver.mode = "ok"
        return start_worker(spawned, log)

    try:
        for t in writers:
            t.start()
        proc = start_worker(spawned, log)
        waiting(lambda: len(receiver.events("/dfdg")) >= 40, "first deliveries")
        proc = crash_while_held(proc)
        delivered = len(receiver.events("/dfdg"))
        waiting(lambda: len(receiver.events("/dfdg")) > delivered, "the restarted worker")
        receiver.mode = "slow"
        batches = len(receiver.batches["/dfdg"])
        waiting(lambda: len(receiver.batches["/dfdg"]) >= batches + 3, "slow deliveries")
        receiver.mode = "fail"
        waiting(lambda: receiver.refused >= 3, "failed deliveries")
        receiver.mode = "ok"
        receiver.stop()  # down
        unreachable = WebhookAttempt.objects.filter(error__contains="kunne ikke nås")
        waiting(lambda: unreachable.count() >= 3, "attempts while down")
        receiver.start()  # up again, same port
        delivered = len(receiver.events("/dfdg"))
        waiting(lambda: len(receiver.events("/dfdg")) > delivered + 20, "deliveries after the outage")
        proc = crash_while_held(proc)
        # the writers go on until the restarted worker has delivered events written after the crash
        delivered = len(receiver.events("/dfdg"))
        waiting(lambda: len(receiver.events("/dfdg")) > delivered + 20, "deliveries after the second crash")
        stop.set()
        for t in writers:
            t.join()
        expected = {
            "/dfdg": list(ReportEvent.objects.order_by("position").values_list("id", "position")),
            "/3f": list(
                ReportEvent.objects.filter(akasse=akasse).order_by("position").values_list("id", "position")
            ),
        }
        # positions are stamped by the worker; wait until every event has one and all are received
        waiting(
            lambda: (
                not ReportEvent.objects.filter(position__isnull=True).exists()
                and all(
                    len({e["position"] for e in receiver.events(p)})
                    >= ReportEvent.objects.filter(**({} if p == "/dfdg" else {"akasse": akasse})).count()
                    for p in expected
                )
            ),
            "every event delivered",
            seconds=2 * PATIENCE,
        )
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=PATIENCE) == 0
    finally:
        stop.set()
        for t in writers:
            if t.is_alive():
                t.join(timeout=PATIENCE)
        spawned.kill_all()  # a failed wait leaves no worker running
        log.close()
        receiver.stop()
    assert not errors
    assert kills == 2
    expected = {
        "/dfdg": list(ReportEvent.objects.order_by("position").values_list("id", "position")),
        "/3f": list(
            ReportEvent.objects.filter(akasse=akasse).order_by("position").values_list("id", "position")
        ),
    }
    assert len(expected["/dfdg"]) > 200 and 0 < len(expected["/3f"]) < len(expected["/dfdg"])
    rewinds = 0
    for path, events in expected.items():
        got, went_back = received_in_order(receiver.batches[path])
        assert got == events, path
        rewinds += went_back
    # duplicates only after a crash: each kill left exactly one kept-but-unacknowledged batch
    assert rewinds == kills
    member_ids = {str(c.public_id) for c in members}
    assert {e["citizen"] for e in receiver.events("/3f")} <= member_ids
    assert receiver.bad_signatures == 0 and receiver.refused > 0
    log_text = log_path.read_text(errors="replace")
    for s in WebhookSubscriber.objects.all():
        assert s.status == "active" and s.position == expected["/dfdg"][-1][1], log_text[-2000:]
    assert WebhookAttempt.objects.filter(error__contains="HTTP 503").exists()
