"""Fixed-window counters in Django's cache (issue 12, item 6): bad API tokens per IP address and
booking attempts per citizen. The cache is the one in settings: the database cache by default
(shared by every process of one installation), Redis when SAMTALE_CACHE_URL is set.

`Throttled` is a DomainError with status 429; the API answers it as problem+json with Retry-After."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache, caches
from django.db import connections, router
from django.utils import timezone

from samtale.core import prepared
from samtale.core.errors import DomainError


class Throttled(DomainError):
    status = 429
    default_code = "throttled"
    title = "For mange forsøg"

    def __init__(self, message: str, *, retry_after: int, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = max(1, int(retry_after))


def _key(scope: str, subject: str, window: int) -> tuple[str, int]:
    now = time.time()
    bucket = int(now // window)
    digest = hashlib.sha256(subject.encode()).hexdigest()[:32]  # no IP address or id in the cache key
    return f"samtale-throttle:{scope}:{digest}:{bucket}", int(window - now % window) + 1


def _database_table() -> str | None:
    """The table of the default cache when it is Django's database cache, else None."""
    from django.core.cache.backends.db import DatabaseCache

    backend = caches["default"]
    return backend._table if isinstance(backend, DatabaseCache) else None


def add(scope: str, subject: str, *, window: int) -> tuple[int, int]:
    """Count one event; returns the count in the current window and the seconds until it ends.

    On the database cache this is one statement (an upsert on the cache table, in a key space of its
    own), not the four Django's cache API needs for add-or-increment — it sits on the booking path."""
    key, retry_after = _key(scope, subject, window)
    table = _database_table()
    if table is None:
        if cache.add(key, 1, timeout=window + 1):
            return 1, retry_after
        try:
            return cache.incr(key), retry_after
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window + 1)
            return 1, retry_after
    connection = connections[router.db_for_write(caches["default"].cache_model_class)]
    asynchronous = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        prepared.execute(
            connection, cursor, _upsert_sql(connection, table, asynchronous), _params(key, window)
        )
        return int(cursor.fetchone()[0]), retry_after


def _upsert_sql(connection, table: str, asynchronous: bool, *, when: str = "") -> str:
    """The count's upsert (… RETURNING value), counting only if the SQL condition `when` holds.
    `asynchronous`: in its own transaction (autocommit), which then need not wait for the WAL flush:
    a count lost in a crash only lets a citizen try a little more often. On a refused booking that
    wait was the request's one commit (~8 ms against 0.6 ms on the development machine,
    bench/README.md)."""
    table = connection.ops.quote_name(table)
    source = " FROM (SELECT set_config('synchronous_commit', 'off', true)) AS async" if asynchronous else ""
    where = f" WHERE {when}" if when else ""
    values = f"SELECT %(throttle_key)s, %(throttle_one)s, %(throttle_expires)s{source}{where}"
    if not source and not where:  # SQLite reads `INSERT … SELECT … ON CONFLICT` as a join without a WHERE
        values = "VALUES (%(throttle_key)s, %(throttle_one)s, %(throttle_expires)s)"
    # The table name comes from settings (quoted); every value is a parameter.
    return (
        f"INSERT INTO {table} (cache_key, value, expires) {values} "  # noqa: S608
        f"ON CONFLICT (cache_key) DO UPDATE SET value = CAST(CAST({table}.value AS INTEGER) + 1 AS VARCHAR(20)) "
        "RETURNING value"
    )


def _params(key: str, window: int) -> dict:
    connection = connections[router.db_for_write(caches["default"].cache_model_class)]
    expires = connection.ops.adapt_datetimefield_value(timezone.now() + timedelta(seconds=window + 1))
    return {"throttle_key": key, "throttle_one": "1", "throttle_expires": expires}


@dataclass(frozen=True)
class Counted:
    """One event of `hit`'s, to be counted by the caller's own statement where it can (`counting_sql`,
    with `params`), then checked with the count it returned (`check`); else counted by `hit`."""

    scope: str
    subject: str
    limit: int
    window: int
    message: str
    key: str  # the cache key of the current window
    retry_after: int

    @property
    def params(self) -> dict:
        return _params(self.key, self.window)

    def check(self, used) -> None:
        """Refuse (429) if `used`, the count the caller's statement returned, is over the limit."""
        if used is not None and int(used) > self.limit:
            raise Throttled(self.message, retry_after=self.retry_after)

    def hit(self) -> None:
        hit(self.scope, self.subject, limit=self.limit, window=self.window, message=self.message)


def counts_in_statement(connection) -> bool:
    """Whether a statement on `connection` can count an event itself (`counting_sql`): the cache is
    this database's table, the database has data-modifying WITH (PostgreSQL, not SQLite), and no
    transaction is open (the count must stay whatever the caller's transaction does)."""
    table = _database_table()
    return (
        table is not None
        and connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and router.db_for_write(caches["default"].cache_model_class) == connection.alias
    )


def counting_sql(connection, *, when: str) -> str:
    """`add`'s upsert (… RETURNING value) for a caller's `WITH … AS (…)` where `counts_in_statement`,
    counting only when the SQL condition `when` holds — a read and its count in one round trip. Its
    parameters are `Counted.params`."""
    return _upsert_sql(connection, _database_table(), True, when=when)


def counted(scope: str, subject: str, *, limit: int, window: int, message: str) -> Counted | None:
    """One event of `hit`'s to count in the caller's statement; None when `limit` turns counting off."""
    if limit <= 0:
        return None
    return Counted(scope, subject, limit, window, message, *_key(scope, subject, window))


def hit(scope: str, subject: str, *, limit: int, window: int, message: str) -> None:
    """Count one event and refuse (429, Retry-After) once `subject` is over `limit` in the window."""
    if limit <= 0:
        return
    used, retry_after = add(scope, subject, window=window)
    if used > limit:
        raise Throttled(message, retry_after=retry_after)
