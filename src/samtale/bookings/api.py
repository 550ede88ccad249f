"""Planned conversations through the API (API.md): summons, move, cancel, no-show, a citizen's
bookings; and the citizen's own side: bookable slots, self-booking, rebooking, cancelling.
A caseworker reaches only bookings of their jobcenters' citizens; a citizen only their own (404)."""

from datetime import date, datetime
from uuid import UUID

from ninja import Field, Query, Router, Schema

from samtale.api.auth import require
from samtale.api.render import json_response
from samtale.bookings import selectors, services
from samtale.bookings.models import Booking
from samtale.citizens.selectors import citizen_get
from samtale.core import clock
from samtale.core.actors import Actor
from samtale.core.errors import InvalidInput
from samtale.core.moments import LocalTimes, moment_text
from samtale.core.validation import EventTime, QueryDate, check_query_range
from samtale.scheduling.models import Slot
from samtale.scheduling.selectors import slot_get, slot_not_found

router = Router(tags=["Planlagte samtaler"])


class SummonsIn(Schema):
    citizen: UUID
    slot: UUID | None = None
    conversation_type: int | None = None
    contact_form: str | None = None
    start: EventTime | None = None
    end: EventTime | None = None
    title: str | None = None
    description: str | None = None
    meeting_form: str | None = None
    location: str | None = None
    address: str | None = None
    phone_to_call: str | None = None
    who_calls: str | None = None
    citizen_contact: str | None = None
    caseworker: str | None = None
    caseworker_visible: bool | None = None
    akasse_expected: bool | None = None
    akasse_invited: bool | None = None
    other_authority_summoned: bool | None = None
    rebooking_allowed: bool | None = None
    rebooking_cutoff_hours: int | None = None
    cancellation_allowed: bool | None = None
    cancellation_cutoff_hours: int | None = None
    video_link: str | None = None
    confirm_unusual_time: bool = False


class MoveIn(Schema):
    start: EventTime | None = None
    end: EventTime | None = None
    slot: UUID | None = None
    confirm_unusual_time: bool = False


class ChangeIn(Schema):
    """R-PC-7: what may change without moving the conversation. Only the fields sent are changed."""

    caseworker: str | None = None
    caseworker_visible: bool | None = None
    location: str | None = None
    address: str | None = None
    contact_form: str | None = None
    title: str | None = None
    description: str | None = None
    video_link: str | None = None
    phone_to_call: str | None = None
    who_calls: str | None = None
    citizen_contact: str | None = None
    rebooking_allowed: bool | None = None
    rebooking_cutoff_hours: int | None = None
    cancellation_allowed: bool | None = None
    cancellation_cutoff_hours: int | None = None
    akasse_expected: bool | None = None
    akasse_invited: bool | None = None
    other_authority_summoned: bool | None = None


class CancelIn(Schema):
    reason: str | None = None


class SlotChoiceIn(Schema):
    slot: UUID
    contact_form: str | None = None


class BookingChangeOut(Schema):
    at: datetime
    actor: str
    kind: str
    old: dict
    new: dict


class BookingOut(Schema):
    id: UUID
    booking_number: str
    citizen: UUID
    jobcenter: str
    status: str
    status_label: str
    self_booked: bool
    start: datetime
    end: datetime
    title: str
    description: str
    conversation_type: int
    conversation_type_label: str
    contact_form: str
    contact_form_label: str
    meeting_form: str
    caseworker: str | None
    caseworker_name: str | None
    location: str
    address: str
    video_link: str
    citizen_contact: str
    phone_to_call: str
    who_calls: str
    akasse_expected: bool | None
    akasse_invited: bool | None
    other_authority_summoned: bool
    rebooking_allowed: bool
    rebooking_deadline: datetime | None
    cancellation_allowed: bool
    cancellation_deadline: datetime | None
    confirmed_at: datetime | None
    cancellation_reason: str | None
    slot: UUID | None
    offer: UUID | None
    history: list[BookingChangeOut]


class BookableSlotOut(Schema):
    id: UUID
    offer: UUID
    title: str
    description: str
    conversation_type: int
    conversation_type_label: str
    meeting_form: str
    fulfils_deadline: bool
    start: datetime
    end: datetime
    free: int
    location: str
    address: str
    contact_forms: list[str]
    caseworker_name: str | None


class DayOut(Schema):
    date: date
    count: int


class BookableOfferOut(Schema):
    id: UUID
    title: str
    description: str
    conversation_type: int
    conversation_type_label: str
    meeting_form: str
    fulfils_deadline: bool
    location: str
    address: str
    contact_forms: list[str]


class BookableOut(Schema):
    slots: list[BookableSlotOut]
    days: list[DayOut]
    # Each offer of the slots once (slots name theirs in `offer`).
    offers: list[BookableOfferOut] = []


