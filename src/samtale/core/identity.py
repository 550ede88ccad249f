"""One identity interface for both UIs. A login method (the development login; MitID via
NemLog-in/OIOSAML for citizens and the municipality's OpenID Connect provider for caseworkers, in
samtale.identity) establishes who the person is and then calls `sign_in_citizen` or `sign_in_caseworker`; everything after that is the same."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth import get_user_model, login
from django.shortcuts import redirect

from samtale.core import clock
from samtale.core.actors import Actor

# Session keys stamped at sign-in; samtale.identity.sessions enforces the idle and absolute timeouts
# and samtale.identity.views.sign_out ends the identity provider's session for the method used.
SESSION_KIND = "identity_kind"
SESSION_METHOD = "identity_method"
SESSION_LOGIN_AT = "identity_login_at"
SESSION_LAST_SEEN = "identity_last_seen"


def _user_for(username: str):
    user, created = get_user_model().objects.get_or_create(username=username)
    if created:
        user.set_unusable_password()
        user.save()
    return user


def _start_session(request, user, *, kind: str, method: str, extra: dict | None = None) -> None:
    """A new session key at every sign-in (no session fixation), then the stamps the timeouts use."""
    request.session.cycle_key()
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    now = clock.now().timestamp()
    request.session.update(
        {SESSION_KIND: kind, SESSION_METHOD: method, SESSION_LOGIN_AT: now, SESSION_LAST_SEEN: now}
    )
    request.session.update(extra or {})


def sign_in_citizen(request, citizen, *, method: str = "dev", extra: dict | None = None) -> None:
    if citizen.user_id is None:
        citizen.user = _user_for(f"borger-{citizen.public_id}")
        citizen.save(update_fields=["user"])
    _start_session(request, citizen.user, kind="citizen", method=method, extra=extra)


def sign_in_caseworker(request, caseworker, *, method: str = "dev", extra: dict | None = None) -> None:
    if caseworker.user_id is None:
        caseworker.user = _user_for(f"sb-{caseworker.ident}")
        caseworker.save(update_fields=["user"])
    _start_session(request, caseworker.user, kind="caseworker", method=method, extra=extra)


def actor_for(request) -> Actor | None:
    user = request.user
    if not user.is_authenticated:
        return None
    citizen = getattr(user, "citizen", None)
    if citizen is not None:
        return Actor.for_citizen(citizen)
    caseworker = getattr(user, "caseworker", None)
    if caseworker is not None and caseworker.active:
        return Actor.for_caseworker(caseworker)
    return None


# Cross-app hook (docs/developing.md): samtale.identity appends `handler(request) -> HttpResponse | None`
# in its ready(); the first answer ends the identity provider's session too (single logout).
SIGN_OUT_HANDLERS: list = []

# samtale.identity sends each to the configured identity provider (or the development login).
LOGIN_PATHS = {"citizen": "/login/borger/", "caseworker": "/login/sagsbehandler/"}


def _role_required(kind: str):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            actor = actor_for(request)
            if actor is None or actor.kind != kind:
                return redirect(f"{LOGIN_PATHS[kind]}?next={request.path}")
            request.actor = actor
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


citizen_required = _role_required("citizen")
caseworker_required = _role_required("caseworker")
