"""One identity interface for both UIs. A login method (the development login today; MitID via
NemLog-in/OIOSAML for citizens and the municipal IdP for caseworkers later) establishes who the person
is and then calls `sign_in_citizen` or `sign_in_caseworker`; everything after that is the same."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth import get_user_model, login
from django.shortcuts import redirect

from samtale.core.actors import Actor


def _user_for(username: str):
    user, created = get_user_model().objects.get_or_create(username=username)
    if created:
        user.set_unusable_password()
        user.save()
    return user


def sign_in_citizen(request, citizen) -> None:
    if citizen.user_id is None:
        citizen.user = _user_for(f"borger-{citizen.public_id}")
        citizen.save(update_fields=["user"])
    request.session.cycle_key()
    login(request, citizen.user, backend="django.contrib.auth.backends.ModelBackend")


def sign_in_caseworker(request, caseworker) -> None:
    if caseworker.user_id is None:
        caseworker.user = _user_for(f"sb-{caseworker.ident}")
        caseworker.save(update_fields=["user"])
    request.session.cycle_key()
    login(request, caseworker.user, backend="django.contrib.auth.backends.ModelBackend")


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


def _role_required(kind: str):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            actor = actor_for(request)
            if actor is None or actor.kind != kind:
                return redirect(f"/login/?next={request.path}")
            request.actor = actor
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


citizen_required = _role_required("citizen")
caseworker_required = _role_required("caseworker")
