"""Registrér afholdt samtale (§ 27): the registration pre-filled from the planned conversation, with the
next deadline in the same submission (R-HC-10); a correction is a new version with its reason (R-HC-9),
and the page of a held conversation shows every version. conversations.services decides everything."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods

from samtale.bookings.selectors import booking_get
from samtale.citizens.selectors import citizen_get, contact_group_on
from samtale.conversations.selectors import held_conversation_get, held_conversation_versions
from samtale.conversations.services import held_conversation_correct, held_conversation_register
from samtale.core import clock
from samtale.core.danish import danish_date
from samtale.core.errors import DomainError
from samtale.workbench.forms import HeldCorrectForm, HeldForm, held_field
from samtale.workbench.presenters import write as p
from samtale.workbench.views.common import form_error, page, workbench_view


def _initial(booking, citizen) -> dict:
    now = clock.local(clock.now())
    initial = {"held_day": now.date(), "held_time": now.time().replace(second=0, microsecond=0)}
    if booking is not None:
        start = clock.local(booking.start)
        initial.update(
            held_day=start.date(),
            held_time=start.time(),
            conversation_type=str(booking.conversation_type.code),
            contact_form=booking.contact_form.code,
            participation_status="",
        )
        if booking.akasse_expected and citizen.akasse_id:
            initial["p0_name"] = citizen.akasse.name
            initial["p0_role"] = "akassekonsulent"
            initial["p0_form"] = "personligt"
    return initial


@workbench_view
@require_http_methods(["GET", "POST"])
def held_new(request, citizen_id):
    actor = request.actor
    citizen = citizen_get(actor, citizen_id, purpose="registrering af afholdt samtale")
    booking_id = request.POST.get("booking") or request.GET.get("booking")
    booking = booking_get(actor, booking_id) if booking_id else None
    if booking is not None and booking.citizen_id != citizen.pk:
        booking = None
    group = contact_group_on(citizen, clock.today())
    form = HeldForm(request.POST or None, initial=_initial(booking, citizen), group=group)
    if request.method == "POST" and form.is_valid():
        mark = p.outbox_mark(citizen)
        try:
            result = held_conversation_register(
                actor=actor, citizen=citizen, booking=booking, **form.register_kwargs()
            )
        except DomainError as error:
            form_error(form, error, held_field)
        else:
            hc = result.held_conversation
            what = f"Samtalen er registreret som afholdt (kontaktnummer {hc.contact_number})."
            if result.deadline is not None:
                what += f" Næste frist er {danish_date(result.deadline.deadline_date)}."
            messages.success(request, p.told(citizen, mark, what))
            for warning in result.deadline_warnings:
                messages.warning(request, warning)
            return redirect("workbench:held", conversation_id=hc.public_id)
    return page(
        request,
        "workbench/held_new.html",
        "citizens",
        citizen=citizen,
        booking=booking,
        when=p.when(booking.start, booking.end) if booking else None,
        form=form,
        group=group,
        follows=p.follows(),
    )


@workbench_view
@require_GET
def held(request, conversation_id):
    hc = held_conversation_get(request.actor, conversation_id)
    versions = held_conversation_versions(hc)
    return page(
        request,
        "workbench/held.html",
        "citizens",
        held=hc,
        citizen=hc.citizen,
        versions=versions,
        current=versions[-1] if versions else hc,
    )


# Which correctable field each form field feeds (conversations.services.CORRECTABLE).
CORRECTS = {
    "held_day": "held_at",
    "held_time": "held_at",
    "agreement_text": "agreement",
    "agreement_binding": "agreement",
}


def _changed(form) -> dict:
    """Only what the caseworker changed, so the new version's report names just that."""
    data = form.service_kwargs()
    names = {
        CORRECTS.get(f, "participants" if f[:1] == "p" and f[1:2].isdigit() else f) for f in form.changed_data
    }
    return {k: v for k, v in data.items() if k in names}


@workbench_view
@require_http_methods(["GET", "POST"])
def held_correct(request, conversation_id):
    actor = request.actor
    hc = held_conversation_get(actor, conversation_id, purpose="rettelse af afholdt samtale")
    at = clock.local(hc.held_at)
    participants = list(hc.participants.all())
    initial = {
        "held_day": at.date(),
        "held_time": at.time(),
        "conversation_type": str(hc.conversation_type.code),
        "contact_form": hc.contact_form.code,
        "participation_status": hc.participation_status.code if hc.participation_status_id else "",
        "information": hc.information,
        "several_authorities": hc.several_authorities,
        "agreement_text": hc.agreement_text,
        "agreement_binding": ("yes" if hc.agreement_binding else "no") if hc.agreement_text else "",
    }
    for i, person in enumerate(participants[:3]):
        initial.update(
            {f"p{i}_name": person.name, f"p{i}_role": person.role.code, f"p{i}_form": person.form.code}
        )
    form = HeldCorrectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = _changed(form)
        try:
            new = held_conversation_correct(
                actor=actor, held_conversation=hc, reason=form.cleaned_data["reason"], **changes
            )
        except DomainError as error:
            form_error(form, error, held_field)
        else:
            messages.success(
                request,
                f"Rettelsen er gemt som version {new.version}. Den indberettes; borgeren får ingen besked om den.",
            )
            return redirect("workbench:held", conversation_id=new.public_id)
    return page(
        request,
        "workbench/held_correct.html",
        "citizens",
        held=hc,
        citizen=hc.citizen,
        form=form,
        follows=p.follows(),
    )
