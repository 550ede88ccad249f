"""Writes for planned conversations (SPEC.md § 4): summons, self-booking, rebooking, move, cancel,
no-show, held, seen. Each service runs in one transaction, locks the citizen first (ARCHITECTURE.md
"One citizen at a time"), writes a history row, one report event (R-PC-7/8) and calls the
`BOOKING_CHANGED` hooks inside the same transaction."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from functools import cache
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connections, router, transaction

from samtale.bookings import rules
from samtale.bookings.models import BOOKING_RELATED, Booking, BookingChange, BookingStatus, WhoCalls
from samtale.bookings.selectors import (
    SelfBookingState,
    _open_deadline_family,
    planned_family_bookings,
    self_booking_attempt,
    self_booking_block,
    self_booking_refusal,
    self_booking_state,
    slot_refusal,
)
from samtale.citizens.models import Citizen
from samtale.citizens.selectors import contact_group_on, jobcenter_on
from samtale.citizens.services import citizen_lock
from samtale.codes.models import CancellationReason, ContactForm, ConversationType
from samtale.codes.selectors import get_code
from samtale.core import audit, clock, prepared, throttle
from samtale.core.actors import Actor
from samtale.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from samtale.core.prejoin import Prejoined
from samtale.core.validation import check_event_times
from samtale.organisations.models import Caseworker
from samtale.reporting.services import report
from samtale.scheduling.models import MeetingForm, MeetingOffer, Slot, SlotStatus
from samtale.scheduling.selectors import slot_not_found
from samtale.scheduling.services import (
    caseworker_busy,
    caseworker_for,
    check_meeting_time,
    slot_release_place,
    slot_take_place,
)

# Other apps react here (deadlines R-DL-3/4/8, messaging), registered in their AppConfig.ready():
# hook(actor=..., booking=..., kind=..., old=...) inside the transaction; kind in created, moved,
# rebooked, cancelled, no_show, held; old = the previous {"start", "end", "status"} or None.
BOOKING_CHANGED: list = []

JOBCENTER_KINDS = ("caseworker", "admin", "system")
SUMMONS_FIELDS = {
    "title",
    "description",
    "location",
    "address",
    "phone_to_call",
    "who_calls",
    "citizen_contact",
    "caseworker",
    "caseworker_visible",
    "akasse_expected",
    "akasse_invited",
    "other_authority_summoned",
    "rebooking_allowed",
    "rebooking_cutoff_hours",
    "cancellation_allowed",
    "cancellation_cutoff_hours",
    "meeting_form",
    "video_link",
}
# The booking's own fields a change is told and reported by (old → new in the history row).
CHANGE_TRACKED = (
    "caseworker",
    "caseworker_visible",
    "location",
    "address",
    "contact_form",
    "title",
    "description",
    "video_link",
    "phone_to_call",
    "who_calls",
    "citizen_contact",
    "rebooking_allowed",
    "rebooking_deadline",
    "cancellation_allowed",
    "cancellation_deadline",
    "akasse_expected",
    "akasse_invited",
    "other_authority_summoned",
)
# What booking_change accepts (R-PC-7, § 20 stk. 3): those fields, the cut-offs given as hours before
# the meeting.
CHANGE_FIELDS = {f for f in CHANGE_TRACKED if not f.endswith("_deadline")} | {
    "rebooking_cutoff_hours",
    "cancellation_cutoff_hours",
}


# Helpers --------------------------------------------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def snapshot(booking: Booking) -> dict:
    return {
        "start": _iso(booking.start),
        "end": _iso(booking.end),
        "status": booking.status,
        "slot": str(booking.slot.public_id) if booking.slot_id else None,
        "caseworker": booking.caseworker.ident if booking.caseworker_id else None,
    }


def _tracked(booking: Booking, field: str):
    value = getattr(booking, f"{field}_id" if field in ("caseworker", "contact_form") else field)
    if field == "caseworker":
        return booking.caseworker.ident if value else None
    if field == "contact_form":
        return booking.contact_form.code
    if isinstance(value, datetime):
        return _iso(value)
    return value


def _held_contact_number(booking: Booking) -> str | None:
    """Seed 000 "Afholdt samtale — reference til afholdt samtale": the contact number of the held
    conversation registered for this booking (its current version)."""
    if booking.status != BookingStatus.HELD:
        return None
    return (
        booking.held_conversations.filter(is_current=True)
        .order_by("-version")
        .values_list("contact_number", flat=True)
        .first()
    )


def report_payload(booking: Booking) -> dict[str, Any]:
    """The § 20 data of a planned conversation (seed 000 / seed 003), without personal numbers.
    The conversation type says which code system its code belongs to (R-RP-1): a local code is never
    passed off as a DFDG code."""
    ctype = booking.conversation_type
    return {
        "booking": str(booking.public_id),
        "booking_number": booking.booking_number,
        "status": booking.status,
        "self_booked": booking.self_booked,
        "jobcenter": booking.jobcenter.code,
        "start": _iso(booking.start),
        "end": _iso(booking.end),
        "title": booking.title,
        "description": booking.description,
        "conversation_type": ctype.code,
        "code_system": "dfdg" if ctype.dfdg_code else "local",
        "contact_form": booking.contact_form.code,
        "meeting_form": booking.meeting_form,
        "caseworker": booking.caseworker.ident if booking.caseworker_id else None,
        "caseworker_name": booking.caseworker.name if booking.caseworker_id else None,  # § 20 nr. 10
        "caseworker_visible": booking.caseworker_visible,
        "location": booking.location,
        "address": booking.address,
        "video_link": booking.video_link,
        "citizen_contact": booking.citizen_contact,
        "phone_to_call": booking.phone_to_call,
        "who_calls": booking.who_calls,
        "akasse_expected": booking.akasse_expected,
        "akasse_invited": booking.akasse_invited,
        "other_authority_summoned": booking.other_authority_summoned,
        "rebooking_allowed": booking.rebooking_allowed,
        "rebooking_deadline": _iso(booking.rebooking_deadline),
        "cancellation_allowed": booking.cancellation_allowed,
        "cancellation_deadline": _iso(booking.cancellation_deadline),
        "confirmed_at": _iso(booking.confirmed_at),
        "cancellation_reason": booking.cancellation_reason.code if booking.cancellation_reason_id else None,
        "held_conversation": _held_contact_number(booking),
    }


def _changed(
    actor: Actor,
    booking: Booking,
    kind: str,
    old: dict | None,
    *,
    hook: bool = True,
    new: dict | None = None,
) -> BookingChange:
    """History row, report event (R-PC-7; for the a-kasse too where § 20 stk. 5 applies, R-PC-8),
    audit record and the hooks — all in the caller's transaction."""
    change = BookingChange.objects.create(
        booking=booking,
        at=clock.now(),
        actor=actor.label,
        kind=kind,
        old=old or {},
        new=snapshot(booking) if new is None else new,
    )
    payload = report_payload(booking)
    if old:
        payload["previous"] = old
    report(f"booking.{kind}", citizen=booking.citizen, payload=payload, share_with_akasse=True)
    audit.record(
        actor, f"booking.{kind}", booking.citizen, purpose="planlagt samtale", booking=booking.booking_number
    )
    if hook:
        for fn in BOOKING_CHANGED:
            fn(actor=actor, booking=booking, kind=kind, old=old)
    return change


