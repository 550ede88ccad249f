"""Mødetilbud og ledige tider: the jobcenter's offers, creating and changing them, weekly schedules with a
preview of the free times they will make (scheduling.services.schedule_create run in a rolled-back
transaction: holidays, clashes and the past skipped by its own rules), single free times, and
withdrawing a free time (its bookings are cancelled and the citizens told, R-PC-7)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods

from samtale.core import clock
from samtale.core.errors import DomainError
from samtale.scheduling import services
from samtale.scheduling.selectors import offer_get, offer_slots, offers_with_free_times, slot_get
from samtale.workbench.forms import OfferForm, ScheduleForm, SlotForm, SlotWithdrawForm
from samtale.workbench.presenters import write as p
from samtale.workbench.views.common import form_error, page, workbench_view

SOON_DAYS = 14
SLOT_FIELDS = {"start": "start_time", "end": "end_time"}


@workbench_view
@require_GET
def offers(request):
    rows = offers_with_free_times(request.actor, days=SOON_DAYS)
    return page(request, "workbench/offers.html", "offers", offers=rows, soon_days=SOON_DAYS)


@workbench_view
@require_http_methods(["GET", "POST"])
def offer_new(request):
    actor = request.actor
    jobcenters = list(actor.caseworker.jobcenters.order_by("name"))
    form = OfferForm(request.POST or None, jobcenters=jobcenters)
    if request.method == "POST" and form.is_valid():
        try:
            offer = services.offer_create(actor=actor, **form.service_kwargs())
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                f"Mødetilbuddet »{offer.title}« er oprettet. Læg nu ledige tider ud, så borgerne kan booke.",
            )
            return redirect("workbench:offer", offer_id=offer.public_id)
    return page(request, "workbench/offer_form.html", "offers", form=form, offer=None)


@workbench_view
@require_http_methods(["GET", "POST"])
def offer_edit(request, offer_id):
    actor = request.actor
    offer = offer_get(actor, offer_id)
    form = OfferForm(request.POST or None, initial=OfferForm.initial_for(offer))
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_update(actor=actor, offer=offer, **form.changes())
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                "Mødetilbuddet er gemt. Nye bookinger får de nye oplysninger; planlagte samtaler beholder deres.",
            )
            return redirect("workbench:offer", offer_id=offer.public_id)
    return page(request, "workbench/offer_form.html", "offers", form=form, offer=offer)


@workbench_view
@require_GET
def offer(request, offer_id):
    item = offer_get(request.actor, offer_id)
    slots = list(offer_slots(item, date_from=clock.today()).filter(status="published")[:200])
    for s in slots:
        s.when = p.when(s.start, s.end)
    return page(request, "workbench/offer.html", "offers", offer=item, slots=slots)


@workbench_view
@require_http_methods(["GET", "POST"])
def schedule_new(request, offer_id):
    actor = request.actor
    item = offer_get(actor, offer_id)
    form = ScheduleForm(request.POST or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        kwargs = {"actor": actor, "offer": item, **form.service_kwargs()}
        try:
            if "preview" in request.POST:
                _schedule, slots, skipped = p.dry_run(services.schedule_create, **kwargs)
                preview = {
                    "days": p.schedule_days(slots),
                    "count": len(slots),
                    "skipped": p.skipped_text(skipped),
                }
            else:
                _schedule, slots, skipped = services.schedule_create(**kwargs)
                messages.success(
                    request,
                    f"{len(slots)} ledige tider er lagt ud og kan bookes af borgerne nu. {p.skipped_text(skipped)}".strip(),
                )
                return redirect("workbench:offer", offer_id=item.public_id)
        except DomainError as error:
            form_error(form, error)
    return page(
        request,
        "workbench/schedule_new.html",
        "offers",
        offer=item,
        form=form,
        preview=preview,
    )


@workbench_view
@require_http_methods(["GET", "POST"])
def slot_new(request, offer_id):
    actor = request.actor
    item = offer_get(actor, offer_id)
    form = SlotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            slot = services.slot_create(actor=actor, offer=item, **form.service_kwargs())
        except DomainError as error:
            form_error(form, error, SLOT_FIELDS)
        else:
            messages.success(
                request, f"Den ledige tid {p.when(slot.start, slot.end)} er lagt ud og kan bookes nu."
            )
            return redirect("workbench:offer", offer_id=item.public_id)
    return page(request, "workbench/slot_new.html", "offers", offer=item, form=form)


@workbench_view
@require_http_methods(["GET", "POST"])
def slot_withdraw(request, slot_id):
    actor = request.actor
    slot = slot_get(actor, slot_id)
    booked = slot.booked  # how many citizens hold a place (the count only: no one's data is shown here)
    form = SlotWithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"] or None
        try:
            services.slot_withdraw(actor=actor, slot=slot, cancel_bookings=booked > 0, reason=reason)
        except DomainError as error:
            form_error(form, error)
        else:
            text = f"Den ledige tid {p.when(slot.start, slot.end)} er trukket tilbage."
            if booked:
                text += (
                    f" {booked} borger(e), der havde booket den, har fået samtalen aflyst og får besked om "
                    "det på Min side og på SMS/e-mail efter eget valg."
                )
            messages.success(request, text)
            return redirect("workbench:offer", offer_id=slot.offer.public_id)
    return page(
        request,
        "workbench/slot_withdraw.html",
        "offers",
        slot=slot,
        offer=slot.offer,
        booked=booked,
        when=p.when(slot.start, slot.end),
        form=form,
    )
