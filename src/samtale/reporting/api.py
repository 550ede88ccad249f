from datetime import datetime
from uuid import UUID

from ninja import Query, Router, Schema

from samtale.api.auth import require
from samtale.reporting import selectors, services
from samtale.reporting.schemas import EventOut, event_out
from samtale.reporting.selectors import feed_page, webhook_lag

router = Router(tags=["Indberetning"])


class FeedParams(Schema):
    after: int = 0
    limit: int = 100


class FeedOut(Schema):
    events: list[EventOut]
    next: int


def _page(actor, params: FeedParams) -> dict:
    events, next_position = feed_page(actor, after=params.after, limit=params.limit)
    return {"events": [event_out(e) for e in events], "next": next_position}


@router.get("/feeds/dfdg", response=FeedOut, summary="Alle indberetninger fra en position (R-RP-2)")
def feed_dfdg(request, params: Query[FeedParams]):
    return _page(require(request, "dfdg", "admin"), params)


@router.get("/feeds/akasse", response=FeedOut, summary="A-kassens indberetninger (R-RP-3)")
def feed_akasse(request, params: Query[FeedParams]):
    return _page(require(request, "akasse"), params)


# --- Webhooks (admin) ---------------------------------------------------------------------------


class WebhookIn(Schema):
    url: str
    feed: str = "dfdg"
    secret: str = ""
    kinds: list[str] = []
    after: int = 0


class WebhookAttemptOut(Schema):
    at: datetime
    first_position: int
    last_position: int
    events: int
    status_code: int | None
    ok: bool
    error: str
    duration_ms: int


class WebhookOut(Schema):
    id: UUID
    url: str
    feed: str
    kinds: list[str]
    status: str
    paused_reason: str
    position: int
    lag_events: int
    lag_seconds: float
    failing_since: datetime | None
    attempts: int
    next_attempt_at: datetime
    last_attempt_at: datetime | None
    last_success_at: datetime | None
    last_error: str
    created_at: datetime


class WebhookDetailOut(WebhookOut):
    recent_deliveries: list[WebhookAttemptOut]


class WebhookCreatedOut(WebhookOut):
    secret: str


def _webhook(subscriber, *, detail: bool = False) -> dict:
    lag_events, lag_seconds = webhook_lag(subscriber)
    out = {
        "id": subscriber.public_id,
        "url": subscriber.url,
        "feed": subscriber.feed,
        "kinds": subscriber.kinds,
        "status": subscriber.status,
        "paused_reason": subscriber.paused_reason,
        "position": subscriber.position,
        "lag_events": lag_events,
        "lag_seconds": round(lag_seconds, 1),
        "failing_since": subscriber.failing_since,
        "attempts": subscriber.attempts,
        "next_attempt_at": subscriber.next_attempt_at,
        "last_attempt_at": subscriber.last_attempt_at,
        "last_success_at": subscriber.last_success_at,
        "last_error": subscriber.last_error,
        "created_at": subscriber.created_at,
    }
    if detail:
        out["recent_deliveries"] = list(subscriber.delivery_log.order_by("-at", "-id")[:20])
    return out


@router.post("/webhooks", response={201: WebhookCreatedOut}, summary="Tilmeld en webhook-modtager")
def webhook_create(request, payload: WebhookIn):
    actor = require(request, "admin")
    subscriber = services.webhook_create(actor=actor, **payload.dict())
    return 201, {**_webhook(subscriber), "secret": subscriber.secret}


@router.get("/webhooks", response=list[WebhookOut], summary="Webhook-modtagere med status og efterslæb")
def webhooks_list(request):
    require(request, "admin")
    return [_webhook(s) for s in selectors.webhooks_list()]


@router.get("/webhooks/{webhook_id}", response=WebhookDetailOut, summary="Én webhook-modtager")
def webhook_get(request, webhook_id: UUID):
    require(request, "admin")
    return _webhook(selectors.webhook_get(webhook_id), detail=True)


@router.post("/webhooks/{webhook_id}/pause", response=WebhookOut, summary="Sæt levering på pause")
def webhook_pause(request, webhook_id: UUID):
    actor = require(request, "admin")
    return _webhook(services.webhook_pause(actor=actor, subscriber=selectors.webhook_get(webhook_id)))


@router.post("/webhooks/{webhook_id}/resume", response=WebhookOut, summary="Genoptag fra kvitteret position")
def webhook_resume(request, webhook_id: UUID):
    actor = require(request, "admin")
    return _webhook(services.webhook_resume(actor=actor, subscriber=selectors.webhook_get(webhook_id)))


@router.delete("/webhooks/{webhook_id}", response={204: None}, summary="Afmeld en webhook-modtager")
def webhook_delete(request, webhook_id: UUID):
    actor = require(request, "admin")
    services.webhook_delete(actor=actor, subscriber=selectors.webhook_get(webhook_id))
    return 204, None
