"""What every workbench view shares: the decorator that makes a view a caseworker page, rendering
with the section the navigation marks, and a domain error placed next to its form field."""

from __future__ import annotations

from functools import wraps

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from samtale.core.errors import DomainError, NotFound
from samtale.core.identity import caseworker_required


def workbench_view(view):
    """A caseworker-only page that is never cached, and where a domain NotFound (outside the
    caseworker's jobcenters, or unknown — we never say which) is the workbench's 404 page."""

    @never_cache
    @caseworker_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as error:
            raise Http404(error.message) from None

    return wrapper


def page(request, template: str, section: str, **context):
    """Render a workbench page; `section` is the navigation entry marked as current."""
    return render(
        request,
        template,
        {"caseworker": request.actor.caseworker, "section": section, **context},
    )


def form_error(form, error: DomainError, fields=None) -> None:
    """Show a domain error next to the field it concerns (or on top of the form), with its rule. When
    the service's field name differs from the form's, `fields` maps it (a dict, or a function of the
    error)."""
    field = fields(error) if callable(fields) else (fields or {}).get(error.field or "", error.field)
    field = field if field in form.fields else None
    message = error.message
    rule = getattr(error, "rule", None)
    if rule and rule not in message:
        message = f"{message} ({rule})"
    form.add_error(field, message)
