# ruff: noqa: S608 - database names are this script's arguments, quoted
"""A/B of the daily batch by PostgreSQL's own CPU: wall time varies with the machine's load, the
backend's CPU time much less.

Needs a database made by `bench/daily_batch.py --count N --name BASE --keep` (BASE is left as loaded;
its clones are not). Each `--runs` entry clones BASE and runs, on the clone, either the batch's work
in this process with the code under `--src` (`jobs.daily`, without Django's start-up) or the plain
SQL of daily_batch.py; it prints the wall time and the CPU time of the PostgreSQL backend that did the
work (/proc/<pid>/stat: the server must run on this machine). Interleave old and new:

  .venv/bin/python bench/daily_batch_cpu.py --base BASE --runs plain,old,new,old,new --old /tmp/old/src
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")


def backend_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def child(mode: str, db: str) -> None:
    """Runs in a subprocess whose PYTHONPATH chooses the code."""
    url = f"{PG_URL}/{db}"
    if mode == "plain":
        sys.path.insert(0, str(ROOT / "bench"))
        import daily_batch

        pids, cpu = [], {}
        connect, commit = psycopg.connect, psycopg.Connection.commit

        def connecting(*a, **k):
            conn = connect(*a, **k)
            pids.append(conn.info.backend_pid)
            return conn

        def committing(self):
            commit(self)
            cpu["backend"] = backend_cpu(self.info.backend_pid)

        psycopg.connect, psycopg.Connection.commit = connecting, committing
        started = time.monotonic()
        daily_batch.plain_sql(db, with_rows=True)
        wall, used = time.monotonic() - started, cpu["backend"]
    else:
        os.environ["DATABASE_URL"] = url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samtale.settings")
        import django

        django.setup()
        from django.db import connection

        from samtale.deadlines import jobs

        connection.ensure_connection()
        pid = connection.connection.info.backend_pid
        started, before = time.monotonic(), backend_cpu(pid)
        jobs.daily(date(2026, 6, 15))
        wall, used = time.monotonic() - started, backend_cpu(pid) - before
    load = os.getloadavg()[0]
    print(f"RESULT {wall:.2f} {used:.2f} {load:.1f}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base", required=True, help="a database left by daily_batch.py --keep")
    parser.add_argument("--runs", default="plain,old,new,old,new", help="comma-separated: plain, old, new")
    parser.add_argument("--old", help="the old code's src directory (e.g. from git archive)")
    parser.add_argument("--new", default=str(ROOT / "src"), help="the new code's src directory")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0
    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as admin:
        for i, run in enumerate(args.runs.split(",")):
            clone = f"{args.base}_ab{i}"
            admin.execute(f'DROP DATABASE IF EXISTS "{clone}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{clone}" TEMPLATE "{args.base}"')
            try:
                src = {"old": args.old, "new": args.new, "plain": args.new}[run]
                out = subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--base",
                        args.base,
                        "--child",
                        "plain" if run == "plain" else "batch",
                        clone,
                    ],
                    env={**os.environ, "PYTHONPATH": src},
                    cwd=ROOT,
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
                wall, used, load = out.rsplit("RESULT ", 1)[1].split()
                print(
                    f"{run:6s} wall {float(wall):7.2f} s   backend CPU {float(used):7.2f} s   load {load}",
                    flush=True,
                )
            finally:
                admin.execute(f'DROP DATABASE IF EXISTS "{clone}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
