"""outbox_render — what queuing a citizen's SMS and e-mail costs a booking request (issue 15, build
item 2: the texts and the .ics are rendered by `samtale worker`, not in the request).

In one process, through Django's test client (middleware, auth, Ninja, the service — no network, no
web server), on a scratch PostgreSQL database: `--requests` self-bookings (`POST /api/v1/me/bookings`)
and as many summonses into a free time (`POST /api/v1/bookings`), each for its own citizen who has
chosen both SMS and e-mail (so every request queues two messages). It prints the CPU time per request
(time.process_time: this process only, so other load on the machine barely moves it), the SQL
statements per request, and — where the code has it — the worker's CPU time to render one queued
message from its snapshot. Run it on the commit before and after a change to compare.

    .venv/bin/python bench/outbox_render.py --requests 200
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scratch_db import scratch_database  # noqa: E402


def seed(n: int) -> dict:
    from samtale.citizens.models import Citizen
    from samtale.citizens.services import citizen_upsert
    from samtale.core.actors import Actor
    from samtale.organisations.services import api_token_create, caseworker_upsert, jobcenter_upsert
    from samtale.scheduling.models import Slot
    from samtale.scheduling.services import offer_create

    system = Actor.system("bench")
    jobcenter = jobcenter_upsert(code="998", name="Jobcenter Benchmark", phone="+4570101010")
    caseworker = caseworker_upsert(ident="bench-cw", name="Bente Bench", jobcenters=["998"])
    offer = offer_create(
        actor=system,
        jobcenter=jobcenter,
        title="Jobsamtale",
        description="Vi taler om din jobsøgning.",
        location="Jobcenter Benchmark, lokale 2",
        address="Benchvej 1, 9999 Benchby",
        conversation_type=7,
        contact_forms=["personligt"],
        contact_groups=[6],
        meeting_form="individual",
        min_notice_hours=0,
    )
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=3)
    slots = Slot.objects.bulk_create(
        Slot(
            offer=offer,
            caseworker=caseworker,
            start=start + timedelta(minutes=15 * i),
            end=start + timedelta(minutes=15 * (i + 1)),
            capacity=1,
        )
        for i in range(2 * n)
    )
    citizens, tokens = [], []
    for i in range(2 * n):
        born = datetime(1970, 1, 1) + timedelta(days=97 * i)
        citizen, _ = citizen_upsert(
            actor=system,
            cpr=f"{born:%d%m%y}{2000 + i:04d}",
            name=f"Bench Borger {i}",
            contact_group=6,
            jobcenter="998",
        )
        citizens.append(citizen)
        if i < n:
            tokens.append(api_token_create(role="citizen", citizen_public_id=citizen.public_id)[1])
    Citizen.objects.filter(pk__in=[c.pk for c in citizens]).update(
        phone="+4520304050", email="borger@example.dk", sms_reminders=True, email_reminders=True
    )
    caseworker_token = api_token_create(role="caseworker", caseworker_ident=caseworker.ident)[1]
    return {
        "slots": [str(s.public_id) for s in slots],
        "citizens": [str(c.public_id) for c in citizens],
        "tokens": tokens,
        "caseworker_token": caseworker_token,
    }


HOOK_CPU: list[float] = []


def time_the_outbox_hook() -> None:
    """Wrap messaging's booking hook (where the request queues the SMS and the e-mail) in a CPU
    timer, so its share of the request can be read apart from the rest."""
    from samtale.bookings import services
    from samtale.messaging.services import on_booking_changed

    def timed(**kwargs):
        before = time.process_time()
        try:
            return on_booking_changed(**kwargs)
        finally:
            HOOK_CPU.append((time.process_time() - before) * 1000)

    hooks = services.BOOKING_CHANGED
    hooks[hooks.index(on_booking_changed)] = timed


def run(label: str, calls: list, warmup: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for call in calls[:warmup]:
        call()
    measured = calls[warmup:]
    cpu = []
    HOOK_CPU.clear()
    with CaptureQueriesContext(connection) as queries:
        for call in measured:
            before = time.process_time()
            call()
            cpu.append((time.process_time() - before) * 1000)
    result = {
        "requests": len(measured),
        "cpu_ms_mean": round(statistics.fmean(cpu), 2),
        "cpu_ms_median": round(statistics.median(cpu), 2),
        "outbox_hook_cpu_ms_median": round(statistics.median(HOOK_CPU), 2),
        "statements": round(len(queries) / len(measured), 1),
    }
    print(f"{label}: {result}", flush=True)
    return result


def render_cost() -> dict | None:
    """The worker's side: CPU time to render one queued message from its snapshot."""
    try:
        from samtale.messaging.content import render
    except ImportError:
        return None  # the code before issue 15's outbox change renders in the request
    from samtale.messaging.models import Message

    queued = list(Message.objects.exclude(snapshot={}).values_list("kind", "channel", "snapshot"))
    before = time.process_time()
    for kind, channel, snapshot in queued:
        render(kind, channel, snapshot)
    per = (time.process_time() - before) * 1000 / max(1, len(queued))
    result = {"messages": len(queued), "cpu_ms_per_message": round(per, 2)}
    print(f"worker render: {result}", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=200, help="measured requests of each kind")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--pg-url", default=os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    n = args.requests + args.warmup
    name = f"samtale_bench_outbox_{os.getpid()}"
    with scratch_database(args.pg_url, name, keep=args.keep):
        from django.test import Client

        from samtale.messaging.models import Message

        data = seed(n)
        time_the_outbox_hook()
        own = [Client(HTTP_AUTHORIZATION=f"Bearer {t}") for t in data["tokens"]]
        caseworker = Client(HTTP_AUTHORIZATION=f"Bearer {data['caseworker_token']}")

        def self_book(i):
            def call():
                r = own[i].post(
                    "/api/v1/me/bookings", {"slot": data["slots"][i]}, content_type="application/json"
                )
                assert r.status_code == 201, r.content[:300]

            return call

        def summon(i):
            def call():
                body = {"citizen": data["citizens"][n + i], "slot": data["slots"][n + i]}
                r = caseworker.post("/api/v1/bookings", body, content_type="application/json")
                assert r.status_code == 201, r.content[:300]

            return call

        figures = {
            "self_booking": run("self-booking", [self_book(i) for i in range(n)], args.warmup),
            "summons": run("summons", [summon(i) for i in range(n)], args.warmup),
        }
        figures["messages_queued"] = Message.objects.count()
        figures["worker_render"] = render_cost()
        figures["load"] = os.getloadavg()
        print(figures)


if __name__ == "__main__":
    main()