def _save(booking: Booking, *, create: bool = False, savepoint: bool = True) -> Booking:
    """Insert or update inside a savepoint, so a database constraint (the PostgreSQL exclusion
    constraint on a caseworker's meetings, one place per citizen per slot) becomes a Danish 409.
    `savepoint=False` when the 409 ends the caller's transaction anyway (two round trips fewer)."""
    try:
        with transaction.atomic(savepoint=savepoint):
            if create:
                booking.booking_number = f"T{uuid.uuid4().hex[:19]}"
                booking.save(force_insert=True)
                # Unique and safe under concurrency: the year and the row's own id.
                booking.booking_number = (
                    f"B-{clock.local(booking.created_at or clock.now()).year}-{booking.pk:06d}"
                )
                _set_booking_number(booking)
            else:
                booking.save()
    except IntegrityError as exc:
        text = str(exc)
        if "booking_caseworker_no_overlap" in text:
            raise Conflict(
                "Sagsbehandleren har allerede et møde i det tidsrum.", code="caseworker_busy", field="start"
            ) from None
        if "booking_one_place_per_citizen_per_slot" in text or "bookings_booking.slot_id" in text:
            raise Conflict(
                "Borgeren har allerede booket denne tid.", code="already_booked", rule="R-PC-5", field="slot"
            ) from None
        raise
    return booking


def _set_booking_number(booking: Booking) -> None:
    """`Booking.objects.filter(pk=…).update(booking_number=…)` written once (every booking runs it)."""
    connection = connections[router.db_for_write(Booking)]
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        prepared.execute(
            connection,
            cursor,
            f"UPDATE {qn(Booking._meta.db_table)} SET {qn(Booking._meta.get_field('booking_number').column)} = %s "  # noqa: S608
            f"WHERE {qn(Booking._meta.pk.column)} = %s",
            [booking.booking_number, booking.pk],
        )


def _reject_unknown(fields: dict, known: set[str]) -> None:
    unknown = sorted(set(fields) - known)
    if unknown:
        raise InvalidInput(f"Ukendt felt: {unknown[0]!s:.40}.", code="unknown_field", field=unknown[0])


def _code(model, value, field: str):
    if value is None or isinstance(value, model):
        return value
    return get_code(model, value, field=field)


def _check_scope(actor: Actor, citizen: Citizen) -> None:
    """A caseworker acts only for citizens of their jobcenters; a citizen only for themselves."""
    if actor.kind == "caseworker":
        current = jobcenter_on(citizen, clock.today())
        if current is None or current.pk not in actor.jobcenter_ids:
            raise NotFound("Borgeren findes ikke.", code="citizen_not_found")
    elif actor.kind == "citizen":
        if actor.citizen is None or actor.citizen.pk != citizen.pk:
            raise NotFound("Samtalen findes ikke.", code="booking_not_found")
    elif actor.kind not in ("admin", "system"):
        raise Forbidden()


def _require_jobcenter(actor: Actor) -> None:
    if actor.kind not in JOBCENTER_KINDS:
        raise Forbidden("Kun jobcentret kan dette.", code="jobcenter_only")


