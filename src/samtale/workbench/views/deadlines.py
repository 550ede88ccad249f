"""Frister: set a deadline (R-DL-1 … R-DL-3, R-DL-11, R-DL-12, R-DL-17) with a live preview of its
horizon and warnings, and close one with a reason. The preview and the write run the same check
(deadlines.services.deadline_assess); an R-DL-11 refusal links to moving the conversation instead."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from samtale.citizens.selectors import citizen_get
from samtale.core import clock
from samtale.core.danish import danish_date
from samtale.core.errors import DomainError
from samtale.deadlines.selectors import deadline_get, deadline_open_for
from samtale.deadlines.services import deadline_close as close_deadline
from samtale.deadlines.services import deadline_create
from samtale.workbench.forms import DeadlineCloseForm, DeadlineForm
from samtale.workbench.presenters import write as p
from samtale.workbench.views.common import form_error, page, workbench_view


def _created_text(deadline, warnings) -> str:
    if deadline.status == "fulfilled":
        return (
            f"Fristen {danish_date(deadline.deadline_date)} er sat og er allerede indfriet af den planlagte "
            "samtale (R-DL-3)."
        )
    if deadline.status == "not_activated":
        return f"Fristen {danish_date(deadline.deadline_date)} er sat; borgeren ser den fra {danish_date(deadline.activation_date)}."
    return f"Fristen {danish_date(deadline.deadline_date)} er sat."


@workbench_view
@require_http_methods(["GET", "POST"])
def deadline_new(request, citizen_id):
    actor = request.actor
    citizen = citizen_get(actor, citizen_id, purpose="frist")
    live = request.method == "GET" and "forhaandsvisning" in request.GET
    form = DeadlineForm(request.POST or None)
    refusal_booking = None
    if request.method == "POST" and form.is_valid():
        mark = p.outbox_mark(citizen)
        try:
            deadline, warnings = deadline_create(actor=actor, citizen=citizen, **form.service_kwargs())
        except DomainError as error:
            form_error(form, error)
            refusal_booking = getattr(error, "booking", None)
        else:
            messages.success(request, p.told(citizen, mark, _created_text(deadline, warnings)))
            for warning in warnings:
                messages.warning(request, warning)
            return redirect("workbench:citizen", citizen_id=citizen.public_id)
    preview = None
    if live:
        # htmx (or a plain GET with the fields): the preview only, from the same check the write runs.
        form = probe = DeadlineForm(request.GET)
        if probe.is_valid():
            preview = p.deadline_preview(citizen, probe.service_kwargs())
            refusal_booking = getattr(preview.error, "booking", None) if preview else None
    elif form.is_bound and form.is_valid():
        preview = p.deadline_preview(citizen, form.service_kwargs())
    context = {
        "citizen": citizen,
        "form": form,
        "preview": preview,
        "refusal_booking": refusal_booking,
        "current": deadline_open_for(citizen, clock.today()),
    }
    if live and request.headers.get("HX-Request") == "true":
        return page(request, "workbench/_deadline_preview.html", "citizens", **context)
    return page(request, "workbench/deadline_new.html", "citizens", **context)


@workbench_view
@require_http_methods(["GET", "POST"])
def deadline_close(request, deadline_id):
    actor = request.actor
    deadline = deadline_get(actor, deadline_id)
    form = DeadlineCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            close_deadline(actor=actor, deadline=deadline, reason=form.cleaned_data["reason"])
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                f"Fristen {danish_date(deadline.deadline_date)} er lukket. Borgeren ser den ikke længere på "
                "Min side og får ingen påmindelser om den.",
            )
            return redirect("workbench:citizen", citizen_id=deadline.citizen.public_id)
    return page(
        request,
        "workbench/deadline_close.html",
        "citizens",
        deadline=deadline,
        citizen=deadline.citizen,
        form=form,
    )