class BookableSlotRefOut(Schema):
    """A free time of the compact answer: its offer's fields are in `offers`, by `offer`."""

    id: UUID
    offer: UUID
    start: datetime
    end: datetime
    free: int
    caseworker_name: str | None


class BookableCompactOut(Schema):
    slots: list[BookableSlotRefOut]
    days: list[DayOut]
    # Each offer of the slots once: the fields every free time of that offer shares.
    offers: list[BookableOfferOut]


def _local(moment: datetime | None) -> datetime | None:
    """Times are stored in UTC and shown in Copenhagen time, with the offset (R-PC-1)."""
    return clock.local(moment) if moment else None


def booking_out(b: Booking, *, for_citizen: bool = False, history: list | None = None) -> dict:
    hide = for_citizen and not b.caseworker_visible
    return {
        "id": b.public_id,
        "booking_number": b.booking_number,
        "citizen": b.citizen.public_id,
        "jobcenter": b.jobcenter.code,
        "status": b.status,
        "status_label": b.get_status_display(),
        "self_booked": b.self_booked,
        "start": _local(b.start),
        "end": _local(b.end),
        "title": b.title,
        "description": b.description,
        "conversation_type": b.conversation_type.code,
        "conversation_type_label": b.conversation_type.label,
        "contact_form": b.contact_form.code,
        "contact_form_label": b.contact_form.label,
        "meeting_form": b.meeting_form,
        "caseworker": None if hide or not b.caseworker_id else b.caseworker.ident,
        "caseworker_name": None if hide or not b.caseworker_id else b.caseworker.name,
        "location": b.location,
        "address": b.address,
        "video_link": b.video_link,
        "citizen_contact": b.citizen_contact,
        "phone_to_call": b.phone_to_call,
        "who_calls": b.who_calls,
        "akasse_expected": b.akasse_expected,
        "akasse_invited": b.akasse_invited,
        "other_authority_summoned": b.other_authority_summoned,
        "rebooking_allowed": b.rebooking_allowed,
        "rebooking_deadline": _local(b.rebooking_deadline),
        "cancellation_allowed": b.cancellation_allowed,
        "cancellation_deadline": _local(b.cancellation_deadline),
        "confirmed_at": _local(b.confirmed_at),
        "cancellation_reason": b.cancellation_reason.code if b.cancellation_reason_id else None,
        "slot": b.slot.public_id if b.slot_id else None,
        "offer": b.offer.public_id if b.offer_id else None,
        "history": [
            _change_out(c, for_citizen=for_citizen, hide=hide)
            for c in (history if history is not None else sorted(b.changes.all(), key=lambda c: (c.at, c.id)))
        ],
    }


def _change_out(c, *, for_citizen: bool, hide: bool) -> dict:
    """A citizen sees who changed the booking as themselves or "jobcentret", never a caseworker's
    ident; a hidden caseworker (caseworker_visible off) is left out of the old/new values too."""
    if not for_citizen:
        return {"at": c.at, "actor": c.actor, "kind": c.kind, "old": c.old, "new": c.new}

    def scrub(values):
        values = values or {}
        return {k: v for k, v in values.items() if not (hide and k.startswith("caseworker"))}

    actor = "borger" if c.actor == "borger" else "jobcentret"
    return {"at": c.at, "actor": actor, "kind": c.kind, "old": scrub(c.old), "new": scrub(c.new)}


def bookable_offer_out(o) -> dict:
    return {
        "id": o.public_id,
        "title": o.title,
        "description": o.description,
        "conversation_type": o.conversation_type.code,
        "conversation_type_label": o.conversation_type.label,
        "meeting_form": o.meeting_form,
        "fulfils_deadline": o.fulfils_deadline and bool(o.conversation_type.family),
        "location": o.location,
        "address": o.address,
        "contact_forms": sorted(f.code for f in o.contact_forms.all()),
    }


def _bookable_slot_template(offer: dict) -> dict:
    """A free time of `offer` (bookable_offer_out), its own values still None."""
    slot = {key: None for key in BookableSlotOut.model_fields}
    slot.update({key: value for key, value in offer.items() if key in slot})
    slot["id"], slot["offer"] = None, offer["id"]
    return slot


def _bookable_slot_ref_template(offer: dict) -> dict:
    """A free time of `offer` in the compact answer (BookableSlotRefOut), its own values still None."""
    slot = {key: None for key in BookableSlotRefOut.model_fields}
    slot["offer"] = offer["id"]
    return slot


def _fresh(actor: Actor, booking: Booking) -> Booking:
    return selectors.booking_get(actor, booking.public_id)


# Caseworker side ----------------------------------------------------------------------------------


