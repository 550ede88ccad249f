"""Caseworkers sign in through the municipality's OpenID Connect provider: authorization code with
PKCE (Authlib), the ID token checked for signature (the provider's JWKS), issuer, audience, expiry
and nonce, then matched to a Caseworker by a configurable claim (services.staff_claims)."""

from __future__ import annotations

import logging
from functools import lru_cache

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from joserfc.errors import JoseError

from samtale.core.identity import sign_in_caseworker
from samtale.identity.services import SignInRefused, admin_role_sync, caseworker_sign_in, staff_claims
from samtale.identity.views import refused, safe_next

log = logging.getLogger(__name__)
NEXT_KEY = "oidc_next"
ID_TOKEN_KEY = "oidc_id_token"


@lru_cache(maxsize=4)
def _client(issuer: str, discovery_url: str, client_id: str, client_secret: str, scopes: str):
    oauth = OAuth()
    return oauth.register(
        "staff",
        client_id=client_id,
        client_secret=client_secret,
        server_metadata_url=discovery_url,
        client_kwargs={"scope": scopes, "code_challenge_method": "S256", "timeout": 10},
    )


def client():
    return _client(
        settings.OIDC_ISSUER,
        settings.OIDC_DISCOVERY_URL,
        settings.OIDC_CLIENT_ID,
        settings.OIDC_CLIENT_SECRET,
        settings.OIDC_SCOPES,
    )


def start(request):
    request.session[NEXT_KEY] = safe_next(request, "/sagsbehandler/")
    try:
        return client().authorize_redirect(
            request, request.build_absolute_uri(reverse("identity:oidc_callback"))
        )
    except (requests.RequestException, ValueError, KeyError) as exc:  # its discovery document is unreachable
        log.warning("OIDC provider unreachable: %s", type(exc).__name__)
        return refused(
            request,
            "Kommunens login svarer ikke",
            "Vi kan ikke nå kommunens login-tjeneste lige nu. Prøv igen om lidt.",
            status=503,
        )


def _claims_options() -> dict:
    # Our configured issuer, not whatever the discovery document says: a token from another issuer
    # is refused even if someone can point us at its metadata.
    return {"iss": {"essential": True, "values": [settings.OIDC_ISSUER]}, "exp": {"essential": True}}


def callback(request):
    try:
        token = client().authorize_access_token(request, claims_options=_claims_options(), leeway=60)
    except (OAuthError, JoseError, requests.RequestException, ValueError, KeyError) as exc:
        log.warning("OIDC sign-in failed: %s", type(exc).__name__)
        return refused(
            request,
            "Log ind mislykkedes",
            "Vi kunne ikke bekræfte dit login hos kommunens login-tjeneste. Prøv igen.",
        )
    claims = staff_claims(dict(token["userinfo"]))
    try:
        caseworker = caseworker_sign_in(claims)
    except SignInRefused as refusal:
        log.info("OIDC sign-in refused: %s", refusal.code)
        return refused(request, refusal.heading, refusal.text)
    target = request.session.pop(NEXT_KEY, "/sagsbehandler/")
    sign_in_caseworker(request, caseworker, method="oidc", extra={ID_TOKEN_KEY: token.get("id_token", "")})
    admin_role_sync(caseworker.user, claims.is_admin)
    return redirect(target)


def end_session_url(request) -> str:
    """RP-initiated logout: the provider ends its session and sends the browser back to us."""
    back = request.build_absolute_uri(reverse("identity:signed_out"))
    metadata = client().load_server_metadata()
    if not metadata.get("end_session_endpoint"):
        return back
    result = client().create_logout_url(
        post_logout_redirect_uri=back,
        id_token_hint=request.session.get(ID_TOKEN_KEY) or None,
        client_id=settings.OIDC_CLIENT_ID,
    )
    return result["url"]