def _lock(actor: Actor, booking: Booking) -> tuple[Citizen, Booking]:
    """Scope, lock the citizen, then re-read the booking (its state may have changed while we waited)."""
    _check_scope(actor, booking.citizen)
    citizen = citizen_lock(booking.citizen_id)
    fresh = Booking.objects.select_related(*BOOKING_RELATED).get(pk=booking.pk)
    return citizen, fresh


def _require_planned(booking: Booking) -> None:
    if booking.status != BookingStatus.PLANNED:
        raise Conflict(
            f"Samtalen er ikke længere planlagt (status: {booking.get_status_display().lower()}).",
            code="booking_not_planned",
            rule="R-PC-3",
        )


def _check_one_planned(citizen: Citizen, ctype: ConversationType, *, exclude: Booking | None = None) -> None:
    """R-PC-4 (the citizen is locked, so no one adds one meanwhile). Days that have passed do not count."""
    if not ctype.family:
        return
    today = clock.today()
    others = [
        rules.PlannedFamily(start=b.start, number=b.booking_number)
        for b in planned_family_bookings(citizen, exclude=exclude)
        .filter(start__gte=clock.start_of_day(today))
        .only("start", "booking_number")
    ]
    rules.check_one_planned(family=ctype.family, others=others, today=today)


def _check_slot_for_citizen(
    citizen: Citizen, slot: Slot, *, now: datetime, access: tuple[int | None, bool] | None = None
) -> None:
    """The slot exists for this citizen: published, in the future, an active offer of the citizen's
    current jobcenter for the citizen's current contact group (R-PC-11). `access` is (the citizen's
    current jobcenter id, whether the offer is for their current contact group) when the caller has
    read them already."""
    if slot.status != SlotStatus.PUBLISHED:
        raise Conflict(
            "Tiden er trukket tilbage og kan ikke bookes.",
            code="slot_withdrawn",
            rule="R-PC-11",
            field="slot",
        )
    if slot.start <= now:
        raise InvalidInput("Tiden ligger i fortiden.", code="slot_in_past", rule="R-PC-11", field="slot")
    today = clock.local_date(now)
    offer = slot.offer
    if access is None:
        jobcenter = jobcenter_on(citizen, today)
        jobcenter_id = jobcenter.pk if jobcenter else None
    else:
        jobcenter_id = access[0]
    if jobcenter_id is None or offer.jobcenter_id != jobcenter_id or not offer.active:
        raise InvalidInput(
            "Tiden hører til et andet jobcenter end borgerens.",
            code="slot_other_jobcenter",
            rule="R-PC-11",
            field="slot",
        )
    if access is None:
        group = contact_group_on(citizen, today)
        in_offer = group is not None and offer.contact_groups.filter(pk=group.pk).exists()
    else:
        in_offer = access[1]
    if not in_offer:
        raise InvalidInput(
            "Mødetilbuddet er ikke for borgerens kontaktgruppe.",
            code="slot_other_contact_group",
            rule="R-PC-11",
            field="slot",
        )


def _check_not_full(slot: Slot) -> None:
    """Fail fast on a free time that is already full (read after the citizen lock). Only a shortcut:
    the conditional UPDATE in `slot_take_place` is what guarantees R-PC-5."""
    if slot.booked >= slot.capacity:
        raise Conflict(
            "Tiden er desværre optaget. Vælg en anden tid.", code="slot_full", rule="R-PC-5", field="slot"
        )


def _check_not_holding(citizen: Citizen, slot: Slot, *, exclude: Booking | None = None) -> None:
    qs = Booking.objects.filter(citizen=citizen, slot=slot, status=BookingStatus.PLANNED)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    if qs.exists():
        raise _already_booked()


def _already_booked() -> Conflict:
    return Conflict(
        "Borgeren har allerede booket denne tid.", code="already_booked", rule="R-PC-5", field="slot"
    )


# `offer.contact_forms.all().order_by("id")` written once: every booking reads its offer's forms.
_OFFER_CONTACT_FORMS = Prejoined(
    ContactForm,
    [],
    f"t0.id IN (SELECT o.contactform_id FROM {MeetingOffer.contact_forms.through._meta.db_table} o "  # noqa: S608
    "WHERE o.meetingoffer_id = %s) ORDER BY t0.id",
    ["id"],
)


def _pick_contact_form(slot: Slot, contact_form) -> ContactForm:
    forms = _OFFER_CONTACT_FORMS.all([slot.offer_id])
    if contact_form is None:
        if not forms:
            raise InvalidInput("Mødetilbuddet har ingen kontaktform.", code="offer_without_contact_form")
        return forms[0]
    chosen = _code(ContactForm, contact_form, "contact_form")
    if chosen not in forms:
        raise InvalidInput(
            "Kontaktformen kan ikke vælges til dette mødetilbud.",
            code="contact_form_not_offered",
            field="contact_form",
        )
    return chosen


