# ruff: noqa: S608 - the interpolated SQL pieces are this script's own constants
"""Benchmark: `samtale daily` over N open deadlines against the same transitions as plain SQL.

One command; sets itself up and tears down:
  1. creates a fresh PostgreSQL database, migrates it, loads N citizens, N open deadlines and the
     planned conversations of the fulfilled ones with COPY (every fifth deadline due for activation,
     meeting-date close and overdue close on the bench date; some 90-day closes; the rest not due);
  2. clones it twice (CREATE DATABASE … TEMPLATE);
  3. times `samtale daily --date D` (a subprocess, Django start-up included) on the first copy,
     the same transitions as plain SQL on the second — per kind one UPDATE plus the same history rows
     and report events with INSERT … SELECT, one transaction, no chunks — and status UPDATEs alone on
     the third;
  4. checks the three databases end in the same statuses, prints the times and ratios, drops all.

  .venv/bin/python bench/daily_batch.py [--count 1000000] [--chunk 20000] [--name PREFIX] [--keep]
`samtale daily`'s peak RSS (ru_maxrss of that child alone) shows whether its memory stays flat.
PG_URL (default postgres://postgres@127.0.0.1:5432) chooses the server."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DAY = date(2026, 6, 15)
CREATED = DAY - timedelta(days=20)


def url(db: str) -> str:
    return f"{PG_URL}/{db}"


def admin(sql: str) -> None:
    with psycopg.connect(url("postgres"), autocommit=True) as conn:
        conn.execute(sql)


def env_for(db: str) -> dict:
    return {**os.environ, "DATABASE_URL": url(db), "PYTHONPATH": str(ROOT / "src")}


def step(label: str):
    class _T:
        def __enter__(self):
            self.t = time.monotonic()
            print(f"{label} …", end=" ", flush=True)
            return self

        def __exit__(self, *exc):
            self.seconds = time.monotonic() - self.t
            print(f"{self.seconds:.1f} s", flush=True)

    return _T()


def load(db: str, count: int) -> None:
    subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from samtale.organisations.services import "
         "jobcenter_upsert; jobcenter_upsert(code='101', name='Jobcenter København')"],
        env={**env_for(db), "DJANGO_SETTINGS_MODULE": "samtale.settings"},
        check=True,
        cwd=ROOT,
    )  # fmt: skip
    now = datetime.now(UTC)
    with psycopg.connect(url(db)) as conn, conn.cursor() as cur:
        cur.execute("SELECT id FROM organisations_jobcenter WHERE code = '101'")
        jc = cur.fetchone()[0]
        cur.execute("SELECT id FROM codes_conversationtype WHERE code = 7")
        ctype = cur.fetchone()[0]
        cur.execute("SELECT id FROM codes_contactform WHERE code = 'personligt'")
        cform = cur.fetchone()[0]
        with cur.copy(
            "COPY citizens_citizen (id, public_id, created_at, updated_at, cpr, name, phone, email, "
            "sms_reminders, email_reminders) FROM STDIN"
        ) as copy:
            for i in range(1, count + 1):
                copy.write_row((i, uuid.uuid4(), now, now, f"{i:010d}", f"Borger {i}", "", "", False, False))
        with cur.copy(
            "COPY bookings_booking (id, public_id, created_at, updated_at, booking_number, citizen_id, jobcenter_id, "
            'self_booked, status, start, "end", title, description, conversation_type_id, contact_form_id, '
            "meeting_form, caseworker_visible, location, address, video_link, citizen_contact, phone_to_call, "
            "who_calls, other_authority_summoned, rebooking_allowed, cancellation_allowed, created_by) FROM STDIN"
        ) as copy:
            for i in range(1, count + 1):
                kind = i % 5
                if kind in (1, 4):
                    day = DAY if kind == 1 else DAY + timedelta(days=3)
                    start = datetime(day.year, day.month, day.day, 8, 0, tzinfo=UTC)
                    copy.write_row(
                        (i, uuid.uuid4(), now, now, f"B{i}", i, jc, True, "planned", start,
                         start + timedelta(minutes=30), "Jobsamtale", "", ctype, cform, "individual", True,
                         "", "Jobcentervej 1", "", "", "", "", False, True, True, "bench")
                    )  # fmt: skip
        with cur.copy(
            "COPY deadlines_deadline (id, public_id, created_at, updated_at, citizen_id, conversation_type_id, "
            "deadline_date, activation_date, status, jobcenter_id, created_by, created_on, fulfilled_by_id, "
            "meeting_date, expires_on, status_since, self_booking_obligatory) FROM STDIN"
        ) as copy:
            for i in range(1, count + 1):
                kind = i % 5
                created = CREATED - timedelta(days=75) if (kind == 3 and i % 50 == 3) else CREATED
                expires = created + timedelta(days=91)
                booking, meeting, activation = None, None, created
                if kind == 0:
                    status, deadline, activation = "not_activated", DAY + timedelta(days=20), DAY
                elif kind == 1:
                    status, deadline, booking, meeting = "fulfilled", DAY + timedelta(days=5), i, DAY
                elif kind == 2:
                    status, deadline = "active", DAY - timedelta(days=1)
                elif kind == 3:
                    status, deadline = "active", DAY + timedelta(days=10)
                else:
                    status, deadline, booking, meeting = (
                        "fulfilled",
                        DAY + timedelta(days=5),
                        i,
                        DAY + timedelta(days=3),
                    )
                copy.write_row(
                    (i, uuid.uuid4(), now, now, i, ctype, deadline, activation, status, jc, "bench", created,
                     booking, meeting, expires, created, i % 10 == 2)
                )  # fmt: skip
        for table in ("citizens_citizen", "bookings_booking", "deadlines_deadline"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        conn.commit()
    with psycopg.connect(url(db), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def payload(old_sql: str, new: str, event: str, day_sql: str) -> str:
    """The payload deadlines.services.report_payload writes."""
    return (
        "json_build_object('deadline', d.public_id::text, 'conversation_type', ct.code, "
        "'deadline_date', to_char(d.deadline_date, 'YYYY-MM-DD'), 'activation_date', "
        f"to_char(d.activation_date, 'YYYY-MM-DD'), 'jobcenter', jc.code, 'old', {old_sql}, 'new', '{new}', "
        f"'event', '{event}', 'day', to_char({day_sql}, 'YYYY-MM-DD'))::jsonb"
    )


# Per kind: condition, day the transition is dated, the (event, new status) rows, final status.
PLAIN = [
    (
        "d.status = 'not_activated' AND d.activation_date <= %(day)s AND d.activation_date <= d.expires_on",
        "greatest(d.activation_date, d.status_since)",
        [("activation_date_reached", "active")],
        "active",
    ),
    (
        "d.status = 'fulfilled' AND d.meeting_date <= %(day)s AND d.meeting_date <= d.expires_on",
        "greatest(d.meeting_date, d.status_since)",
        [("meeting_date_reached", "closed_fulfilled"), ("closed_at_once", "closed_admin")],
        "closed_admin",
    ),
    (
        "d.status = 'active' AND d.deadline_date < %(day)s AND d.deadline_date < d.expires_on",
        "greatest(d.deadline_date + 1, d.status_since)",
        [("deadline_date_passed", "closed_overdue"), ("closed_at_once", "closed_admin")],
        "closed_admin",
    ),
    (
        "d.status IN ('not_activated','active','fulfilled') AND d.expires_on <= %(day)s AND ("
        "(d.status = 'not_activated' AND d.expires_on < d.activation_date) OR "
        "(d.status = 'active' AND d.expires_on <= d.deadline_date) OR "
        "(d.status = 'fulfilled' AND d.expires_on < d.meeting_date))",
        "greatest(d.expires_on, d.status_since)",
        [("ninety_days_passed", "closed_admin")],
        "closed_admin",
    ),
]


def plain_sql(db: str, *, with_rows: bool) -> float:
    """The same transitions as plain SQL, one statement per write, one transaction."""
    started = time.monotonic()
    params = {"day": DAY, "now": datetime.now(UTC)}
    with psycopg.connect(url(db)) as conn, conn.cursor() as cur:
        for cond, day_sql, events, final in PLAIN:
            if with_rows:
                old = "d.status"
                for event, new in events:
                    cur.execute(
                        "INSERT INTO deadlines_deadlinechange (deadline_id, at, day, event, old_status, new_status, "
                        f"actor, detail) SELECT d.id, %(now)s, {day_sql}, '{event}', {old}, '{new}', 'batch', "
                        f"'{{}}'::jsonb FROM deadlines_deadline d WHERE {cond} ORDER BY d.id",
                        params,
                    )
                    cur.execute(
                        "INSERT INTO reporting_reportevent (kind, occurred_at, citizen_id, payload) "
                        f"SELECT 'deadline.status_changed', %(now)s, d.citizen_id, "
                        f"{payload(old, new, event, day_sql)} "
                        "FROM deadlines_deadline d JOIN codes_conversationtype ct ON ct.id = d.conversation_type_id "
                        f"JOIN organisations_jobcenter jc ON jc.id = d.jobcenter_id WHERE {cond} ORDER BY d.id",
                        params,
                    )
                    old = f"'{new}'"
                if "deadline_date <" in cond:
                    cur.execute(
                        "INSERT INTO reporting_reportevent (kind, occurred_at, citizen_id, payload) "
                        "SELECT 'deadline.deregistration_due', %(now)s, d.citizen_id, json_build_object("
                        f"'deadline', d.public_id::text, 'effective_from', to_char({day_sql}, 'YYYY-MM-DD'))::jsonb "
                        f"FROM deadlines_deadline d WHERE {cond} AND d.self_booking_obligatory ORDER BY d.id",
                        params,
                    )
            plain_day = day_sql.replace("d.", "")
            closed = f", closed_on = {plain_day}" if final == "closed_admin" else ""
            cur.execute(
                f"UPDATE deadlines_deadline d SET status = '{final}', status_since = {plain_day}, "
                f"updated_at = %(now)s{closed} WHERE {cond}",
                params,
            )
        conn.commit()
    return time.monotonic() - started


def run_measured(argv: list[str], env: dict) -> float:
    """Run a child to its end; its own peak RSS in MB (os.wait4's rusage is that child's alone,
    unlike RUSAGE_CHILDREN, which keeps the maximum over every child so far, migrate included)."""
    child = subprocess.Popen(argv, env=env, cwd=ROOT)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise subprocess.CalledProcessError(child.returncode, argv)
    return usage.ru_maxrss / 1024  # kilobytes on Linux


def summary(db: str) -> tuple:
    with psycopg.connect(url(db)) as conn:
        statuses = conn.execute(
            "SELECT status, count(*) FROM deadlines_deadline GROUP BY status ORDER BY 1"
        ).fetchall()
        history = conn.execute("SELECT count(*) FROM deadlines_deadlinechange").fetchone()[0]
        events = conn.execute("SELECT count(*) FROM reporting_reportevent").fetchone()[0]
    return statuses, history, events


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=1_000_000, help="open deadlines (default 1,000,000)")
    parser.add_argument(
        "--chunk", type=int, default=20_000, help="deadlines per transaction in samtale daily"
    )
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    parser.add_argument(
        "--name",
        default=f"samtale_bench_daily_{os.getpid()}",
        help="database name prefix (default: samtale_bench_daily_<pid>); the clones add _batch, _sql, _upd",
    )
    args = parser.parse_args()
    base = args.name
    names = {"base": base, "batch": f"{base}_batch", "sql": f"{base}_sql", "updates": f"{base}_upd"}
    try:
        admin(f'CREATE DATABASE "{base}"')
        with step("migrate"):
            subprocess.run(
                [sys.executable, "-m", "samtale.cli", "migrate", "-v", "0"],
                env=env_for(base),
                check=True,
                cwd=ROOT,
            )
        with step(f"COPY {args.count:,} citizens, deadlines and {args.count * 2 // 5:,} bookings"):
            load(base, args.count)
        with step("clone ×3"):
            for key in ("batch", "sql", "updates"):
                admin(f'CREATE DATABASE "{names[key]}" TEMPLATE "{base}"')
        with step("samtale daily") as batch:
            daily = ["daily", "--date", DAY.isoformat(), "--chunk", str(args.chunk)]
            peak_rss_mb = run_measured([sys.executable, "-m", "samtale.cli", *daily], env_for(names["batch"]))
        with step("Django start-up (samtale help daily)") as startup:
            subprocess.run(
                [sys.executable, "-m", "samtale.cli", "help", "daily"],
                env=env_for(names["batch"]),
                check=True,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
            )
        with step("plain SQL, same writes (UPDATE + history + report events)"):
            same = plain_sql(names["sql"], with_rows=True)
        with step("plain SQL, status UPDATEs only"):
            updates = plain_sql(names["updates"], with_rows=False)
        got, want, bare = summary(names["batch"]), summary(names["sql"]), summary(names["updates"])
        assert got == want, (got, want)
        assert got[0] == bare[0], (got[0], bare[0])
        print(f"\nend statuses {dict(got[0])}; history rows {got[1]:,}; report events {got[2]:,}")
        print(f"samtale daily:                      {batch.seconds:7.2f} s  (Django start-up included)")
        work = batch.seconds - startup.seconds
        print(f"  peak RSS of samtale daily:        {peak_rss_mb:7.1f} MB")
        print(f"  of which Django start-up:         {startup.seconds:7.2f} s  → batch work {work:.2f} s")
        print(
            f"plain SQL, same writes:             {same:7.2f} s  → ratio {batch.seconds / same:.2f}× "
            f"({work / same:.2f}× without start-up)"
        )
        print(
            f"plain SQL, status UPDATEs only:     {updates:7.2f} s  → ratio {batch.seconds / updates:.2f}× "
            f"({work / updates:.2f}× without start-up)"
        )
        return 0
    finally:
        if not args.keep:
            for name in names.values():
                admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
