"""Pushing feed events to webhook subscribers (API.md § Webhooks); `samtale worker` runs
`deliver_due` every round.

Per subscriber, one worker at a time holds a lease and posts the events after the acknowledged
position, in position order, in batches of WEBHOOK_BATCH_SIZE, read through the same selector as the
feed (so the a-kasse filter of R-RP-3 is the feed's, and the event is the feed's). A 2xx moves the
position to the batch's last event; anything else is retried with exponential back-off and jitter,
and a subscriber failing for longer than WEBHOOK_PAUSE_AFTER_SECONDS is paused (logged at ERROR,
shown in the admin). A worker killed after the receiver answered but before the position was saved
sends that batch again: delivery is at least once, and a duplicate carries the same event ids.

Signature (Standard Webhooks style): `Samtale-Webhook-Signature: v1=<hex HMAC-SHA256 of
"<Samtale-Webhook-Timestamp>.<body>" keyed with the secret>`."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import random
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from ninja.responses import NinjaJSONEncoder

from samtale.core import clock
from samtale.reporting.models import ReportEvent, Sequencer, WebhookAttempt, WebhookSubscriber
from samtale.reporting.schemas import event_out
from samtale.reporting.selectors import feed_page, webhook_actor
from samtale.reporting.services import stamp_positions

logger = logging.getLogger(__name__)

#: Batches one claim may push before the subscriber goes back in line (others get their turn).
BATCHES_PER_CLAIM = 20


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"v1={mac}"


def retry_wait(attempt: int) -> float:
    """Exponential back-off after the `attempt`-th consecutive failure, with jitter in the upper half
    so that many subscribers failing together do not all retry in the same second."""
    wait = min(
        settings.WEBHOOK_BACKOFF_MAX_SECONDS, settings.WEBHOOK_BACKOFF_SECONDS * 2 ** max(0, attempt - 1)
    )
    return wait / 2 + random.uniform(0, wait / 2)  # noqa: S311 - jitter, not security


def deliver_due(*, worker_id: str, limit: int = 10) -> int:
    """One round: push to up to `limit` subscribers with events waiting. Returns the number of events
    acknowledged. Subscribers are claimed one at a time, just before their turn, so a lease never
    runs out while it waits behind a slow receiver (another worker would then push the same events)."""
    if not WebhookSubscriber.objects.filter(status=WebhookSubscriber.ACTIVE).exists():
        return 0  # no receivers: no sequencer lock every round
    stamp_positions()
    done = 0
    for _ in range(limit):
        claimed = _claim(worker_id)
        if claimed is None:
            break
        subscriber, token = claimed
        try:
            done += _deliver(subscriber, token, worker_id)
        except DatabaseError as exc:  # e.g. deleted by the admin meanwhile; the lease runs out
            logger.warning("Webhook %s: levering afbrudt (%s)", subscriber.public_id, type(exc).__name__)
    return done


def _claim(worker_id: str) -> tuple[WebhookSubscriber, uuid.UUID] | None:
    now = clock.now()
    highest = Sequencer.objects.filter(name="report").values_list("last_position", flat=True).first() or 0
    token = uuid.uuid4()
    due = (
        WebhookSubscriber.objects.filter(
            status=WebhookSubscriber.ACTIVE, next_attempt_at__lte=now, position__lt=highest
        )
        .exclude(lease_until__gt=now)
        .order_by("next_attempt_at", "id")
    )
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        pk = due.values_list("id", flat=True).first()
        if pk is None:
            return None
        claimed = (
            WebhookSubscriber.objects.filter(pk=pk)
            .exclude(lease_until__gt=now)
            .update(
                leased_by=worker_id[:100],
                lease_until=now + timedelta(seconds=settings.WEBHOOK_LEASE_SECONDS),
                claim_token=token,
            )
        )
    if not claimed:
        return None
    return WebhookSubscriber.objects.select_related("akasse").get(pk=pk), token


@dataclass
class _Push:
    status_code: int | None
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _deliver(subscriber: WebhookSubscriber, token: uuid.UUID, worker_id: str) -> int:
    acknowledged = 0
    highest = Sequencer.objects.filter(name="report").values_list("last_position", flat=True).first() or 0
    for _ in range(BATCHES_PER_CLAIM):
        events, _ = feed_page(
            webhook_actor(subscriber),
            after=subscriber.position,
            limit=settings.WEBHOOK_BATCH_SIZE,
            kinds=subscriber.kinds,
        )
        if not events:
            # Nothing for this subscriber up to `highest` (positions are final and only grow):
            # acknowledge the gap, so a filtered subscriber is not claimed again for nothing.
            _settle(
                subscriber, token, position=max(subscriber.position, highest), next_attempt_at=clock.now()
            )
            return acknowledged
        push = _post(subscriber, events)
        _log(subscriber, events, push, worker_id)
        if not push.ok:
            _failed(subscriber, token, push)
            return acknowledged
        if not _acknowledge(subscriber, token, events[-1].position):
            return acknowledged  # the lease was lost (this worker stalled past it): another goes on
        acknowledged += len(events)
    _settle(subscriber, token, position=subscriber.position, next_attempt_at=clock.now())
    return acknowledged


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer we do not follow: not an acknowledgement


_opener = urllib.request.build_opener(_NoRedirect)


def _post(subscriber: WebhookSubscriber, events: list[ReportEvent]) -> _Push:
    body = json.dumps({"events": [event_out(e) for e in events]}, cls=NinjaJSONEncoder).encode()
    timestamp = str(int(clock.now().timestamp()))
    request = urllib.request.Request(
        subscriber.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Samtale-Webhook/1",
            "Samtale-Webhook-Id": f"{subscriber.public_id}:{events[0].position}-{events[-1].position}",
            "Samtale-Webhook-Timestamp": timestamp,
            "Samtale-Webhook-Signature": sign(subscriber.secret, timestamp, body),
        },
    )
    started = time.monotonic()
    status, error = None, ""
    try:
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            response.read(4096)
            status = response.status
    except urllib.error.HTTPError as exc:
        status, error = exc.code, f"Modtageren svarede HTTP {exc.code}."
    except TimeoutError:
        error = "Modtageren svarede ikke i tide."
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError):
            error = "Modtageren svarede ikke i tide."
        else:
            error = f"Modtageren kunne ikke nås ({type(reason).__name__})."
    return _Push(status, error, int((time.monotonic() - started) * 1000))


def _acknowledge(subscriber: WebhookSubscriber, token: uuid.UUID, position: int) -> bool:
    now = clock.now()
    moved = WebhookSubscriber.objects.filter(
        pk=subscriber.pk, claim_token=token, position=subscriber.position
    ).update(
        position=position,
        attempts=0,
        failing_since=None,
        last_attempt_at=now,
        last_success_at=now,
        last_error="",
        lease_until=now + timedelta(seconds=settings.WEBHOOK_LEASE_SECONDS),
    )
    if moved:
        subscriber.position = position
    return bool(moved)


def _failed(subscriber: WebhookSubscriber, token: uuid.UUID, push: _Push) -> None:
    now = clock.now()
    attempts = subscriber.attempts + 1
    failing_since = subscriber.failing_since or now
    pause = (now - failing_since).total_seconds() >= settings.WEBHOOK_PAUSE_AFTER_SECONDS
    fields = {
        "attempts": attempts,
        "failing_since": failing_since,
        "last_attempt_at": now,
        "last_error": push.error[:300],
        "next_attempt_at": now + timedelta(seconds=retry_wait(attempts)),
        "leased_by": "",
        "lease_until": None,
        "claim_token": None,
    }
    if pause:
        fields["status"] = WebhookSubscriber.PAUSED
        fields["paused_reason"] = (f"Fejlet siden {clock.local(failing_since):%d.%m.%Y %H.%M}: {push.error}")[
            :300
        ]
    if WebhookSubscriber.objects.filter(pk=subscriber.pk, claim_token=token).update(**fields) and pause:
        logger.error(
            "Webhook %s sat på pause efter %d fejlede forsøg siden %s: %s (genoptag i admin eller med "
            "POST /api/v1/webhooks/%s/resume)",
            subscriber.public_id,
            attempts,
            failing_since.isoformat(),
            push.error,
            subscriber.public_id,
        )
    else:
        logger.warning("Webhook %s fejlede (forsøg %d): %s", subscriber.public_id, attempts, push.error)


def _settle(subscriber: WebhookSubscriber, token: uuid.UUID, *, position: int, next_attempt_at) -> None:
    WebhookSubscriber.objects.filter(pk=subscriber.pk, claim_token=token, position__lte=position).update(
        position=position, next_attempt_at=next_attempt_at, leased_by="", lease_until=None, claim_token=None
    )


def _log(subscriber: WebhookSubscriber, events: list[ReportEvent], push: _Push, worker_id: str) -> None:
    WebhookAttempt.objects.create(
        subscriber=subscriber,
        at=clock.now(),
        first_position=events[0].position,
        last_position=events[-1].position,
        events=len(events),
        status_code=push.status_code,
        ok=push.ok,
        error=push.error[:300],
        duration_ms=push.duration_ms,
        worker=worker_id[:100],
    )


def attempts_purge(day=None, out=None) -> int:
    """Delete delivery log rows older than WEBHOOK_LOG_DAYS (a step of the daily batch)."""
    cutoff = clock.now() - timedelta(days=settings.WEBHOOK_LOG_DAYS)
    deleted, _ = WebhookAttempt.objects.filter(at__lt=cutoff).delete()
    if out is not None:
        out.write(f"Webhook-leveringer slettet: {deleted}\n")
    return deleted
