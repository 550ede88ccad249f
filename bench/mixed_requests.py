"""mixed_requests — the server's memory (RSS per worker process) over 10,000 mixed requests, as
`samtale run` serves them in production, on PostgreSQL (issue 15: RSS < 150 MB per server process).

The mix, from `--clients` client threads (keep-alive HTTP, each with its own citizens):
  citizen API     /me, the month of bookable free times (a month of the next three), my bookings, my
                  deadline and notice, book a free time, rebook, cancel
  caseworker API  a caseworker's week and the jobcenter's week (a week of the next six), citizen search
                  by name and by CPR (in the body), a citizen, their bookings/deadlines/messages, a
                  summons, a deadline, registering a held conversation
  feeds           the DFDG feed paged from the start (`after`, `limit`), over and over
  portal          the citizen's pages (Min side, meetings, the booking calendar for a month and a day,
                  one meeting, settings, access log, absence) with a signed-in session
  workbench       every GET page of the caseworker's workbench (bench/workbench_pages.py finds them)
                  with a signed-in session
  errors          404s (unknown ids, unknown paths), 422s (bad dates, bad bodies), 401s (no token)
In production mode the development login is off, so the sessions are made in this process through
samtale.core.identity's own sign-in (the same session keys a MitID or OIDC sign-in stamps) and sent as
the session cookie.

Every `--sample-every` requests it reads each server worker's VmRSS (/proc, children of the server
process). A 5xx is a bug: each is listed with its request and makes the exit status 1.

It sets itself up and tears down: creates `samtale_perf_mixed_<pid>` on PG_URL (default
postgres://postgres@127.0.0.1:5432), migrates, loads the demo data (`samtale demo`: 2 jobcenters, 5
caseworkers, 300 citizens with bookings, deadlines, held conversations and messages, six weeks of free
times) plus `--extra-slots` free times over the following months, makes the tokens and sessions,
starts `samtale run --no-demo --no-worker --workers W --threads T` on a free port, fires the requests,
stops the server and drops the database. It ends with one JSON line:
{"requests": N, "rss_mb": {"after_1000": [...], ...}, "status_counts": {...}, "workers": W, "load": [...]}

    .venv/bin/python bench/mixed_requests.py --workers 2               # 10,000 requests
    .venv/bin/python bench/mixed_requests.py --requests 2000 --keep

Performance is measured here and never asserted in the test suite.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid
from collections import Counter
from datetime import timedelta
from urllib.parse import quote

from booking_rush import ROOT, free_port, load, percentile, rss_of_workers, wait_for

# Share of each group in the mix (they add up to 100).
MIX = {"citizen_api": 35, "caseworker_api": 25, "feed": 5, "portal": 15, "workbench": 15, "errors": 5}
HELD_BODY = {
    "conversation_type": 7,
    "contact_form": "telefonisk",
    "information": "Vi talte om jobsøgning og næste skridt.",
    "agreement": {"text": "Du søger mindst 3 job om ugen og opdaterer dit cv.", "number": "AFT-1"},
    "participants": [],
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=4, help="client threads (default 4)")
    parser.add_argument("--workers", type=int, default=2, help="server processes (samtale run --workers)")
    parser.add_argument(
        "--threads", type=int, default=2, help="threads per server process (samtale run's default)"
    )
    parser.add_argument("--sample-every", type=int, default=1000, help="read the workers' RSS this often")
    parser.add_argument("--citizens", type=int, default=40, help="citizens with a token and a session")
    parser.add_argument("--extra-slots", type=int, default=6000, help="free times beyond the demo's")
    parser.add_argument("--pg-url", default=os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    import signal

    from scratch_db import scratch_database

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    load_start = load()
    # All bench clients come from one address and each citizen books far more often than a person
    # would: the throttles count as in production but never refuse (as in booking_rush).
    never_refuse = {
        "SAMTALE_BOOKING_ATTEMPTS_PER_CITIZEN": "1000000",
        "SAMTALE_TOKEN_FAILURES_PER_IP": "1000000",
    }
    with scratch_database(
        args.pg_url, f"samtale_perf_mixed_{os.getpid()}", keep=args.keep, extra_env=never_refuse
    ) as db:
        env = {k: v for k, v in db.env.items() if k not in ("SAMTALE_DEBUG", "SAMTALE_DEV_LOGIN")}
        t0 = time.monotonic()
        world = seed(args)
        print(f"mixed_requests: seeded in {time.monotonic() - t0:.0f} s", flush=True)
        from django.db import connections

        connections.close_all()
        port = free_port()
        server_log = tempfile.TemporaryFile()
        cmd = [
            sys.executable, "-m", "samtale.cli", "run", "--no-demo", "--no-worker", "--port", str(port),
            "--workers", str(args.workers), "--threads", str(args.threads),
        ]  # fmt: skip
        server = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=server_log)
        try:
            wait_for(port, world["citizens"][0]["token"], server, server_log)
            started = rss_of_workers(server.pid)
            print(f"server: {' '.join(cmd[2:])}; workers' RSS at start {started} MB; load {load_start}")
            out = run(args, port, world, server.pid)
            out["rss_mb"] = {"at_start": started, **out["rss_mb"]}
            out["workers"] = args.workers
            out["threads"] = args.threads
            out["clients"] = args.clients
            out["load"] = [load_start, load()]
            if out["server_errors"]:
                server_log.seek(0)
                tail = server_log.read().decode(errors="replace")[-4000:]
                print(f"\n!!! {out['server_errors']} REQUESTS FAILED WITH 5xx — server log tail:\n{tail}")
            print(json.dumps(out))
            return 1 if out["server_errors"] else 0
        finally:
            server.terminate()
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()


# Seeding --------------------------------------------------------------------------------------------


def seed(args) -> dict:
    """The demo's jobcenters, plus `extra_slots` free times after the demo's six weeks for jobcenter
    101's offers; tokens and signed-in sessions for citizens of 101, for caseworker kbh-ah, an admin
    and DFDG token."""
    from samtale.citizens.selectors import citizens_visible_to
    from samtale.core import clock, demo
    from samtale.core.actors import Actor
    from samtale.organisations.models import Caseworker
    from samtale.organisations.services import api_token_create
    from samtale.scheduling.models import MeetingOffer, Slot

    ctx = demo.load()
    for line in ctx.out:
        print("  " + line)
    caseworkers = list(Caseworker.objects.filter(jobcenters__code="101").order_by("ident"))
    offers = list(MeetingOffer.objects.filter(jobcenter__code="101", meeting_form="individual"))
    first = clock.today() + timedelta(days=43)  # the demo's schedules fill six weeks
    days = [first + timedelta(days=d) for d in range(200)]
    days = [d for d in days if d.weekday() < 5]
    rows, made = [], 0
    for day in days:
        for quarter in range(32):  # 8:00–16:00
            for k, caseworker in enumerate(caseworkers):
                if made == args.extra_slots:
                    break
                start = clock.at(day, 8) + timedelta(minutes=15 * quarter)
                rows.append(
                    Slot(
                        offer=offers[(quarter + k) % len(offers)],
                        caseworker=caseworker,
                        start=start,
                        end=start + timedelta(minutes=15),
                        capacity=1,
                    )
                )
                made += 1
    Slot.objects.bulk_create(rows, batch_size=2000)
    print(f"  + {made} free times for jobcenter 101 from {first}")

    rng = random.Random(15)
    caseworker = Caseworker.objects.get(ident="kbh-ah")
    pool = list(citizens_visible_to(Actor.for_caseworker(caseworker)).order_by("id"))
    chosen = rng.sample(pool, min(args.citizens, len(pool)))
    citizens = [
        {
            "id": str(c.public_id),
            "token": api_token_create(role="citizen", citizen_public_id=c.public_id)[1],
            "cookie": session_cookie("citizen", c),
        }
        for c in chosen
    ]
    return {
        "today": clock.today(),
        "citizens": citizens,
        "all_citizens": [str(c.public_id) for c in pool],
        "cprs": [c.cpr for c in pool],
        "names": sorted({part[:3] for c in pool for part in c.name.split()}),
        "caseworker_token": api_token_create(role="caseworker", caseworker_ident=caseworker.ident)[1],
        "admin_token": api_token_create(role="admin")[1],
        "dfdg_token": api_token_create(role="dfdg")[1],
        "caseworker_cookie": session_cookie("caseworker", caseworker),
        "offers": [str(o.public_id) for o in offers],
        "workbench": workbench_paths(caseworker),
    }


def session_cookie(kind: str, person) -> str:
    """A signed-in session made as the identity providers' sign-in makes it (samtale.core.identity),
    stored by Django's session engine; the server reads it from the database like any other."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from samtale.core.identity import sign_in_caseworker, sign_in_citizen

    request = RequestFactory().get("/")
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    request.user = AnonymousUser()
    sign_in = sign_in_citizen if kind == "citizen" else sign_in_caseworker
    sign_in(request, person, method="bench")
    request.session.save()
    return f"{settings.SESSION_COOKIE_NAME}={request.session.session_key}"


