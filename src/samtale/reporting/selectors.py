"""The feeds DFDG and the a-kasser read (R-RP-2, R-RP-3)."""

from samtale.core import audit
from samtale.core.actors import Actor
from samtale.reporting.models import ReportEvent
from samtale.reporting.services import stamp_positions

MAX_PAGE = 1000


def feed_page(actor: Actor, *, after: int = 0, limit: int = 100) -> tuple[list[ReportEvent], int]:
    """Events after `after` in position order, and the position to continue from. Stamps first,
    so everything committed before the call is readable."""
    stamp_positions()
    limit = max(1, min(limit, MAX_PAGE))
    events = ReportEvent.objects.filter(position__gt=after).select_related("citizen").order_by("position")
    if actor.kind == "akasse":
        events = events.filter(akasse=actor.akasse)
    page = list(events[:limit])
    next_position = page[-1].position if page else after
    audit.record(actor, "feed.read", purpose="indberetning", after=after, count=len(page))
    return page, next_position
