"""booking_cpu — CPU and statements per request of the booking hot path, in one process, without HTTP
or client threads: what a shared, loaded machine cannot blur. Every request goes through Django's
WSGI handler (all middleware, request_started/finished, so the connection handling of production)
with a citizen's bearer token, on a scratch PostgreSQL database seeded as `booking_rush.py` seeds it.

It reports, for self-bookings of distinct free times and for "full" refusals: CPU ms per request
(time.process_time of this process: Django's and psycopg's share, not PostgreSQL's), wall ms, and the
SQL statements and round trips per request. `--profile FILE` writes a cProfile of the refusals to
FILE.refusal and of the bookings to FILE.booking, timed in CPU (read them with `python -m pstats`).

    .venv/bin/python bench/booking_cpu.py                 # 300 bookings, 300 refusals
    .venv/bin/python bench/booking_cpu.py --requests 1000 --profile /tmp/booking.prof
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
from collections import deque
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="bookings, and as many refusals")
    parser.add_argument("--pg-url", default=os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--profile", help="write a cProfile of the measured requests to this file")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    from booking_rush import load, seed
    from scratch_db import scratch_database

    os.environ.setdefault("SAMTALE_BOOKING_ATTEMPTS_PER_CITIZEN", "1000000")
    with scratch_database(args.pg_url, f"samtale_perf_cpu_{os.getpid()}", keep=args.keep) as _db:
        os.environ.pop("SAMTALE_DEBUG", None)
        clients = 4
        seeded = seed(
            argparse.Namespace(
                clients=clients, per_client=args.requests // clients + 1, rounds=1, open_slots=1
            )
        )
        from django.core.handlers.wsgi import WSGIHandler
        from django.db import connection, connections
        from django.test.utils import CaptureQueriesContext

        connections.close_all()
        app = WSGIHandler()

        def call(token: str, slot: str) -> tuple[int, bytes]:
            body = json.dumps({"slot": slot}).encode()
            environ = {
                "REQUEST_METHOD": "POST",
                "PATH_INFO": "/api/v1/me/bookings",
                "SERVER_NAME": "127.0.0.1",
                "SERVER_PORT": "8000",
                "REMOTE_ADDR": "127.0.0.1",
                "wsgi.url_scheme": "http",
                "wsgi.input": io.BytesIO(body),
                "CONTENT_TYPE": "application/json",
                "CONTENT_LENGTH": str(len(body)),
                "HTTP_AUTHORIZATION": f"Bearer {token}",
                "HTTP_HOST": "127.0.0.1",
            }
            status = []
            response = app(environ, lambda s, h, exc_info=None: status.append(s))
            try:
                data = b"".join(response)
            finally:
                response.close()  # request_finished: the connection's end-of-request checks
            return int(status[0].split()[0]), data

        tokens, free = seeded["tokens"], seeded["api_a"]
        full = seeded["api_b"][0]
        call(tokens[0], full)  # the last place goes; every later attempt is a refusal
        call(tokens[1], full)  # warm-up (imports, first connection)
        call(tokens[1], free.pop())

        def run(name: str, attempts: list[tuple[str, str]], expect: int) -> dict:
            statuses: dict[int, int] = {}
            profiler = None
            if args.profile:
                import cProfile

                profiler = cProfile.Profile(time.process_time)
            # Django's query log keeps the last 9,000 statements (BEGIN and COMMIT included): room for
            # every one of this phase's, so that a long run does not under-count.
            connection.queries_log = deque(maxlen=max(9000, 40 * len(attempts)))
            with CaptureQueriesContext(connection) as queries:
                if profiler is not None:
                    profiler.enable()
                cpu0, wall0 = time.process_time(), time.perf_counter()
                for token, slot in attempts:
                    status, _ = call(token, slot)
                    statuses[status] = statuses.get(status, 0) + 1
                cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
                if profiler is not None:
                    profiler.disable()
                    profiler.dump_stats(f"{args.profile}.{name.rstrip('s')}")
            n = len(attempts)
            sql = [q["sql"] for q in queries.captured_queries]
            figures = {
                "requests": n,
                "statuses": statuses,
                "cpu_ms": round(1000 * cpu / n, 2),
                "wall_ms": round(1000 * wall / n, 2),
                "statements": round(len(sql) / n, 2),
            }
            print(f"{name:9} {figures}", flush=True)
            per = len(sql) // n
            for q in sql[-per:]:
                print(f"    {q[:110]}")
            if statuses.get(expect) != n:
                print(f"  WARNING: expected {n} × {expect}")
            return figures

        n = args.requests
        refusals = [(tokens[i % clients], full) for i in range(n)]
        bookings = [(tokens[i % clients], free[i]) for i in range(n)]
        print(f"booking_cpu: load {load()}")
        out = {"refusal": run("refusals", refusals, 409), "booking": run("bookings", bookings, 201)}
        out["load"] = load()
        print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