def _apply_slot(booking: Booking, slot: Slot, contact_form: ContactForm) -> None:
    """Copy what a booking in `slot` gets from its offer (§ 20 nr. 2–12)."""
    offer = slot.offer
    booking.slot, booking.offer = slot, offer
    booking.start, booking.end = slot.start, slot.end
    booking.title, booking.description = offer.title, offer.description
    booking.conversation_type = offer.conversation_type
    booking.contact_form = contact_form
    booking.meeting_form = offer.meeting_form
    booking.caseworker = slot.caseworker
    booking.caseworker_visible = offer.caseworker_visible
    booking.location = offer.location
    booking.address = offer.address if contact_form.personal_attendance else ""
    booking.video_link = offer.video_link if contact_form.video else ""
    booking.phone_to_call = offer.phone_to_call if contact_form.by_phone else ""
    booking.who_calls = (
        (WhoCalls.CITIZEN if offer.phone_to_call else WhoCalls.JOBCENTER) if contact_form.by_phone else ""
    )
    booking.rebooking_allowed = offer.rebooking_allowed
    booking.rebooking_deadline = (
        rules.cutoff(slot.start, offer.rebooking_cutoff_hours) if offer.rebooking_allowed else None
    )
    booking.cancellation_allowed = offer.cancellation_allowed
    booking.cancellation_deadline = (
        rules.cutoff(slot.start, offer.cancellation_cutoff_hours) if offer.cancellation_allowed else None
    )
    if offer.conversation_type.requires_akasse_status and booking.akasse_expected is None:
        booking.akasse_expected, booking.akasse_invited = True, True


def _check_contact_details(booking: Booking) -> None:
    rules.check_contact_details(
        personal_attendance=booking.contact_form.personal_attendance,
        by_phone=booking.contact_form.by_phone,
        address=booking.address,
        who_calls=booking.who_calls,
        phone_to_call=booking.phone_to_call,
        requires_akasse_status=booking.conversation_type.requires_akasse_status,
        akasse_expected=booking.akasse_expected,
        video=booking.contact_form.video,
        video_link=booking.video_link,
    )


def _check_summons(booking: Booking, citizen: Citizen, *, check_type: bool = True) -> None:
    """R-PC-2 for what the jobcenter sets: § 20's fields present, contact options, and a type the
    citizen's contact group may have (as R-HC-11: Jobsamtale med a-kasse only for group 1)."""
    rules.check_summons_complete(
        location=booking.location,
        title=booking.title,
        description=booking.description,
        personal_attendance=booking.contact_form.personal_attendance,
        citizen_contact=booking.citizen_contact,
    )
    if check_type:
        from samtale.conversations.selectors import allowed_group_codes

        group = contact_group_on(citizen, clock.today())
        rules.check_type_for_group(
            allowed_group_codes=allowed_group_codes(booking.conversation_type),
            group_code=group.code if group else None,
            type_label=booking.conversation_type.label,
        )
    _check_contact_details(booking)


def _check_caseworker_free(booking: Booking, *, exclude_slot: Slot | None = None) -> None:
    if booking.caseworker_id is None or booking.meeting_form != MeetingForm.INDIVIDUAL:
        return
    Caseworker.objects.select_for_update().filter(pk=booking.caseworker_id).first()
    if caseworker_busy(
        booking.caseworker,
        booking.start,
        booking.end,
        exclude_booking=booking if booking.pk else None,
        exclude_slot=exclude_slot,
    ):
        raise Conflict(
            "Sagsbehandleren har allerede et møde eller en ledig tid i det tidsrum. "
            "Indkald i den ledige tid, eller vælg et andet tidspunkt.",
            code="caseworker_busy",
            field="start",
        )


def _check_free_time(start, end, *, now: datetime) -> None:
    rules.check_times(start, end)
    check_event_times(start=start, end=end)
    if start <= now:
        raise InvalidInput(
            "Tidspunktet ligger i fortiden.", code="start_in_past", rule="R-PC-1", field="start"
        )


# Services -------------------------------------------------------------------------------------------


