"""The Django admin writes the access log too (issue 12, item 5): every list page writes one row per
citizen it shows (one INSERT), every change page one row for its citizen. Installed on every
registered ModelAdmin whose model is the citizen or hangs off one (a `citizen` foreign key), so an
admin class added later is covered without its own code."""

from __future__ import annotations

from functools import wraps

from django.contrib import admin

from samtale.core import audit
from samtale.core.actors import Actor


def admin_actor(request) -> Actor:
    return Actor(kind="admin", label=f"admin:{request.user.get_username()}"[:200])


def _citizen_ids(model, objects) -> list[int]:
    from samtale.citizens.models import Citizen

    if model is Citizen:
        return [o.pk for o in objects]
    return [o.citizen_id for o in objects]


def _wrap(model_admin) -> None:
    model = model_admin.model
    label = model._meta.label
    changelist, change = model_admin.changelist_view, model_admin.change_view

    @wraps(changelist)
    def changelist_view(request, extra_context=None):
        response = changelist(request, extra_context)
        cl = (getattr(response, "context_data", None) or {}).get("cl")
        if cl is not None:
            audit.record_many(
                admin_actor(request),
                "admin.list",
                _citizen_ids(model, cl.result_list),
                purpose="administration: liste",
                model=label,
                searched=bool(cl.query),  # never the search term: it may be a CPR number
            )
        return response

    @wraps(change)
    def change_view(request, object_id, form_url="", extra_context=None):
        response = change(request, object_id, form_url, extra_context)
        obj = (getattr(response, "context_data", None) or {}).get("original")
        if obj is not None:
            audit.record_many(
                admin_actor(request),
                "admin.view",
                _citizen_ids(model, [obj]),
                purpose="administration",
                model=label,
            )
        return response

    model_admin.changelist_view = changelist_view
    model_admin.change_view = change_view


def install(site=admin.site) -> None:
    from samtale.citizens.models import Citizen

    for model, model_admin in site._registry.items():
        if getattr(model_admin, "_samtale_audited", False):
            continue
        has_citizen = any(
            f.name == "citizen" and getattr(f, "related_model", None) is Citizen
            for f in model._meta.concrete_fields
        )
        if model is Citizen or has_citizen:
            _wrap(model_admin)
            model_admin._samtale_audited = True
