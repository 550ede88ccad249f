"""Writes for organisations: jobcenters, a-kasser, caseworkers and API tokens. Each is idempotent
on its natural key so an operator's set-up script can run again."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Q

from samtale.core import clock
from samtale.core.errors import InvalidInput, NotFound
from samtale.core.prejoin import Prejoined
from samtale.organisations import token_cache
from samtale.organisations.models import AKasse, ApiClient, Authority, Caseworker, Jobcenter


def _require(value: str, field: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(f"{label} skal udfyldes.", code="missing_field", field=field)
    return value


CONTACT_FIELDS = ("phone", "email", "address", "opening_hours_text", "contact_url")


@transaction.atomic
def jobcenter_upsert(*, code: str, name: str, opens_at=None, closes_at=None, **contact) -> Jobcenter:
    """Create or update by code. Contact details (shown wherever a citizen is told to contact the
    jobcenter) and opening hours (the times meetings are held) change only when given."""
    code, name = _require(code, "code", "Kommunekode"), _require(name, "name", "Navn")
    unknown = sorted(set(contact) - set(CONTACT_FIELDS))
    if unknown:
        raise InvalidInput(f"Ukendt felt: {unknown[0]!s:.40}.", code="unknown_field", field=unknown[0])
    defaults = {k: ("" if v is None else str(v).strip()) for k, v in contact.items()}
    if opens_at is not None:
        defaults["opens_at"] = opens_at
    if closes_at is not None:
        defaults["closes_at"] = closes_at
    authority, _ = Authority.objects.update_or_create(
        kind=Authority.KOMMUNE, code=code, defaults={"name": name}
    )
    jobcenter, _ = Jobcenter.objects.update_or_create(
        code=code, defaults={"name": name, "authority": authority, **defaults}
    )
    if jobcenter.closes_at <= jobcenter.opens_at:
        raise InvalidInput(
            "Jobcentret skal lukke efter, det åbner.", code="closes_before_opens", field="closes_at"
        )
    return jobcenter


@transaction.atomic
def akasse_upsert(*, code: str, name: str) -> AKasse:
    code, name = _require(code, "code", "A-kassekode"), _require(name, "name", "Navn")
    authority, _ = Authority.objects.update_or_create(
        kind=Authority.AKASSE, code=code, defaults={"name": name}
    )
    akasse, _ = AKasse.objects.update_or_create(code=code, defaults={"name": name, "authority": authority})
    return akasse


@transaction.atomic
def caseworker_upsert(*, ident: str, name: str, jobcenters: list[str]) -> Caseworker:
    ident, name = _require(ident, "ident", "Medarbejderident"), _require(name, "name", "Navn")
    found = list(Jobcenter.objects.filter(code__in=jobcenters))
    unknown = sorted(set(jobcenters) - {j.code for j in found})
    if unknown:
        raise InvalidInput(
            f"Ukendt jobcenter: {', '.join(unknown)}.", code="unknown_jobcenter", field="jobcenters"
        )
    authority = found[0].authority if found else None
    caseworker, _ = Caseworker.objects.update_or_create(
        ident=ident, defaults={"name": name, "authority": authority}
    )
    caseworker.jobcenters.set(found)
    return caseworker


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *,
    role: str,
    name: str = "",
    caseworker_ident: str | None = None,
    citizen_public_id=None,
    akasse_code: str | None = None,
    days: int | None = None,
) -> tuple[ApiClient, str]:
    """Make a client and return it with its token; the token itself is never stored. It expires
    after `days` (default settings.SAMTALE_TOKEN_DAYS, 90)."""
    from samtale.citizens.models import Citizen

    if role not in dict(ApiClient.ROLES):
        raise InvalidInput(
            f"Ukendt rolle: {role}. Vælg en af {', '.join(dict(ApiClient.ROLES))}.", code="unknown_role"
        )
    client = ApiClient(role=role, name=name or role)
    if role == ApiClient.CASEWORKER:
        client.caseworker = Caseworker.objects.filter(ident=caseworker_ident or "").first()
        if client.caseworker is None:
            raise NotFound("Ukendt sagsbehandler (--caseworker).", code="unknown_caseworker")
        client.name = name or f"sagsbehandler {client.caseworker.ident}"
    elif role == ApiClient.CITIZEN:
        try:
            client.citizen = Citizen.objects.get(public_id=citizen_public_id)
        except (Citizen.DoesNotExist, ValueError, TypeError):
            raise NotFound(
                "Ukendt borger (--citizen tager borgerens UUID).", code="unknown_citizen"
            ) from None
        client.name = name or "borger"
    elif role == ApiClient.AKASSE:
        client.akasse = AKasse.objects.filter(code=akasse_code or "").first()
        if client.akasse is None:
            raise NotFound("Ukendt a-kasse (--akasse).", code="unknown_akasse")
        client.name = name or f"a-kasse {client.akasse.code}"
    days = settings.SAMTALE_TOKEN_DAYS if days is None else days
    if not 1 <= days <= 3650:
        raise InvalidInput("En adgangsnøgle skal gælde mellem 1 og 3650 dage (--days).", code="invalid_days")
    client.expires_at = clock.now() + timedelta(days=days)
    token = "smt_" + secrets.token_urlsafe(32)
    client.token_hash = hash_token(token)
    client.save()
    return client, token


def token_status(client: ApiClient, now) -> str:
    if client.revoked_at:
        return "spærret"
    if client.expires_at and client.expires_at <= now:
        return "udløbet"
    return "gyldig"


def api_tokens_list() -> list[ApiClient]:
    return list(
        ApiClient.objects.select_related("caseworker", "citizen", "akasse").order_by("created_at", "id")
    )


@transaction.atomic
def api_token_revoke(public_id) -> ApiClient:
    """Revoke a token at once (idempotent: revoking twice keeps the first time)."""
    try:
        client = ApiClient.objects.select_for_update().get(public_id=public_id)
    except (ApiClient.DoesNotExist, ValueError, TypeError, DjangoValidationError):
        raise NotFound("Ukendt adgangsnøgle.", code="token_not_found") from None
    if client.revoked_at is None:
        client.revoked_at = clock.now()
        client.save(update_fields=["revoked_at", "updated_at"])
    return client


# A live token with its holder: one prebuilt statement, as it runs on every API request.
_LIVE_TOKEN = Prejoined(
    ApiClient,
    ["caseworker", "citizen", "akasse"],
    "t0.token_hash = %s AND t0.revoked_at IS NULL AND (t0.expires_at IS NULL OR t0.expires_at > %s)",
    ["token_hash", "expires_at"],
)


def api_client_authenticate(token: str) -> ApiClient | None:
    """The live token's ApiClient with its holder, or None. Read from the per-process token cache
    when it holds the token (`token_cache`: a revocation elsewhere shows after at most
    SAMTALE_TOKEN_CACHE_SECONDS); the expiry is checked on every request either way."""
    key, now = hash_token(token), clock.now()
    row = token_cache.get(key, now)
    if row is not None:
        client = _LIVE_TOKEN.build(row)
        if client.expires_at is not None and client.expires_at <= now:
            token_cache.forget(key)
            row = None
    if row is None:
        row = _LIVE_TOKEN.row([key, now])
        if row is None:
            return None
        token_cache.put(key, row, now)
        client = _LIVE_TOKEN.build(row)
    if _touch_last_used(client):
        row[_LIVE_TOKEN.column("last_used_at")] = client.last_used_at
    return client


# How precise "last used" is. Writing it on every request cost a row lock and a WAL record per call
# (a tenth of a booking); once a minute answers "is this token still in use?" just as well.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _touch_last_used(client: ApiClient) -> bool:
    """Write the token's last use if the one known is a minute old or more; True if it did."""
    now = clock.now()
    if client.last_used_at is not None and now - client.last_used_at < LAST_USED_RESOLUTION:
        return False
    # Conditional, so concurrent requests of one client write it once, not once each.
    ApiClient.objects.filter(pk=client.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_RESOLUTION)
    ).update(last_used_at=now)
    client.last_used_at = now
    return True