@transaction.atomic
def booking_summon(
    *,
    actor: Actor,
    citizen: Citizen,
    conversation_type=None,
    contact_form=None,
    start: datetime | None = None,
    end: datetime | None = None,
    slot: Slot | None = None,
    confirm_unusual_time: bool = False,
    **fields,
) -> Booking:
    """Indkaldelse: the jobcenter summons the citizen, into a free time (`slot`) or at a time of the
    caseworker's calendar (`start`, `end`). A time on a weekend, a public holiday or outside the
    jobcenter's opening hours needs `confirm_unusual_time=True` (the refusal says why)."""
    _require_jobcenter(actor)
    _reject_unknown(fields, SUMMONS_FIELDS)
    _check_scope(actor, citizen)
    citizen = citizen_lock(citizen)
    now, today = clock.now(), clock.today()
    jobcenter = jobcenter_on(citizen, today)
    if jobcenter is None:
        raise Conflict("Borgeren er ikke tilknyttet et jobcenter.", code="citizen_without_jobcenter")
    ctype = _code(ConversationType, conversation_type, "conversation_type")
    booking = Booking(citizen=citizen, jobcenter=jobcenter, self_booked=False, created_by=actor.label)
    if slot is not None:
        _check_slot_for_citizen(citizen, slot, now=now)
        if ctype is not None and ctype != slot.offer.conversation_type:
            raise InvalidInput(
                "Samtaletypen passer ikke til mødetilbuddet.",
                code="conversation_type_mismatch",
                field="conversation_type",
            )
        _check_not_holding(citizen, slot)
        booking.akasse_expected = fields.get("akasse_expected")
        booking.akasse_invited = fields.get("akasse_invited")
        _apply_slot(booking, slot, _pick_contact_form(slot, contact_form))
        for key in ("title", "description", "citizen_contact", "other_authority_summoned", "video_link"):
            if fields.get(key) is not None:
                setattr(booking, key, fields[key])
    else:
        if ctype is None:
            raise InvalidInput("Samtaletype skal udfyldes.", code="missing_field", field="conversation_type")
        form = _code(ContactForm, contact_form, "contact_form")
        if form is None:
            raise InvalidInput("Kontaktform skal udfyldes.", code="missing_field", field="contact_form")
        _check_free_time(start, end, now=now)
        check_meeting_time(jobcenter, start, end, confirmed=confirm_unusual_time)
        meeting_form = fields.get("meeting_form") or MeetingForm.INDIVIDUAL
        if meeting_form not in MeetingForm.values:
            raise InvalidInput("Ukendt mødeform.", code="invalid_meeting_form", field="meeting_form")
        who_calls = fields.get("who_calls") or ""
        if who_calls and who_calls not in WhoCalls.values:
            raise InvalidInput(
                "Hvem ringer skal være jobcenter eller citizen.", code="invalid_who_calls", field="who_calls"
            )
        if form.by_phone and not who_calls:
            who_calls = WhoCalls.CITIZEN if fields.get("phone_to_call") else WhoCalls.JOBCENTER
        phone = (fields.get("phone_to_call") or "").strip()
        if phone:
            from samtale.citizens.services import normalise_phone

            phone = normalise_phone(phone)
        booking.start, booking.end = start, end
        booking.conversation_type, booking.contact_form = ctype, form
        booking.meeting_form = meeting_form
        booking.title = (fields.get("title") or ctype.label).strip()[:200]
        booking.description = fields.get("description") or ""
        booking.location = fields.get("location") or ""
        booking.address = (fields.get("address") or "").strip()
        booking.video_link = (fields.get("video_link") or "").strip()
        booking.phone_to_call = phone
        booking.who_calls = who_calls
        booking.citizen_contact = fields.get("citizen_contact") or ""
        booking.caseworker = caseworker_for(actor, jobcenter, fields.get("caseworker"))
        booking.caseworker_visible = fields.get("caseworker_visible", True) is not False
        booking.akasse_expected = fields.get("akasse_expected")
        booking.akasse_invited = fields.get("akasse_invited")
        booking.other_authority_summoned = bool(fields.get("other_authority_summoned"))
        for what in ("rebooking", "cancellation"):
            allowed = bool(fields.get(f"{what}_allowed"))
            hours = fields.get(f"{what}_cutoff_hours")
            hours = 24 if hours is None else hours
            if hours < 0:
                raise InvalidInput(
                    "Antal timer kan ikke være negativt.", code="invalid_hours", field=f"{what}_cutoff_hours"
                )
            setattr(booking, f"{what}_allowed", allowed)
            setattr(booking, f"{what}_deadline", rules.cutoff(start, hours) if allowed else None)
    if not booking.citizen_contact:
        booking.citizen_contact = ", ".join(x for x in (citizen.phone, citizen.email) if x)[:200]
    _check_summons(booking, citizen)
    _check_one_planned(citizen, booking.conversation_type)
    if slot is None:
        _check_caseworker_free(booking)
    else:
        slot_take_place(slot)
    _save(booking, create=True)
    _changed(actor, booking, "created", None)
    return booking


def _booking_attempt(actor: Actor) -> throttle.Counted | None:
    """A citizen's booking attempt, counted before the attempt's transaction (so a refused one counts
    too): a script hammering free times gets 429 with Retry-After (issue 12, item 6)."""
    if actor.kind != "citizen" or actor.citizen is None:
        return None
    return throttle.counted(
        "booking",
        f"citizen:{actor.citizen.pk}",
        limit=settings.SAMTALE_BOOKING_ATTEMPTS_PER_CITIZEN,
        window=settings.SAMTALE_THROTTLE_WINDOW_SECONDS,
        message="Du har forsøgt at booke mange gange på kort tid. Vent lidt, og prøv igen.",
    )


def booking_self_book(*, actor: Actor, slot: Slot | uuid.UUID, contact_form=None) -> Booking:
    """Selvbooking: the citizen books a free time they may book (R-PC-11). `slot` is the free time or
    its public id (the API's: one that does not exist answers 404 before the attempt is counted).

    A booking rush is mostly refusals of times already taken. Those are answered from one read of the
    free time with the citizen's facts, outside any transaction and without the citizen's lock
    (nothing is written) — checked in the same order as a booking, so a refused booking gets the same
    error. A time that looks free is booked in one transaction under the citizen's lock, where the
    facts are read again, and the conditional UPDATE (`slot_take_place`) decides the last place."""
    if actor.kind != "citizen" or actor.citizen is None:
        raise Forbidden("Kun borgeren selv kan selvbooke.", code="citizen_only")
    today = clock.today()
    key = {"public_id": slot} if isinstance(slot, uuid.UUID) else {"pk": slot.pk}
    attempt = self_booking_attempt(actor.citizen, today=today, count=_booking_attempt(actor), **key)
    if attempt is None:
        raise slot_not_found()
    slot, state = attempt
    if slot.status == SlotStatus.PUBLISHED and slot.booked < slot.capacity:
        with transaction.atomic():
            citizen_lock(actor.citizen.pk, read=False)
            state = self_booking_state(actor.citizen.pk, slot, today=today)
            return _self_book_checked(actor, slot, state, contact_form)
    _self_book_checked(actor, slot, state, contact_form)
    raise AssertionError("a taken or withdrawn free time is refused by the checks")  # pragma: no cover


