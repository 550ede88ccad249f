"""booking_rush — the booking path under a rush, through the HTTP API as `samtale run` serves it in
production, against the same transaction in raw SQL at the same concurrency, on PostgreSQL.

Phases (issue 15):
  A  N clients each book their own distinct free times (no contention): bookings/s.
  B  N clients race for the last place of one free time, `--rounds` rounds: exactly one winner per
     round, everyone else 409 slot_full (a real rush is mostly such refusals); oversold must be 0.
  C  open loop: booking attempts arrive at a fixed `--rate` for `--seconds`, independent of answers
     (as a real rush does), by random citizens on a small set of free times (so mostly refusals);
     latency is measured from each request's scheduled arrival, so a queue shows.
A and B run the same transaction in raw SQL (psycopg, one persistent connection per client: citizen
row lock, duplicate check, conditional UPDATE of the slot, booking row, its number, history row,
report event) with the same number of client threads, and report API/raw.

It sets itself up and tears down:
1. creates its own database `samtale_perf_rush_<pid>` on `PG_URL` (default postgres://postgres@127.0.0.1:5432),
2. migrates it, seeds one jobcenter, one caseworker, two offers (API and raw) of conversation type 12
   (no R-PC-4 family, so a citizen may hold many times), N citizens in contact group 6 with a token each,
3. starts `samtale run --no-demo --no-worker --workers W --threads T` on a free loopback port — exactly
   the production server,
4. runs the phases, checks the database for oversold places, stops the server, drops the database.
It ends with one JSON line: {"phase_a": {...}, "phase_b": {..., "oversold": 0}, "phase_c": {...},
"workers": W, "load": [1, 5, 15 min load averages at the start, at the end]}.

Usage (from the repository root):

    .venv/bin/python bench/booking_rush.py                      # 32 clients, 1 worker process
    .venv/bin/python bench/booking_rush.py --workers 2
    .venv/bin/python bench/booking_rush.py --phases b --rounds 20
    .venv/bin/python bench/booking_rush.py --workers 2 --server gunicorn   # the other production server

The machine's load matters (the client threads share its cores with the server): compare API and raw
SQL from the same run. Performance is measured here and never asserted in the test suite.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


class Result:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.outcomes: dict[str, int] = {}
        self.seconds = 0.0

    def add(self, seconds: float, outcome: str) -> None:
        with self.lock:
            self.latencies.append(seconds)
            self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1

    @property
    def requests(self) -> int:
        return len(self.latencies)

    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def figures(self) -> dict:
        ms = [v * 1000 for v in self.latencies]
        return {
            "per_s": round(self.rate(), 1),
            "p50_ms": round(percentile(ms, 50), 1),
            "p95_ms": round(percentile(ms, 95), 1),
            "p99_ms": round(percentile(ms, 99), 1),
        }

    def line(self, name: str) -> str:
        f = self.figures()
        return (
            f"  {name:4} {self.requests:6d} requests in {self.seconds:6.2f} s = {f['per_s']:7.1f}/s  "
            f"p50 {f['p50_ms']:6.1f}  p95 {f['p95_ms']:6.1f}  p99 {f['p99_ms']:6.1f} ms  {self.outcomes}"
        )


def closed_loop(work: list[list], book_one, *, barrier_each_round: bool = False) -> Result:
    """One thread per client; `work[i]` is client i's list of slots, booked one after another. With
    `barrier_each_round`, all clients start each item together (a race per round)."""
    result = Result()
    clients = len(work)
    barrier = threading.Barrier(clients + 1)
    round_barrier = threading.Barrier(clients) if barrier_each_round else None

    def client(i: int) -> None:
        barrier.wait()
        for slot in work[i]:
            if round_barrier is not None:
                round_barrier.wait()
            t0 = time.perf_counter()
            try:
                outcome = book_one(i, slot)
            except Exception as exc:  # counted, so one failure does not stop a round's barrier
                outcome = type(exc).__name__
            result.add(time.perf_counter() - t0, outcome)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    result.seconds = time.perf_counter() - t0
    return result


def open_loop(rate: float, seconds: float, request, *, pool: int) -> Result:
    """Arrivals every 1/rate s for `seconds`; `pool` threads serve them. Latency counts from the
    scheduled arrival, so waiting for a free client thread (a queue) is part of it."""
    result = Result()
    arrivals: queue.Queue = queue.Queue()
    total = int(rate * seconds)
    t0 = time.perf_counter() + 0.5
    for n in range(total):
        arrivals.put(t0 + n / rate)
    for _ in range(pool):
        arrivals.put(None)

    def server_of_arrivals(k: int) -> None:
        rng = random.Random(k)
        while (due := arrivals.get()) is not None:
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            try:
                outcome = request(k, rng)
            except Exception as exc:
                outcome = type(exc).__name__
            result.add(time.perf_counter() - due, outcome)

    threads = [threading.Thread(target=server_of_arrivals, args=(k,)) for k in range(pool)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.seconds = time.perf_counter() - t0
    return result


class Api:
    """One keep-alive HTTP connection per thread."""

    def __init__(self, port: int, tokens: list[str]) -> None:
        self.port, self.tokens = port, tokens
        self.local = threading.local()

    def book(self, citizen: int, slot_id: str) -> str:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        body = json.dumps({"slot": slot_id})
        headers = {"Authorization": f"Bearer {self.tokens[citizen]}", "Content-Type": "application/json"}
        try:
            conn.request("POST", "/api/v1/me/bookings", body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        except (http.client.HTTPException, OSError) as exc:
            conn.close()
            self.local.conn = None
            return type(exc).__name__
        if response.status == 201:
            return "ok"
        if response.status == 409:
            code = json.loads(data).get("code")
            return "full" if code == "slot_full" else f"409_{code}"
        return f"http_{response.status}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--clients",
        type=int,
        default=32,
        help="concurrent clients in A and B (default 32; raw SQL holds one PostgreSQL connection each)",
    )
    parser.add_argument("--per-client", type=int, default=10, help="A: free times each client books")
    parser.add_argument("--rounds", type=int, default=100, help="B: races for one last place")
    parser.add_argument("--rate", type=float, default=200, help="C: arrivals per second")
    parser.add_argument("--seconds", type=float, default=30, help="C: how long")
    parser.add_argument("--open-slots", type=int, default=200, help="C: free times the arrivals go for")
    parser.add_argument("--workers", type=int, default=1, help="server processes (samtale run --workers)")
    parser.add_argument(
        "--threads", type=int, default=2, help="threads per server process (samtale run's default)"
    )
    parser.add_argument(
        "--server", help="samtale run --server (granian, gunicorn, waitress; default: what samtale run picks)"
    )
    parser.add_argument("--phases", default="abc", help="which phases to run (default abc)")
    parser.add_argument("--pg-url", default=os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    import signal

    from scratch_db import scratch_database

    # `kill` ends the run through `finally`, which stops the server and drops the database.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    load_start = load()
    # Each bench client is one citizen firing hundreds of attempts a minute; a real rush is thousands of
    # citizens trying a few times each. Counted as in production (the counter's cost stays in the
    # figures), but never refusing, so phase B still has one winner a round.
    attempts = os.environ.get("SAMTALE_BOOKING_ATTEMPTS_PER_CITIZEN", "1000000")
    with scratch_database(
        args.pg_url,
        f"samtale_perf_rush_{os.getpid()}",
        keep=args.keep,
        extra_env={"SAMTALE_BOOKING_ATTEMPTS_PER_CITIZEN": attempts},
    ) as db:
        env = {k: v for k, v in db.env.items() if k != "SAMTALE_DEBUG"}
        server = None
        out: dict = {}
        try:
            s = seed(args)
            from django.db import connections

            from samtale.core.management.commands.run import _default_server

            connections.close_all()

            port = free_port()
            server_log = tempfile.TemporaryFile()
            cmd = [
                sys.executable, "-m", "samtale.cli", "run", "--no-demo", "--no-worker", "--port", str(port),
                "--workers", str(args.workers), "--threads", str(args.threads),
            ]  # fmt: skip
            if args.server:
                cmd += ["--server", args.server]
            # A file, not a pipe: an unread pipe fills up and blocks the server.
            server = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=server_log)
            wait_for(port, s["tokens"][0], server, server_log)
            print(
                f"booking_rush: {args.clients} clients; server: {' '.join(cmd[2:])}; load {load_start}",
                flush=True,
            )
            api = Api(port, s["tokens"])
            raw = RawBooker(db.url, s)
            n = args.clients

            def phase(name: str, api_result: Result, raw_result: Result | None, **extra) -> None:
                print(f"phase {name.upper()}:")
                print(api_result.line("API"))
                fig = {"api_per_s": api_result.figures()["per_s"]}
                if raw_result is not None:
                    print(raw_result.line("raw"))
                    fig["sql_per_s"] = raw_result.figures()["per_s"]
                    fig["ratio"] = round(fig["api_per_s"] / fig["sql_per_s"], 3) if fig["sql_per_s"] else None
                    print(f"  ratio API/raw {fig['ratio']}   load {load()}")
                fig.update({k: v for k, v in api_result.figures().items() if k != "per_s"})
                fig.update(extra)
                out[f"phase_{name}"] = fig

            if "a" in args.phases:
                k = args.per_client
                api_work = [s["api_a"][i * k : (i + 1) * k] for i in range(n)]
                raw_work = [s["raw_a"][i * k : (i + 1) * k] for i in range(n)]
                a_api = closed_loop(api_work, api.book)
                a_raw = closed_loop(raw_work, raw.book)
                phase("a", a_api, a_raw, oversold=oversold(s["api_offer_a"]) + oversold(s["raw_offer_a"]))

            if "b" in args.phases:
                b_api = closed_loop([s["api_b"]] * n, api.book, barrier_each_round=True)
                b_raw = closed_loop([s["raw_b"]] * n, raw.book, barrier_each_round=True)
                over = oversold(s["api_offer_b"]) + oversold(s["raw_offer_b"])
                winners = [b_api.outcomes.get("ok", 0), b_raw.outcomes.get("ok", 0)]
                phase("b", b_api, b_raw, oversold=over, winners=winners, rounds=args.rounds)
                if winners != [args.rounds, args.rounds]:
                    print(f"  WARNING: winners {winners}, expected {args.rounds} each (one per round)")

            if "c" in args.phases:
                slots = s["api_c"]

                def attempt(k: int, rng: random.Random) -> str:
                    return api.book(rng.randrange(n), rng.choice(slots))

                pool = max(64, int(args.rate * 0.5))
                c_api = open_loop(args.rate, args.seconds, attempt, pool=pool)
                phase("c", c_api, None, offered_rate=args.rate, oversold=oversold(s["api_offer_c"]))
                out["phase_c"]["rate"] = out["phase_c"].pop("api_per_s")
            raw.close()
            out["rss_mb"] = rss_of_workers(server.pid)
            print(f"server worker processes' RSS after the run: {out['rss_mb']} MB")
            out["workers"] = args.workers
            out["threads"] = args.threads
            out["server"] = args.server or os.environ.get("SAMTALE_SERVER") or _default_server()
            out["clients"] = n
            out["load"] = [load_start, load()]
            bad = sum(v.get("oversold", 0) for k, v in out.items() if k.startswith("phase_"))
            print(json.dumps(out))
            return 0 if bad == 0 else 1
        finally:
            if server is not None:
                server.terminate()
                try:
                    server.wait(30)
                except subprocess.TimeoutExpired:
                    server.kill()


def rss_of_workers(pid: int) -> list[float]:
    """Resident memory (MB) of each child of `pid` — the server's worker processes (Linux /proc)."""
    sizes = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            if int(stat.rsplit(")", 1)[1].split()[1]) != pid:
                continue
            status = (entry / "status").read_text()
        except OSError:
            continue
        kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
        sizes.append(round(kb / 1024, 1))
    return sorted(sizes)


