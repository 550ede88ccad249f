"""Bearer tokens → an Actor on request.auth; role checks that answer 403."""

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer

from samtale.core import throttle
from samtale.core.actors import Actor
from samtale.core.errors import DomainError, Forbidden
from samtale.identity.api_tokens import looks_like_jwt, machine_token_actor
from samtale.organisations.models import ApiClient
from samtale.organisations.services import api_client_authenticate


class Unauthorized(DomainError):
    status = 401
    default_code = "unauthorized"
    title = "Ikke logget ind"


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        if settings.OIDC_API_ENABLED and looks_like_jwt(token):
            # An OAuth2 client-credentials access token from the OIDC provider (samtale.identity).
            return machine_token_actor(token)
        client = token_failures_guarded(request, token)
        if client is None:
            return None
        if client.role == ApiClient.CASEWORKER:
            if not client.caseworker.active:
                return None
            return Actor.for_caseworker(client.caseworker)
        if client.role == ApiClient.CITIZEN:
            return Actor.for_citizen(client.citizen)
        if client.role == ApiClient.AKASSE:
            return Actor(kind="akasse", label=client.name, akasse=client.akasse)
        return Actor(kind=client.role, label=client.name)


def token_failures_guarded(request: HttpRequest, token: str) -> ApiClient | None:
    """Bad tokens are counted per client IP address; past the limit every further bad token from
    that address gets 429 with Retry-After for the rest of the window (issue 12, item 6). A good
    token costs no cache look-up."""
    client = api_client_authenticate(token)
    if client is None:
        ip = request.META.get("REMOTE_ADDR", "")
        throttle.hit(
            "token",
            ip,
            limit=settings.SAMTALE_TOKEN_FAILURES_PER_IP,
            window=settings.SAMTALE_THROTTLE_WINDOW_SECONDS,
            message="For mange forsøg med ugyldige adgangsnøgler fra din adresse. Vent og prøv igen.",
        )
    return client


def require(request: HttpRequest, *kinds: str) -> Actor:
    actor: Actor = request.auth
    if actor.kind not in kinds:
        raise Forbidden("Din adgangsnøgle giver ikke adgang til dette.", code="wrong_role")
    return actor