@router.post(
    "/bookings", response={201: BookingOut}, summary="Indkald borger (i en ledig tid eller på et tidspunkt)"
)
def booking_summon(request, body: SummonsIn):
    actor = require(request, "caseworker", "admin")
    citizen = citizen_get(actor, body.citizen, purpose="indkaldelse")
    data = body.dict(exclude_unset=True)
    for key in (
        "citizen",
        "slot",
        "conversation_type",
        "contact_form",
        "start",
        "end",
        "confirm_unusual_time",
    ):
        data.pop(key, None)
    fields = {k: v for k, v in data.items() if v is not None}
    slot = slot_get(actor, body.slot) if body.slot else None
    booking = services.booking_summon(
        actor=actor,
        citizen=citizen,
        conversation_type=body.conversation_type,
        contact_form=body.contact_form,
        start=body.start,
        end=body.end,
        slot=slot,
        confirm_unusual_time=body.confirm_unusual_time,
        **fields,
    )
    return 201, booking_out(_fresh(actor, booking))


@router.get("/bookings/{booking_id}", response=BookingOut)
def booking_get(request, booking_id: UUID):
    actor = require(request, "caseworker", "admin")
    return booking_out(selectors.booking_get(actor, booking_id))


@router.get("/citizens/{citizen_id}/bookings", response=list[BookingOut])
def citizen_bookings(request, citizen_id: UUID, status: str | None = None):
    actor = require(request, "caseworker", "admin")
    citizen = citizen_get(actor, citizen_id, purpose="planlagte samtaler")
    return [booking_out(b) for b in selectors.citizen_bookings(actor, citizen, status=status)]


@router.post(
    "/bookings/{booking_id}/move", response=BookingOut, summary="Flyt samtalen (start, end eller slot)"
)
def booking_move(request, booking_id: UUID, body: MoveIn):
    actor = require(request, "caseworker", "admin")
    booking = selectors.booking_get(actor, booking_id)
    slot = slot_get(actor, body.slot) if body.slot else None
    booking = services.booking_move(
        actor=actor,
        booking=booking,
        start=body.start,
        end=body.end,
        slot=slot,
        confirm_unusual_time=body.confirm_unusual_time,
    )
    return booking_out(_fresh(actor, booking))


@router.patch(
    "/bookings/{booking_id}",
    response=BookingOut,
    summary="Ret samtalen uden at flytte den (sagsbehandler, sted, kontaktform, titel … — R-PC-7)",
)
def booking_change(request, booking_id: UUID, body: ChangeIn):
    actor = require(request, "caseworker", "admin")
    booking = selectors.booking_get(actor, booking_id)
    booking = services.booking_change(actor=actor, booking=booking, **body.dict(exclude_unset=True))
    return booking_out(_fresh(actor, booking))


@router.post("/bookings/{booking_id}/cancel", response=BookingOut, summary="Aflys samtalen (reason)")
def booking_cancel(request, booking_id: UUID, body: CancelIn):
    actor = require(request, "caseworker", "admin")
    booking = selectors.booking_get(actor, booking_id)
    booking = services.booking_cancel(actor=actor, booking=booking, reason=body.reason)
    return booking_out(_fresh(actor, booking))


@router.post("/bookings/{booking_id}/no-show", response=BookingOut, summary="Registrér udeblivelse")
def booking_no_show(request, booking_id: UUID):
    actor = require(request, "caseworker", "admin")
    booking = selectors.booking_get(actor, booking_id)
    booking = services.booking_mark_no_show(actor=actor, booking=booking)
    return booking_out(_fresh(actor, booking))


# Citizen side -------------------------------------------------------------------------------------

ME = ["Borgerens egne data"]


def _me(request) -> Actor:
    return require(request, "citizen")


def _public_slot(slot_id: UUID) -> Slot:
    """Any published or withdrawn slot by id; whether this citizen may book it is the service's
    question (R-PC-11 answers with the reason)."""
    slot = selectors.slot_for_booking(public_id=slot_id)
    if slot is None:
        raise slot_not_found()
    return slot


class BookableFilter(Schema):
    fulfils_deadline: bool | None = None
    date_from: QueryDate | None = Field(None, alias="from")
    date_to: QueryDate | None = Field(None, alias="to")


@router.get(
    "/me/bookable-slots", response=BookableOut, tags=ME, summary="Ledige tider, jeg kan booke nu (R-PC-11)"
)
def me_bookable_slots(request, filters: Query[BookableFilter]):
    return _bookable_answer(request, filters, compact=False)


