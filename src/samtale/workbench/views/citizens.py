"""Borgere: search by name (GET, paginated) or by CPR (POST, never in a URL); the Borgeroverblik;
absences; and "what the citizen sees" — the portal's Min side and Mine møder for a chosen date."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from samtale.citizens import selectors, services
from samtale.core import clock, danish
from samtale.core.errors import DomainError
from samtale.workbench.forms_read import AbsenceAddForm, AbsenceEndForm, CprSearchForm, SeesForm
from samtale.workbench.presenters import citizen_sees as sees_presenter
from samtale.workbench.presenters.citizens import citizen_overview
from samtale.workbench.views.common import form_error, page, workbench_view


def _page_number(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


def _search_page(request, *, cpr_form=None, status=200):
    q = " ".join(request.GET.get("q", "").split())
    result = None
    if q:
        result = selectors.citizens_search(
            request.actor, q, page=_page_number(request.GET.get("side")), purpose="søgning på navn"
        )
    response = page(
        request,
        "workbench/citizens.html",
        "citizens",
        q=q,
        result=result,
        cpr_form=cpr_form or CprSearchForm(),
    )
    response.status_code = status
    return response


@workbench_view
@require_GET
def citizens(request):
    """Borgere: search by (part of) a name within my jobcenters, 25 a page."""
    return _search_page(request)


@workbench_view
@require_POST
def citizen_cpr_search(request):
    """Find one citizen by CPR number; straight to the overview when found."""
    form = CprSearchForm(request.POST)
    if form.is_valid():
        try:
            citizen = selectors.citizen_find_by_cpr(request.actor, form.cleaned_data["cpr"])
        except DomainError as error:
            form.add_error("cpr", error.message)  # the form's only field, also for "not found"
        else:
            return redirect("workbench:citizen", citizen_id=citizen.public_id)
    # The number typed is not shown again (it stays out of the page once it has been searched).
    form.data = form.data.copy()
    form.data["cpr"] = ""
    return _search_page(request, cpr_form=form, status=422)


@workbench_view
@require_GET
def citizen(request, citizen_id):
    """Borgeroverblik."""
    citizen = selectors.citizen_get(request.actor, citizen_id, purpose="borgeroverblik")
    return _overview(request, citizen)


def _overview(request, citizen, *, status: int = 200, **forms):
    """The Borgeroverblik; with a form that failed (status 422) shown with its errors in place."""
    today = clock.today()
    response = page(
        request,
        "workbench/citizen.html",
        "citizens",
        citizen=citizen,
        today=today,
        overview=citizen_overview(request.actor, citizen, today=today, now=clock.now()),
        **{
            "absence_form": AbsenceAddForm(initial={"start_date": today}),
            "end_form": AbsenceEndForm(initial={"end_date": today}),
            **forms,
        },
    )
    response.status_code = status
    return response


@workbench_view
@require_POST
def absence_add(request, citizen_id):
    actor = request.actor
    citizen = selectors.citizen_get(actor, citizen_id, purpose="fravær")
    form = AbsenceAddForm(request.POST)
    if form.is_valid():
        try:
            absence = services.absence_register(actor=actor, citizen=citizen, **form.cleaned_data)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                f"Fraværet ({absence.absence_type.label}) er registreret. Borgeren får ikke tilbudt "
                "ledige tider i perioden.",
            )
            return redirect("workbench:citizen", citizen_id=citizen.public_id)
    return _overview(request, citizen, status=422, absence_form=form)


@workbench_view
@require_POST
def absence_end(request, citizen_id, absence_id):
    actor = request.actor
    citizen = selectors.citizen_get(actor, citizen_id, purpose="fravær")
    form = AbsenceEndForm(request.POST)
    if form.is_valid():
        try:
            absence = services.absence_end(
                actor=actor, citizen=citizen, absence_id=absence_id, end_date=form.cleaned_data["end_date"]
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                f"Fraværet ({absence.absence_type.label}) slutter {danish.danish_date(absence.end_date)}.",
            )
            return redirect("workbench:citizen", citizen_id=citizen.public_id)
    return _overview(request, citizen, status=422, end_form=form, end_absence=str(absence_id))


@workbench_view
@require_GET
def citizen_sees(request, citizen_id):
    """What the citizen sees on Min side and Mine møder on a chosen date (default today)."""
    actor = request.actor
    citizen = selectors.citizen_get(actor, citizen_id, purpose="borgerens visning")
    form = SeesForm(request.GET or None)
    day: date = clock.today()
    if form.is_valid() and form.cleaned_data.get("dato"):
        day = form.cleaned_data["dato"]
    return page(
        request,
        "workbench/citizen_sees.html",
        "citizens",
        citizen=citizen,
        form=form,
        view=sees_presenter.what_the_citizen_sees(actor, citizen, day),
    )
