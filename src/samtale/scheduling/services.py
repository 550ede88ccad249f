"""Writes for meeting offers and free times (mødetilbud, ledige tider)."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db import connections, router, transaction
from django.db.models import F, Q

from samtale.codes.models import ContactForm, ContactGroup, ConversationType
from samtale.codes.selectors import get_code
from samtale.core import audit, clock, prepared
from samtale.core.actors import Actor
from samtale.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from samtale.core.validation import check_event_times
from samtale.organisations.models import Caseworker, Jobcenter
from samtale.scheduling import rules
from samtale.scheduling.models import MeetingForm, MeetingOffer, Slot, SlotStatus, WeeklySchedule

MAX_CAPACITY = 500


def _check_jobcenter(actor: Actor, jobcenter: Jobcenter) -> None:
    if actor.kind == "caseworker" and jobcenter.pk not in actor.jobcenter_ids:
        raise NotFound("Jobcentret findes ikke.", code="jobcenter_not_found")
    if actor.kind not in ("caseworker", "admin", "system"):
        raise Forbidden()


def _jobcenter(actor: Actor, jobcenter: Jobcenter | str | None) -> Jobcenter:
    if isinstance(jobcenter, Jobcenter):
        target = jobcenter
    elif jobcenter:
        target = Jobcenter.objects.filter(code=str(jobcenter)).first()
        if target is None:
            raise InvalidInput(
                f"Ukendt jobcenter: {jobcenter!s:.20}.", code="unknown_jobcenter", field="jobcenter"
            )
    elif actor.kind == "caseworker" and len(actor.jobcenter_ids) == 1:
        target = Jobcenter.objects.get(pk=next(iter(actor.jobcenter_ids)))
    else:
        raise InvalidInput("Jobcenter skal udfyldes.", code="missing_field", field="jobcenter")
    _check_jobcenter(actor, target)
    return target


def caseworker_for(actor: Actor, jobcenter: Jobcenter, caseworker: Caseworker | str | None) -> Caseworker:
    """The caseworker who holds the meetings: given by ident, or the acting caseworker. Must work for
    the jobcenter."""
    if isinstance(caseworker, Caseworker):
        found = caseworker
    elif caseworker:
        found = Caseworker.objects.filter(ident=str(caseworker), active=True).first()
        if found is None:
            raise InvalidInput(
                f"Ukendt sagsbehandler: {caseworker!s:.50}.", code="unknown_caseworker", field="caseworker"
            )
    elif actor.caseworker is not None:
        found = actor.caseworker
    else:
        raise InvalidInput("Sagsbehandler skal udfyldes.", code="missing_field", field="caseworker")
    if not found.jobcenters.filter(pk=jobcenter.pk).exists():
        raise InvalidInput(
            "Sagsbehandleren arbejder ikke for jobcentret.",
            code="caseworker_not_in_jobcenter",
            field="caseworker",
        )
    return found


def _code_list(model, codes, field: str) -> list:
    if not codes:
        raise InvalidInput("Der skal vælges mindst én.", code="missing_field", field=field)
    return [get_code(model, c, field=field) for c in dict.fromkeys(codes)]


def _offer_values(
    *,
    title,
    conversation_type,
    contact_forms,
    contact_groups,
    meeting_form,
    address,
    phone_to_call,
    rebooking_cutoff_hours,
    cancellation_cutoff_hours,
    min_notice_hours,
    location="",
    description="",
    video_link="",
) -> dict:
    """The checked values of an offer (create and update alike)."""
    title = (title or "").strip()
    if not title:
        raise InvalidInput("Titel skal udfyldes.", code="missing_field", field="title")
    if meeting_form not in MeetingForm.values:
        raise InvalidInput(
            "Mødeform skal være individual eller joint.", code="invalid_meeting_form", field="meeting_form"
        )
    ctype = (
        conversation_type
        if isinstance(conversation_type, ConversationType)
        else get_code(ConversationType, conversation_type, field="conversation_type")
    )
    forms = _code_list(ContactForm, contact_forms, "contact_forms")
    groups = _code_list(ContactGroup, contact_groups, "contact_groups")
    for value, field in (
        (rebooking_cutoff_hours, "rebooking_cutoff_hours"),
        (cancellation_cutoff_hours, "cancellation_cutoff_hours"),
        (min_notice_hours, "min_notice_hours"),
    ):
        if value is None or value < 0 or value > 24 * 60:
            raise InvalidInput("Antal timer skal være mellem 0 og 1440.", code="invalid_hours", field=field)
    address, phone_to_call = (address or "").strip(), (phone_to_call or "").strip()
    location, description, video_link = (
        (location or "").strip(),
        (description or "").strip(),
        (video_link or "").strip(),
    )
    # R-PC-2 at the source: every booking copies these from the offer (§ 20 nr. 5, 7–9).
    for value, field, what in (
        (location, "location", "en lokation (§ 20 nr. 5)"),
        (description, "description", "en beskrivelse (§ 20 nr. 9)"),
    ):
        if not value:
            raise InvalidInput(
                f"Mødetilbuddet skal have {what}.", code=f"{field}_required", rule="R-PC-2", field=field
            )
    if any(f.video for f in forms) and not video_link:
        raise InvalidInput(
            "Et digitalt møde kræver et link til mødet.",
            code="video_link_required",
            rule="R-PC-2",
            field="video_link",
        )
    if any(f.personal_attendance for f in forms) and not address:
        raise InvalidInput(
            "Personligt fremmøde kræver en adresse.", code="address_required", rule="R-PC-2", field="address"
        )
    if phone_to_call:
        from samtale.citizens.services import normalise_phone

        phone_to_call = normalise_phone(phone_to_call)
    if any(f.by_phone for f in forms) and not phone_to_call:
        raise InvalidInput(
            "Telefonmøder, hvor borgeren ringer op, kræver et telefonnummer.",
            code="phone_to_call_required",
            rule="R-PC-2",
            field="phone_to_call",
        )
    return {
        "title": title,
        "conversation_type": ctype,
        "contact_forms": forms,
        "contact_groups": groups,
        "meeting_form": meeting_form,
        "address": address,
        "phone_to_call": phone_to_call,
        "rebooking_cutoff_hours": rebooking_cutoff_hours,
        "cancellation_cutoff_hours": cancellation_cutoff_hours,
        "min_notice_hours": min_notice_hours,
        "location": location,
        "description": description,
        "video_link": video_link,
    }


CHECKED_OFFER_FIELDS = (
    "title",
    "conversation_type",
    "contact_forms",
    "contact_groups",
    "meeting_form",
    "address",
    "phone_to_call",
    "rebooking_cutoff_hours",
    "cancellation_cutoff_hours",
    "min_notice_hours",
    "location",
    "description",
    "video_link",
)
OFFER_FIELDS = (
    "title",
    "description",
    "conversation_type",
    "contact_forms",
    "contact_groups",
    "meeting_form",
    "location",
    "address",
    "phone_to_call",
    "video_link",
    "fulfils_deadline",
    "rebooking_allowed",
    "rebooking_cutoff_hours",
    "cancellation_allowed",
    "cancellation_cutoff_hours",
    "min_notice_hours",
    "caseworker_visible",
    "active",
)


@transaction.atomic
def offer_update(*, actor: Actor, offer: MeetingOffer, **changes) -> MeetingOffer:
    """Change an offer, checked as on creation (R-PC-2 at the source). Only future bookings made from
    now on copy the new values; planned conversations keep theirs (change them one by one, R-PC-7)."""
    _check_jobcenter(actor, offer.jobcenter)
    unknown = sorted(set(changes) - set(OFFER_FIELDS))
    if unknown:
        raise InvalidInput(f"Ukendt felt: {unknown[0]!s:.40}.", code="unknown_field", field=unknown[0])
    offer = MeetingOffer.objects.select_for_update().get(pk=offer.pk)
    current = {
        name: getattr(offer, name) for name in OFFER_FIELDS if name not in ("contact_forms", "contact_groups")
    }
    current["contact_forms"] = [f.code for f in offer.contact_forms.all()]
    current["contact_groups"] = [g.code for g in offer.contact_groups.all()]
    merged = {**current, **changes}
    checked = _offer_values(**{k: merged[k] for k in CHECKED_OFFER_FIELDS})
    forms, groups = checked.pop("contact_forms"), checked.pop("contact_groups")
    values = {k: merged[k] for k in OFFER_FIELDS if k not in CHECKED_OFFER_FIELDS}
    values.update(checked)
    for name, value in values.items():
        setattr(offer, name, value)
    offer.save()
    offer.contact_forms.set(forms)
    offer.contact_groups.set(groups)
    audit.record(
        actor, "offer.update", None, purpose="mødetilbud", offer=str(offer.public_id), changed=sorted(changes)
    )
    return offer


@transaction.atomic
def offer_create(
    *,
    actor: Actor,
    title: str,
    conversation_type: int | ConversationType,
    contact_forms: list,
    contact_groups: list,
    jobcenter: Jobcenter | str | None = None,
    description: str = "",
    meeting_form: str = MeetingForm.INDIVIDUAL,
    location: str = "",
    address: str = "",
    phone_to_call: str = "",
    video_link: str = "",
    fulfils_deadline: bool = True,
    rebooking_allowed: bool = True,
    rebooking_cutoff_hours: int = 24,
    cancellation_allowed: bool = True,
    cancellation_cutoff_hours: int = 24,
    min_notice_hours: int = 2,
    caseworker_visible: bool = True,
    active: bool = True,
) -> MeetingOffer:
    target = _jobcenter(actor, jobcenter)
    values = _offer_values(
        title=title,
        conversation_type=conversation_type,
        contact_forms=contact_forms,
        contact_groups=contact_groups,
        meeting_form=meeting_form,
        address=address,
        phone_to_call=phone_to_call,
        rebooking_cutoff_hours=rebooking_cutoff_hours,
        cancellation_cutoff_hours=cancellation_cutoff_hours,
        min_notice_hours=min_notice_hours,
        location=location,
        description=description,
        video_link=video_link,
    )
    forms, groups = values.pop("contact_forms"), values.pop("contact_groups")
    offer = MeetingOffer.objects.create(
        jobcenter=target,
        fulfils_deadline=fulfils_deadline,
        rebooking_allowed=rebooking_allowed,
        cancellation_allowed=cancellation_allowed,
        caseworker_visible=caseworker_visible,
        active=active,
        **values,
    )
    offer.contact_forms.set(forms)
    offer.contact_groups.set(groups)
    audit.record(actor, "offer.create", None, purpose="mødetilbud", offer=str(offer.public_id))
    return offer


def check_meeting_time(jobcenter: Jobcenter, start: datetime, end: datetime, *, confirmed: bool) -> None:
    """A meeting on a weekend, a public holiday or outside the jobcenter's opening hours: a free time
    is refused; a summons needs the caseworker's explicit confirmation (`confirmed`)."""
    reason = rules.unusual_time_reason(start, end, opens=jobcenter.opens_at, closes=jobcenter.closes_at)
    if reason is None or confirmed:
        return
    raise InvalidInput(
        f"{reason} Bekræft tidspunktet, hvis mødet alligevel skal holdes da.",
        code="unusual_time",
        rule="R-PC-2",
        field="start",
    )


