"""The feeds DFDG and the a-kasser read (R-RP-2, R-RP-3), and what the admin sees of webhooks."""

from __future__ import annotations

from django.db.models import QuerySet

from samtale.core import audit, clock
from samtale.core.actors import Actor
from samtale.core.errors import NotFound
from samtale.reporting.models import ReportEvent, WebhookSubscriber
from samtale.reporting.services import stamp_positions

MAX_PAGE = 1000


def feed_events(*, akasse=None, after: int = 0, kinds: list[str] | None = None) -> QuerySet[ReportEvent]:
    """Stamped events after `after` in position order: all of them (DFDG), or only those the law
    shares with `akasse` (R-RP-3, decided when the event was written); optionally only some kinds."""
    events = ReportEvent.objects.filter(position__gt=after).order_by("position")
    if akasse is not None:
        events = events.filter(akasse=akasse)
    if kinds:
        events = events.filter(kind__in=kinds)
    return events


def feed_page(
    actor: Actor, *, after: int = 0, limit: int = 100, kinds: list[str] | None = None
) -> tuple[list[ReportEvent], int]:
    """Events after `after` in position order, and the position to continue from. Stamps first,
    so everything committed before the call is readable. The reader's feed follows from the actor:
    an a-kasse gets its own events only."""
    stamp_positions()
    limit = max(1, min(limit, MAX_PAGE))
    akasse = actor.akasse if actor.kind == "akasse" else None
    events = feed_events(akasse=akasse, after=after, kinds=kinds).select_related("citizen")
    page = list(events[:limit])
    next_position = page[-1].position if page else after
    # One row per citizen on the page (issue 12, item 5), in one INSERT.
    audit.record_many(
        actor, "feed.read", [e.citizen_id for e in page], purpose="indberetning", after=after, count=len(page)
    )
    return page, next_position


def webhook_actor(subscriber: WebhookSubscriber) -> Actor:
    """Who reads the feed when the worker pushes to this subscriber: DFDG, or the a-kasse."""
    label = f"webhook {subscriber.public_id}"
    if subscriber.akasse_id:
        return Actor(kind="akasse", label=label, akasse=subscriber.akasse)
    return Actor(kind="dfdg", label=label)


def webhook_lag(subscriber: WebhookSubscriber) -> tuple[int, float]:
    """Events the subscriber should have but has not acknowledged, and how old the oldest is (s)."""
    stamp_positions()
    events = feed_events(akasse=subscriber.akasse, after=subscriber.position, kinds=subscriber.kinds)
    oldest = events.values_list("occurred_at", flat=True).first()
    if oldest is None:
        return 0, 0.0
    return events.count(), max(0.0, (clock.now() - oldest).total_seconds())


def webhooks_list() -> list[WebhookSubscriber]:
    return list(WebhookSubscriber.objects.select_related("akasse").order_by("created_at"))


def webhook_get(public_id) -> WebhookSubscriber:
    subscriber = WebhookSubscriber.objects.select_related("akasse").filter(public_id=public_id).first()
    if subscriber is None:
        raise NotFound()
    return subscriber