def booking_rebook(*, actor: Actor, booking: Booking, slot: Slot) -> Booking:
    attempt = _booking_attempt(actor)
    if attempt is not None:
        attempt.hit()
    return _booking_rebook(actor=actor, booking=booking, slot=slot)


def _self_book_checked(actor: Actor, slot: Slot, state: SelfBookingState, contact_form) -> Booking:
    """`booking_self_book`'s checks in their order, then its writes (reached only for a free time)."""
    now, today = clock.now(), clock.today()
    citizen = state.citizen
    deadline_family = cache(lambda: _open_deadline_family(citizen, today))  # read only if needed
    block = self_booking_refusal(
        blocked=state.blocked,
        group=None if state.group_id is None else state.group_may_self_book,
        has_open_deadline=lambda: bool(deadline_family()),
    )
    if block is not None:
        raise block
    _check_slot_for_citizen(citizen, slot, now=now, access=(state.jobcenter_id, state.group_in_offer))
    if state.holding:
        raise _already_booked()
    _check_not_full(slot)
    day = clock.local_date(slot.start)
    refusal = slot_refusal(
        citizen,
        slot,
        now=now,
        absences=[(day, day)] if state.away else [],
        horizons={},
        only_family="" if state.group_may_self_book else deadline_family(),
    )
    if refusal is not None:
        raise refusal
    _check_one_planned(citizen, slot.offer.conversation_type)
    booking = Booking(
        citizen=citizen, jobcenter=slot.offer.jobcenter, self_booked=True, created_by=actor.label
    )
    _apply_slot(booking, slot, _pick_contact_form(slot, contact_form))
    booking.citizen_contact = ", ".join(x for x in (citizen.phone, citizen.email) if x)[:200]
    _check_contact_details(booking)
    slot_take_place(slot)
    # No savepoint: a constraint that fails here ends the whole booking anyway.
    _save(booking, create=True, savepoint=False)
    # The new booking's whole history, so an answer can show it without reading it back.
    booking.history_written = [_changed(actor, booking, "created", None)]
    return booking


@transaction.atomic
def _booking_rebook(*, actor: Actor, booking: Booking, slot: Slot) -> Booking:
    """Ombooking: the citizen moves their own booking to another free time of the same conversation
    type, if rebooking is allowed and its deadline has not passed (R-PC-6), inside the horizon (R-DL-9).
    The booking number stays; the history keeps old and new times (R-PC-3)."""
    if actor.kind != "citizen":
        raise Forbidden("Ombooking foretages af borgeren; jobcentret flytter samtalen.", code="citizen_only")
    citizen, booking = _lock(actor, booking)
    _require_planned(booking)
    now, today = clock.now(), clock.today()
    rules.check_citizen_may_change(
        what="rebook", allowed=booking.rebooking_allowed, deadline=booking.rebooking_deadline, now=now
    )
    block = self_booking_block(citizen, today)
    if block is not None:
        raise block
    slot = Slot.objects.select_related(
        "offer", "offer__jobcenter", "offer__conversation_type", "caseworker"
    ).get(pk=slot.pk)
    if booking.slot_id == slot.pk:
        raise InvalidInput(
            "Samtalen ligger allerede på den tid.", code="same_slot", rule="R-PC-6", field="slot"
        )
    _check_slot_for_citizen(citizen, slot, now=now)
    if slot.offer.conversation_type_id != booking.conversation_type_id:
        raise InvalidInput(
            "Du kan kun ombooke til en tid med samme samtaletype.",
            code="rebook_other_type",
            rule="R-PC-6",
            field="slot",
        )
    _check_not_holding(citizen, slot, exclude=booking)
    _check_not_full(slot)
    refusal = slot_refusal(citizen, slot, now=now)
    if refusal is not None:
        raise refusal
    _check_one_planned(citizen, slot.offer.conversation_type, exclude=booking)
    old = snapshot(booking)
    old_slot = booking.slot
    form = (
        booking.contact_form if slot.offer.contact_forms.filter(pk=booking.contact_form_id).exists() else None
    )
    _apply_slot(booking, slot, _pick_contact_form(slot, form))
    _check_contact_details(booking)
    slot_take_place(slot)
    if old_slot is not None:
        slot_release_place(old_slot)
    _save(booking)
    _changed(actor, booking, "rebooked", old)
    return booking