def workbench_paths(caseworker) -> list[str]:
    from workbench_pages import objects_for, pages

    return pages(objects_for(caseworker), "101")


# The run ----------------------------------------------------------------------------------------------


class Http:
    """One keep-alive connection per client thread."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn: http.client.HTTPConnection | None = None
        self.last = ("", b"")  # the last request's method and path, and its answer

    def send(self, method: str, path: str, *, headers: dict, body=None) -> tuple[int, bytes]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        data = None
        if body is not None:
            data = json.dumps(body) if not isinstance(body, bytes) else body
            headers = {**headers, "Content-Type": "application/json"}
        try:
            self.conn.request(method, path, body=data, headers=headers)
            response = self.conn.getresponse()
            answer = response.read()
            self.last = (f"{method} {path}", answer)
            return response.status, answer
        except (http.client.HTTPException, OSError) as exc:
            self.conn.close()
            self.conn = None
            return -1, type(exc).__name__.encode()


class Client:
    """One client thread's requests: its own citizens (so book/rebook/cancel do not race another
    client's), the shared caseworker, feed and workbench."""

    def __init__(self, k: int, port: int, world: dict, citizens: list[dict]) -> None:
        self.rng = random.Random(1500 + k)
        self.http = Http(port)
        self.world = world
        self.citizens = citizens
        # citizen id → (free time, its offer) seen in their last month view; (booking, offer) booked
        self.free: dict[str, list[tuple[str, str]]] = {}
        self.booked: dict[str, list[tuple[str, str]]] = {}
        self.feed_after = 0
        self.portal_paths: dict[str, list[str]] = {}

    # Building blocks
    def api(self, method, path, token, body=None):
        return self.http.send(
            method, f"/api/v1{path}", headers={"Authorization": f"Bearer {token}"}, body=body
        )

    def page(self, path, cookie):
        return self.http.send("GET", path, headers={"Cookie": cookie})

    def month(self):
        today = self.world["today"]
        first = (today.replace(day=1) + timedelta(days=32 * self.rng.randrange(3))).replace(day=1)
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        return max(first, today), last

    def week(self):
        today = self.world["today"]
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=self.rng.randrange(6))
        return monday, monday + timedelta(days=6)

    # One request of the mix: (name, status)
    def one(self) -> tuple[str, int]:
        group = self.rng.choices(list(MIX), weights=list(MIX.values()))[0]
        return getattr(self, group)()

    def citizen_api(self):
        c = self.rng.choice(self.citizens)
        token, cid = c["token"], c["id"]
        what = self.rng.choices(
            ["me", "month", "bookings", "deadline", "notice", "book", "rebook", "cancel"],
            weights=[8, 25, 15, 5, 5, 20, 12, 10],
        )[0]
        if what in ("book", "rebook") and not self.free.get(cid):
            what = "month"
        if what in ("rebook", "cancel") and not self.booked.get(cid):
            what = "book" if self.free.get(cid) else "month"
        if what == "month":
            first, last = self.month()
            status, data = self.api("GET", f"/me/bookable-slots?from={first}&to={last}", token)
            if status == 200:
                self.free[cid] = [(s["id"], s["offer"]) for s in json.loads(data)["slots"]]
            return "citizen: month of free times", status
        if what == "book":
            slot, offer = self.free[cid].pop(self.rng.randrange(len(self.free[cid])))
            status, data = self.api("POST", "/me/bookings", token, {"slot": slot})
            if status == 201:
                self.booked.setdefault(cid, []).append((json.loads(data)["id"], offer))
            return "citizen: book", status
        if what == "rebook":
            booking, offer = self.rng.choice(self.booked[cid])
            # Mostly a free time of the same offer (R-PC-6: rebooking keeps the conversation type).
            same = [s for s in self.free[cid] if s[1] == offer] or self.free[cid]
            slot = self.rng.choice(same)
            self.free[cid].remove(slot)
            status, _ = self.api("POST", f"/me/bookings/{booking}/rebook", token, {"slot": slot[0]})
            return "citizen: rebook", status
        if what == "cancel":
            booking, _ = self.booked[cid].pop(self.rng.randrange(len(self.booked[cid])))
            body = {"reason": "borger_sygdom"}
            status, _ = self.api("POST", f"/me/bookings/{booking}/cancel", token, body)
            return "citizen: cancel", status
        path = {"me": "/me", "bookings": "/me/bookings", "deadline": "/me/deadline", "notice": "/me/notice"}
        return f"citizen: {what}", self.api("GET", path[what], token)[0]

    def caseworker_api(self):
        token = self.world["caseworker_token"]
        citizen = self.rng.choice(self.world["all_citizens"])
        what = self.rng.choices(
            ["week", "jobcenter_week", "search", "cpr", "citizen", "bookings", "deadlines", "messages",
             "summons", "deadline", "held"],
            weights=[15, 10, 12, 4, 10, 8, 8, 5, 10, 8, 10],
        )[0]  # fmt: skip
        monday, sunday = self.week()
        if what == "week":
            path = f"/calendar?caseworker=kbh-ah&from={monday}&to={sunday}"
        elif what == "jobcenter_week":
            path = f"/calendar?jobcenter=101&from={monday}&to={sunday}"
        elif what == "search":
            name = quote(self.rng.choice(self.world["names"]))
            path = f"/citizens?q={name}&page={self.rng.randrange(1, 3)}"
        elif what == "cpr":
            # Half of them a citizen of the jobcenter, half a valid CPR nobody has.
            born = self.world["today"] - timedelta(days=self.rng.randrange(20 * 365, 60 * 365))
            cpr = self.rng.choice(self.world["cprs"]) if self.rng.random() < 0.5 else f"{born:%d%m%y}9999"
            return "caseworker: search by CPR", self.api("POST", "/citizens/search", token, {"cpr": cpr})[0]
        elif what == "citizen":
            path = f"/citizens/{citizen}"
        elif what in ("bookings", "deadlines", "messages"):
            path = f"/citizens/{citizen}/{what}"
        elif what == "summons":
            day = self.world["today"] + timedelta(days=self.rng.randrange(2, 40))
            day += timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)
            hour, minute = self.rng.randrange(8, 15), self.rng.choice([0, 15, 30, 45])
            start = f"{day}T{hour:02d}:{minute:02d}:00+01:00"
            end = f"{day}T{hour:02d}:{minute + 14:02d}:00+01:00"
            body = {
                "citizen": citizen,
                "conversation_type": self.rng.choice([7, 12]),
                "contact_form": "telefonisk",
                "start": start,
                "end": end,
                "title": "Samtale",
                "description": "Vi taler om din jobsøgning.",
                "location": "Jobcenter København",
                "phone_to_call": "+4533663366",
            }
            return "caseworker: summons", self.api("POST", "/bookings", token, body)[0]
        elif what == "deadline":
            day = self.world["today"] + timedelta(days=self.rng.randrange(7, 120))
            body = {"conversation_type": 7, "deadline_date": str(day)}
            return "caseworker: deadline", self.api("POST", f"/citizens/{citizen}/deadlines", token, body)[0]
        else:
            held_at = self.world["today"] - timedelta(days=self.rng.randrange(0, 5))
            body = {**HELD_BODY, "citizen": citizen, "held_at": f"{held_at}T10:00:00+01:00"}
            return "caseworker: held conversation", self.api("POST", "/held-conversations", token, body)[0]
        return f"caseworker: {what.replace('_', ' ')}", self.api("GET", path, token)[0]

    def feed(self):
        status, data = self.api(
            "GET", f"/feeds/dfdg?after={self.feed_after}&limit=100", self.world["dfdg_token"]
        )
        if status == 200:
            body = json.loads(data)
            self.feed_after = body["next"] if body["events"] else 0
        return "feed: dfdg page", status

    def portal(self):
        c = self.rng.choice(self.citizens)
        offer = self.rng.choice(self.world["offers"])
        first, _ = self.month()
        day = first + timedelta(days=self.rng.randrange(20))
        book = f"/borger/moeder/book/?frist=0&tilbud={offer}&kontakt=telefonisk&maaned={first:%Y-%m}"
        paths = {
            "Min side": "/borger/",
            "meetings": "/borger/moeder/",
            "book, month": book,
            "book, month and day": f"{book}&dag={day}",
            "settings": "/borger/indstillinger/",
            "access log": "/borger/indsigt/",
            "absence": "/borger/fravaer/",
        }
        if self.booked.get(c["id"]):
            paths["one meeting"] = f"/borger/moeder/{self.rng.choice(self.booked[c['id']])[0]}/"
        name = self.rng.choice(list(paths))
        return f"portal: {name}", self.page(paths[name], c["cookie"])[0]

    def workbench(self):
        name, path = self.rng.choice(self.world["workbench"])
        return f"workbench: {name}", self.page(path, self.world["caseworker_cookie"])[0]

    def errors(self):
        c = self.rng.choice(self.citizens)
        token, cw = c["token"], self.world["caseworker_token"]
        cases = {
            "unknown booking (404)": lambda: self.api("GET", f"/bookings/{uuid.uuid4()}", cw),
            "unknown path (404)": lambda: self.api("GET", f"/nowhere/{uuid.uuid4().hex[:8]}", token),
            "bad date (422)": lambda: self.api("GET", "/me/bookable-slots?from=2026-13-45", token),
            "bad body (422)": lambda: self.api("POST", "/me/bookings", token, {"slot": "nej"}),
            "unknown free time (404)": lambda: self.api(
                "POST", "/me/bookings", token, {"slot": str(uuid.uuid4())}
            ),
            "bad JSON (400)": lambda: self.api("POST", "/held-conversations", cw, b"{nej"),
            "no token (401)": lambda: self.http.send("GET", "/api/v1/me", headers={}),
            "unknown meeting page (404)": lambda: self.page(f"/borger/moeder/{uuid.uuid4()}/", c["cookie"]),
        }
        name = self.rng.choice(list(cases))
        return f"error: {name}", cases[name]()[0]


