"""A throwaway PostgreSQL database for one benchmark run, shared by the benchmarks that need the whole
schema: created on PG_URL, migrated with the project's own migrations, Django set up in this process
against it, and dropped at the end (`keep=True` keeps it)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"


@dataclass(frozen=True)
class ScratchDatabase:
    name: str
    url: str
    env: dict[str, str]  # for subprocesses (servers, workers) that must use the same database


@contextmanager
def scratch_database(
    pg_url: str, name: str, *, keep: bool, extra_env: dict | None = None
) -> Iterator[ScratchDatabase]:
    import psycopg

    base = pg_url.rstrip("/")
    admin_url, url = f"{base}/postgres", f"{base}/{name}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "PYTHONPATH": str(SRC),
        "DJANGO_SETTINGS_MODULE": "samtale.settings",
        **(extra_env or {}),
    }
    try:
        print(f"{Path(sys.argv[0]).stem}: database {name}; migrating …", flush=True)
        subprocess.run(
            [sys.executable, "-m", "samtale.cli", "migrate", "--noinput", "-v", "0"],
            env=env,
            check=True,
            cwd=ROOT,
        )
        os.environ.update({k: env[k] for k in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")})
        sys.path.insert(0, str(SRC))
        import django

        django.setup()
        yield ScratchDatabase(name=name, url=url, env=env)
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: S110 - Django may not be set up yet
            pass
        if keep:
            print(f"kept database {name}")
        else:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
