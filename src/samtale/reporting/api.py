from datetime import datetime
from uuid import UUID

from ninja import Query, Router, Schema

from samtale.api.auth import require
from samtale.reporting.selectors import feed_page

router = Router(tags=["Indberetning"])


class FeedParams(Schema):
    after: int = 0
    limit: int = 100


class EventOut(Schema):
    position: int
    kind: str
    occurred_at: datetime
    citizen: UUID | None
    cpr: str | None
    payload: dict


class FeedOut(Schema):
    events: list[EventOut]
    next: int


def _page(actor, params: FeedParams) -> dict:
    events, next_position = feed_page(actor, after=params.after, limit=params.limit)
    return {
        "events": [
            {
                "position": e.position,
                "kind": e.kind,
                "occurred_at": e.occurred_at,
                "citizen": e.citizen.public_id if e.citizen else None,
                # § 20 nr. 1 / § 27 nr. 1: identification of the person. In the body only.
                "cpr": e.citizen.cpr if e.citizen else None,
                "payload": e.payload,
            }
            for e in events
        ],
        "next": next_position,
    }


@router.get("/feeds/dfdg", response=FeedOut, summary="Alle indberetninger fra en position (R-RP-2)")
def feed_dfdg(request, params: Query[FeedParams]):
    return _page(require(request, "dfdg", "admin"), params)


@router.get("/feeds/akasse", response=FeedOut, summary="A-kassens indberetninger (R-RP-3)")
def feed_akasse(request, params: Query[FeedParams]):
    return _page(require(request, "akasse"), params)
