"""Fixed-window counters in Django's cache (issue 12, item 6): bad API tokens per IP address and
booking attempts per citizen. The cache is the one in settings: the database cache by default
(shared by every process of one installation), Redis when SAMTALE_CACHE_URL is set.

`Throttled` is a DomainError with status 429; the API answers it as problem+json with Retry-After."""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache

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
    return f"samtale:throttle:{scope}:{digest}:{bucket}", int(window - now % window) + 1


def count(scope: str, subject: str, *, window: int) -> tuple[int, int]:
    key, retry_after = _key(scope, subject, window)
    return int(cache.get(key, 0)), retry_after


def add(scope: str, subject: str, *, window: int) -> int:
    key, _ = _key(scope, subject, window)
    if cache.add(key, 1, timeout=window + 1):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 1)
        return 1


def check(scope: str, subject: str, *, limit: int, window: int, message: str) -> None:
    """Refuse (429) while `subject` has reached `limit` events in the current window."""
    if limit <= 0:
        return
    used, retry_after = count(scope, subject, window=window)
    if used >= limit:
        raise Throttled(message, retry_after=retry_after)


def hit(scope: str, subject: str, *, limit: int, window: int, message: str) -> None:
    """Count one event and refuse (429) once `subject` is over `limit` in the window."""
    if limit <= 0:
        return
    check(scope, subject, limit=limit, window=window, message=message)
    add(scope, subject, window=window)
