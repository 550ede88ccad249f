"""Django's PostgreSQL backend with a health check that costs no round trip (issue 15).

Django's `CONN_HEALTH_CHECKS` sends `SELECT 1` at the start of every request that reuses a persistent
connection: on the booking path that was one round trip in five. A connection that PostgreSQL ended
(a restart, `pg_terminate_backend`, `idle_session_timeout`, a fail-over that closes sockets) is
readable while idle — the server's FATAL message or the end of the stream is waiting on the socket —
so this backend polls the socket without blocking and pings only then. A healthy idle connection has
nothing to read, and is used as it is.

What it does not see: a peer that vanished without closing the connection (a cable pulled, a
firewall dropping the state). Such a connection fails the request that uses it, Django closes it at
the end of that request (`errors_occurred`), and the next request connects afresh (Django's
`SELECT 1` would have hung on it until the TCP timeout, then reconnected). docs/operations.md says so.

It also reads `timestamp with time zone` values with psycopg's compiled parser (`_utc_timestamptz_loader`)."""

from __future__ import annotations

import select
from datetime import UTC
from functools import cache

from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLDatabaseWrapper


@cache
def _utc_timestamptz_loader() -> type:
    """Django's timestamptz loader for a UTC connection, with the parsing done by psycopg's compiled
    loader. Django registers a subclass of psycopg's pure-Python loader (to set the time zone it wants
    on every value), so every timestamp was parsed in Python: 3.7 µs each, against 0.5 µs this way —
    ten on every booking attempt, thousands in a month of free times or a caseworker's lists. The
    values are the same: aware datetimes with `datetime.UTC`, as Django's connection runs in UTC."""
    import psycopg
    from psycopg.pq import Format
    from psycopg.types.datetime import TimestamptzLoader

    compiled = psycopg.adapters.get_loader(psycopg.adapters.types["timestamptz"].oid, Format.TEXT)

    class UtcTimestamptzLoader(TimestamptzLoader):
        timezone = UTC  # what Django's create_cursor compares with the connection's

        def __init__(self, oid, context=None):
            super().__init__(oid, context)
            self.load = compiled(oid, context).load

    return UtcTimestamptzLoader


class DatabaseWrapper(PostgreSQLDatabaseWrapper):
    def get_connection_params(self) -> dict:
        params = super().get_connection_params()
        if "context" in params and self.timezone is UTC:
            from psycopg.adapt import AdaptersMap

            params["context"] = AdaptersMap(params["context"])  # Django's is shared (lru_cache)
            params["context"].register_loader("timestamptz", _utc_timestamptz_loader())
        return params

    def close_if_health_check_failed(self) -> None:
        if self.pool or self.connection is None or not self.health_check_enabled or self.health_check_done:
            return
        if self._needs_ping() and not self.is_usable():
            self.close()
        self.health_check_done = True

    def _needs_ping(self) -> bool:
        """True when the idle connection has something to say (or is known to be gone)."""
        conn = self.connection
        if conn.closed or conn.broken:
            return True
        try:
            readable, _, _ = select.select([conn.pgconn.socket], [], [], 0)
        except (OSError, ValueError):  # no socket any more
            return True
        return bool(readable)