def caseworker_busy(
    caseworker: Caseworker, start: datetime, end: datetime, *, exclude_booking=None, exclude_slot=None
) -> list[tuple[datetime, datetime]]:
    """The caseworker's planned individual meetings and published free times in [start, end)."""
    from samtale.bookings.models import Booking, BookingStatus

    bookings = Booking.objects.filter(
        caseworker=caseworker,
        status=BookingStatus.PLANNED,
        meeting_form=MeetingForm.INDIVIDUAL,
        start__lt=end,
        end__gt=start,
    )
    if exclude_booking is not None:
        bookings = bookings.exclude(pk=exclude_booking.pk)
    slots = Slot.objects.filter(
        caseworker=caseworker, status=SlotStatus.PUBLISHED, start__lt=end, end__gt=start
    )
    if exclude_slot is not None:
        slots = slots.exclude(pk=exclude_slot.pk)
    return [*bookings.values_list("start", "end"), *slots.values_list("start", "end")]


def _check_capacity(offer: MeetingOffer, capacity: int) -> int:
    if capacity is None:
        capacity = 1
    if offer.meeting_form == MeetingForm.INDIVIDUAL and capacity != 1:
        raise InvalidInput(
            "Et individuelt møde har plads til én borger.",
            code="individual_capacity",
            rule="R-PC-5",
            field="capacity",
        )
    if capacity < 1 or capacity > MAX_CAPACITY:
        raise InvalidInput(
            f"Antal pladser skal være mellem 1 og {MAX_CAPACITY}.",
            code="invalid_capacity",
            rule="R-PC-5",
            field="capacity",
        )
    return capacity


