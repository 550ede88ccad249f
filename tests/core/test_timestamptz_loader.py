"""PostgreSQL's `timestamp with time zone` values are parsed by psycopg's compiled loader
(samtale.core.postgresql), not by Django's pure-Python one: the same aware UTC datetimes, to the
microsecond, for every value Django's loader reads."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

VALUES = [
    "2026-03-29 00:59:59.999999+00",  # the hour before summer time in Denmark
    "2026-03-29 01:00:00+00",
    "2026-10-25 00:30:00.5+00",
    "1970-01-01 00:00:00+00",
    "1901-12-13 20:45:52.000001+00",
    "9999-12-31 23:59:59.999999+00",
    "0001-01-01 00:00:00+00",
    "2026-12-08 03:04:05.123456+01",  # an offset the server converts to UTC
]


def _read(values: list[str]) -> list[datetime]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT v::timestamptz FROM unnest(%s::text[]) WITH ORDINALITY AS t(v, n) ORDER BY n", [values]
        )
        return [row[0] for row in cursor.fetchall()]


def test_timestamps_are_read_by_the_compiled_loader_as_django_reads_them():
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from psycopg.pq import Format

    from samtale.core.postgresql.base import _utc_timestamptz_loader

    connection.ensure_connection()
    oid = connection.connection.adapters.types["timestamptz"].oid
    assert connection.connection.adapters.get_loader(oid, Format.TEXT) is _utc_timestamptz_loader()
    ours = _read(VALUES)
    assert all(value.tzinfo is UTC for value in ours)
    assert ours[0] + timedelta(microseconds=1) == ours[1] == datetime(2026, 3, 29, 1, tzinfo=UTC)
    assert ours[-1] == datetime(2026, 12, 8, 2, 4, 5, 123456, tzinfo=UTC)

    register_tzloader(UTC, connection.connection)  # Django's own loader, as without ours
    try:
        assert connection.connection.adapters.get_loader(oid, Format.TEXT) is not _utc_timestamptz_loader()
        djangos = _read(VALUES)
    finally:
        connection.connection.adapters.register_loader("timestamptz", _utc_timestamptz_loader())
    assert ours == djangos and [v.tzinfo for v in djangos] == [v.tzinfo for v in ours]
    assert [v.isoformat() for v in ours] == [v.isoformat() for v in djangos]
