"""booking_rush — N concurrent citizens race for M free times through the HTTP API, on PostgreSQL.

What it prints: bookings/s, requests/s, p50/p95/p99 latency of `POST /api/v1/me/bookings`, the number of
oversold places (must be 0), and the same booking transaction done in raw SQL with psycopg (persistent
connections, same locks and rows: citizen row lock, duplicate check, conditional UPDATE of the slot,
booking row, history row, report event) as the baseline ratio.

It sets itself up and tears down, so one command runs it:
1. creates its own database `samtale_bench_rush_<pid>` on `PG_URL` (default postgres://postgres@127.0.0.1:5432),
2. migrates it, seeds one jobcenter, one caseworker, two offers with M free times each, N citizens in
   contact group 6 (may self-book) and one citizen token each,
3. starts the Samtale WSGI app under waitress on a free loopback port (`--server-threads`),
4. runs the HTTP rush, then the raw SQL rush on the second offer's free times,
5. checks the database for oversold places, stops the server and drops the database (`--keep` keeps it).

Each client is one citizen with its own HTTP connection. It picks random free times it does not yet
know to be full or its own, POSTs `{"slot": …}`, and stops when every time is full (409 slot_full) or
its own. Conversation type 12 (Anden samtale, no R-PC-4 family), so one citizen may hold many times.

Usage (from the repository root):

    .venv/bin/python bench/booking_rush.py                       # 32 clients, 100 slots, capacity 1
    .venv/bin/python bench/booking_rush.py --clients 50 --slots 200 --capacity 1
    .venv/bin/python bench/booking_rush.py --capacity 10 --slots 20   # joint meetings
    PG_URL=postgres://user@host:5432 .venv/bin/python bench/booking_rush.py

Performance is measured here and never asserted in the test suite (bench/README.md). Note: the
project's settings use `conn_max_age=0`, so every API request opens a new database connection; the
raw baseline keeps one connection per client. That difference is part of what the ratio shows.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


class Result:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.ok = 0
        self.full = 0
        self.other_409 = 0
        self.errors: dict[str, int] = {}

    def add(self, seconds: float, outcome: str) -> None:
        with self.lock:
            self.latencies.append(seconds)
            if outcome == "ok":
                self.ok += 1
            elif outcome == "full":
                self.full += 1
            elif outcome == "conflict":
                self.other_409 += 1
            else:
                self.errors[outcome] = self.errors.get(outcome, 0) + 1


def rush(clients: int, slots: list, book_one, seed: int) -> tuple[Result, float]:
    """Run `clients` threads; `book_one(client_index, slot)` returns "ok", "full", "conflict" or an error name."""
    result = Result()
    barrier = threading.Barrier(clients + 1)

    def client(i: int) -> None:
        rng = random.Random(seed + i)
        todo = list(slots)
        rng.shuffle(todo)
        barrier.wait()
        while todo:
            slot = todo.pop()
            t0 = time.perf_counter()
            outcome = book_one(i, slot)
            result.add(time.perf_counter() - t0, outcome)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    return result, time.perf_counter() - t0


def report(name: str, result: Result, seconds: float, places: int) -> float:
    rate = result.ok / seconds if seconds else 0.0
    total = len(result.latencies)
    ms = [v * 1000 for v in result.latencies]
    print(
        f"{name}: {result.ok} of {places} places booked in {seconds:.2f} s = {rate:.1f} bookings/s; "
        f"{total} requests = {total / seconds:.0f} req/s "
        f"({result.ok} booked, {result.full} full, {result.other_409} other 409, errors {result.errors or 0})"
    )
    print(
        f"{' ' * len(name)}  latency p50 {percentile(ms, 50):.1f} ms, p95 {percentile(ms, 95):.1f} ms, "
        f"p99 {percentile(ms, 99):.1f} ms, mean {statistics.fmean(ms) if ms else 0:.1f} ms"
    )
    return rate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=32, help="concurrent citizens (default 32)")
    parser.add_argument("--slots", type=int, default=100, help="free times per offer (default 100)")
    parser.add_argument("--capacity", type=int, default=1, help="places per free time (1 = individual)")
    parser.add_argument("--server-threads", type=int, default=16, help="waitress threads (default 16)")
    parser.add_argument("--pg-url", default=os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    import psycopg

    dbname = f"samtale_bench_rush_{os.getpid()}"
    base = args.pg_url.rstrip("/")
    admin_url = f"{base}/postgres"
    db_url = f"{base}/{dbname}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{dbname}"')
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "PYTHONPATH": str(SRC),
        "DJANGO_SETTINGS_MODULE": "samtale.settings",
    }
    server = None
    try:
        print(f"booking_rush: database {dbname}; migrating …", flush=True)
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "-v", "0"],
            env=env,
            check=True,
            cwd=ROOT,
        )
        os.environ.update({"DATABASE_URL": db_url, "DJANGO_SETTINGS_MODULE": "samtale.settings"})
        sys.path.insert(0, str(SRC))
        import django

        django.setup()
        seeded = seed(args)

        port = free_port()
        server_log = tempfile.TemporaryFile()
        server = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import sys; from waitress import serve; from samtale.wsgi import application; "
                f"serve(application, host='127.0.0.1', port={port}, threads={args.server_threads}, "
                "connection_limit=1000, backlog=2048, _quiet=True)",
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            # A file, not a pipe: Django logs every 409 on stderr, and an unread pipe fills up and
            # blocks the server's threads.
            stderr=server_log,
        )
        wait_for(port, seeded["tokens"][0], server, server_log)
        print(
            f"booking_rush: {args.clients} clients, {args.slots} free times × {args.capacity} place(s), "
            f"waitress {args.server_threads} threads on 127.0.0.1:{port}",
            flush=True,
        )
        places = args.slots * args.capacity

        local = threading.local()

        def api_book(i: int, slot_id: str) -> str:
            conn = getattr(local, "conn", None)
            if conn is None:
                conn = local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            body = json.dumps({"slot": slot_id})
            headers = {"Authorization": f"Bearer {seeded['tokens'][i]}", "Content-Type": "application/json"}
            try:
                conn.request("POST", "/api/v1/me/bookings", body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
            except (http.client.HTTPException, OSError) as exc:
                conn.close()
                local.conn = None
                return type(exc).__name__
            if response.status == 201:
                return "ok"
            if response.status == 409:
                code = json.loads(data).get("code")
                return "full" if code == "slot_full" else "conflict"
            return f"http_{response.status}"

        api_result, api_seconds = rush(args.clients, seeded["api_slots"], api_book, seed=1)
        api_rate = report("API", api_result, api_seconds, places)
        api_oversold = oversold(seeded["api_offer"])
        print(f"     oversold places: {api_oversold}", flush=True)

        raw = RawBooker(db_url, seeded)
        raw_result, raw_seconds = rush(args.clients, seeded["raw_slots"], raw.book, seed=2)
        raw.close()
        raw_rate = report("raw", raw_result, raw_seconds, places)
        raw_oversold = oversold(seeded["raw_offer"])
        print(f"     oversold places: {raw_oversold}")
        if raw_rate:
            print(
                f"ratio: API / raw SQL bookings/s = {api_rate / raw_rate:.3f} (raw SQL {raw_rate / max(api_rate, 1e-9):.1f}× faster)"
            )
        return 0 if api_oversold == 0 and raw_oversold == 0 else 1
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:
            pass
        if not args.keep:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        else:
            print(f"kept database {dbname}")


def wait_for(port: int, token: str, server, log) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log.seek(0)
            raise SystemExit("server exited: " + log.read().decode(errors="replace")[-2000:])
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/me", headers={"Authorization": f"Bearer {token}"})
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("server did not start")


def seed(args) -> dict:
    """Organisation, two offers with `slots` free times each, `clients` citizens with tokens."""
    from samtale.citizens.services import citizen_upsert
    from samtale.core.actors import Actor
    from samtale.organisations.services import api_token_create, caseworker_upsert, jobcenter_upsert
    from samtale.scheduling.models import Slot
    from samtale.scheduling.services import offer_create

    system = Actor.system("bench")
    jobcenter = jobcenter_upsert(code="999", name="Jobcenter Benchmark")
    caseworker = caseworker_upsert(ident="bench-cw", name="Bente Bench", jobcenters=["999"])
    joint = args.capacity > 1

    def offer(title):
        return offer_create(
            actor=system,
            jobcenter=jobcenter,
            title=title,
            conversation_type=12,
            contact_forms=["telefonisk"],
            contact_groups=[6],
            phone_to_call="+4570101010",
            meeting_form="joint" if joint else "individual",
            min_notice_hours=0,
        )

    api_offer, raw_offer = offer("Rush via API"), offer("Rush i rå SQL")
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=2)
    made = {}
    for n, o in enumerate((api_offer, raw_offer)):
        rows = [
            Slot(
                offer=o,
                caseworker=caseworker,
                start=start + timedelta(minutes=15 * (n * args.slots + i)),
                end=start + timedelta(minutes=15 * (n * args.slots + i) + 15),
                capacity=args.capacity,
            )
            for i in range(args.slots)
        ]
        made[o.pk] = Slot.objects.bulk_create(rows)
    citizens, tokens = [], []
    for i in range(args.clients):
        born = datetime(1970, 1, 1) + timedelta(days=97 * i)
        citizen, _ = citizen_upsert(
            actor=system,
            cpr=f"{born:%d%m%y}{1000 + i:04d}",
            name=f"Bench Borger {i}",
            contact_group=6,
            jobcenter="999",
        )
        citizens.append(citizen)
        tokens.append(api_token_create(role="citizen", citizen_public_id=citizen.public_id)[1])
    from samtale.codes.models import ContactForm

    return {
        "tokens": tokens,
        "citizens": [c.pk for c in citizens],
        "jobcenter": jobcenter.pk,
        "caseworker": caseworker.pk,
        "contact_form": ContactForm.objects.get(code="telefonisk").pk,
        "conversation_type": api_offer.conversation_type_id,
        "api_offer": api_offer.pk,
        "raw_offer": raw_offer.pk,
        "api_slots": [str(s.public_id) for s in made[api_offer.pk]],
        "raw_slots": [(s.pk, s.start, s.end) for s in made[raw_offer.pk]],
        "meeting_form": "joint" if joint else "individual",
    }


def oversold(offer_id: int) -> int:
    """Places booked beyond capacity, counted from the bookings themselves (not from `booked`)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT COALESCE(SUM(GREATEST(n - capacity, 0)), 0), COALESCE(SUM(CASE WHEN n <> booked THEN 1 ELSE 0 END), 0) "
            "FROM (SELECT s.id, s.capacity, s.booked, COUNT(b.id) AS n FROM scheduling_slot s "
            "LEFT JOIN bookings_booking b ON b.slot_id = s.id AND b.status = 'planned' "
            "WHERE s.offer_id = %s GROUP BY s.id) t",
            [offer_id],
        )
        over, mismatched = cur.fetchone()
    if mismatched:
        print(f"     WARNING: {mismatched} free times whose booked counter differs from their bookings")
    return int(over)


