"""The shape of a feed event, shared by the feed endpoints and the webhook pushes, so a pushed event
is byte for byte the event a reader of the feed gets."""

from datetime import datetime
from uuid import UUID

from ninja import Schema

from samtale.reporting.models import ReportEvent


class EventOut(Schema):
    id: int
    position: int
    kind: str
    occurred_at: datetime
    citizen: UUID | None
    cpr: str | None
    payload: dict


def event_out(e: ReportEvent) -> dict:
    return {
        "id": e.pk,
        "position": e.position,
        "kind": e.kind,
        "occurred_at": e.occurred_at,
        "citizen": e.citizen.public_id if e.citizen else None,
        # § 20 nr. 1 / § 27 nr. 1: identification of the person. In the body only.
        "cpr": e.citizen.cpr if e.citizen else None,
        "payload": e.payload,
    }
