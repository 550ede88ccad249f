"""One real SMTP round trip: Django's SMTP backend → a local aiosmtpd server; the message is read
back with its .ics attachment."""

import email
import socket
from datetime import timedelta
from email import policy

import pytest
from icalendar import Calendar

from samtale.core import clock
from samtale.messaging import services
from samtale.messaging.models import Message, MessageKind

aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller")


class Collect:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.envelopes.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = Collect()
    controller = aiosmtpd_controller.Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


def test_booking_email_over_smtp_with_ics(subscribed, make_booking, smtp_server, settings):
    handler, port = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    citizen = subscribed(sms=False)
    booking = make_booking(citizen, start=clock.at(clock.today() + timedelta(days=6), 9, 15))
    services.booking_messages_enqueue(booking=booking, kind=MessageKind.BOOKING_SUMMONS, key="created")
    assert services.messages_deliver_due(worker_id="smtp") == 1
    [message] = Message.objects.filter(booking=booking)
    assert message.status == "sent"

    [envelope] = handler.envelopes
    assert envelope.rcpt_tos == ["borger@example.dk"]
    parsed = email.message_from_bytes(envelope.content, policy=policy.default)
    assert parsed["Subject"] == "Du er indkaldt til møde med jobcentret"
    assert parsed["Message-ID"] == message.provider_reference
    assert parsed["X-Samtale-Idempotency-Key"].strip() == message.idempotency_key
    body = parsed.get_body(preferencelist=("plain",)).get_content()
    assert "Du er indkaldt til jobsamtale med jobcentret" in body and "kl. 9.15" in body
    [attachment] = list(parsed.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename().endswith(".ics")
    cal = Calendar.from_ical(attachment.get_content())
    [event] = cal.walk("VEVENT")
    assert str(event["uid"]) == f"{booking.public_id}@samtale"
    assert event.decoded("dtstart") == booking.start


def test_smtp_server_down_is_retried(subscribed, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 9  # nobody listens
    settings.EMAIL_TIMEOUT = 2
    citizen = subscribed(sms=False)
    m = services.message_enqueue(
        citizen=citizen,
        kind=MessageKind.BOOKING_SUMMONS,
        channel="email",
        recipient=citizen.email,
        subject="x",
        text="y",
        idempotency_key="smtp-down",
    )
    services.messages_deliver_due(worker_id="smtp")
    m.refresh_from_db()
    assert m.status == "failed" and "Mailserveren kunne ikke nås" in m.last_error