@transaction.atomic
def booking_move(
    *,
    actor: Actor,
    booking: Booking,
    start: datetime | None = None,
    end: datetime | None = None,
    slot: Slot | None = None,
    confirm_unusual_time: bool = False,
) -> Booking:
    """Flytning: the jobcenter moves a planned conversation to another time or free time. The booking
    number stays; the history keeps old and new times (R-PC-3). The jobcenter may always (R-PC-6);
    a time outside the jobcenter's meeting times needs `confirm_unusual_time=True`."""
    _require_jobcenter(actor)
    citizen, booking = _lock(actor, booking)
    _require_planned(booking)
    now = clock.now()
    old = snapshot(booking)
    old_slot = booking.slot
    if slot is not None:
        slot = Slot.objects.select_related(
            "offer", "offer__jobcenter", "offer__conversation_type", "caseworker"
        ).get(pk=slot.pk)
        if booking.slot_id == slot.pk:
            raise InvalidInput("Samtalen ligger allerede på den tid.", code="same_slot", field="slot")
        _check_slot_for_citizen(citizen, slot, now=now)
        _check_not_holding(citizen, slot, exclude=booking)
        form = (
            booking.contact_form
            if slot.offer.contact_forms.filter(pk=booking.contact_form_id).exists()
            else None
        )
        _apply_slot(booking, slot, _pick_contact_form(slot, form))
    else:
        if start is None and end is None:
            raise InvalidInput(
                "Angiv et nyt tidspunkt eller en ledig tid.", code="missing_field", field="start"
            )
        if start is not None and end is None:
            end = start + (booking.end - booking.start)
        _check_free_time(start, end, now=now)
        check_meeting_time(booking.jobcenter, start, end, confirmed=confirm_unusual_time)
        shift = start - booking.start
        booking.start, booking.end = start, end
        if booking.rebooking_deadline:
            booking.rebooking_deadline += shift
        if booking.cancellation_deadline:
            booking.cancellation_deadline += shift
        booking.slot = None
        # Moving a booking off its free time: the caseworker's calendar must be free then.
        _check_caseworker_free(booking, exclude_slot=old_slot)
    _check_contact_details(booking)
    _check_one_planned(citizen, booking.conversation_type, exclude=booking)
    if slot is not None:
        slot_take_place(slot)
    if old_slot is not None:
        slot_release_place(old_slot)
    _save(booking)
    _changed(actor, booking, "moved", old)
    return booking


def _clean_text(value, limit: int) -> str:
    return ("" if value is None else str(value)).strip()[:limit]


@transaction.atomic
def booking_change(*, actor: Actor, booking: Booking, **fields) -> Booking:
    """R-PC-7 (§ 20 stk. 3 "på anden måde ændres"): the jobcenter changes a planned conversation
    without moving it — caseworker, location, address, contact form, title, description, video link,
    phone arrangement, cut-offs, a-kasse participation (`CHANGE_FIELDS`). The booking number and time
    stay; the history row holds old and new values; one report event `booking.changed`; the citizen is
    told (messaging's hook, with an updated .ics). A change that changes nothing writes nothing."""
    _require_jobcenter(actor)
    _reject_unknown(fields, CHANGE_FIELDS)
    citizen, booking = _lock(actor, booking)
    _require_planned(booking)
    before = {f: _tracked(booking, f) for f in CHANGE_TRACKED}
    if "contact_form" in fields:
        form = _code(ContactForm, fields["contact_form"], "contact_form")
        if form is None:
            raise InvalidInput("Kontaktform skal udfyldes.", code="missing_field", field="contact_form")
        if booking.offer_id and not booking.offer.contact_forms.filter(pk=form.pk).exists():
            raise InvalidInput(
                "Kontaktformen kan ikke vælges til dette mødetilbud.",
                code="contact_form_not_offered",
                field="contact_form",
            )
        booking.contact_form = form
    if "caseworker" in fields:
        booking.caseworker = caseworker_for(actor, booking.jobcenter, fields["caseworker"])
    for key, limit in (("title", 200), ("description", 10_000), ("location", 200), ("address", 300)):
        if key in fields:
            setattr(booking, key, _clean_text(fields[key], limit))
    if "citizen_contact" in fields:
        booking.citizen_contact = _clean_text(fields["citizen_contact"], 200)
    if "video_link" in fields:
        booking.video_link = _clean_text(fields["video_link"], 500)
    if "phone_to_call" in fields:
        phone = _clean_text(fields["phone_to_call"], 40)
        if phone:
            from samtale.citizens.services import normalise_phone

            phone = normalise_phone(phone)
        booking.phone_to_call = phone
    if "who_calls" in fields:
        who_calls = fields["who_calls"] or ""
        if who_calls and who_calls not in WhoCalls.values:
            raise InvalidInput(
                "Hvem ringer skal være jobcenter eller citizen.", code="invalid_who_calls", field="who_calls"
            )
        booking.who_calls = who_calls
    if booking.contact_form.by_phone and not booking.who_calls:
        booking.who_calls = WhoCalls.CITIZEN if booking.phone_to_call else WhoCalls.JOBCENTER
    elif not booking.contact_form.by_phone:
        booking.who_calls = ""
    for key in ("caseworker_visible", "other_authority_summoned"):
        if key in fields and fields[key] is not None:
            setattr(booking, key, bool(fields[key]))
    for key in ("akasse_expected", "akasse_invited"):
        if key in fields:
            setattr(booking, key, fields[key])
    for what in ("rebooking", "cancellation"):
        if f"{what}_allowed" not in fields and f"{what}_cutoff_hours" not in fields:
            continue
        allowed = fields.get(f"{what}_allowed")
        allowed = getattr(booking, f"{what}_allowed") if allowed is None else bool(allowed)
        hours = fields.get(f"{what}_cutoff_hours")
        current = getattr(booking, f"{what}_deadline")
        if hours is None:
            hours = (booking.start - current).total_seconds() / 3600 if current else 24
        if hours < 0:
            raise InvalidInput(
                "Antal timer kan ikke være negativt.", code="invalid_hours", field=f"{what}_cutoff_hours"
            )
        setattr(booking, f"{what}_allowed", allowed)
        setattr(booking, f"{what}_deadline", rules.cutoff(booking.start, hours) if allowed else None)
    after = {f: _tracked(booking, f) for f in CHANGE_TRACKED}
    old = {f: before[f] for f in CHANGE_TRACKED if before[f] != after[f]}
    if not old:
        return booking
    new = {f: after[f] for f in old}
    _check_summons(booking, citizen, check_type=False)
    if "caseworker" in old and booking.caseworker_id:
        _check_caseworker_free(booking, exclude_slot=booking.slot)
    _save(booking)
    # The hooks get the time as well, so a reader of `old` always finds start/end/status.
    _changed(
        actor,
        booking,
        "changed",
        {"start": _iso(booking.start), "end": _iso(booking.end), "status": booking.status, **old},
        new=new,
    )
    return booking


