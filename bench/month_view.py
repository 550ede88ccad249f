"""month_view — the citizen's month of free times and the caseworker's calendar week at 100,000 free
times in one jobcenter, on PostgreSQL.

What it prints, for each view: p50/p95 over `--repeat` requests, the SQL statements per request, and
the EXPLAIN ANALYZE plan of the bookable-free-times query:
  api-month      GET /api/v1/me/bookable-slots?from=<1st>&to=<last> (citizen token)
  api-month-compact GET /api/v1/me/bookable-slots/compact?… (the same, each offer's fields once)
  portal-month   GET /borger/moeder/book/?…&maaned=YYYY-MM (Trin 3: the month calendar)
  portal-day     the same with &dag= (the month and the chosen day's times)
  jobcenter-week GET /api/v1/calendar?jobcenter=999&from=&to= (caseworker token, Monday–Sunday)
  caseworker-week GET /api/v1/calendar?caseworker=<ident>&from=&to=

Requests go through the whole Django stack (middleware, views, templates, JSON) in this process with
Django's test client — no HTTP, no network — with the garbage collector set as `samtale run` sets
it (gc.freeze, SAMTALE_GC_THRESHOLD).

It sets itself up and tears down: creates `samtale_perf_month_<pid>` on PG_URL (default
postgres://postgres@127.0.0.1:5432), migrates, seeds one jobcenter with `--caseworkers` caseworkers,
ten offers (half of them for the citizen's contact group) and `--slots` free times over `--days`
days (weekdays 8–16, a quarter of an hour each), one citizen; drops the database at the end.

    .venv/bin/python bench/month_view.py [--slots 100000] [--days 365] [--repeat 30] [--keep]

Performance is measured here and never asserted in the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import timedelta


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slots", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--caseworkers", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--pg-url", default=os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    import signal

    from scratch_db import scratch_database

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    load_start = [round(x, 2) for x in os.getloadavg()]
    with scratch_database(args.pg_url, f"samtale_perf_month_{os.getpid()}", keep=args.keep):
        t0 = time.monotonic()
        world = seed(args)
        print(f"month_view: seeded {args.slots} free times in {time.monotonic() - t0:.0f} s", flush=True)
        out = measure(args, world)
        out["load"] = [load_start, [round(x, 2) for x in os.getloadavg()]]
        out["slots"] = args.slots
        print(json.dumps(out))
        return 0


def seed(args) -> dict:
    from django.db import connection

    from samtale.citizens.services import citizen_upsert
    from samtale.core import clock
    from samtale.core.actors import Actor
    from samtale.organisations.services import api_token_create, caseworker_upsert, jobcenter_upsert
    from samtale.scheduling.models import Slot
    from samtale.scheduling.services import offer_create

    system = Actor.system("bench")
    jobcenter = jobcenter_upsert(code="999", name="Jobcenter Benchmark")
    caseworkers = [
        caseworker_upsert(ident=f"bench-{i}", name=f"Sagsbehandler {i}", jobcenters=["999"])
        for i in range(args.caseworkers)
    ]
    offers = [
        offer_create(
            actor=system,
            jobcenter=jobcenter,
            title=f"Mødetilbud {i}",
            description="En samtale om dit forløb. " * 4,
            conversation_type=12,
            contact_forms=["telefonisk", "personligt"],
            contact_groups=[6] if i % 2 == 0 else [2],
            phone_to_call="+4570101010",
            address="Kalvebod Brygge 45, 1560 København V",
            location="Jobcenter Benchmark",
            min_notice_hours=2,
        )
        for i in range(10)
    ]
    today = clock.today()
    days = [today + timedelta(days=d) for d in range(1, args.days + 1)]
    days = [d for d in days if d.weekday() < 5]
    per_day = -(-args.slots // len(days))
    rows, made = [], 0
    for day in days:
        for k in range(per_day):
            if made == args.slots:
                break
            cw = k % len(caseworkers)
            quarter = k // len(caseworkers)
            start = clock.at(day, 8) + timedelta(minutes=15 * (quarter % 32))
            rows.append(
                Slot(
                    offer=offers[k % len(offers)],
                    caseworker=caseworkers[cw],
                    start=start,
                    end=start + timedelta(minutes=15),
                    capacity=1,
                )
            )
            made += 1
        if len(rows) >= 5000:
            Slot.objects.bulk_create(rows)
            rows = []
    Slot.objects.bulk_create(rows)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    citizen, _ = citizen_upsert(
        actor=system, cpr="0101701234", name="Bench Borger", contact_group=6, jobcenter="999"
    )
    return {
        "citizen": citizen,
        "citizen_token": api_token_create(role="citizen", citizen_public_id=citizen.public_id)[1],
        "caseworker": caseworkers[0],
        "caseworker_token": api_token_create(role="caseworker", caseworker_ident=caseworkers[0].ident)[1],
        "offer": offers[0],
        "today": today,
    }


def measure(args, world) -> dict:
    from django.db import connection
    from django.test import Client

    from samtale.bookings.selectors import bookable
    from samtale.core import clock
    from samtale.core.identity import _user_for
    from samtale.core.management.commands.run import settle_garbage_collector
    from samtale.portal.presenters import add_months, month_start

    citizen = world["citizen"]
    if citizen.user_id is None:
        citizen.user = _user_for(f"borger-{citizen.public_id}")
        citizen.save(update_fields=["user"])
    portal = Client()
    portal.force_login(citizen.user)
    api_citizen = Client(HTTP_AUTHORIZATION=f"Bearer {world['citizen_token']}")
    api_caseworker = Client(HTTP_AUTHORIZATION=f"Bearer {world['caseworker_token']}")

    month = add_months(month_start(world["today"]), 1)
    last = add_months(month, 1) - timedelta(days=1)
    day = month + timedelta(days=(7 - month.weekday()) % 7 + 1)  # a Tuesday in that month
    monday = world["today"] + timedelta(days=7 - world["today"].weekday())
    sunday = monday + timedelta(days=6)
    book = f"/borger/moeder/book/?frist=0&tilbud={world['offer'].public_id}&kontakt=telefonisk"
    views = {
        "api-month": (api_citizen, f"/api/v1/me/bookable-slots?from={month}&to={last}"),
        "api-month-compact": (api_citizen, f"/api/v1/me/bookable-slots/compact?from={month}&to={last}"),
        "portal-month": (portal, f"{book}&maaned={month:%Y-%m}"),
        "portal-day": (portal, f"{book}&maaned={month:%Y-%m}&dag={day}"),
        "jobcenter-week": (api_caseworker, f"/api/v1/calendar?jobcenter=999&from={monday}&to={sunday}"),
        "caseworker-week": (
            api_caseworker,
            f"/api/v1/calendar?caseworker={world['caseworker'].ident}&from={monday}&to={sunday}",
        ),
    }
    settle_garbage_collector()  # as `samtale run` does before it serves
    out = {}
    for name, (client, url) in views.items():
        r = client.get(url)
        assert r.status_code == 200, (name, r.status_code, r.content[:300])
        queries = []

        def count(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            client.get(url)
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            r = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
        size = len(r.content)
        extra = ""
        if name.startswith("api-month"):
            extra = f", {len(json.loads(r.content)['slots'])} free times"
        out[name] = {
            "p50_ms": round(percentile(times, 50), 1),
            "p95_ms": round(percentile(times, 95), 1),
            "mean_ms": round(statistics.fmean(times), 1),
            "statements": len(queries),
            "bytes": size,
        }
        print(
            f"{name:17} p50 {out[name]['p50_ms']:7.1f} ms  p95 {out[name]['p95_ms']:7.1f} ms  "
            f"{len(queries):3d} statements  {size:8d} bytes{extra}",
            flush=True,
        )
    found = bookable(citizen, now=clock.now(), date_from=month, date_to=last)
    print("\nEXPLAIN ANALYZE — the month's bookable free times (bookings.selectors.bookable):")
    print(found.slots.values_list("public_id", "start").explain(analyze=True))
    return out


if __name__ == "__main__":
    sys.exit(main())