def wait_for(port: int, token: str, server, log) -> None:
    deadline = time.monotonic() + 120
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
    """One jobcenter and caseworker, an API and a raw offer per phase with their free times (one
    caseworker, so every free time has its own quarter of an hour), `clients` citizens with tokens."""
    from samtale.citizens.services import citizen_upsert
    from samtale.codes.models import ContactForm
    from samtale.core.actors import Actor
    from samtale.organisations.services import api_token_create, caseworker_upsert, jobcenter_upsert
    from samtale.scheduling.models import Slot
    from samtale.scheduling.services import offer_create

    system = Actor.system("bench")
    jobcenter = jobcenter_upsert(code="999", name="Jobcenter Benchmark")
    caseworker = caseworker_upsert(ident="bench-cw", name="Bente Bench", jobcenters=["999"])
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=2)
    counter = iter(range(10**7))

    def offer(title):
        return offer_create(
            actor=system,
            jobcenter=jobcenter,
            title=title,
            description="Benchmark",
            location="Jobcenter Benchmark",
            conversation_type=12,
            contact_forms=["telefonisk"],
            contact_groups=[6],
            phone_to_call="+4570101010",
            meeting_form="individual",
            min_notice_hours=0,
        )

    def slots(o, count):
        rows = []
        for _ in range(count):
            at = start + timedelta(minutes=15 * next(counter))
            rows.append(
                Slot(offer=o, caseworker=caseworker, start=at, end=at + timedelta(minutes=15), capacity=1)
            )
        return Slot.objects.bulk_create(rows)

    out: dict = {}
    sizes = {"a": args.clients * args.per_client, "b": args.rounds, "c": args.open_slots}
    for phase, count in sizes.items():
        for side in ("api", "raw"):
            o = offer(f"Rush {phase.upper()} ({side})")
            made = slots(o, count)
            out[f"{side}_offer_{phase}"] = o.pk
            out[f"{side}_{phase}"] = (
                [str(x.public_id) for x in made] if side == "api" else [(x.pk, x.start, x.end) for x in made]
            )
    tokens, citizens = [], []
    for i in range(args.clients):
        born = datetime(1970, 1, 1) + timedelta(days=97 * i)
        citizen, _ = citizen_upsert(
            actor=system,
            cpr=f"{born:%d%m%y}{1000 + i:04d}",
            name=f"Bench Borger {i}",
            contact_group=6,
            jobcenter="999",
        )
        citizens.append(citizen.pk)
        tokens.append(api_token_create(role="citizen", citizen_public_id=citizen.public_id)[1])
    out.update(
        tokens=tokens,
        citizens=citizens,
        jobcenter=jobcenter.pk,
        caseworker=caseworker.pk,
        contact_form=ContactForm.objects.get(code="telefonisk").pk,
        conversation_type=12,
        meeting_form="individual",
    )
    from samtale.codes.models import ConversationType

    out["conversation_type"] = ConversationType.objects.get(code=12).pk
    return out


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
        print(f"  WARNING: {mismatched} free times whose booked counter differs from their bookings")
    return int(over)