@transaction.atomic
def slot_create(
    *,
    actor: Actor,
    offer: MeetingOffer,
    start: datetime,
    end: datetime,
    capacity: int = 1,
    caseworker: Caseworker | str | None = None,
) -> Slot:
    """One free time. Not in the past, not on top of the caseworker's other meetings or free times."""
    _check_jobcenter(actor, offer.jobcenter)
    rules.check_times(start, end)
    check_event_times(start=start, end=end)
    if start <= clock.now():
        raise InvalidInput("En ledig tid kan ikke ligge i fortiden.", code="slot_in_past", field="start")
    reason = rules.unusual_time_reason(
        start, end, opens=offer.jobcenter.opens_at, closes=offer.jobcenter.closes_at
    )
    if reason:
        raise InvalidInput(
            f"{reason} Ledige tider kan kun udstilles på hverdage i jobcentrets åbningstid.",
            code="unusual_time",
            rule="R-PC-2",
            field="start",
        )
    capacity = _check_capacity(offer, capacity)
    holder = caseworker_for(actor, offer.jobcenter, caseworker)
    Caseworker.objects.select_for_update().filter(pk=holder.pk).first()  # one schedule writer per caseworker
    if caseworker_busy(holder, start, end):
        raise Conflict(
            "Sagsbehandleren har allerede et møde eller en ledig tid i det tidsrum.",
            code="caseworker_busy",
            field="start",
        )
    slot = Slot.objects.create(offer=offer, caseworker=holder, start=start, end=end, capacity=capacity)
    audit.record(actor, "slot.create", None, purpose="ledig tid", slot=str(slot.public_id))
    return slot


