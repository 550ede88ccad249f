"""Ret, flyt, aflys and udeblevet on the booking page. The jobcenter may always move or cancel (R-PC-6);
the booking number stays and the history keeps old and new (R-PC-3); each change is reported and the
citizen told (R-PC-7) — all by the bookings services, as through the API."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST

from samtale.bookings import services
from samtale.bookings.selectors import booking_get
from samtale.core.errors import DomainError
from samtale.workbench.forms import BookingCancelForm, BookingChangeForm, MoveForm
from samtale.workbench.presenters import write as p
from samtale.workbench.views.common import form_error, page, workbench_view
from samtale.workbench.views.summons import SUMMON_FIELDS


def _page(request, template, booking, **extra):
    return page(request, template, "citizens", booking=booking, citizen=booking.citizen, **extra)


def _back(booking):
    return redirect("workbench:booking", booking_id=booking.public_id)


@workbench_view
@require_http_methods(["GET", "POST"])
def booking_change(request, booking_id):
    """R-PC-7 "på anden måde ændres": caseworker-facing fields change, the time and number stay."""
    actor = request.actor
    booking = booking_get(actor, booking_id)
    initial = BookingChangeForm.initial_for(booking)
    form = BookingChangeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = form.service_kwargs()
        if not changes:
            messages.info(request, "Intet er ændret.")
            return _back(booking)
        mark = p.outbox_mark(booking.citizen)
        try:
            services.booking_change(actor=actor, booking=booking, **changes)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, p.told(booking.citizen, mark, "Samtalen er ændret."))
            return _back(booking)
    return _page(request, "workbench/booking_change.html", booking, form=form, follows=p.follows())


@workbench_view
@require_http_methods(["GET", "POST"])
def booking_move(request, booking_id):
    actor = request.actor
    booking = booking_get(actor, booking_id)
    slots = [s for s in p.my_free_slots(actor, booking.citizen, booking.jobcenter) if s.pk != booking.slot_id]
    form = MoveForm(request.POST or None, slots=slots)
    preview, unusual = None, bool(form.data.get("confirm_unusual_time"))
    if request.method == "POST" and form.is_valid():
        old_start = booking.start
        try:
            if "preview" in request.POST:
                moved = p.dry_run(
                    services.booking_move, actor=actor, booking=booking, **form.service_kwargs()
                )
                preview = p.citizen_messages(p.MOVED, moved, old_start=old_start)
                booking.refresh_from_db()
            else:
                mark = p.outbox_mark(booking.citizen)
                moved = services.booking_move(actor=actor, booking=booking, **form.service_kwargs())
                what = f"Samtalen {moved.booking_number} er flyttet til {p.when(moved.start, moved.end)}."
                messages.success(request, p.told(booking.citizen, mark, what))
                return _back(booking)
        except DomainError as error:
            unusual = unusual or error.code == "unusual_time"
            form_error(form, error, SUMMON_FIELDS)
    return _page(
        request,
        "workbench/booking_move.html",
        booking,
        form=form,
        preview=preview,
        unusual=unusual,
        when=p.when(booking.start, booking.end),
    )


@workbench_view
@require_http_methods(["GET", "POST"])
def booking_cancel(request, booking_id):
    actor = request.actor
    booking = booking_get(actor, booking_id)
    form = BookingCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        mark = p.outbox_mark(booking.citizen)
        try:
            services.booking_cancel(actor=actor, booking=booking, reason=form.cleaned_data["reason"])
        except DomainError as error:
            form_error(form, error)
        else:
            what = f"Samtalen {p.when(booking.start, booking.end)} er aflyst."
            messages.success(request, p.told(booking.citizen, mark, what))
            return _back(booking)
    return _page(
        request, "workbench/booking_cancel.html", booking, form=form, when=p.when(booking.start, booking.end)
    )


@workbench_view
@require_POST
def booking_no_show(request, booking_id):
    """Udeblivelse: only once the conversation has begun (the service says so otherwise)."""
    actor = request.actor
    booking = booking_get(actor, booking_id)
    try:
        services.booking_mark_no_show(actor=actor, booking=booking)
    except DomainError as error:
        messages.error(request, f"{error.message} ({error.rule})" if error.rule else error.message)
    else:
        messages.success(request, "Udeblivelsen er registreret. Borgeren får ingen besked om det.")
    return _back(booking)
