"""webhooks — how fast `samtale worker` pushes feed events to a webhook receiver, and how far behind
it falls during a booking rush, on PostgreSQL.

What it prints:
1. throughput: E report events waiting (written in bulk, unstamped, as after an outage) are pushed
   by one `samtale worker` to a local receiver: events/s from worker start to the last
   acknowledgement, and pushes/s;
2. lag under a booking rush: C citizens (threads, each its own connection) self-book free times as
   fast as they can through `bookings.services.booking_self_book` while the worker pushes; for every
   event, the lag from its `occurred_at` to its arrival at the receiver: p50/p95/p99/max, and how long
   after the last booking the receiver had everything.

The receiver (threading http.server on 127.0.0.1) checks every signature as docs/api.md says. The
script makes its own database `samtale_bench_webhooks_<pid>` on PG_URL (default
postgres://postgres@127.0.0.1:5432), migrates it, and drops it at the end (`--keep` keeps it).

Usage (from the repository root):

    .venv/bin/python bench/webhooks.py
    .venv/bin/python bench/webhooks.py --events 20000 --batch-size 200 --clients 16 --slots 400
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-hemmelighed-0123456789"


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))]


class Receiver:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.arrivals: dict[int, tuple[float, str]] = {}  # position -> (arrival time, occurred_at)
        self.pushes = 0
        self.bad = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                ts = self.headers["Samtale-Webhook-Timestamp"]
                mac = hmac.new(SECRET.encode(), f"{ts}.".encode() + body, hashlib.sha256).hexdigest()
                ok = hmac.compare_digest(f"v1={mac}", self.headers["Samtale-Webhook-Signature"])
                now = time.time()
                with receiver.lock:
                    if not ok:
                        receiver.bad += 1
                    else:
                        receiver.pushes += 1
                        for e in json.loads(body)["events"]:
                            receiver.arrivals.setdefault(e["position"], (now, e["occurred_at"]))
                self.send_response(204 if ok else 400)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/samtale"

    def count(self) -> int:
        with self.lock:
            return len(self.arrivals)


def start_worker(env: dict, batch_size: int, log) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "samtale.cli", "worker", "--interval", "0.05"],
        env={**env, "SAMTALE_WEBHOOK_BATCH_SIZE": str(batch_size), "SAMTALE_LOG_LEVEL": "WARNING"},
        cwd=ROOT,
        stdout=log,
        stderr=log,
    )


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def seed(clients: int, slots: int):
    from samtale.citizens.services import citizen_upsert
    from samtale.core import clock
    from samtale.core.actors import Actor
    from samtale.organisations.services import caseworker_upsert, jobcenter_upsert
    from samtale.scheduling.models import Slot
    from samtale.scheduling.services import offer_create

    system = Actor.system("bench")
    jobcenter = jobcenter_upsert(code="998", name="Jobcenter Webhook-bench")
    caseworker = caseworker_upsert(ident="bench-wh", name="Bo Bench", jobcenters=["998"])
    offer = offer_create(
        actor=system,
        jobcenter=jobcenter,
        title="Telefonsamtale",
        description="Benchmark",
        location="Jobcenter Webhook-bench",
        conversation_type=12,
        contact_forms=["telefonisk"],
        contact_groups=[6],
        phone_to_call="+4570101010",
        meeting_form="individual",
        min_notice_hours=0,
    )
    # weekday office hours, 15 minutes each, from the next weekday on
    times, day = [], clock.today() + timedelta(days=1)
    while len(times) < slots:
        if day.weekday() < 5:
            times += [clock.at(day, 9) + timedelta(minutes=15 * i) for i in range(24)]
        day += timedelta(days=1)
    made = Slot.objects.bulk_create(
        [
            Slot(offer=offer, caseworker=caseworker, start=t, end=t + timedelta(minutes=15), capacity=1)
            for t in times[:slots]
        ]
    )
    citizens = []
    for i in range(clients):
        born = datetime(1971, 1, 1) + timedelta(days=89 * i)
        citizens.append(
            citizen_upsert(
                actor=system,
                cpr=f"{born:%d%m%y}{2000 + i:04d}",
                name=f"Bench Borger {i}",
                contact_group=6,
                jobcenter="998",
            )[0]
        )
    return citizens, made


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10000, help="waiting events for the throughput part")
    parser.add_argument("--batch-size", type=int, default=50, help="SAMTALE_WEBHOOK_BATCH_SIZE (default 50)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent citizens in the rush")
    parser.add_argument("--slots", type=int, default=400, help="free times in the rush")
    parser.add_argument("--pg-url", default=os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    from scratch_db import scratch_database

    with scratch_database(args.pg_url, f"samtale_bench_webhooks_{os.getpid()}", keep=args.keep) as db:
        env = db.env
        worker = None
        log = tempfile.TemporaryFile()
        try:
            from django.db import connections

            from samtale.core.actors import Actor
            from samtale.reporting.models import ReportEvent
            from samtale.reporting.services import webhook_create

            citizens, slots = seed(args.clients, args.slots)
            receiver = Receiver()
            admin = Actor(kind="admin", label="bench")

            # 1. throughput: a backlog of events, one worker
            now = datetime.now(UTC)
            ReportEvent.objects.bulk_create(
                [
                    ReportEvent(
                        kind="bench.event",
                        occurred_at=now,
                        citizen=citizens[i % len(citizens)],
                        payload={"n": i},
                    )
                    for i in range(args.events)
                ],
                batch_size=5000,
            )
            total = ReportEvent.objects.count()
            webhook_create(actor=admin, url=receiver.url, feed="dfdg", secret=SECRET)
            t0 = time.perf_counter()
            worker = start_worker(env, args.batch_size, log)
            if not wait_for(lambda: receiver.count() >= total, 600):
                print("webhooks: the worker did not deliver the backlog in 10 minutes", file=sys.stderr)
                return 1
            seconds = time.perf_counter() - t0
            print(
                f"throughput: {total} events in {seconds:.2f} s = {total / seconds:.0f} events/s "
                f"({receiver.pushes} pushes of ≤{args.batch_size}, {receiver.pushes / seconds:.1f} pushes/s, "
                f"worker start-up included; bad signatures {receiver.bad})",
                flush=True,
            )

            # 2. lag under a booking rush, the worker running on
            from samtale.bookings.services import booking_self_book
            from samtale.core.errors import DomainError

            before = receiver.count()
            free = list(slots)
            random.Random(7).shuffle(free)
            lock = threading.Lock()
            booked = errors = 0

            def citizen_rushes(citizen) -> None:
                nonlocal booked, errors
                actor = Actor.for_citizen(citizen)
                try:
                    while True:
                        with lock:
                            if not free:
                                return
                            slot = free.pop()
                        try:
                            booking_self_book(actor=actor, slot=slot)
                            with lock:
                                booked += 1
                        except DomainError:
                            with lock:
                                errors += 1
                finally:
                    connections.close_all()

            threads = [threading.Thread(target=citizen_rushes, args=(c,)) for c in citizens]
            rush_start = time.time()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            rush_end = time.time()
            expected = ReportEvent.objects.count()
            wait_for(lambda: receiver.count() >= expected, 120)
            drained = time.time()
            with receiver.lock:
                lags = [
                    arrived - datetime.fromisoformat(occurred.replace("Z", "+00:00")).timestamp()
                    for position, (arrived, occurred) in receiver.arrivals.items()
                    if arrived >= rush_start
                ]
            rush_events = expected - before
            print(
                f"rush: {args.clients} citizens booked {booked} free times ({errors} refused) in "
                f"{rush_end - rush_start:.2f} s = {booked / (rush_end - rush_start):.0f} bookings/s, "
                f"{rush_events} events = {rush_events / (rush_end - rush_start):.0f} events/s written",
                flush=True,
            )
            print(
                f"lag (occurred_at → received): p50 {percentile(lags, 50) * 1000:.0f} ms, "
                f"p95 {percentile(lags, 95) * 1000:.0f} ms, p99 {percentile(lags, 99) * 1000:.0f} ms, "
                f"max {max(lags) * 1000:.0f} ms; all delivered {drained - rush_end:.2f} s after the last booking; "
                f"received {receiver.count()} of {expected}",
                flush=True,
            )
            print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
            return 0
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
