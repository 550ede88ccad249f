from django.conf import settings

from samtale.identity.sessions import seconds_left


def session(request):
    """For the portal's "you are about to be signed out" notice (static/identity/session-notice.js)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "session_seconds_left": seconds_left(request.session),
        "session_warning_seconds": settings.SESSION_WARNING_SECONDS,
    }
