"""What the workbench's write views share: 404 for anything outside the caseworker's jobcenters (the
selectors decide), and the booking page or citizen overview to go back to."""

from __future__ import annotations

from django.http import Http404

from samtale.core.errors import NotFound


def found(selector, *args, **kwargs):
    """Call a scoping selector; NotFound (unknown or outside my jobcenters — we never say which) is 404."""
    try:
        return selector(*args, **kwargs)
    except NotFound as error:
        raise Http404(error.message) from None


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"
