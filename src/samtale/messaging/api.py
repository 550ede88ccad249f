"""The message trail for caseworkers and the SMS provider's delivery-receipt callback."""

from __future__ import annotations

import json
from datetime import datetime
from uuid import UUID

from django.conf import settings
from ninja import Router, Schema

from samtale.api.auth import Unauthorized, require
from samtale.core.errors import Forbidden, InvalidInput
from samtale.messaging import content, selectors, services
from samtale.messaging.gateways import receipt_signature_valid

router = Router(tags=["Beskeder"])

SIGNATURE_HEADER = "X-Samtale-Signature"


class MessageEventOut(Schema):
    at: datetime
    status: str
    label: str
    attempt: int
    detail: str


class MessageOut(Schema):
    id: UUID
    kind: str
    kind_label: str
    channel: str
    recipient: str
    subject: str
    text: str
    has_calendar_file: bool
    deadline: UUID | None
    booking: UUID | None
    status: str
    status_label: str
    attempts: int
    created_at: datetime
    sent_at: datetime | None
    delivered_at: datetime | None
    next_attempt_at: datetime | None
    last_error: str
    history: list[MessageEventOut]


def message_out(m) -> dict:
    said = content.message_content(m, attachment=False)
    return {
        "id": m.public_id,
        "kind": m.kind,
        "kind_label": m.get_kind_display(),
        "channel": m.channel,
        "recipient": m.recipient,
        "subject": said.subject,
        "text": said.text,
        "has_calendar_file": content.has_calendar_file(m),
        "deadline": m.deadline_ref,
        "booking": m.booking.public_id if m.booking_id else None,
        "status": m.status,
        "status_label": m.get_status_display(),
        "attempts": m.attempts,
        "created_at": m.created_at,
        "sent_at": m.sent_at,
        "delivered_at": m.delivered_at,
        "next_attempt_at": m.next_attempt_at if m.status in ("queued", "failed") else None,
        "last_error": m.last_error,
        "history": [
            {
                "at": e.at,
                "status": e.status,
                "label": e.get_status_display(),
                "attempt": e.attempt,
                "detail": e.detail,
            }
            for e in m.events.all()
        ],
    }


@router.get(
    "/citizens/{citizen_id}/messages",
    response=list[MessageOut],
    summary="Beskedspor: alle SMS'er og e-mails til borgeren med leveringshistorik (R-NT-6)",
)
def citizen_messages(request, citizen_id: UUID):
    actor = require(request, "caseworker", "admin")
    return [message_out(m) for m in selectors.citizen_messages(actor, citizen_id)]


class ReceiptOut(Schema):
    id: UUID
    status: str


@router.post(
    "/messaging/sms-receipts",
    auth=None,
    response=ReceiptOut,
    summary="Leveringskvittering fra SMS-udbyderen (signeret med HMAC-SHA256 i X-Samtale-Signature)",
)
def sms_receipt(request):
    """Body: {"idempotency_key" or "reference", "status": delivered|failed|undeliverable|sent,
    "error"?}. Header X-Samtale-Signature: "sha256=" + hex HMAC-SHA256 of the raw body with
    SAMTALE_SMS_CALLBACK_SECRET."""
    secret = settings.SMS_CALLBACK_SECRET
    if not secret:
        raise Forbidden("Leveringskvitteringer er ikke slået til.", code="receipts_disabled")
    body = request.body or b""
    if not receipt_signature_valid(secret, body, request.headers.get(SIGNATURE_HEADER, "")):
        raise Unauthorized("Ugyldig eller manglende signatur.", code="bad_signature")
    try:
        data = json.loads(body or b"null")
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise InvalidInput("Kvitteringen skal være et JSON-objekt.", code="invalid_json")
    fields = {}
    for name in ("idempotency_key", "reference", "status", "error"):
        value = data.get(name, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise InvalidInput(f"Feltet {name} skal være tekst.", code="invalid_field", field=name)
        fields[name] = value[:500]
    message = services.sms_receipt_record(**fields)
    return {"id": message.public_id, "status": message.status}
