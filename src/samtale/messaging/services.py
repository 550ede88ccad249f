"""Writes of the messaging app: putting messages in the outbox (in the caller's transaction), the
reactions to deadlines and bookings, and the worker's side: claim with a lease, send, record, retry.

Every status change goes through `_move`, a conditional UPDATE that only replaces the statuses
`rules.PREDECESSORS` allows, and writes a history row when (and only when) it changed something."""

from __future__ import annotations

import logging
import uuid
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q

from samtale.core import clock
from samtale.core.errors import InvalidInput, NotFound
from samtale.messaging import content, gateways
from samtale.messaging.models import DEADLINE_KINDS, Channel, Message, MessageEvent, MessageKind
from samtale.messaging.models import MessageStatus as S
from samtale.messaging.rules import (
    PREDECESSORS,
    backoff_seconds,
    catch_up_reminder,
    deadline_reminder_due,
)

logger = logging.getLogger(__name__)
K = MessageKind


# Putting messages in the outbox ---------------------------------------------------------------


def subscribed_channels(citizen) -> list[tuple[str, str]]:
    """(channel, recipient) for each channel the citizen has chosen and can be reached on."""
    out = []
    if citizen.sms_reminders and citizen.phone:
        out.append((Channel.SMS.value, citizen.phone))
    if citizen.email_reminders and citizen.email:
        out.append((Channel.EMAIL.value, citizen.email))
    return out


def message_enqueue(
    *,
    citizen,
    kind: str,
    channel: str,
    recipient: str,
    idempotency_key: str,
    snapshot: dict | None = None,
    subject: str = "",
    text: str = "",
    deadline_ref=None,
    booking=None,
    attachment: str = "",
    not_before: datetime | None = None,
) -> Message | None:
    """One message into the outbox, in the caller's transaction: what it must say as a `snapshot`
    (messaging.content; the worker renders it) or already as `text`. Returns None when a message
    with this idempotency key exists already (the batch ran twice, a hook fired twice)."""
    made = messages_enqueue(
        citizen=citizen,
        messages=[
            {
                "kind": kind,
                "channel": channel,
                "recipient": recipient,
                "idempotency_key": idempotency_key,
                "snapshot": snapshot,
                "subject": subject,
                "text": text,
                "deadline_ref": deadline_ref,
                "booking": booking,
                "attachment": attachment,
                "not_before": not_before,
            }
        ],
    )
    return made[0] if made else None


def _message(citizen, now, *, not_before=None, snapshot=None, **fields) -> Message:
    return Message(
        citizen=citizen,
        snapshot=snapshot or {},
        status=S.QUEUED,
        next_attempt_at=not_before or now,
        **fields,
    )


