"""Idempotency-Key on every POST and PATCH under /api/v1/ (API.md § Idempotency, IETF
draft-ietf-httpapi-idempotency-key-header): one mechanism for every endpoint, as middleware.

A request with the header runs in one transaction that also inserts the key's row and, before
committing, stores the answer in it. So the key becomes visible only together with the work it
stands for:

- a retry with the same key and body replays the stored status and body (`Idempotent-Replayed: true`)
  without running the endpoint;
- the same key with another method, path or body → 422 `idempotency_key_reused`;
- a concurrent duplicate blocks on the unique index until the first commits, then replays its answer
  (or, if the first rolled back, does the work itself); if the first runs longer than
  IDEMPOTENCY_WAIT_SECONDS, the duplicate gets 409 `idempotency_key_in_use`;
- answers that did nothing (401, 403, 429, 5xx) are not kept and roll everything back, so the client
  may retry with the same key;
- a replay needs the credential to authenticate still: a revoked or expired token gets 401.

Keys are scoped to the API client's credential (two clients may use the same key) and expire after
IDEMPOTENCY_KEY_HOURS; the daily batch deletes expired ones."""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, IntegrityError, OperationalError, connection, transaction
from django.http import HttpRequest, HttpResponse

from samtale.api.errors import problem
from samtale.api.models import IdempotencyKey
from samtale.core import clock

API_PREFIX = "/api/v1/"
METHODS = ("POST", "PATCH")
MAX_KEY_LENGTH = 255
NOT_KEPT = {401, 403, 408, 429}


class _Answer(Exception):  # noqa: N818 - control flow: leave the transaction with this response
    def __init__(self, response: HttpResponse):
        self.response = response


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.META.get("HTTP_IDEMPOTENCY_KEY")
        if key is None or request.method not in METHODS or not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        credential = request.META.get("HTTP_AUTHORIZATION", "")
        if not credential:
            return self.get_response(request)  # the API answers 401; nothing to remember
        if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
            return problem(
                400,
                code="idempotency_key_invalid",
                title="Ugyldig Idempotency-Key",
                detail=f"Idempotency-Key skal være 1 til {MAX_KEY_LENGTH} synlige tegn.",
            )
        try:
            body = request.body
        except RequestDataTooBig:
            return self.get_response(request)  # the API answers 413
        scope = hashlib.sha256(credential.encode()).hexdigest()
        fingerprint = _fingerprint(request, body)
        try:
            with transaction.atomic():
                first = _claim(scope, key, fingerprint)
                if first is not None:
                    if not _still_signed_in(request):
                        # a revoked or expired credential gets no stored answer: the API says 401
                        raise _Answer(self.get_response(request))
                    raise _Answer(_replay(first, fingerprint))
                response = self.get_response(request)
                if response.status_code >= 500 or response.status_code in NOT_KEPT:
                    raise _Answer(response)  # nothing was done: free the key, undo any partial work
                try:
                    _store(scope, key, response)
                except DatabaseError:
                    # the endpoint left the transaction broken (it answered a database error): the
                    # work is undone with the key, so a retry may do it again
                    raise _Answer(response) from None
                return response
        except _Answer as answer:
            return answer.response
        except OperationalError:
            # SQLite busy at BEGIN, or the first request held the key longer than we wait for it
            return _in_use()


def _still_signed_in(request: HttpRequest) -> bool:
    """The credential still authenticates (checked by the API's own bearer auth), so a replay never
    outlives the token that made the first request."""
    from samtale.api.auth import BearerToken

    try:
        return BearerToken()(request) is not None
    except Exception:  # an unreadable or rejected token: not signed in
        return False


def _fingerprint(request: HttpRequest, body: bytes) -> str:
    """Method, path, query and body; a JSON body in canonical form, so spacing and key order do not
    make a retry "another body"."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        canonical = body
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.get_full_path().encode(), canonical):
        digest.update(part + b"\0")
    return digest.hexdigest()


def _claim(scope: str, key: str, fingerprint: str) -> IdempotencyKey | None:
    """None when this request holds the key now (its row inserted, uncommitted); else the first
    request's committed row."""
    now = clock.now()
    IdempotencyKey.objects.filter(scope=scope, key=key, expires_at__lte=now).delete()
    first = IdempotencyKey.objects.filter(scope=scope, key=key).first()
    if first is not None:
        return first
    row = IdempotencyKey(
        scope=scope,
        key=key,
        fingerprint=fingerprint,
        status=0,  # never seen by others: replaced by the answer before commit
        content_type="",
        body=b"",
        created_at=now,
        expires_at=now + timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS),
    )
    try:
        with transaction.atomic():
            _limit_lock_wait()
            row.save(force_insert=True)
    except IntegrityError:
        # a concurrent request with the key committed while we waited on the unique index
        return IdempotencyKey.objects.get(scope=scope, key=key)
    finally:
        _limit_lock_wait(reset=True)
    return None


def _limit_lock_wait(reset: bool = False) -> None:
    """Bound how long the insert waits for a concurrent holder of the key (PostgreSQL; SQLite waits
    at BEGIN for its database timeout)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if reset:
            cursor.execute("SET LOCAL lock_timeout TO DEFAULT")
        else:
            wait = f"{int(settings.IDEMPOTENCY_WAIT_SECONDS * 1000)}ms"
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [wait])


def _store(scope: str, key: str, response: HttpResponse) -> None:
    with transaction.atomic():
        IdempotencyKey.objects.filter(scope=scope, key=key).update(
            status=response.status_code,
            content_type=response.get("Content-Type", ""),
            location=response.get("Location", ""),
            body=bytes(response.content),
        )


def _replay(first: IdempotencyKey, fingerprint: str) -> HttpResponse:
    if first.fingerprint != fingerprint:
        return problem(
            422,
            code="idempotency_key_reused",
            title="Idempotency-Key er brugt til en anden forespørgsel",
            detail="Denne Idempotency-Key er allerede brugt med en anden metode, sti eller indhold. "
            "Brug en ny nøgle til en ny forespørgsel.",
        )
    response = HttpResponse(bytes(first.body), status=first.status, content_type=first.content_type)
    if first.location:
        response["Location"] = first.location
    response["Idempotent-Replayed"] = "true"
    return response


def _in_use() -> HttpResponse:
    response = problem(
        409,
        code="idempotency_key_in_use",
        title="Idempotency-Key er i brug",
        detail="En anden forespørgsel med samme Idempotency-Key er ved at blive behandlet. Prøv igen om lidt.",
    )
    response["Retry-After"] = "1"
    return response


def purge_expired(day: date | None = None, out=None) -> int:
    """Delete keys past their 24 hours (a step of the daily batch)."""
    deleted, _ = IdempotencyKey.objects.filter(expires_at__lte=clock.now()).delete()
    if out is not None:
        out.write(f"Idempotensnøgler slettet: {deleted}\n")
    return deleted