class RawBooker:
    """The self-booking transaction in plain SQL: lock the citizen, check the citizen does not hold the
    slot, take a place with the conditional UPDATE, insert the booking, its number, a history row and a
    report event. One persistent connection per client."""

    def __init__(self, url: str, seeded: dict) -> None:
        self.url, self.s = url, seeded
        self.local = threading.local()
        self.conns: list = []
        self.lock = threading.Lock()

    def conn(self):
        import psycopg

        c = getattr(self.local, "conn", None)
        if c is None:
            c = self.local.conn = psycopg.connect(self.url)
            with self.lock:
                self.conns.append(c)
        return c

    def close(self) -> None:
        for c in self.conns:
            c.close()

    def book(self, i: int, slot: tuple) -> str:
        slot_id, start, end = slot
        s = self.s
        citizen = s["citizens"][i]
        conn = self.conn()
        now = datetime.now(UTC)
        try:
            with conn.transaction():
                cur = conn.cursor()
                cur.execute("SELECT id FROM citizens_citizen WHERE id = %s FOR UPDATE", [citizen])
                cur.execute(
                    "SELECT 1 FROM bookings_booking WHERE citizen_id = %s AND slot_id = %s AND status = 'planned'",
                    [citizen, slot_id],
                )
                if cur.fetchone():
                    raise _Outcome("conflict")
                cur.execute(
                    "UPDATE scheduling_slot SET booked = booked + 1 "
                    "WHERE id = %s AND status = 'published' AND booked < capacity",
                    [slot_id],
                )
                if cur.rowcount == 0:
                    raise _Outcome("full")
                cur.execute(
                    "INSERT INTO bookings_booking (public_id, created_at, updated_at, booking_number, citizen_id, "
                    'jobcenter_id, offer_id, slot_id, self_booked, status, start, "end", title, description, '
                    "conversation_type_id, contact_form_id, meeting_form, caseworker_id, caseworker_visible, location, "
                    "address, citizen_contact, phone_to_call, who_calls, other_authority_summoned, rebooking_allowed, "
                    "rebooking_deadline, cancellation_allowed, cancellation_deadline, created_by) VALUES "
                    "(%s, %s, %s, %s, %s, %s, %s, %s, true, 'planned', %s, %s, 'Rush', '', %s, %s, %s, %s, true, '', '', "
                    "'', '+4570101010', 'citizen', false, true, %s, true, %s, 'borger') RETURNING id",
                    [
                        uuid.uuid4(),
                        now,
                        now,
                        f"T{uuid.uuid4().hex[:19]}",
                        citizen,
                        s["jobcenter"],
                        s["raw_offer"],
                        slot_id,
                        start,
                        end,
                        s["conversation_type"],
                        s["contact_form"],
                        s["meeting_form"],
                        s["caseworker"],
                        start - timedelta(hours=24),
                        start - timedelta(hours=24),
                    ],
                )
                booking_id = cur.fetchone()[0]
                cur.execute(
                    "UPDATE bookings_booking SET booking_number = 'B-' || %s || '-' || lpad(id::text, 6, '0') WHERE id = %s",
                    [str(now.year), booking_id],
                )
                cur.execute(
                    "INSERT INTO bookings_bookingchange (booking_id, at, actor, kind, old, new) "
                    "VALUES (%s, %s, 'borger', 'created', '{}', %s)",
                    [booking_id, now, json.dumps({"start": start.isoformat(), "status": "planned"})],
                )
                cur.execute(
                    "INSERT INTO reporting_reportevent (kind, occurred_at, citizen_id, payload) "
                    "VALUES ('booking.created', %s, %s, %s)",
                    [now, citizen, json.dumps({"booking": booking_id, "start": start.isoformat()})],
                )
        except _Outcome as outcome:
            return outcome.kind
        return "ok"


class _Outcome(Exception):
    def __init__(self, kind: str) -> None:
        self.kind = kind


if __name__ == "__main__":
    sys.exit(main())
