"""Report events (R-RP-1) and the sequencer that gives them safe positions (R-RP-2)."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.db.models import F

from samtale.core import audit, clock
from samtale.core.actors import Actor
from samtale.core.errors import InvalidInput
from samtale.reporting.models import ReportEvent, Sequencer, WebhookSubscriber

if TYPE_CHECKING:
    from samtale.citizens.models import Citizen

STAMP_CHUNK = 5000


def report(
    kind: str, *, citizen: Citizen | None, payload: dict[str, Any], share_with_akasse: bool = False
) -> ReportEvent:
    """Write one report event in the caller's transaction (R-RP-1).

    `share_with_akasse` says that the law names this kind for the a-kasse (§ 20 stk. 5, § 27 stk. 5);
    whether the citizen's a-kasse receives it is decided here, once: only a member with an a-kasse
    whose contact group today shares with the a-kasse (contact group 1) — R-RP-3."""
    akasse_id = None
    if share_with_akasse and citizen is not None and citizen.akasse_id is not None:
        from samtale.citizens.selectors import contact_group_on

        group = contact_group_on(citizen, clock.today())
        if group is not None and group.akasse_sharing:
            akasse_id = citizen.akasse_id
    return ReportEvent.objects.create(
        kind=kind, occurred_at=clock.now(), citizen=citizen, payload=payload, akasse_id=akasse_id
    )


def stamp_positions() -> int:
    """Give positions to every committed, unstamped event, in id order, after the highest position
    given so far. Serialised by a row lock on the sequencer, so positions only ever grow and an
    event is visible to readers only together with its position. Returns how many were stamped."""
    stamped = 0
    table = ReportEvent._meta.db_table
    while True:
        with transaction.atomic():
            seq, _ = Sequencer.objects.get_or_create(name="report")
            seq = Sequencer.objects.select_for_update().get(pk=seq.pk)
            ids = (
                ReportEvent.objects.filter(position__isnull=True).order_by("id").values_list("id", flat=True)
            )
            last_id = ids[STAMP_CHUNK - 1 : STAMP_CHUNK].first() or ids.last()
            if last_id is None:
                return stamped
            # One statement per chunk: position = last given + rank by id among the unstamped.
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET position = %s + r.rn "  # noqa: S608 - table name is ours
                    f"FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS rn FROM {table} "
                    f"WHERE position IS NULL AND id <= %s) AS r WHERE {table}.id = r.id",
                    [seq.last_position, last_id],
                )
                count = cursor.rowcount
            Sequencer.objects.filter(pk=seq.pk).update(last_position=F("last_position") + count)
            stamped += count


# --- Webhook subscribers (API.md § Webhooks); delivery is in reporting.webhooks -------------------


def webhook_create(
    *, actor: Actor, url: str, feed: str, secret: str = "", kinds: list[str] | None = None, after: int = 0
) -> WebhookSubscriber:
    """Register a receiver of the DFDG feed ("dfdg") or one a-kasse's ("akasse:<code>"). Without a
    secret one is made (and shown once). Delivery starts after position `after` (0: every event)."""
    from samtale.organisations.models import AKasse

    url = (url or "").strip()
    secret = secret or f"whsec_{secrets.token_urlsafe(32)}"
    webhook_validate(url=url, secret=secret)
    akasse = None
    if feed != "dfdg":
        code = feed.removeprefix("akasse:") if feed.startswith("akasse:") else None
        akasse = AKasse.objects.filter(code=code).first() if code else None
        if akasse is None:
            raise InvalidInput(
                'Feed skal være "dfdg" eller "akasse:<kode>" for en kendt a-kasse.', field="feed"
            )
    kinds = sorted({k.strip() for k in kinds or [] if k and k.strip()})
    if after < 0:
        raise InvalidInput("Positionen kan ikke være negativ.", field="after")
    now = clock.now()
    subscriber = WebhookSubscriber.objects.create(
        url=url,
        secret=secret,
        akasse=akasse,
        kinds=kinds,
        position=after,
        created_at=now,
        next_attempt_at=now,
    )
    audit.record(actor, "webhook.create", purpose="indberetning", webhook=str(subscriber.public_id))
    return subscriber


def webhook_validate(*, url: str, secret: str) -> None:
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise InvalidInput("Adressen skal være en http- eller https-adresse.", field="url") from None
    if len(secret) < 16:
        raise InvalidInput("Hemmeligheden skal være mindst 16 tegn.", field="secret")


def webhook_pause(*, actor: Actor, subscriber: WebhookSubscriber, reason: str = "") -> WebhookSubscriber:
    WebhookSubscriber.objects.filter(pk=subscriber.pk).update(
        status=WebhookSubscriber.PAUSED, paused_reason=(reason or f"Sat på pause af {actor.label}")[:300]
    )
    audit.record(actor, "webhook.pause", purpose="indberetning", webhook=str(subscriber.public_id))
    subscriber.refresh_from_db()
    return subscriber


def webhook_resume(*, actor: Actor, subscriber: WebhookSubscriber) -> WebhookSubscriber:
    """Deliver again, from the last acknowledged position: nothing is skipped."""
    WebhookSubscriber.objects.filter(pk=subscriber.pk).update(
        status=WebhookSubscriber.ACTIVE,
        paused_reason="",
        attempts=0,
        failing_since=None,
        next_attempt_at=clock.now(),
    )
    audit.record(actor, "webhook.resume", purpose="indberetning", webhook=str(subscriber.public_id))
    subscriber.refresh_from_db()
    return subscriber


def webhook_delete(*, actor: Actor, subscriber: WebhookSubscriber) -> None:
    audit.record(actor, "webhook.delete", purpose="indberetning", webhook=str(subscriber.public_id))
    subscriber.delete()
