"""Machine clients (DFDG, a-kasser, case systems) may call the API with an OAuth2 client-credentials
access token from the configured OIDC provider instead of a Samtale bearer token. The token is a JWT
checked against the provider's published keys (JWKS) for signature, issuer, audience and expiry; its
role and organisation come from configurable claims."""

from __future__ import annotations

import logging
import threading
import time

import requests
from django.conf import settings
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

from samtale.core import clock
from samtale.core.actors import Actor
from samtale.organisations.models import AKasse, ApiClient

log = logging.getLogger(__name__)
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"]
MACHINE_ROLES = (ApiClient.DFDG, ApiClient.AKASSE, ApiClient.ADMIN)
KEYS_MAX_AGE = 600


def looks_like_jwt(token: str) -> bool:
    return token.count(".") == 2


class _Keys:
    """The provider's JWKS, fetched through its discovery document and kept for KEYS_MAX_AGE seconds;
    fetched again at once when a token names a key we do not have (key rotation)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[float, dict]] = {}

    def get(self, discovery_url: str, *, force: bool = False) -> KeySet:
        with self._lock:
            fetched_at, jwks = self._cache.get(discovery_url, (0.0, {}))
            if force or time.monotonic() - fetched_at > KEYS_MAX_AGE:
                metadata = requests.get(discovery_url, timeout=10).json()
                jwks = requests.get(metadata["jwks_uri"], timeout=10).json()
                self._cache[discovery_url] = (time.monotonic(), jwks)
        return KeySet.import_key_set(jwks)

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()


keys = _Keys()


def _decode(token: str):
    discovery = settings.OIDC_API_DISCOVERY_URL
    try:
        return jwt.decode(token, keys.get(discovery), algorithms=ALGORITHMS)
    except InvalidKeyIdError:
        return jwt.decode(token, keys.get(discovery, force=True), algorithms=ALGORITHMS)


def _first(value) -> str:
    if isinstance(value, list | tuple):
        return next((str(v) for v in value if str(v) in MACHINE_ROLES), "")
    return str(value or "")


def machine_token_actor(token: str) -> Actor | None:
    """The Actor a valid access token stands for, or None (the API answers 401)."""
    try:
        decoded = _decode(token)
        jwt.JWTClaimsRegistry(
            now=int(clock.now().timestamp()),
            leeway=30,
            iss={"essential": True, "value": settings.OIDC_API_ISSUER},
            aud={"essential": True, "value": settings.OIDC_API_AUDIENCE},
            exp={"essential": True},
        ).validate(decoded.claims)
    except (JoseError, ValueError, KeyError, requests.RequestException) as exc:
        log.info("API access token refused: %s", type(exc).__name__)
        return None
    claims = decoded.claims
    role = _first(claims.get(settings.OIDC_API_ROLE_CLAIM))
    label = str(claims.get("azp") or claims.get("client_id") or claims.get("sub") or "OIDC-klient")
    if role == ApiClient.AKASSE:
        code = str(claims.get(settings.OIDC_API_ORGANISATION_CLAIM) or "")
        akasse = AKasse.objects.filter(code=code).first() if code else None
        if akasse is None:
            log.info("API access token refused: no a-kasse for its organisation claim")
            return None
        return Actor(kind="akasse", label=label, akasse=akasse)
    if role in (ApiClient.DFDG, ApiClient.ADMIN):
        return Actor(kind=role, label=label)
    log.info("API access token refused: no machine role in its role claim")
    return None