def run(args, port: int, world: dict, server_pid: int) -> dict:
    lock = threading.Lock()
    issued = done = 0
    statuses: Counter = Counter()
    by_kind: dict[str, Counter] = {}
    latencies: dict[str, list[float]] = {}
    failures: list[str] = []
    examples: dict[tuple[str, int], str] = {}  # one answer of each refusal, to tell expected from not
    samples: dict[str, list[float]] = {}
    citizens = world["citizens"]
    clients = [Client(k, port, world, citizens[k :: args.clients] or citizens) for k in range(args.clients)]
    # Workbench addresses that only take POST answer a GET with 405: not part of the mix.
    probe = clients[0]
    world["workbench"] = [
        (name, path) for name, path in world["workbench"]
        if probe.page(path, world["caseworker_cookie"])[0] != 405
    ]  # fmt: skip
    print(f"{len(world['workbench'])} workbench pages in the mix (POST-only ones left out)")
    t_start = time.perf_counter()

    def work(client: Client) -> None:
        nonlocal issued, done
        while True:
            with lock:
                if issued >= args.requests:
                    return
                issued += 1
            t0 = time.perf_counter()
            try:
                name, status = client.one()
            except Exception:  # a bug of the bench: counted and shown, the client goes on
                traceback.print_exc()
                name, status = "bench error", -2
            seconds = time.perf_counter() - t0
            with lock:
                statuses[str(status)] += 1
                by_kind.setdefault(name, Counter())[str(status)] += 1
                latencies.setdefault(name, []).append(seconds * 1000)
                if status >= 500 or status < 0:
                    request, answer = client.http.last
                    failures.append(f"{status} {name}: {request} → {answer[:300]!r}")
                elif status >= 400 and (name, status) not in examples:
                    examples[(name, status)] = client.http.last[1][:160].decode(errors="replace")
                done += 1
                n = done
            if n % args.sample_every == 0 or n == args.requests:
                rss = rss_of_workers(server_pid)
                with lock:
                    samples[f"after_{n}"] = rss
                print(
                    f"  after {n:6d} requests ({time.perf_counter() - t_start:6.1f} s): workers' RSS {rss} MB"
                    f"   load {load()[0]}",
                    flush=True,
                )

    threads = [threading.Thread(target=work, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - t_start

    print(f"\n{done} requests in {seconds:.1f} s ({done / seconds:.1f}/s) from {args.clients} clients")
    print(f"{'request':<48} {'n':>6} {'p50 ms':>8} {'p95 ms':>8}  statuses")
    for name in sorted(by_kind):
        ms = latencies[name]
        print(
            f"{name[:48]:<48} {len(ms):>6} {percentile(ms, 50):>8.1f} {percentile(ms, 95):>8.1f}  "
            f"{dict(sorted(by_kind[name].items()))}"
        )
    print("\none answer of each refusal:")
    for (name, status), answer in sorted(examples.items()):
        print(f"  {status} {name}: {answer}")
    print("\nworkers' RSS (MB):")
    for key, rss in samples.items():
        print(f"  {key:<14} {rss}")
    if failures:
        print(f"\n!!! {len(failures)} unexpected failures (5xx or broken connections):")
        for line, n in Counter(failures).most_common():
            print(f"  {n:5d} × {line}")
    return {
        "requests": done,
        "seconds": round(seconds, 1),
        "rss_mb": samples,
        "status_counts": dict(sorted(statuses.items())),
        "server_errors": len(failures),
    }


if __name__ == "__main__":
    sys.exit(main())
