"""Meeting offers and free times through the API (API.md): offers, slots one by one or from a weekly
schedule, withdrawing a slot. A caseworker reaches only their jobcenters' offers (404 otherwise)."""

from datetime import datetime, time
from uuid import UUID

from ninja import Field, Query, Router, Schema

from samtale.api.auth import require
from samtale.api.render import json_response
from samtale.core import clock
from samtale.core.errors import InvalidInput
from samtale.core.moments import LocalTimes
from samtale.core.validation import EventDate, EventTime, QueryDate, check_query_range
from samtale.scheduling import selectors, services
from samtale.scheduling.models import MeetingOffer, Slot

router = Router(tags=["Mødetilbud og ledige tider"])


class OfferIn(Schema):
    title: str
    description: str = ""
    conversation_type: int
    contact_form: str | None = None
    contact_forms: list[str] | None = None
    meeting_form: str = "individual"
    location: str = ""
    address: str | None = None
    phone_to_call: str | None = None
    video_link: str | None = None
    contact_groups: list[int]
    jobcenter: str | None = None
    fulfils_deadline: bool = True
    rebooking_allowed: bool = True
    rebooking_cutoff_hours: int = 24
    cancellation_allowed: bool = True
    cancellation_cutoff_hours: int = 24
    min_notice_hours: int = 2
    caseworker_visible: bool = True


class OfferOut(Schema):
    id: UUID
    jobcenter: str
    title: str
    description: str
    conversation_type: int
    conversation_type_label: str
    contact_forms: list[str]
    meeting_form: str
    location: str
    address: str
    phone_to_call: str
    video_link: str
    contact_groups: list[int]
    fulfils_deadline: bool
    rebooking_allowed: bool
    rebooking_cutoff_hours: int
    cancellation_allowed: bool
    cancellation_cutoff_hours: int
    min_notice_hours: int
    caseworker_visible: bool
    active: bool


class SlotIn(Schema):
    """One free time (`start`, `end`), or a weekly schedule (`weekdays` …) that makes many."""

    start: EventTime | None = None
    end: EventTime | None = None
    capacity: int = 1
    caseworker: str | None = None
    weekdays: list[int] | None = None
    day_start: time | None = None
    day_end: time | None = None
    duration_minutes: int | None = None
    date_from: EventDate | None = None
    date_to: EventDate | None = None


class SlotOut(Schema):
    id: UUID
    offer: UUID
    start: datetime
    end: datetime
    capacity: int
    booked: int
    free: int
    caseworker: str
    status: str


class ScheduleOut(Schema):
    schedule: UUID
    created: int
    skipped: dict[str, int]
    slots: list[SlotOut]


class WithdrawIn(Schema):
    cancel_bookings: bool = False
    reason: str | None = None


def offer_out(o: MeetingOffer) -> dict:
    return {
        "id": o.public_id,
        "jobcenter": o.jobcenter.code,
        "title": o.title,
        "description": o.description,
        "conversation_type": o.conversation_type.code,
        "conversation_type_label": o.conversation_type.label,
        "contact_forms": sorted(f.code for f in o.contact_forms.all()),
        "meeting_form": o.meeting_form,
        "location": o.location,
        "address": o.address,
        "phone_to_call": o.phone_to_call,
        "video_link": o.video_link,
        "contact_groups": sorted(g.code for g in o.contact_groups.all()),
        "fulfils_deadline": o.fulfils_deadline,
        "rebooking_allowed": o.rebooking_allowed,
        "rebooking_cutoff_hours": o.rebooking_cutoff_hours,
        "cancellation_allowed": o.cancellation_allowed,
        "cancellation_cutoff_hours": o.cancellation_cutoff_hours,
        "min_notice_hours": o.min_notice_hours,
        "caseworker_visible": o.caseworker_visible,
        "active": o.active,
    }


def slot_out(s: Slot) -> dict:
    return {
        "id": s.public_id,
        "offer": s.offer.public_id,
        "start": clock.local(s.start),
        "end": clock.local(s.end),
        "capacity": s.capacity,
        "booked": s.booked,
        "free": s.free,
        "caseworker": s.caseworker.ident,
        "status": s.status,
    }


@router.post("/offers", response={201: OfferOut}, summary="Opret mødetilbud")
def offer_create(request, body: OfferIn):
    actor = require(request, "caseworker", "admin")
    data = body.dict()
    forms = data.pop("contact_forms") or []
    single = data.pop("contact_form")
    if single:
        forms = [single, *forms]
    offer = services.offer_create(
        actor=actor,
        contact_forms=forms,
        **{
            k: (v if v is not None else "") if k in ("address", "phone_to_call", "video_link") else v
            for k, v in data.items()
        },
    )
    return 201, offer_out(selectors.offer_get(actor, offer.public_id))


@router.get("/offers", response=list[OfferOut], summary="Mødetilbud i mine jobcentre")
def offer_list(request, jobcenter: str | None = None):
    actor = require(request, "caseworker", "admin")
    qs = selectors.offers_visible_to(actor).order_by("jobcenter__code", "title", "id")
    if jobcenter:
        qs = qs.filter(jobcenter__code=jobcenter)
    return [offer_out(o) for o in qs]


