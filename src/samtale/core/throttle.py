"""Fixed-window counters in Django's cache (issue 12, item 6): bad API tokens per IP address and
booking attempts per citizen. The cache is the one in settings: the database cache by default
(shared by every process of one installation), Redis when SAMTALE_CACHE_URL is set.

`Throttled` is a DomainError with status 429; the API answers it as problem+json with Retry-After."""

from __future__ import annotations

import hashlib
import time
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
    table = connection.ops.quote_name(table)
    expires = connection.ops.adapt_datetimefield_value(timezone.now() + timedelta(seconds=window + 1))
    # The table name comes from settings (quoted); every value is a parameter.
    values = "VALUES (%s, %s, %s)"
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # Its own transaction (autocommit), which need not wait for the WAL flush: a count lost in a
        # crash only lets a citizen try a little more often. On a refused booking that wait was the
        # request's one commit (~8 ms against 0.6 ms on the development machine, bench/README.md).
        values = "SELECT %s, %s, %s FROM (SELECT set_config('synchronous_commit', 'off', true)) AS async"
    sql = (
        f"INSERT INTO {table} (cache_key, value, expires) {values} "  # noqa: S608
        f"ON CONFLICT (cache_key) DO UPDATE SET value = CAST(CAST({table}.value AS INTEGER) + 1 AS VARCHAR(20)) "
        "RETURNING value"
    )
    with connection.cursor() as cursor:
        prepared.execute(connection, cursor, sql, [key, "1", expires])
        return int(cursor.fetchone()[0]), retry_after


def hit(scope: str, subject: str, *, limit: int, window: int, message: str) -> None:
    """Count one event and refuse (429, Retry-After) once `subject` is over `limit` in the window."""
    if limit <= 0:
        return
    used, retry_after = add(scope, subject, window=window)
    if used > limit:
        raise Throttled(message, retry_after=retry_after)
