"""The access-log writer. Called by selectors and services, never by views.

`record` writes one row; `record_many` writes one row per citizen shown in a single INSERT (a
calendar, a list, a feed page). Both stamp the row with the endpoint the request came in on
(method and path — paths carry UUIDs, never a CPR), which `AuditEndpointMiddleware` puts in a
context variable so services need not pass the request down."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from samtale.core import clock
from samtale.core.actors import Actor
from samtale.core.models import AuditRecord

if TYPE_CHECKING:
    from samtale.citizens.models import Citizen

_endpoint: ContextVar[str] = ContextVar("samtale_audit_endpoint", default="")
ENDPOINT_MAX = AuditRecord._meta.get_field("endpoint").max_length


def current_endpoint() -> str:
    return _endpoint.get()


@contextmanager
def endpoint(value: str):
    """Stamp the rows written inside the block with `value` (the batch, a CLI command, a test)."""
    token = _endpoint.set(value[:ENDPOINT_MAX])
    try:
        yield
    finally:
        _endpoint.reset(token)


class AuditEndpointMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with endpoint(f"{request.method} {request.path}"):
            return self.get_response(request)


def _row(actor: Actor, action: str, citizen, purpose: str, detail: dict, at) -> AuditRecord:
    return AuditRecord(
        at=at,
        actor_kind=actor.kind,
        actor=actor.label,
        action=action,
        citizen=citizen,
        purpose=purpose,
        endpoint=_endpoint.get(),
        detail=detail,
    )


def record(actor: Actor, action: str, citizen: Citizen | None = None, *, purpose: str = "", **detail) -> None:
    if not actor.is_audited:
        return
    _row(actor, action, citizen, purpose, detail, clock.now()).save()


def record_many(
    actor: Actor, action: str, citizens: Iterable[Citizen | int], *, purpose: str = "", **detail
) -> int:
    """One row per distinct citizen shown, all in one INSERT. `citizens` may be Citizen objects or
    their primary keys. Returns the number of rows written."""
    if not actor.is_audited:
        return 0
    ids: dict[int, None] = {}
    for c in citizens:
        pk = c if isinstance(c, int) else getattr(c, "pk", None)
        if pk is not None:
            ids[pk] = None
    if not ids:
        return 0
    at = clock.now()
    rows = [_row(actor, action, None, purpose, detail, at) for _ in ids]
    for row, pk in zip(rows, ids, strict=True):
        row.citizen_id = pk
    AuditRecord.objects.bulk_create(rows)
    return len(rows)