@transaction.atomic
def booking_cancel(*, actor: Actor, booking: Booking, reason) -> Booking:
    """Aflysning: by the citizen if allowed and before its deadline (R-PC-6), with a reason the citizen
    may use; by the jobcenter always, with a reason (R-PC-3). Frees the place in the free time."""
    citizen, booking = _lock(actor, booking)
    _require_planned(booking)
    if reason is None or reason == "":
        raise InvalidInput("Angiv en aflysningsårsag.", code="missing_reason", rule="R-PC-3", field="reason")
    cause = _code(CancellationReason, reason, "reason")
    if actor.kind == "citizen":
        rules.check_citizen_may_change(
            what="cancel",
            allowed=booking.cancellation_allowed,
            deadline=booking.cancellation_deadline,
            now=clock.now(),
        )
        if not cause.citizen_may_use:
            raise InvalidInput(
                "Den aflysningsårsag kan kun bruges af jobcentret.",
                code="reason_not_for_citizen",
                rule="R-PC-3",
                field="reason",
            )
    else:
        _require_jobcenter(actor)
    old = snapshot(booking)
    booking.status = BookingStatus.CANCELLED
    booking.cancellation_reason = cause
    if booking.slot_id:
        slot_release_place(booking.slot)
    _save(booking)
    _changed(actor, booking, "cancelled", old)
    return booking


@transaction.atomic
def booking_mark_no_show(*, actor: Actor, booking: Booking) -> Booking:
    """Udeblivelse: the citizen did not turn up. Only once the conversation has begun."""
    _require_jobcenter(actor)
    citizen, booking = _lock(actor, booking)
    _require_planned(booking)
    if booking.start > clock.now():
        raise Conflict(
            "Samtalen er ikke begyndt endnu; udeblivelse kan først registreres fra mødetidspunktet.",
            code="no_show_before_start",
            rule="R-PC-3",
        )
    old = snapshot(booking)
    booking.status = BookingStatus.NO_SHOW
    _save(booking)
    _changed(actor, booking, "no_show", old)
    return booking


@transaction.atomic
def booking_mark_held(*, actor: Actor, booking: Booking) -> Booking:
    """The conversation took place (called by the held-conversation service in its transaction). A
    booking marked no-show by mistake may still become held."""
    _require_jobcenter(actor)
    citizen, booking = _lock(actor, booking)
    if booking.status not in (BookingStatus.PLANNED, BookingStatus.NO_SHOW):
        raise Conflict(
            f"Samtalen kan ikke registreres som afholdt (status: {booking.get_status_display().lower()}).",
            code="booking_not_planned",
            rule="R-PC-3",
        )
    old = snapshot(booking)
    booking.status = BookingStatus.HELD
    _save(booking)
    _changed(actor, booking, "held", old)
    return booking


@transaction.atomic
def booking_mark_seen(*, actor: Actor, booking: Booking) -> Booking:
    """R-PC-9: the citizen opened it on the portal; `confirmed_at` is set the first time only."""
    if actor.kind != "citizen":
        raise Forbidden("Kun borgeren kan bekræfte at have set samtalen.", code="citizen_only")
    citizen, booking = _lock(actor, booking)
    if booking.confirmed_at is not None:
        return booking
    booking.confirmed_at = clock.now()
    _save(booking)
    _changed(actor, booking, "confirmed", None, hook=False)
    return booking


MOVED_REASON = "borger_flyttet"


def on_jobcenter_changed(*, actor: Actor, citizen: Citizen, jobcenter) -> None:
    """The citizen moved municipality: the old jobcenter's planned conversations are cancelled with
    reason "borger flyttet"; the cancellation hooks tell the citizen (issue 12, item 1)."""
    planned = Booking.objects.filter(citizen=citizen, status=BookingStatus.PLANNED).exclude(
        jobcenter=jobcenter
    )
    for booking in planned.select_related(*BOOKING_RELATED):
        booking_cancel(actor=actor, booking=booking, reason=MOVED_REASON)
