"""Where messages leave Samtale. E-mail goes through Django's e-mail backend (SMTP in production,
console in the demo, locmem in tests). SMS goes through an `SmsGateway`: `HttpSmsGateway` for a real
provider, `ConsoleSmsGateway` for the demo. Both get the message's idempotency key, so a provider can
recognise a resend after a crash (at-least-once delivery, ARCHITECTURE.md "Transactional outbox")."""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import sys
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage


class GatewayError(Exception):
    """A send that did not go through. `permanent`: retrying cannot help (bad number, refused
    address); otherwise the worker retries with back-off."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class SendResult:
    reference: str = ""
    delivered: bool = False  # the gateway itself knows the message reached the citizen


class SmsGateway(Protocol):
    def send(self, *, to: str, text: str, idempotency_key: str) -> SendResult: ...


class ConsoleSmsGateway:
    """The demo: prints the SMS on the worker's console."""

    _lock = threading.Lock()

    def __init__(self, stream=None):
        self.stream = stream

    def send(self, *, to: str, text: str, idempotency_key: str) -> SendResult:
        stream = self.stream or sys.stdout
        with self._lock:
            stream.write(f"--- SMS til {to} ({idempotency_key}) ---\n{text}\n--- slut ---\n")
            stream.flush()
        return SendResult(reference="console-" + hashlib.sha256(idempotency_key.encode()).hexdigest()[:16])


class HttpSmsGateway:
    """A provider reached over HTTPS with a bearer token and a JSON body:

        POST {url}  Authorization: Bearer {token}  Idempotency-Key: {key}
        {"to": "+4512345678", "text": "…", "idempotency_key": "…", "callback_url": "…"}

    2xx (or 409: "already have that key") = accepted; the provider's id (`id`, `reference` or
    `message_id` in the JSON answer) is kept for the delivery receipt. 408, 429 and 5xx, timeouts and
    connection errors are retried; other 4xx are permanent."""

    def __init__(self, *, url: str, token: str = "", timeout: float = 10.0, callback_url: str = ""):
        if not url:
            raise ValueError("SAMTALE_SMS_URL skal være sat, når SAMTALE_SMS_GATEWAY=http.")
        self.url = url
        self.token = token
        self.timeout = timeout
        self.callback_url = callback_url

    def send(self, *, to: str, text: str, idempotency_key: str) -> SendResult:
        body = {"to": to, "text": text, "idempotency_key": idempotency_key}
        if self.callback_url:
            body["callback_url"] = self.callback_url
        request = urllib.request.Request(
            self.url,
            data=json.dumps(body).encode(),
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Idempotency-Key": idempotency_key,
                **({"Authorization": f"Bearer {self.token}"} if self.token else {}),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read()
        except urllib.error.HTTPError as exc:
            if exc.code == 409:
                return SendResult(reference=_reference(exc.read()))
            permanent = 400 <= exc.code < 500 and exc.code not in (408, 429)
            raise GatewayError(f"SMS-udbyderen svarede HTTP {exc.code}.", permanent=permanent) from None
        except TimeoutError:
            raise GatewayError("SMS-udbyderen svarede ikke i tide.") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError):
                raise GatewayError("SMS-udbyderen svarede ikke i tide.") from None
            raise GatewayError(f"SMS-udbyderen kunne ikke nås ({type(reason).__name__}).") from None
        return SendResult(reference=_reference(raw))


def _reference(raw: bytes) -> str:
    try:
        data = json.loads(raw or b"{}")
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    for key in ("id", "reference", "message_id"):
        if data.get(key):
            return str(data[key])[:200]
    return ""


def sms_gateway() -> SmsGateway:
    """The configured gateway: SAMTALE_SMS_GATEWAY=console|http, or the dotted path of an own class
    with a `send(*, to, text, idempotency_key) -> SendResult` method (made without arguments) for a
    provider whose API differs from HttpSmsGateway's."""
    kind = settings.SMS_GATEWAY
    if "." in kind:
        from django.utils.module_loading import import_string

        return import_string(kind)()
    if kind == "http":
        return HttpSmsGateway(
            url=settings.SMS_URL,
            token=settings.SMS_TOKEN,
            timeout=settings.SMS_TIMEOUT_SECONDS,
            callback_url=settings.SMS_CALLBACK_URL,
        )
    if kind == "console":
        return ConsoleSmsGateway()
    raise ValueError(f"Ukendt SAMTALE_SMS_GATEWAY: {kind!r} (console, http eller en klasses sti).")


def receipt_signature(secret: str, body: bytes) -> str:
    """The value of the X-Samtale-Signature header on a delivery receipt: "sha256=" + hex HMAC."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def receipt_signature_valid(secret: str, body: bytes, header: str) -> bool:
    return bool(secret) and hmac.compare_digest(receipt_signature(secret, body), (header or "").strip())


def message_id_for(idempotency_key: str) -> str:
    """A stable Message-ID, so a resent e-mail after a crash is recognisable as the same message."""
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "samtale.local"
    return f"<{digest}@{domain}>"


def send_email(*, to: str, subject: str, text: str, idempotency_key: str, ics: str = "") -> SendResult:
    email = EmailMessage(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Message-ID": message_id_for(idempotency_key), "X-Samtale-Idempotency-Key": idempotency_key},
    )
    if ics:
        email.attach("moede.ics", ics, "text/calendar")
    try:
        email.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused:
        raise GatewayError("Mailserveren afviste modtageradressen.", permanent=True) from None
    except smtplib.SMTPResponseException as exc:
        permanent = 500 <= exc.smtp_code < 600
        raise GatewayError(f"Mailserveren svarede {exc.smtp_code}.", permanent=permanent) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise GatewayError(f"Mailserveren kunne ikke nås ({type(exc).__name__}).") from None
    return SendResult(reference=message_id_for(idempotency_key))
