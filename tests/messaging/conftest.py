"""Real local servers for the messaging tests: an SMS provider over HTTP (threading http.server on
127.0.0.1, a random port) that dedupes by idempotency key as real providers do, and can be told to
fail or to hang; and an SMTP server (aiosmtpd)."""

from __future__ import annotations

import itertools
import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from samtale.bookings.models import Booking
from samtale.codes.models import ContactForm, ConversationType
from samtale.core import clock

_numbers = itertools.count(1)


class SmsProvider:
    """What the provider saw. `mode`: "ok", "fail" (HTTP 503), "reject" (HTTP 400), "hang" (answers
    after `hang_seconds`, longer than our timeout)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.arrived = threading.Condition(self.lock)  # notified on every request
        self.mode = "ok"
        self.hang_seconds = 3.0
        self.requests: list[dict] = []  # every request body
        self.delivered: dict[str, str] = {}  # idempotency key -> provider id, first success only
        self.deliveries = 0  # texts actually handed on to the phone network (one per key)
        self.headers: list[dict] = []
        self.url = ""

    def handle(self, body: dict, headers: dict) -> tuple[int, dict]:
        with self.lock:
            self.requests.append(body)
            self.headers.append(headers)
            mode = self.mode
            self.arrived.notify_all()
        if mode == "hang":
            time.sleep(self.hang_seconds)
            return 200, {"id": "late"}
        if mode == "fail":
            return 503, {"error": "unavailable"}
        if mode == "reject":
            return 400, {"error": "invalid number"}
        key = body["idempotency_key"]
        with self.lock:
            if key not in self.delivered:
                self.delivered[key] = f"prov-{len(self.delivered) + 1}"
                self.deliveries += 1
            return 200, {"id": self.delivered[key]}

    def wait_for_requests(self, n: int, *, stall: float, alive=lambda: True) -> None:
        """Return the moment the provider has seen `n` requests (woken by the request itself, no
        polling); fail when no request arrived for `stall` seconds, or when `alive()` turns false."""
        from tests.processes import SCALE

        with self.arrived:
            seen, moved = len(self.requests), time.monotonic()
            while len(self.requests) < n:
                assert alive(), f"the sender stopped at {len(self.requests)} of {n} requests"
                assert time.monotonic() - moved < stall * SCALE, (
                    f"no request for {stall * SCALE:.0f} s, at {len(self.requests)} of {n}"
                )
                self.arrived.wait(0.5)
                if len(self.requests) > seen:
                    seen, moved = len(self.requests), time.monotonic()


@pytest.fixture
def sms_provider():
    provider = SmsProvider()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length) or b"{}")
            status, answer = provider.handle(body, dict(self.headers))
            data = json.dumps(answer).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    provider.url = f"http://127.0.0.1:{server.server_address[1]}/sms"
    yield provider
    server.shutdown()
    server.server_close()


@pytest.fixture
def http_sms(settings, sms_provider):
    settings.SMS_GATEWAY = "http"
    settings.SMS_URL = sms_provider.url
    settings.SMS_TOKEN = "hemmelig-token"
    settings.SMS_TIMEOUT_SECONDS = 0.5
    return sms_provider


@pytest.fixture
def subscribed(make_citizen):
    def make(sms=True, email=True, **kwargs):
        return make_citizen(
            phone=kwargs.pop("phone", "+4522334455"),
            email=kwargs.pop("email", "borger@example.dk"),
            sms_reminders=sms,
            email_reminders=email,
            **kwargs,
        )

    return make


@pytest.fixture
def make_booking(jc_a):
    """A planned conversation written straight into the bookings table (the contract model), for
    the message texts and calendar files; booking services are the bookings app's."""

    def make(citizen, *, start=None, minutes=45, contact_form="personligt", self_booked=False, **fields):
        start = start or clock.at(clock.today() + timedelta(days=5), 10, 30)
        return Booking.objects.create(
            booking_number=fields.pop("booking_number", f"B{next(_numbers):07d}"),
            citizen=citizen,
            jobcenter=fields.pop("jobcenter", jc_a),
            self_booked=self_booked,
            start=start,
            end=start + timedelta(minutes=minutes),
            title=fields.pop("title", "Jobsamtale"),
            conversation_type=ConversationType.objects.get(code=fields.pop("conversation_type", 7)),
            contact_form=ContactForm.objects.get(code=contact_form),
            location=fields.pop("location", "Jobcenter København, Kalvebod Brygge"),
            address=fields.pop("address", "Kalvebod Brygge 43, 1560 København V"),
            created_by="test",
            **fields,
        )

    return make