@transaction.atomic
def schedule_create(
    *,
    actor: Actor,
    offer: MeetingOffer,
    weekdays: list[int],
    day_start: time,
    day_end: time,
    duration_minutes: int,
    date_from: date,
    date_to: date,
    capacity: int = 1,
    caseworker: Caseworker | str | None = None,
) -> tuple[WeeklySchedule, list[Slot], dict[str, int]]:
    """A weekly schedule and the free times it makes, skipping Danish public holidays and the
    caseworker's existing meetings and free times."""
    _check_jobcenter(actor, offer.jobcenter)
    capacity = _check_capacity(offer, capacity)
    holder = caseworker_for(actor, offer.jobcenter, caseworker)
    Caseworker.objects.select_for_update().filter(pk=holder.pk).first()
    if date_from is None or date_to is None:
        raise InvalidInput("Periode skal udfyldes.", code="missing_field", field="date_from")
    check_event_times(date_from=date_from, date_to=date_to)
    _check_schedule_in_opening_hours(offer.jobcenter, weekdays, day_start, day_end)
    busy = caseworker_busy(holder, clock.start_of_day(date_from), clock.end_of_day(date_to))
    times, skipped = rules.expand_schedule(
        weekdays=weekdays,
        day_start=day_start,
        day_end=day_end,
        duration_minutes=duration_minutes,
        date_from=date_from,
        date_to=date_to,
        busy=busy,
        not_before=clock.now(),
    )
    schedule = WeeklySchedule.objects.create(
        offer=offer,
        caseworker=holder,
        weekdays=sorted(set(weekdays)),
        day_start=day_start,
        day_end=day_end,
        duration_minutes=duration_minutes,
        capacity=capacity,
        date_from=date_from,
        date_to=date_to,
        created_by=actor.label,
    )
    slots = Slot.objects.bulk_create(
        [
            Slot(offer=offer, caseworker=holder, schedule=schedule, start=s, end=e, capacity=capacity)
            for s, e in times
        ]
    )
    audit.record(actor, "schedule.create", None, purpose="ugeskema", slots=len(slots), **skipped)
    return schedule, slots, skipped