@router.get("/offers/{offer_id}", response=OfferOut)
def offer_get(request, offer_id: UUID):
    actor = require(request, "caseworker", "admin")
    return offer_out(selectors.offer_get(actor, offer_id))


@router.post(
    "/offers/{offer_id}/slots",
    response={201: SlotOut | ScheduleOut},
    summary="Ledig tid (start, end) eller ugeskema (weekdays, day_start, day_end, duration_minutes, date_from, date_to)",
)
def slot_create(request, offer_id: UUID, body: SlotIn):
    actor = require(request, "caseworker", "admin")
    offer = selectors.offer_get(actor, offer_id)
    if body.weekdays is not None:
        missing = [
            f
            for f in ("day_start", "day_end", "duration_minutes", "date_from", "date_to")
            if getattr(body, f) is None
        ]
        if missing:
            raise InvalidInput(f"Ugeskemaet mangler {missing[0]}.", code="missing_field", field=missing[0])
        schedule, slots, skipped = services.schedule_create(
            actor=actor,
            offer=offer,
            weekdays=body.weekdays,
            day_start=body.day_start,
            day_end=body.day_end,
            duration_minutes=body.duration_minutes,
            date_from=body.date_from,
            date_to=body.date_to,
            capacity=body.capacity,
            caseworker=body.caseworker,
        )
        for s in slots:
            s.offer = offer
        return 201, {
            "schedule": schedule.public_id,
            "created": len(slots),
            "skipped": skipped,
            "slots": [slot_out(s) for s in slots],
        }
    slot = services.slot_create(
        actor=actor,
        offer=offer,
        start=body.start,
        end=body.end,
        capacity=body.capacity,
        caseworker=body.caseworker,
    )
    return 201, slot_out(slot)


class SlotFilter(Schema):
    date_from: QueryDate | None = None
    date_to: QueryDate | None = None


@router.get("/offers/{offer_id}/slots", response=list[SlotOut])
def slot_list(request, offer_id: UUID, filters: Query[SlotFilter]):
    actor = require(request, "caseworker", "admin")
    offer = selectors.offer_get(actor, offer_id)
    check_query_range(filters.date_from, filters.date_to, field="date_to")
    return [
        slot_out(s)
        for s in selectors.offer_slots(offer, date_from=filters.date_from, date_to=filters.date_to)
    ]


@router.post(
    "/slots/{slot_id}/withdraw",
    response=SlotOut,
    summary="Træk en ledig tid tilbage (med bookinger kun med cancel_bookings og en årsag)",
)
def slot_withdraw(request, slot_id: UUID, body: WithdrawIn):
    actor = require(request, "caseworker", "admin")
    slot = selectors.slot_get(actor, slot_id)
    slot = services.slot_withdraw(
        actor=actor, slot=slot, cancel_bookings=body.cancel_bookings, reason=body.reason
    )
    return slot_out(selectors.slot_get(actor, slot.public_id))


class CalendarFilter(Schema):
    caseworker: str | None = None
    jobcenter: str | None = None
    date_from: QueryDate | None = Field(None, alias="from")
    date_to: QueryDate | None = Field(None, alias="to")


class CalendarEntryOut(Schema):
    kind: str
    id: UUID
    start: datetime
    end: datetime
    title: str
    caseworker: str | None
    booking_number: str | None = None
    citizen: UUID | None = None
    citizen_name: str | None = None
    capacity: int | None = None
    booked: int | None = None
    status: str


@router.get(
    "/calendar",
    response=list[CalendarEntryOut],
    summary="Kalender for en sagsbehandler eller et jobcenter (dag/uge): planlagte samtaler og ledige tider",
)
def calendar(request, filters: Query[CalendarFilter]):
    actor = require(request, "caseworker", "admin")
    bookings, slots = selectors.calendar_rows(
        actor,
        caseworker_ident=filters.caseworker,
        jobcenter_code=filters.jobcenter,
        date_from=filters.date_from,
        date_to=filters.date_to,
    )
    # Plain rows written straight to JSON (api.render): a jobcenter's week is thousands of free
    # times. The keys are CalendarEntryOut's, in its order; by start, a booking before a free time.
    local = LocalTimes()
    entries = [
        (
            start,
            0,
            {
                "kind": "booking",
                "id": public_id,
                "start": local.text(start),
                "end": local.text(end),
                "title": title,
                "caseworker": caseworker,
                "booking_number": booking_number,
                "citizen": citizen,
                "citizen_name": citizen_name,
                "capacity": None,
                "booked": None,
                "status": status,
            },
        )
        for public_id, start, end, title, caseworker, booking_number, citizen, citizen_name, status, _ in bookings
    ]
    entries += [
        (
            start,
            1,
            {
                "kind": "slot",
                "id": public_id,
                "start": local.text(start),
                "end": local.text(end),
                "title": title,
                "caseworker": caseworker,
                "booking_number": None,
                "citizen": None,
                "citizen_name": None,
                "capacity": capacity,
                "booked": booked,
                "status": status,
            },
        )
        for public_id, start, end, title, caseworker, capacity, booked, status in slots
    ]
    entries.sort(key=lambda entry: (local(entry[0])[2], entry[1]))
    return json_response([entry for _, _, entry in entries])
