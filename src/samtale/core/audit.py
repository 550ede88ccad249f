"""The access-log writer. Called by selectors and services, never by views."""

from __future__ import annotations

from typing import TYPE_CHECKING

from samtale.core import clock
from samtale.core.actors import Actor
from samtale.core.models import AuditRecord

if TYPE_CHECKING:
    from samtale.citizens.models import Citizen


def record(actor: Actor, action: str, citizen: Citizen | None = None, *, purpose: str = "", **detail) -> None:
    if not actor.is_audited:
        return
    AuditRecord.objects.create(
        at=clock.now(),
        actor_kind=actor.kind,
        actor=actor.label,
        action=action,
        citizen=citizen,
        purpose=purpose,
        detail=detail,
    )