def _check_schedule_in_opening_hours(jobcenter: Jobcenter, weekdays, day_start: time, day_end: time) -> None:
    """Free times only on weekdays inside the jobcenter's opening hours (public holidays are skipped)."""
    if any(d in rules.WEEKEND for d in weekdays or [] if isinstance(d, int)):
        raise InvalidInput(
            "Ledige tider kan ikke udstilles lørdag eller søndag.",
            code="unusual_time",
            rule="R-PC-2",
            field="weekdays",
        )
    if day_start and day_end and (day_start < jobcenter.opens_at or day_end > jobcenter.closes_at):
        raise InvalidInput(
            "Ledige tider skal ligge i jobcentrets åbningstid "
            f"({jobcenter.opens_at:%H.%M}–{jobcenter.closes_at:%H.%M}).",
            code="unusual_time",
            rule="R-PC-2",
            field="day_start",
        )


def slot_take_place(slot: Slot) -> None:
    """R-PC-5: take one place with a conditional UPDATE; zero rows means full (or withdrawn).
    The statement is `filter(pk=…, status=PUBLISHED, booked__lt=F("capacity")).update(booked=F("booked")
    + 1)` written once: it runs in every booking of a rush."""
    connection = connections[router.db_for_write(Slot)]
    qn = connection.ops.quote_name
    pk, status, booked, capacity = (
        qn(Slot._meta.get_field(name).column) for name in ("id", "status", "booked", "capacity")
    )
    sql = (
        f"UPDATE {qn(Slot._meta.db_table)} SET {booked} = {booked} + 1 "  # noqa: S608
        f"WHERE {pk} = %s AND {status} = %s AND {booked} < {capacity}"
    )
    with connection.cursor() as cursor:
        prepared.execute(connection, cursor, sql, [slot.pk, SlotStatus.PUBLISHED.value])
        taken = cursor.rowcount
    if not taken:
        raise Conflict(
            "Tiden er desværre optaget. Vælg en anden tid.", code="slot_full", rule="R-PC-5", field="slot"
        )


def slot_release_place(slot: Slot) -> None:
    Slot.objects.filter(pk=slot.pk, booked__gt=0).update(booked=F("booked") - 1)


@transaction.atomic
def slot_withdraw(
    *, actor: Actor, slot: Slot, cancel_bookings: bool = False, reason: str | None = None
) -> Slot:
    """Withdraw a free time. With bookings it is refused unless the caller asks to cancel them, with a
    reason (each cancellation is reported, R-PC-7)."""
    _check_jobcenter(actor, slot.offer.jobcenter)
    from samtale.bookings.models import Booking, BookingStatus
    from samtale.citizens.services import citizen_lock

    # Lock order as in the booking services: citizens first, then the slot (no deadlock with a
    # citizen who is booking or cancelling this slot at the same moment).
    holders = Booking.objects.filter(slot=slot, status=BookingStatus.PLANNED).values_list(
        "citizen_id", flat=True
    )
    if cancel_bookings and reason:
        for citizen_id in sorted(set(holders)):
            citizen_lock(citizen_id)
    slot = Slot.objects.select_for_update().get(pk=slot.pk)
    if slot.status == SlotStatus.WITHDRAWN:
        return slot
    booked = list(Booking.objects.filter(slot=slot, status=BookingStatus.PLANNED).select_related("citizen"))
    if booked and not cancel_bookings:
        raise Conflict(
            f"Tiden har {len(booked)} booking(er). Aflys dem (med en årsag) eller flyt dem først.",
            code="slot_has_bookings",
        )
    if booked and not reason:
        raise InvalidInput(
            "Angiv en aflysningsårsag for de bookinger, der aflyses.",
            code="missing_reason",
            rule="R-PC-3",
            field="reason",
        )
    # Withdraw first, so no one books the time while its bookings are being cancelled.
    Slot.objects.filter(pk=slot.pk).update(status=SlotStatus.WITHDRAWN)
    if booked:
        from samtale.bookings.services import booking_cancel

        for booking in booked:
            booking_cancel(actor=actor, booking=booking, reason=reason)
    slot.refresh_from_db()
    audit.record(
        actor, "slot.withdraw", None, purpose="ledig tid", slot=str(slot.public_id), cancelled=len(booked)
    )
    return slot


def offers_q_for(actor: Actor) -> Q:
    if actor.sees_all_jobcenters:
        return Q()
    if actor.kind == "caseworker":
        return Q(jobcenter_id__in=actor.jobcenter_ids)
    return Q(pk__in=[])