@router.get(
    "/me/bookable-slots/compact",
    response=BookableCompactOut,
    tags=ME,
    summary="Ledige tider, jeg kan booke nu (R-PC-11) — hvert mødetilbud én gang",
    description=(
        "The same free times, day counts and offers as `GET /me/bookable-slots` with the same "
        "filters; each free time carries only its own fields (id, offer, start, end, free, "
        "caseworker_name) and names its offer, whose shared fields (title, description, "
        "conversation type, meeting form, fulfils_deadline, location, address, contact forms) are "
        "in `offers` once. A month of a big jobcenter is about a third of the bytes."
    ),
)
def me_bookable_slots_compact(request, filters: Query[BookableFilter]):
    return _bookable_answer(request, filters, compact=True)


def _bookable_answer(request, filters: BookableFilter, *, compact: bool):
    actor = _me(request)
    if filters.date_from and filters.date_to and filters.date_to < filters.date_from:
        raise InvalidInput("Til-datoen kan ikke ligge før fra-datoen.", code="to_before_from", field="to")
    check_query_range(filters.date_from, filters.date_to)
    found = selectors.bookable(
        actor.citizen,
        now=clock.now(),
        fulfils_deadline=filters.fulfils_deadline,
        date_from=filters.date_from,
        date_to=filters.date_to,
    )
    # Plain rows written straight to JSON (api.render): a month of a big jobcenter is thousands of
    # free times. The keys are BookableSlotOut's (BookableSlotRefOut's when compact), in its order.
    rows = found.slots.values_list(
        "public_id",
        moment_text("start"),
        moment_text("end"),
        "capacity",
        "booked",
        "offer_id",
        "caseworker__name",
    )
    offers = {pk: bookable_offer_out(o) for pk, o in found.offers.items()}
    # Each offer's free times share its fields: a copy of its slot (BookableSlotOut's keys, in order)
    # with the free time's own values set is the cheapest way to build thousands of them.
    templates = {
        pk: _bookable_slot_ref_template(o) if compact else _bookable_slot_template(o)
        for pk, o in offers.items()
    }
    visible = {pk: o.caseworker_visible for pk, o in found.offers.items()}
    local = LocalTimes()
    seen = local.seen
    slots, days, used = [], {}, {}
    for public_id, start, end, capacity, booked, offer_id, caseworker_name in rows:
        if offer_id not in used:
            used[offer_id] = offers[offer_id]
        slot = templates[offer_id].copy()
        slot["id"] = public_id
        moment = seen.get(start) or local(start)
        slot["start"], day = moment[0], moment[1]
        slot["end"] = (seen.get(end) or local(end))[0]
        slot["free"] = capacity - booked
        if visible[offer_id]:
            slot["caseworker_name"] = caseworker_name
        slots.append(slot)
        days[day] = days.get(day, 0) + 1
    return json_response(
        {
            "slots": slots,
            "days": [{"date": d, "count": n} for d, n in days.items()],
            "offers": list(used.values()),
        }
    )


@router.get("/me/bookings", response=list[BookingOut], tags=ME)
def me_bookings(request):
    actor = _me(request)
    return [booking_out(b, for_citizen=True) for b in selectors.citizen_bookings(actor, actor.citizen)]


@router.get(
    "/me/bookings/{booking_id}",
    response=BookingOut,
    tags=ME,
    summary="Åbn en samtale (sætter 'booking bekræftet' første gang, R-PC-9)",
)
def me_booking(request, booking_id: UUID):
    actor = _me(request)
    booking = selectors.booking_get(actor, booking_id)
    booking = services.booking_mark_seen(actor=actor, booking=booking)
    return booking_out(_fresh(actor, booking), for_citizen=True)


@router.post("/me/bookings", response={201: BookingOut}, tags=ME, summary="Book en ledig tid")
def me_book(request, body: SlotChoiceIn):
    actor = _me(request)
    booking = services.booking_self_book(actor=actor, slot=body.slot, contact_form=body.contact_form)
    # Built from the booking just written (its slot, offer and codes are the ones read to write it).
    return 201, booking_out(booking, for_citizen=True, history=booking.history_written)


@router.post("/me/bookings/{booking_id}/rebook", response=BookingOut, tags=ME, summary="Ombook (R-PC-6)")
def me_rebook(request, booking_id: UUID, body: SlotChoiceIn):
    actor = _me(request)
    booking = selectors.booking_get(actor, booking_id)
    booking = services.booking_rebook(actor=actor, booking=booking, slot=_public_slot(body.slot))
    return booking_out(_fresh(actor, booking), for_citizen=True)


@router.post("/me/bookings/{booking_id}/cancel", response=BookingOut, tags=ME, summary="Aflys (R-PC-6)")
def me_cancel(request, booking_id: UUID, body: CancelIn):
    actor = _me(request)
    booking = selectors.booking_get(actor, booking_id)
    booking = services.booking_cancel(actor=actor, booking=booking, reason=body.reason)
    return booking_out(_fresh(actor, booking), for_citizen=True)
