"""The outbox and its delivery: real local SMS provider (ok, failing, hanging, rejecting), Django's
locmem e-mail backend, leases, back-off, dead letters, forward-only statuses, unsubscribing."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from samtale.core import clock
from samtale.messaging import services
from samtale.messaging.models import Channel, Message, MessageKind
from samtale.messaging.models import MessageStatus as S
from samtale.messaging.rules import backoff_seconds, may_move

K = MessageKind


def enqueue(citizen, channel="sms", key="k1", kind=K.BOOKING_SUMMONS):
    recipient = citizen.phone if channel == "sms" else citizen.email
    return services.message_enqueue(
        citizen=citizen,
        kind=kind,
        channel=channel,
        recipient=recipient,
        subject="Emne" if channel == "email" else "",
        text="Husk at booke møde med os på Jobnet.",
        idempotency_key=key,
    )


def statuses(message):
    return [e.status for e in message.events.order_by("id")]


def test_enqueue_is_idempotent_per_key(subscribed):
    citizen = subscribed()
    assert enqueue(citizen) is not None
    assert enqueue(citizen) is None
    assert Message.objects.count() == 1


def test_http_sms_sent_with_token_key_and_json(subscribed, http_sms):
    citizen = subscribed()
    m = enqueue(citizen, key="deadline:x:deadline_new:sms")
    assert services.messages_deliver_due(worker_id="w1") == 1
    m.refresh_from_db()
    assert m.status == S.SENT and m.provider_reference == "prov-1" and m.attempts == 1
    assert http_sms.requests == [
        {"to": "+4522334455", "text": m.text, "idempotency_key": "deadline:x:deadline_new:sms"}
    ]
    headers = {k.lower(): v for k, v in http_sms.headers[0].items()}
    assert headers["authorization"] == "Bearer hemmelig-token"
    assert headers["idempotency-key"] == "deadline:x:deadline_new:sms"
    assert statuses(m) == [S.QUEUED, S.SENDING, S.SENT]


def test_failing_provider_retries_with_exponential_backoff_then_dead(subscribed, http_sms, settings):
    settings.MESSAGE_MAX_ATTEMPTS = 3
    settings.MESSAGE_BACKOFF_SECONDS = 60
    http_sms.mode = "fail"
    m = enqueue(subscribed())
    start = clock.now()
    with time_machine.travel(start, tick=False) as t:
        services.messages_deliver_due(worker_id="w1")
        m.refresh_from_db()
        assert m.status == S.FAILED and "HTTP 503" in m.last_error
        assert m.next_attempt_at == start + timedelta(seconds=60)
        # not due yet: nothing is claimed
        t.shift(59)
        assert services.messages_deliver_due(worker_id="w1") == 0
        t.shift(1)
        services.messages_deliver_due(worker_id="w1")
        m.refresh_from_db()
        assert m.status == S.FAILED and m.attempts == 2
        assert m.next_attempt_at == clock.now() + timedelta(seconds=120)  # doubled
        t.shift(120)
        services.messages_deliver_due(worker_id="w1")
    m.refresh_from_db()
    assert m.status == S.DEAD and m.attempts == 3
    assert len(http_sms.requests) == 3
    assert statuses(m) == [S.QUEUED, S.SENDING, S.FAILED, S.SENDING, S.FAILED, S.SENDING, S.DEAD]


def test_provider_recovers_after_failure(subscribed, http_sms, settings):
    settings.MESSAGE_BACKOFF_SECONDS = 1
    http_sms.mode = "fail"
    m = enqueue(subscribed())
    services.messages_deliver_due(worker_id="w1")
    http_sms.mode = "ok"
    with time_machine.travel(clock.now() + timedelta(seconds=2)):
        services.messages_deliver_due(worker_id="w1")
    m.refresh_from_db()
    assert m.status == S.SENT and http_sms.deliveries == 1


def test_hanging_provider_is_a_timeout_and_retried(subscribed, http_sms):
    http_sms.mode = "hang"
    http_sms.hang_seconds = 2
    m = enqueue(subscribed())
    services.messages_deliver_due(worker_id="w1")
    m.refresh_from_db()
    assert m.status == S.FAILED
    assert m.last_error == "SMS-udbyderen svarede ikke i tide."


def test_rejected_number_is_dead_at_once(subscribed, http_sms):
    http_sms.mode = "reject"
    m = enqueue(subscribed())
    services.messages_deliver_due(worker_id="w1")
    m.refresh_from_db()
    assert m.status == S.DEAD and m.attempts == 1 and "HTTP 400" in m.last_error


def test_unreachable_provider_is_retried(subscribed, settings):
    settings.SMS_GATEWAY = "http"
    settings.SMS_URL = "http://127.0.0.1:9/sms"  # discard port: nobody listens
    m = enqueue(subscribed())
    services.messages_deliver_due(worker_id="w1")
    m.refresh_from_db()
    assert m.status == S.FAILED and "kunne ikke nås" in m.last_error


def test_email_through_django_backend(subscribed, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    m = enqueue(subscribed(), channel="email", key="deadline:y:deadline_new:email")
    services.messages_deliver_due(worker_id="w1")
    m.refresh_from_db()
    assert m.status == S.SENT
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["borger@example.dk"] and sent.subject == "Emne" and sent.body == m.text
    assert sent.extra_headers["X-Samtale-Idempotency-Key"] == "deadline:y:deadline_new:email"
    assert sent.extra_headers["Message-ID"] == m.provider_reference


def test_expired_lease_makes_a_message_claimable_again(subscribed, http_sms, settings):
    """A worker that claimed and died: after the lease the message is taken over and delivered."""
    settings.MESSAGE_LEASE_SECONDS = 30
    m = enqueue(subscribed())
    claimed = services.messages_claim(worker_id="dead-worker")
    assert [c.pk for c in claimed] == [m.pk]
    assert services.messages_claim(worker_id="w2") == []  # within the lease: nobody else
    with time_machine.travel(clock.now() + timedelta(seconds=31)):
        assert services.messages_deliver_due(worker_id="w2") == 1
    m.refresh_from_db()
    assert m.status == S.SENT and m.attempts == 2 and m.locked_by == "w2"
    # the dead worker, had it woken up, may no longer send or record
    assert services.message_deliver(claimed[0], worker_id="dead-worker") == "lost"
    assert len(http_sms.requests) == 1


def test_statuses_only_move_forward(subscribed, http_sms, settings):
    settings.SMS_CALLBACK_SECRET = "s"
    m = enqueue(subscribed(), key="kk")
    services.messages_deliver_due(worker_id="w1")
    services.sms_receipt_record(idempotency_key="kk", status="delivered")
    m.refresh_from_db()
    assert m.status == S.DELIVERED and m.delivered_at is not None
    # a late "sent" receipt, or a failure receipt, never undoes "delivered"
    services.sms_receipt_record(idempotency_key="kk", status="sent")
    services.sms_receipt_record(reference="prov-1", status="failed")
    m.refresh_from_db()
    assert m.status == S.DELIVERED
    assert statuses(m) == [S.QUEUED, S.SENDING, S.SENT, S.DELIVERED]
    assert not may_move(S.DELIVERED, S.SENT) and not may_move(S.CANCELLED, S.SENDING)
    assert may_move(S.FAILED, S.SENDING) and may_move(S.SENT, S.DELIVERED)


def test_receipt_before_worker_records_sent_keeps_delivered(subscribed, http_sms):
    """The provider's receipt can arrive before the worker has written "sent": the worker's late
    "sent" changes nothing, and a message already delivered is not sent again."""
    m = enqueue(subscribed(), key="race")
    [claimed] = services.messages_claim(worker_id="w1")
    services.sms_receipt_record(idempotency_key="race", status="delivered")
    assert services._move(m.pk, S.SENT, token=claimed.claim_token) is False
    assert services.message_deliver(claimed, worker_id="w1") == "lost"
    m.refresh_from_db()
    assert m.status == S.DELIVERED and http_sms.requests == []


def test_backoff_is_capped():
    assert [backoff_seconds(a, base=30, cap=200) for a in (1, 2, 3, 4, 5)] == [30, 60, 120, 200, 200]


def test_unsubscribing_stops_queued_messages(subscribed, http_sms, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from samtale.citizens.services import citizen_update_contact_details
    from samtale.core.actors import Actor

    citizen = subscribed()
    sms = enqueue(citizen, key="a", kind=K.BOOKING_SUMMONS)
    email = enqueue(citizen, channel="email", key="b", kind=K.BOOKING_SUMMONS)
    citizen_update_contact_details(actor=Actor.system("test"), citizen=citizen, sms_reminders=False)
    services.messages_deliver_due(worker_id="w1")
    sms.refresh_from_db()
    email.refresh_from_db()
    assert sms.status == S.CANCELLED and "afmeldt SMS" in sms.events.last().detail
    assert email.status == S.SENT
    assert http_sms.requests == [] and len(mail.outbox) == 1


def test_console_gateway_prints_the_sms(subscribed, capsys, settings):
    settings.SMS_GATEWAY = "console"
    m = enqueue(subscribed())
    services.messages_deliver_due(worker_id="w1")
    m.refresh_from_db()
    assert m.status == S.SENT
    out = capsys.readouterr().out
    assert "SMS til +4522334455" in out and "Husk at booke møde med os på Jobnet." in out


@pytest.mark.parametrize("channel", [Channel.SMS, Channel.EMAIL])
def test_no_subscription_no_message(make_citizen, channel):
    from samtale.messaging.services import subscribed_channels

    citizen = make_citizen(phone="+4522334455", email="x@example.dk")
    assert subscribed_channels(citizen) == []


class RecordingGateway:
    """An operator's own gateway class, named by its dotted path in SAMTALE_SMS_GATEWAY."""

    sent: list[tuple[str, str]] = []

    def send(self, *, to, text, idempotency_key):
        from samtale.messaging.gateways import SendResult

        RecordingGateway.sent.append((to, idempotency_key))
        return SendResult(reference="own-1", delivered=True)


