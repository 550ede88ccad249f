"""workbench_pages — how long every page of the caseworker's workbench takes to render, on SQLite with
the demo data (`samtale demo`: 2 jobcenters, 6 caseworkers, 300 citizens, two weeks of full calendars).

Goal (issue 11): every page under 150 ms. What it prints, per page: median, p95 and max of the time
Django takes from request to rendered response (in-process test client: middleware, session, view,
template — no network, no web server), and the number of SQL queries.

The pages are found from the URL resolver (namespace `workbench`), so pages added later are measured
too; path parameters are filled with demo objects of the caseworker's own jobcenter (the busiest
citizen, a planned conversation, a deadline, a held conversation, an offer, a free time, an absence).
Pages that only take POST are left out.

It sets itself up: a fresh SQLite file in a temporary directory, migrate, the demo data, then signs in
as the caseworker through the development login. Usage (from the repository root):

    .venv/bin/python bench/workbench_pages.py                # kbh-ah, 30 rounds
    .venv/bin/python bench/workbench_pages.py --caseworker aar-ml --rounds 50

Performance is measured here and never asserted in the test suite (bench/README.md); the test suite
pins the number of queries per page instead (tests/workbench/test_query_counts.py).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_MS = 150.0


def setup(tmp: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ["SAMTALE_DATA_DIR"] = str(tmp)
    os.environ["SAMTALE_DEV_LOGIN"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samtale.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from samtale.core import demo

    started = time.perf_counter()
    ctx = demo.load()
    print(f"demo data loaded in {time.perf_counter() - started:.1f} s")
    for line in ctx.out:
        print("  " + line)


def objects_for(caseworker) -> dict:
    """One object of each kind in the caseworker's first jobcenter, keyed by URL parameter name."""
    from django.db.models import Count

    from samtale.bookings.models import Booking, BookingStatus
    from samtale.citizens.models import Absence
    from samtale.citizens.selectors import citizens_visible_to
    from samtale.conversations.models import HeldConversation
    from samtale.core.actors import Actor
    from samtale.deadlines.models import Deadline
    from samtale.scheduling.models import MeetingOffer, Slot

    actor = Actor.for_caseworker(caseworker)
    mine = citizens_visible_to(actor)
    busiest = (
        mine.annotate(n=Count("bookings", distinct=True) + Count("messages", distinct=True))
        .order_by("-n")
        .first()
    )
    jobcenters = actor.jobcenter_ids
    return {
        "citizen_id": busiest.public_id,
        "booking_id": Booking.objects.filter(
            jobcenter_id__in=jobcenters, status=BookingStatus.PLANNED, caseworker=caseworker
        )
        .order_by("start")
        .first()
        .public_id,
        "deadline_id": Deadline.objects.filter(jobcenter_id__in=jobcenters, status="active")
        .first()
        .public_id,
        "conversation_id": HeldConversation.objects.filter(jobcenter_id__in=jobcenters).first().public_id,
        "offer_id": MeetingOffer.objects.filter(jobcenter_id__in=jobcenters, title="Jobsamtale")
        .first()
        .public_id,
        "slot_id": Slot.objects.filter(offer__jobcenter_id__in=jobcenters, booked=0).first().public_id,
        "absence_id": (Absence.objects.filter(citizen__in=mine).first() or busiest).public_id,
    }


def pages(objects: dict, jobcenter_code: str) -> list[tuple[str, str]]:
    from django.urls import get_resolver, reverse

    namespace = get_resolver().namespace_dict["workbench"][1]
    found = []
    for pattern in namespace.url_patterns:
        params = list(pattern.pattern.converters)
        path = reverse(f"workbench:{pattern.name}", kwargs={p: objects[p] for p in params})
        found.append((pattern.name, path))
    extra = [
        ("calendar (dag)", "/sagsbehandler/kalender/?visning=dag"),
        ("calendar (jobcenter, uge)", f"/sagsbehandler/kalender/?jobcenter={jobcenter_code}"),
        ("citizens (søgning 'an')", "/sagsbehandler/borgere/?q=an"),
        ("citizen_sees (+7 dage)", None),
    ]
    for name, path in extra:
        if path is None:
            from datetime import timedelta

            from samtale.core import clock

            base = dict(found)["citizen_sees"]
            path = f"{base}?dato={(clock.today() + timedelta(days=7)).isoformat()}"
        found.append((name, path))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--caseworker", default="kbh-ah")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--page", action="append", help="only this page (by name; repeatable)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="samtale-bench-wb-") as tmp:
        setup(Path(tmp))
        from django.db import connection
        from django.test import Client

        from samtale.organisations.models import Caseworker

        caseworker = Caseworker.objects.get(ident=args.caseworker)
        client = Client()
        client.post("/login/", {"caseworker": caseworker.ident})
        objects = objects_for(caseworker)
        rows = []
        profile = os.environ.get("BENCH_PROFILE")  # a page name: print where its time goes
        for name, path in pages(objects, caseworker.jobcenters.first().code):
            if args.page and name not in args.page:
                continue
            first = client.get(path)
            if first.status_code == 405:
                continue  # POST-only
            assert first.status_code == 200, (name, path, first.status_code)
            queries: list[str] = []

            def count(execute, sql, *rest, queries=queries):
                queries.append(sql)
                return execute(sql, *rest)

            with connection.execute_wrapper(count):
                client.get(path)
            times = []
            for _ in range(args.rounds):
                started = time.perf_counter()
                client.get(path)
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            if name == profile:
                import cProfile
                import pstats

                profiler = cProfile.Profile()
                profiler.runcall(client.get, path)
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
            rows.append(
                (name, statistics.median(times), times[int(len(times) * 0.95) - 1], times[-1], len(queries))
            )
        load = os.getloadavg()
        print(
            f"\n{len(rows)} pages as {caseworker.ident}, {args.rounds} rounds each; load average {load[0]:.1f}"
        )
        print(f"{'page':<32} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'queries':>8}")
        for name, med, p95, worst, q in rows:
            flag = "" if p95 < GOAL_MS else f"  over {GOAL_MS:.0f} ms"
            print(f"{name:<32} {med:>10.1f} {p95:>8.1f} {worst:>8.1f} {q:>8}{flag}")


if __name__ == "__main__":
    main()