class RawBooker:
    """The self-booking transaction in plain SQL: lock the citizen, check the citizen does not hold the
    slot, take a place with the conditional UPDATE, insert the booking, its number, a history row and a
    report event. One persistent connection per client."""

    def __init__(self, url: str, seeded: dict) -> None:
        self.url, self.s = url, seeded
        # Which raw offer each raw free time belongs to (one per phase).
        self.offer_of = {
            slot[0]: seeded[f"raw_offer_{phase}"] for phase in "abc" for slot in seeded[f"raw_{phase}"]
        }
        self.by_client: dict = {}
        self.conns: list = []
        self.lock = threading.Lock()

    def conn(self, i: int):
        """Client i's own connection, kept across phases (PostgreSQL's connections are shared)."""
        import psycopg

        with self.lock:
            c = self.by_client.get(i)
        if c is None:
            c = psycopg.connect(self.url)
            with self.lock:
                self.by_client[i] = c
                self.conns.append(c)
        return c

    def close(self) -> None:
        for c in self.conns:
            c.close()

    def book(self, i: int, slot: tuple) -> str:
        slot_id, start, end = slot
        s = self.s
        citizen = s["citizens"][i]
        conn = self.conn(i)
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
                    "address, video_link, citizen_contact, phone_to_call, who_calls, other_authority_summoned, rebooking_allowed, "
                    "rebooking_deadline, cancellation_allowed, cancellation_deadline, created_by) VALUES "
                    "(%s, %s, %s, %s, %s, %s, %s, %s, true, 'planned', %s, %s, 'Rush', '', %s, %s, %s, %s, true, '', '', '', "
                    "'', '+4570101010', 'citizen', false, true, %s, true, %s, 'borger') RETURNING id",
                    [
                        uuid.uuid4(),
                        now,
                        now,
                        f"T{uuid.uuid4().hex[:19]}",
                        citizen,
                        s["jobcenter"],
                        self.offer_of[slot_id],
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