def test_own_gateway_class_by_dotted_path(subscribed, settings):
    settings.SMS_GATEWAY = "tests.messaging.test_outbox.RecordingGateway"
    RecordingGateway.sent.clear()
    m = enqueue(subscribed(), key="own")
    services.messages_deliver_due(worker_id="w1")
    m.refresh_from_db()
    assert RecordingGateway.sent == [("+4522334455", "own")]
    assert m.status == S.DELIVERED and m.provider_reference == "own-1" and m.delivered_at is not None


def test_unknown_gateway_setting_leaves_the_message_for_a_retry(subscribed, settings, caplog):
    settings.SMS_GATEWAY = "carrier-pigeon"
    m = enqueue(subscribed(), key="bad-setting")
    services.messages_deliver_due(worker_id="w1")
    m.refresh_from_db()
    assert m.status == S.SENDING  # claimed, not lost: claimable again when the lease runs out
    assert "kunne ikke behandles" in caplog.text


def _item(citizen, key, channel="sms"):
    return {
        "kind": K.BOOKING_SUMMONS,
        "channel": channel,
        "recipient": citizen.phone if channel == "sms" else citizen.email,
        "idempotency_key": key,
        "snapshot": {"v": 1},
    }


def test_several_messages_are_queued_with_one_statement_each_for_messages_and_history(subscribed):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    citizen = subscribed()
    assert enqueue(citizen, key="k2") is not None
    with CaptureQueriesContext(connection) as queries:
        made = services.messages_enqueue(
            citizen=citizen,
            messages=[_item(citizen, "k1"), _item(citizen, "k2"), _item(citizen, "k3", "email")],
        )
    # The existing key is skipped; the others are written in the given order, each with its history row.
    assert [m.idempotency_key for m in made] == ["k1", "k3"]
    rows = list(
        Message.objects.order_by("id").values_list("idempotency_key", "channel", "status", "snapshot")
    )
    assert [r[0] for r in rows] == ["k2", "k1", "k3"]
    assert rows[1:] == [("k1", "sms", S.QUEUED, {"v": 1}), ("k3", "email", S.QUEUED, {"v": 1})]
    events = [
        (e.message.idempotency_key, e.status, e.detail) for e in services.MessageEvent.objects.order_by("id")
    ]
    assert events[1:] == [("k1", S.QUEUED, "Lagt i kø"), ("k3", S.QUEUED, "Lagt i kø")]
    written = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]
    assert len(written) == 3, written  # the existence check, the messages, their history rows
    assert services.messages_enqueue(citizen=citizen, messages=[_item(citizen, "k1")]) == []
    assert Message.objects.count() == 3