def messages_enqueue(*, citizen, messages: list[dict]) -> list[Message]:
    """Several messages into the outbox at once (a booking's SMS and e-mail), in the caller's
    transaction; each dict holds `message_enqueue`'s arguments. The same rows as one
    `message_enqueue` each, in the given order, with one existence check, one INSERT of the messages
    and one of their history rows. Returns the messages made: none for a key that exists already."""
    if not messages:
        return []
    keys = [m["idempotency_key"] for m in messages]
    exist = set(Message.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", flat=True))
    now = clock.now()
    new = [_message(citizen, now, **m) for m in messages if m["idempotency_key"] not in exist]
    if not new:
        return []
    try:
        with transaction.atomic():  # a savepoint: a concurrent twin must not break the caller
            Message.objects.bulk_create(new)
    except IntegrityError:
        # A twin was queued since the check: one at a time, each skipped if its key is taken.
        made = []
        for message in new:
            try:
                with transaction.atomic():
                    message.pk = None
                    message.save(force_insert=True)
            except IntegrityError:
                continue
            made.append(message)
        new = made
    MessageEvent.objects.bulk_create(
        MessageEvent(message=message, at=now, status=S.QUEUED, detail="Lagt i kø") for message in new
    )
    return new


def deadline_messages_enqueue(*, deadline, kind: str, days_left: int | None = None) -> list[Message]:
    """R-NT-6: the seed's SMS and e-mail for a deadline, to each channel the citizen subscribes to,
    at most once per deadline, kind and channel (`days_left`: the true count on a catch-up day). A
    citizen who may not self-book now is told to contact the jobcenter instead (R-DL-18). Only the
    snapshot is taken here; the worker renders the texts."""
    from samtale.bookings.selectors import may_self_book

    citizen = deadline.citizen
    channels = subscribed_channels(citizen)
    if not channels:
        return []
    snapshot = content.deadline_snapshot(
        deadline, may_book=may_self_book(citizen, clock.today()), days_left=days_left
    )
    return messages_enqueue(
        citizen=citizen,
        messages=[
            {
                "kind": kind,
                "channel": channel,
                "recipient": recipient,
                "snapshot": snapshot,
                "idempotency_key": f"deadline:{deadline.public_id}:{kind}:{channel}",
                "deadline_ref": deadline.public_id,
            }
            for channel, recipient in channels
        ],
    )


def booking_messages_enqueue(
    *, booking, kind: str, key: str, old_start=None, changed: tuple[str, ...] = (), sequence=None
) -> list[Message]:
    """The messages about `booking` to each channel the citizen subscribes to, each with the snapshot
    of the booking as it is now (`sequence`: the .ics SEQUENCE, if the caller knows it already)."""
    channels = subscribed_channels(booking.citizen)
    if not channels:
        return []
    snapshot = content.booking_snapshot(
        booking,
        old_start=old_start,
        changed=changed,
        sequence=sequence,
        calendar=any(channel == Channel.EMAIL for channel, _ in channels),
    )
    return messages_enqueue(
        citizen=booking.citizen,
        messages=[
            {
                "kind": kind,
                "channel": channel,
                "recipient": recipient,
                "snapshot": snapshot,
                "idempotency_key": f"booking:{booking.public_id}:{key}:{channel}",
                "booking": booking,
            }
            for channel, recipient in channels
        ],
    )


# Reactions (hooks appended in MessagingConfig.ready) --------------------------------------------


def on_deadline_status_changed(*, deadline, old, new, today, **_) -> None:
    """R-NT-6: the first reminder when the deadline becomes visible — created active, or activated."""
    if new == "active" and old in (None, "not_activated"):
        deadline_messages_enqueue(deadline=deadline, kind=K.DEADLINE_NEW)


def on_booking_changed(*, actor, booking, kind, old, **_) -> None:
    """Confirmation, move and cancellation notices for a planned conversation in the future."""
    from samtale.messaging.ics import booking_sequence

    now = clock.now()
    if kind == "created":
        if booking.start > now:
            message_kind = K.BOOKING_CONFIRMED if booking.self_booked else K.BOOKING_SUMMONS
            booking_messages_enqueue(booking=booking, kind=message_kind, key="created")
    elif kind in ("moved", "rebooked"):
        if booking.start > now:
            sequence = booking_sequence(booking)
            booking_messages_enqueue(
                booking=booking,
                kind=K.BOOKING_MOVED,
                key=f"moved:{sequence}:{booking.start.isoformat()}",
                old_start=_parse_moment((old or {}).get("start")),
                sequence=sequence,
            )
    elif kind == "changed":
        # R-PC-7: the citizen is told what changed, with the .ics at its next SEQUENCE.
        if booking.start > now:
            sequence = booking_sequence(booking)
            booking_messages_enqueue(
                booking=booking,
                kind=K.BOOKING_CHANGED,
                key=f"changed:{sequence}",
                changed=tuple(k for k in (old or {}) if k not in ("start", "end", "status")),
                sequence=sequence,
            )
    elif kind == "cancelled":
        if booking.start > now:
            booking_messages_enqueue(booking=booking, kind=K.BOOKING_CANCELLED, key="cancelled")


def _parse_moment(value) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


def daily_messages(day: date, out=None) -> dict[str, int]:
    """The daily step (`samtale daily` runs it after the deadline transitions of `day`):

    - R-NT-6's first reminder for deadlines the batch activated on `day` (the batch changes statuses
      set-based, without the STATUS_CHANGED hooks; deadlines created active get theirs from the hook);
    - R-NT-6's 8- and 3-day reminders for active (not booked) deadlines;
    - the reminder the day before a planned conversation.

    Idempotent: the idempotency keys make a second run for the same day add nothing. When the batch
    catches up a missed day, a countdown reminder of that day goes out now with the true number of
    days left, unless a later countdown is due today too; every skip is logged and counted (R-NT-6)."""
    from samtale.bookings.models import Booking
    from samtale.deadlines.models import Deadline

    subscribed = Q(citizen__sms_reminders=True, citizen__phone__gt="") | Q(
        citizen__email_reminders=True, citizen__email__gt=""
    )
    counts = {"deadline_reminders": 0, "deadline_reminders_skipped": 0, "booking_reminders": 0}
    today = clock.today()
    stale = day < today
    due: list[tuple[str, Q]] = [
        (K.DEADLINE_NEW, Q(activation_date=day)),
        (K.DEADLINE_8_DAYS, Q(deadline_date=day + timedelta(days=8))),
        (K.DEADLINE_3_DAYS, Q(deadline_date=day + timedelta(days=3))),
    ]
    for kind, condition in due:
        deadlines = (
            Deadline.objects.filter(subscribed, condition, status="active")
            .select_related("citizen", "jobcenter")
            .order_by("id")
        )
        for deadline in deadlines.iterator(chunk_size=500):
            if kind != K.DEADLINE_NEW and deadline_reminder_due(deadline.deadline_date, day) != kind:
                continue
            days_left = None
            if stale and kind != K.DEADLINE_NEW:
                days_left, skip = catch_up_reminder(kind, deadline.deadline_date, today)
                if skip:
                    counts["deadline_reminders_skipped"] += 1
                    logger.info(
                        "R-NT-6: %s for frist %s (dag %s) sendes ikke ved indhentning %s: %s",
                        kind,
                        deadline.public_id,
                        day,
                        today,
                        skip,
                    )
                    continue
            with transaction.atomic():
                counts["deadline_reminders"] += len(
                    deadline_messages_enqueue(deadline=deadline, kind=kind, days_left=days_left)
                )
    tomorrow = day + timedelta(days=1)
    meetings = (
        Booking.objects.filter(
            subscribed,
            status="planned",
            start__gte=max(clock.start_of_day(tomorrow), clock.now()),
            start__lt=clock.end_of_day(tomorrow),
        )
        .select_related("citizen", "jobcenter", "conversation_type", "contact_form")
        .order_by("id")
    )
    for booking in meetings.iterator(chunk_size=500):
        with transaction.atomic():
            counts["booking_reminders"] += len(
                booking_messages_enqueue(
                    booking=booking, kind=K.BOOKING_REMINDER, key=f"reminder:{tomorrow.isoformat()}"
                )
            )
    _say(
        out,
        f"{day} Beskeder: {counts['deadline_reminders']} fristpåmindelser "
        f"({counts['deadline_reminders_skipped']} sprunget over ved indhentning) og "
        f"{counts['booking_reminders']} mødepåmindelser lagt i kø",
    )
    return counts


def _say(out, line: str) -> None:
    if out is None:
        return
    if isinstance(out, list):
        out.append(line)
    elif hasattr(out, "write"):
        out.write(line + "\n")
    elif callable(out):
        out(line)


# Status changes --------------------------------------------------------------------------------


def _move(
    message_id: int, new: str, *, token=None, detail: str = "", worker: str = "", attempt=None, **fields
) -> bool:
    """Change the status only if the current one may be replaced by `new` (and, for a worker, only
    while it still holds the claim). Writes the history row. Returns whether it changed."""
    now = clock.now()
    qs = Message.objects.filter(pk=message_id, status__in=PREDECESSORS[new])
    if token is not None:
        qs = qs.filter(claim_token=token)
    with transaction.atomic():
        changed = qs.update(status=new, updated_at=now, **fields)
        if changed:
            if attempt is None:
                attempt = (
                    Message.objects.filter(pk=message_id).values_list("attempts", flat=True).first() or 0
                )
            MessageEvent.objects.create(
                message_id=message_id, at=now, status=new, attempt=attempt, worker=worker, detail=detail
            )
    return bool(changed)


def _claimable(now: datetime) -> Q:
    return Q(status__in=[S.QUEUED, S.FAILED], next_attempt_at__lte=now) | Q(
        status=S.SENDING, locked_until__lt=now
    )


def messages_claim(*, worker_id: str, limit: int = 20) -> list[Message]:
    """Take up to `limit` due messages for this worker with a lease. PostgreSQL: the candidates are
    read with FOR UPDATE SKIP LOCKED, so two workers never wait for or take the same rows; SQLite:
    the transaction holds the write lock (IMMEDIATE) and the UPDATE repeats the condition. A message
    whose worker died becomes claimable again when its lease runs out."""
    now = clock.now()
    lease = timedelta(seconds=settings.MESSAGE_LEASE_SECONDS)
    token = uuid.uuid4()
    with transaction.atomic():
        candidates = Message.objects.filter(_claimable(now)).order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        ids = list(candidates.values_list("id", flat=True)[:limit])
        if not ids:
            return []
        Message.objects.filter(_claimable(now), pk__in=ids).update(
            status=S.SENDING,
            locked_by=worker_id[:100],
            locked_until=now + lease,
            claim_token=token,
            attempts=F("attempts") + 1,
            updated_at=now,
        )
        claimed = list(
            Message.objects.filter(claim_token=token).select_related("citizen", "booking").order_by("id")
        )
        MessageEvent.objects.bulk_create(
            [
                MessageEvent(
                    message=m,
                    at=now,
                    status=S.SENDING,
                    attempt=m.attempts,
                    worker=worker_id[:100],
                    detail=f"Forsøg {m.attempts}",
                )
                for m in claimed
            ]
        )
    return claimed


def _still_wanted(message: Message) -> str:
    """Why a queued message should no longer go out ("" = send it): the citizen unsubscribed or
    changed number/address, the deadline got booked or closed, the meeting was moved or cancelled."""
    citizen = message.citizen  # read with the claim, a moment ago
    if message.channel == Channel.SMS and (not citizen.sms_reminders or citizen.phone != message.recipient):
        return "Borgeren er afmeldt SMS eller har skiftet nummer"
    if message.channel == Channel.EMAIL and (
        not citizen.email_reminders or citizen.email != message.recipient
    ):
        return "Borgeren er afmeldt e-mail eller har skiftet adresse"
    if message.kind in DEADLINE_KINDS:
        from samtale.deadlines.models import Deadline

        status = (
            Deadline.objects.filter(public_id=message.deadline_ref).values_list("status", flat=True).first()
        )
        if status != "active":
            return "Fristen er ikke længere aktiv (booket eller lukket)"
    if message.kind == K.BOOKING_REMINDER and message.booking is not None:
        booking = message.booking
        day = message.idempotency_key.split(":")[3]
        if booking.status != "planned" or clock.local_date(booking.start).isoformat() != day:
            return "Mødet er flyttet eller aflyst"
    if (
        message.kind in (K.BOOKING_SUMMONS, K.BOOKING_CONFIRMED, K.BOOKING_MOVED, K.BOOKING_CHANGED)
        and message.booking is not None
    ):
        if message.booking.status == "cancelled":
            return "Mødet er aflyst"
    if message.kind == K.BOOKING_CANCELLED and message.booking_id is not None:
        told = Message.objects.filter(
            booking_id=message.booking_id, channel=message.channel, status__in=[S.SENT, S.DELIVERED]
        ).exists()
        if not told:
            return "Borgeren havde ikke fået besked om mødet"
    return ""


def _as_sent(message: Message) -> content.Content | None:
    """The texts that go out: rendered from the message's snapshot now, just before sending, and kept
    on the row (so the trail shows exactly what was sent, and a retry sends the same) — or as they
    are already on it (a retry, or a message queued with its text). None: the claim was lost."""
    if message.text:
        return content.Content(message.subject, message.text, message.attachment)
    said = content.render(message.kind, message.channel, message.snapshot)
    kept = Message.objects.filter(pk=message.pk, claim_token=message.claim_token, status=S.SENDING).update(
        subject=said.subject, text=said.text, attachment=said.attachment
    )
    return said if kept else None


def message_deliver(message: Message, *, worker_id: str, sms=None) -> str:
    """Send one claimed message and record the outcome. Returns the new status."""
    now = clock.now()
    token = message.claim_token
    lease = timedelta(seconds=settings.MESSAGE_LEASE_SECONDS)
    # Renew the lease right before sending: a worker that lost its lease (it was too slow, another
    # worker took over) must not send.
    renewed = Message.objects.filter(pk=message.pk, claim_token=token, status=S.SENDING).update(
        locked_until=now + lease
    )
    if not renewed:
        return "lost"
    max_attempts = settings.MESSAGE_MAX_ATTEMPTS
    if message.attempts > max_attempts:
        _move(
            message.pk,
            S.DEAD,
            token=token,
            attempt=message.attempts,
            worker=worker_id,
            detail="Opgivet efter for mange afbrudte forsøg",
        )
        return S.DEAD
    reason = _still_wanted(message)
    if reason:
        _move(
            message.pk,
            S.CANCELLED,
            token=token,
            attempt=message.attempts,
            worker=worker_id,
            detail=reason,
            locked_until=None,
        )
        return S.CANCELLED
    try:
        said = _as_sent(message)
        if said is None:
            return "lost"
        if message.channel == Channel.SMS:
            result = (sms or gateways.sms_gateway()).send(
                to=message.recipient, text=said.text, idempotency_key=message.idempotency_key
            )
        else:
            result = gateways.send_email(
                to=message.recipient,
                subject=said.subject,
                text=said.text,
                idempotency_key=message.idempotency_key,
                ics=said.attachment,
            )
    except (gateways.GatewayError, content.RenderError) as exc:
        error = str(exc)
        if isinstance(exc, content.RenderError):
            logger.warning("Besked %s (%s): %s", message.public_id, message.kind, error)
        if getattr(exc, "permanent", False) or message.attempts >= max_attempts:
            _move(
                message.pk,
                S.DEAD,
                token=token,
                attempt=message.attempts,
                worker=worker_id,
                detail=error,
                last_error=error,
                locked_until=None,
            )
            return S.DEAD
        wait = backoff_seconds(
            message.attempts,
            base=settings.MESSAGE_BACKOFF_SECONDS,
            cap=settings.MESSAGE_BACKOFF_MAX_SECONDS,
        )
        retry_at = clock.now() + timedelta(seconds=wait)
        _move(
            message.pk,
            S.FAILED,
            token=token,
            attempt=message.attempts,
            worker=worker_id,
            detail=f"{error} Nyt forsøg {clock.local(retry_at):%d-%m-%Y %H:%M:%S}.",
            last_error=error,
            next_attempt_at=retry_at,
            locked_until=None,
        )
        return S.FAILED
    done = clock.now()
    new = S.DELIVERED if result.delivered else S.SENT
    fields = {"provider_reference": result.reference, "sent_at": done, "locked_until": None}
    if result.delivered:
        fields["delivered_at"] = done
    detail = f"Modtaget af {'SMS-udbyderen' if message.channel == Channel.SMS else 'mailserveren'}"
    if not _move(
        message.pk, new, token=token, attempt=message.attempts, worker=worker_id, detail=detail, **fields
    ):
        # A receipt may have beaten us to it (already delivered): keep the reference, not the status.
        Message.objects.filter(pk=message.pk, provider_reference="").update(
            provider_reference=result.reference, sent_at=done
        )
    return new


def messages_deliver_due(*, worker_id: str, limit: int = 20, sms=None) -> int:
    """One round of the worker: claim and deliver. Returns how many messages it handled."""
    claimed = messages_claim(worker_id=worker_id, limit=limit)
    for message in claimed:
        try:
            message_deliver(message, worker_id=worker_id, sms=sms)
        except Exception:
            # Never let one message stop the worker; the lease makes it claimable again.
            logger.exception("Besked %s kunne ikke behandles", message.public_id)
    return len(claimed)


# Delivery receipts ------------------------------------------------------------------------------

RECEIPT_STATUSES = {"delivered": S.DELIVERED, "failed": S.DEAD, "undeliverable": S.DEAD, "sent": S.SENT}


def sms_receipt_record(
    *, idempotency_key: str = "", reference: str = "", status: str, error: str = ""
) -> Message:
    """A delivery receipt from the SMS provider. Forward only: a late "sent" after "delivered"
    changes nothing (and is not an error: providers resend receipts)."""
    new = RECEIPT_STATUSES.get((status or "").strip().lower())
    if new is None:
        raise InvalidInput(
            "Ukendt status i kvitteringen (delivered, failed, undeliverable eller sent).",
            code="invalid_receipt_status",
            field="status",
        )
    if idempotency_key:
        message = Message.objects.filter(idempotency_key=idempotency_key, channel=Channel.SMS).first()
    elif reference:
        message = Message.objects.filter(provider_reference=reference, channel=Channel.SMS).first()
    else:
        raise InvalidInput(
            "Kvitteringen skal angive idempotency_key eller reference.",
            code="missing_field",
            field="reference",
        )
    if message is None:
        raise NotFound("Beskeden findes ikke.", code="message_not_found")
    now = clock.now()
    fields: dict = {}
    detail = "Kvittering fra SMS-udbyderen: "
    if new == S.DELIVERED:
        fields["delivered_at"] = now
        detail += "leveret"
    elif new == S.DEAD:
        fields["last_error"] = (error or "Udbyderen kunne ikke levere beskeden")[:500]
        detail += f"ikke leveret ({fields['last_error']})"
    else:
        detail += "sendt"
    if reference and not message.provider_reference:
        fields["provider_reference"] = reference[:200]
    _move(message.pk, new, detail=detail, **fields)
    message.refresh_from_db()
    return message
