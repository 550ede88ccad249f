"""The trail (GET /citizens/{id}/messages) and the SMS provider's signed delivery receipts."""

import json

from samtale.core.models import AuditRecord
from samtale.messaging import services
from samtale.messaging.gateways import receipt_signature
from samtale.messaging.models import MessageKind
from tests.conftest import ApiClient

SECRET = "delt-hemmelighed"


def enqueue(citizen, key="trail-1"):
    return services.message_enqueue(
        citizen=citizen,
        kind=MessageKind.DEADLINE_NEW,
        channel="sms",
        recipient=citizen.phone,
        subject="",
        text="Husk at booke møde med os på Jobnet.",
        idempotency_key=key,
    )


def post_receipt(body, secret=SECRET, signature=None):
    raw = json.dumps(body).encode()
    sig = signature if signature is not None else receipt_signature(secret, raw)
    return ApiClient(None).client.post(
        "/api/v1/messaging/sms-receipts",
        data=raw,
        content_type="application/json",
        HTTP_X_SAMTALE_SIGNATURE=sig,
    )


def test_trail_lists_messages_with_history_and_is_audited(subscribed, api_a, http_sms, settings):
    settings.SMS_CALLBACK_SECRET = SECRET
    citizen = subscribed()
    m = enqueue(citizen)
    # the deadline does not exist: the worker cancels it and says why; a booking message goes out
    services.message_enqueue(
        citizen=citizen,
        kind=MessageKind.BOOKING_SUMMONS,
        channel="sms",
        recipient=citizen.phone,
        subject="",
        text="Du er indkaldt.",
        idempotency_key="trail-2",
    )
    services.messages_deliver_due(worker_id="w1")
    assert post_receipt({"idempotency_key": "trail-2", "status": "delivered"}).status_code == 200
    r = api_a.get(f"/citizens/{citizen.public_id}/messages")
    assert r.status_code == 200, r.content
    first, second = r.json()
    assert first["id"] == str(m.public_id) and first["status"] == "cancelled"
    assert first["history"][-1]["detail"] == "Fristen er ikke længere aktiv (booket eller lukket)"
    assert second["status"] == "delivered" and second["status_label"] == "Leveret"
    assert [h["status"] for h in second["history"]] == ["queued", "sending", "sent", "delivered"]
    assert second["recipient"] == "+4522334455" and second["attempts"] == 1
    assert AuditRecord.objects.filter(citizen=citizen, purpose__startswith="beskedspor").exists()


def test_trail_is_scoped_to_the_caseworkers_jobcenters(subscribed, api_b):
    citizen = subscribed()
    enqueue(citizen)
    r = api_b.get(f"/citizens/{citizen.public_id}/messages")
    assert r.status_code == 404 and r.json()["code"] == "citizen_not_found"


def test_citizen_token_cannot_read_the_trail(subscribed, api_as):
    citizen = subscribed()
    r = api_as("citizen", citizen_public_id=str(citizen.public_id)).get(
        f"/citizens/{citizen.public_id}/messages"
    )
    assert r.status_code == 403


def test_receipt_needs_a_valid_signature(subscribed, http_sms, settings):
    settings.SMS_CALLBACK_SECRET = SECRET
    citizen = subscribed()
    m = enqueue(citizen, key="sig")
    r = post_receipt({"idempotency_key": "sig", "status": "delivered"}, signature="sha256=00")
    assert r.status_code == 401 and r.json()["code"] == "bad_signature"
    r = post_receipt({"idempotency_key": "sig", "status": "delivered"}, secret="forkert")
    assert r.status_code == 401
    m.refresh_from_db()
    assert m.status == "queued"


def test_receipt_by_provider_reference_and_bad_input(subscribed, http_sms, settings):
    settings.SMS_CALLBACK_SECRET = SECRET
    citizen = subscribed()
    m = services.message_enqueue(
        citizen=citizen,
        kind=MessageKind.BOOKING_SUMMONS,
        channel="sms",
        recipient=citizen.phone,
        subject="",
        text="Du er indkaldt.",
        idempotency_key="ref",
    )
    services.messages_deliver_due(worker_id="w1")
    r = post_receipt({"reference": "prov-1", "status": "undeliverable", "error": "nummer ukendt"})
    assert r.status_code == 200 and r.json()["status"] == "dead"
    m.refresh_from_db()
    assert m.last_error == "nummer ukendt"
    assert post_receipt({"reference": "prov-1", "status": "bogus"}).json()["code"] == "invalid_receipt_status"
    assert post_receipt({"reference": "nope", "status": "delivered"}).status_code == 404
    assert post_receipt({"status": "delivered"}).status_code == 422
    assert post_receipt(["x"]).status_code == 422
    assert post_receipt({"reference": 5, "status": "delivered"}).status_code == 422


def test_receipts_refused_without_a_configured_secret(settings, db):
    settings.SMS_CALLBACK_SECRET = ""
    r = post_receipt({"reference": "x", "status": "delivered"}, secret="")
    assert r.status_code == 403 and r.json()["code"] == "receipts_disabled"


def test_receipt_endpoint_works_without_csrf_cookie(subscribed, http_sms, settings):
    """The provider is a server, not a browser: no CSRF token, only the signature."""
    from django.test import Client

    settings.SMS_CALLBACK_SECRET = SECRET
    citizen = subscribed()
    enqueue(citizen, key="csrf")
    raw = json.dumps({"idempotency_key": "csrf", "status": "sent"}).encode()
    r = Client(enforce_csrf_checks=True).post(
        "/api/v1/messaging/sms-receipts",
        data=raw,
        content_type="application/json",
        HTTP_X_SAMTALE_SIGNATURE=receipt_signature(SECRET, raw),
    )
    assert r.status_code == 200
    assert r.json()["status"] == "queued"  # "sent" cannot replace "queued": only forward, only real steps
