"""A per-process cache of API token look-ups (issue 15).

Every API request reads its bearer token with the token's holder (caseworker, citizen or a-kasse);
in a booking rush that read is a quarter of a refusal's statements. A live token's row, as read, is
kept for `SAMTALE_TOKEN_CACHE_SECONDS` (0: off) and each request builds its own fresh instances
from it, so no model instance is shared between requests or threads.

What the delay means (docs/operations.md): a token revoked — or a caseworker deactivated, or a
holder's data changed — in *another* process is still accepted (with the data as it was) by this one
for at most that many seconds. Within a process nothing is stale: saving or deleting a token or a
holder through the ORM empties the cache, and a token's expiry is checked on every request."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models.signals import post_delete, post_save

# Enough for every token of a rush; past it the cache starts again rather than grow without bound.
MOST = 10_000

_rows: dict[str, tuple[datetime, list]] = {}


def get(key: str, now: datetime) -> list | None:
    """The row kept for `key` if it was read less than the TTL ago (by `now`), else None."""
    seconds = settings.SAMTALE_TOKEN_CACHE_SECONDS
    if seconds <= 0:
        return None
    kept = _rows.get(key)
    if kept is None or now - kept[0] >= timedelta(seconds=seconds) or now < kept[0]:
        return None
    return kept[1]


def put(key: str, row: list, now: datetime) -> None:
    if settings.SAMTALE_TOKEN_CACHE_SECONDS <= 0:
        return
    if len(_rows) >= MOST:
        _rows.clear()
    _rows[key] = (now, row)


def forget(key: str) -> None:
    _rows.pop(key, None)


def clear(**_) -> None:
    _rows.clear()


def connect() -> None:
    """Empty the cache whenever a token or a token's holder is saved or deleted in this process."""
    from samtale.organisations.models import ApiClient

    for model in [ApiClient] + [
        ApiClient._meta.get_field(f).related_model for f in ("caseworker", "citizen", "akasse")
    ]:
        for signal in (post_save, post_delete):
            signal.connect(clear, sender=model, weak=False, dispatch_uid=f"token_cache.{model._meta.label}")
