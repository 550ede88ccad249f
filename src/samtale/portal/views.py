"""The citizen portal: Min side, Mit fravær and Indstillinger. Views only parse the request, call
selectors and services, and render; the rules live in those services (docs/developing.md).
Every view is for the signed-in citizen only and shows only that citizen's own data."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from samtale.citizens.selectors import citizen_profile, jobcenter_on
from samtale.citizens.services import absence_register, absence_withdraw, citizen_update_contact_details
from samtale.core import clock
from samtale.core.errors import DomainError
from samtale.core.identity import citizen_required
from samtale.portal import presenters
from samtale.portal.forms import AbsenceForm, SettingsForm


def _context(request, section: str, **extra) -> dict:
    citizen = request.actor.citizen
    return {
        "citizen": citizen,
        "section": section,
        "jobcenter": jobcenter_on(citizen, clock.today()),
        **extra,
    }


def _form_error(form, error: DomainError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


@never_cache
@citizen_required
def home(request):
    """Min side: the deadline notice on top (R-NT-1 … R-NT-4), then the citizen's coming
    conversations and the held ones."""
    citizen = request.actor.citizen
    today = clock.today()
    return render(
        request,
        "portal/home.html",
        _context(
            request,
            "home",
            profile=citizen_profile(citizen, today),
            notice=presenters.deadline_notice(citizen, today),
            may_book=presenters.may_book(citizen, today),
            upcoming=presenters.upcoming_bookings(request.actor, citizen, clock.now()),
            held=presenters.held_conversations(request.actor, citizen),
        ),
    )


@never_cache
@citizen_required
@require_http_methods(["GET", "POST"])
def settings_view(request):
    """Indstillinger: mobile number, e-mail address and the SMS/e-mail reminders (R-NT-6 sends only
    to those who subscribe)."""
    citizen = request.actor.citizen
    if request.method == "POST":
        form = SettingsForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                citizen_update_contact_details(
                    actor=request.actor,
                    citizen=citizen,
                    phone=data["phone"],
                    email=data["email"],
                    sms_reminders=data["sms_reminders"],
                    email_reminders=data["email_reminders"],
                )
            except DomainError as error:
                _form_error(form, error)
            else:
                messages.success(request, _("Dine indstillinger er gemt."))
                return redirect("portal:settings")
    else:
        form = SettingsForm(
            initial={
                "phone": citizen.phone,
                "email": citizen.email,
                "sms_reminders": citizen.sms_reminders,
                "email_reminders": citizen.email_reminders,
            }
        )
    return render(request, "portal/settings.html", _context(request, "settings", form=form))


@never_cache
@citizen_required
@require_http_methods(["GET", "POST"])
def absence(request):
    """Mit fravær: the citizen registers holiday or sickness; free times in that period are no
    longer offered (R-PC-11, applied by bookings.selectors.bookable_slots)."""
    citizen = request.actor.citizen
    form = AbsenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            absence_register(
                actor=request.actor,
                citizen=citizen,
                absence_type=data["absence_type"],
                start_date=data["start_date"],
                end_date=data["end_date"],
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Dit fravær er registreret."))
            return redirect("portal:absence")
    today = clock.today()
    absences = presenters.own_absences(
        request.actor,
        [a for a in citizen_profile(citizen, today)["absences"] if a.end_date is None or a.end_date >= today],
        today,
    )
    return render(request, "portal/absence.html", _context(request, "absence", form=form, absences=absences))


@never_cache
@citizen_required
@require_http_methods(["POST"])
def absence_withdraw_view(request, absence_id):
    """The citizen removes an absence they registered (not begun yet) or ends it (begun: it ends
    yesterday, so free times from today are offered again)."""
    try:
        ended = absence_withdraw(actor=request.actor, citizen=request.actor.citizen, absence_id=absence_id)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Dit fravær er afsluttet.") if ended is not None else _("Dit fravær er fjernet.")
        )
    return redirect("portal:absence")


@never_cache
@citizen_required
def access_log(request):
    """Hvem har set mine oplysninger: the access log of the citizen's own data (issue 12, item 5)."""
    citizen = request.actor.citizen
    return render(
        request,
        "portal/access_log.html",
        _context(request, "access", accesses=presenters.access_log(citizen)),
    )
