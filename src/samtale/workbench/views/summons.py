"""Indkald: the caseworker summons a citizen (§ 20) into one of their free times or at a time of their
calendar. `booking_summon` decides everything (R-PC-1/2/4, clashes, unusual times); "Vis besked" runs it
in a rolled-back transaction to show what the citizen will receive."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from samtale.bookings.services import booking_summon
from samtale.citizens.selectors import citizen_get, jobcenter_on
from samtale.core import clock
from samtale.core.errors import DomainError
from samtale.workbench.forms import SummonForm
from samtale.workbench.presenters import write as p
from samtale.workbench.views.common import form_error, page, workbench_view

# The service's field names → the form's.
SUMMON_FIELDS = {"start": "start_time", "end": "end_time"}


@workbench_view
@require_http_methods(["GET", "POST"])
def summon(request, citizen_id):
    actor = request.actor
    citizen = citizen_get(actor, citizen_id, purpose="indkaldelse")
    jobcenter = jobcenter_on(citizen, clock.today())
    slots = p.my_free_slots(actor, citizen, jobcenter)
    form = SummonForm(request.POST or None, slots=slots, initial={"slot": ""})
    preview, unusual = None, False
    if request.method == "POST" and form.is_valid():
        kwargs = form.service_kwargs()
        if form.cleaned_data.get("slot"):
            kwargs["slot"] = form.slots[form.cleaned_data["slot"]]
        try:
            if "preview" in request.POST:
                preview = p.citizen_messages(
                    p.SUMMONS, p.dry_run(booking_summon, actor=actor, citizen=citizen, **kwargs)
                )
            else:
                mark = p.outbox_mark(citizen)
                booking = booking_summon(actor=actor, citizen=citizen, **kwargs)
                what = f"{citizen.name} er indkaldt til {booking.title.lower()} {p.when(booking.start, booking.end)}."
                messages.success(request, p.told(citizen, mark, what))
                return redirect("workbench:booking", booking_id=booking.public_id)
        except DomainError as error:
            unusual = error.code == "unusual_time"
            form_error(form, error, SUMMON_FIELDS)
    return page(
        request,
        "workbench/summon.html",
        "citizens",
        citizen=citizen,
        jobcenter=jobcenter,
        form=form,
        preview=preview,
        unusual=unusual or bool(form.data.get("confirm_unusual_time")),
        follows=p.follows(),
    )
