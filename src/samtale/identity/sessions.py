"""Session lifetimes by who signed in: a citizen's session ends after 30 minutes without activity, a
caseworker's after 8 hours, and every session after an absolute limit however active it is
(settings.SESSION_IDLE_SECONDS / SESSION_ABSOLUTE_SECONDS). The times are stamped by
`samtale.core.identity` at sign-in and checked here on every request.

The last-activity stamp is rewritten only once it is STAMP_EVERY_SECONDS old, so the session (and its
row) is saved at most once a minute, not on every page view (issue 15: three SQL statements a page).
The idle timeout therefore ends a session up to a minute early, never late; the portal's notice counts
down from the same stamp, so what it shows is what the server does."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from samtale.core import clock
from samtale.core.identity import SESSION_KIND, SESSION_LAST_SEEN, SESSION_LOGIN_AT
from samtale.core.pagesonly import pages_only

STAMP_EVERY_SECONDS = 60


def idle_seconds(kind: str) -> int:
    return settings.SESSION_IDLE_SECONDS.get(kind, settings.SESSION_IDLE_SECONDS["caseworker"])


def absolute_seconds(kind: str) -> int:
    return settings.SESSION_ABSOLUTE_SECONDS.get(kind, settings.SESSION_ABSOLUTE_SECONDS["caseworker"])


def seconds_left(session) -> int:
    """How long the session lives if nothing more happens (what the portal's notice counts down)."""
    kind = session.get(SESSION_KIND, "caseworker")
    now = clock.now().timestamp()
    last = session.get(SESSION_LAST_SEEN, now)
    login_at = session.get(SESSION_LOGIN_AT, now)
    return max(0, int(min(last + idle_seconds(kind), login_at + absolute_seconds(kind)) - now))


def renew(session) -> int:
    """The citizen asked to stay signed in: the idle time restarts now, however fresh the stamp."""
    session[SESSION_LAST_SEEN] = clock.now().timestamp()
    return seconds_left(session)


@pages_only
class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            session = request.session
            now = clock.now().timestamp()
            if SESSION_LOGIN_AT not in session:  # signed in some other way (Django admin's own form)
                session[SESSION_LOGIN_AT] = now
                session[SESSION_LAST_SEEN] = now
            elif seconds_left(session) <= 0:
                logout(request)
                return self._signed_out(request)
            elif now - session.get(SESSION_LAST_SEEN, 0) >= STAMP_EVERY_SECONDS:
                session[SESSION_LAST_SEEN] = now  # marks the session modified, so it is saved
        return self.get_response(request)

    @staticmethod
    def _signed_out(request):
        target = reverse("identity:signed_out") + "?grund=tid"
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
