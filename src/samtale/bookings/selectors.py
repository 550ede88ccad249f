"""Reads of planned conversations and of the free times a citizen may book (R-PC-11)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.db.models import F, Q

from samtale.bookings.models import BOOKING_RELATED, Booking, BookingStatus
from samtale.citizens.models import Citizen
from samtale.core import audit, clock
from samtale.core.actors import Actor
from samtale.core.errors import Conflict, NotFound
from samtale.scheduling.models import Slot, SlotStatus

DEFAULT_WINDOW_DAYS = 92


def _booking_scope(actor: Actor):
    qs = Booking.objects.all()
    if actor.sees_all_jobcenters:
        return qs
    if actor.kind == "caseworker":
        from samtale.citizens.selectors import citizens_visible_to

        return qs.filter(citizen__in=citizens_visible_to(actor).values("pk"))
    if actor.kind == "citizen" and actor.citizen is not None:
        return qs.filter(citizen_id=actor.citizen.pk)
    return qs.none()


def booking_get(actor: Actor, public_id) -> Booking:
    """One planned conversation the actor may reach: a caseworker's jobcenters' citizens, a citizen's
    own. Anything else is NotFound (we never reveal that it exists)."""
    try:
        booking = _booking_scope(actor).select_related(*BOOKING_RELATED).get(public_id=public_id)
    except (Booking.DoesNotExist, ValueError, TypeError):
        raise NotFound("Samtalen findes ikke.", code="booking_not_found") from None
    audit.record(
        actor, "booking.read", booking.citizen, purpose="planlagt samtale", booking=booking.booking_number
    )
    return booking


def citizen_bookings(actor: Actor, citizen: Citizen, *, status: str | None = None) -> list[Booking]:
    """A citizen's planned conversations (all statuses unless asked), by start. The caller has scoped
    the citizen; a citizen actor only ever gets their own."""
    if actor.kind == "citizen" and (actor.citizen is None or actor.citizen.pk != citizen.pk):
        raise NotFound("Borgeren findes ikke.", code="citizen_not_found")
    qs = (
        Booking.objects.filter(citizen=citizen)
        .select_related(
            "jobcenter",
            "offer",
            "slot",
            "conversation_type",
            "contact_form",
            "caseworker",
            "cancellation_reason",
        )
        .prefetch_related("changes")
        .order_by("start", "id")
    )
    if status:
        qs = qs.filter(status=status)
    return list(qs)


def unregistered_bookings(actor: Actor, *, caseworker, before: datetime) -> list[Booking]:
    """The caseworker's planned conversations that ended before `before` and are neither registered
    as held nor as a no-show (seed 004 § 2.1: the registration should happen the same day)."""
    return list(
        _booking_scope(actor)
        .filter(caseworker=caseworker, status=BookingStatus.PLANNED, end__lte=before)
        .select_related("citizen", "conversation_type", "contact_form")
        .order_by("start", "id")
    )


def planned_family_bookings(citizen: Citizen, *, exclude: Booking | None = None):
    qs = Booking.objects.filter(citizen=citizen, status=BookingStatus.PLANNED).exclude(
        conversation_type__family=""
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs


def self_booking_block(citizen: Citizen, today: date) -> Conflict | None:
    """Why the citizen may not self-book at all today, or None: contact group not allowed to self-book,
    or an absence of a type that takes away self-booking (R-DL-16)."""
    from samtale.citizens.selectors import absences_on, contact_group_on

    group = contact_group_on(citizen, today)
    if group is None or not group.self_booking_allowed:
        return Conflict(
            "Din kontaktgruppe kan ikke selv booke møder. Jobcentret indkalder dig.",
            code="self_booking_not_allowed",
            rule="R-PC-11",
        )
    if absences_on(citizen, today).filter(absence_type__blocks_self_booking=True).exists():
        return Conflict(
            "Du kan ikke selv booke møder i øjeblikket. Jobcentret indkalder dig.",
            code="self_booking_blocked",
            rule="R-DL-16",
        )
    return None


def _absence_days(citizen: Citizen, lo: date, hi: date) -> list[tuple[date, date]]:
    rows = citizen.absences.filter(Q(end_date__isnull=True) | Q(end_date__gte=lo), start_date__lte=hi)
    return [(a.start_date, a.end_date or date.max) for a in rows]


def _open_deadline_family(citizen: Citizen, today: date) -> str | None:
    from samtale.deadlines.selectors import deadline_open_for

    deadline = deadline_open_for(citizen, today)
    return deadline.conversation_type.family if deadline else None


def bookable_slots_qs(
    citizen: Citizen,
    *,
    now: datetime,
    fulfils_deadline: bool | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
):
    """The database part of R-PC-11: published, not full, of an active offer of the citizen's current
    jobcenter for the citizen's current contact group, after the offer's minimum notice, not already
    held by the citizen, inside [date_from, date_to]. The caller applies absences and the horizon."""
    from samtale.citizens.selectors import contact_group_on, jobcenter_on

    today = clock.local_date(now)
    group = contact_group_on(citizen, today)
    jobcenter = jobcenter_on(citizen, today)
    if group is None or jobcenter is None:
        return Slot.objects.none()
    lo = max(now, clock.start_of_day(date_from)) if date_from else now
    qs = Slot.objects.filter(
        status=SlotStatus.PUBLISHED,
        booked__lt=F("capacity"),
        offer__active=True,
        offer__jobcenter=jobcenter,
        offer__contact_groups=group,
        start__gt=lo,
    )
    if date_to:
        qs = qs.filter(start__lt=clock.end_of_day(date_to))
    if fulfils_deadline is True:
        qs = qs.filter(offer__fulfils_deadline=True).exclude(offer__conversation_type__family="")
    elif fulfils_deadline is False:
        qs = qs.filter(Q(offer__fulfils_deadline=False) | Q(offer__conversation_type__family=""))
    mine = Booking.objects.filter(citizen=citizen, status=BookingStatus.PLANNED, slot__isnull=False).values(
        "slot_id"
    )
    return (
        qs.exclude(pk__in=mine)
        .select_related("offer", "offer__conversation_type", "offer__jobcenter", "caseworker")
        .prefetch_related("offer__contact_forms")
        .order_by("start", "id")
    )


def slot_refusal(
    citizen: Citizen, slot: Slot, *, now: datetime, absences=None, horizons=None
) -> Conflict | None:
    """Why this citizen may not book this (already pre-filtered or single) slot now, or None.
    The per-slot part of R-PC-11: minimum notice, absence, horizon (R-DL-9)."""
    from samtale.deadlines.selectors import booking_horizon

    offer = slot.offer
    if slot.start <= now + timedelta(hours=offer.min_notice_hours):
        return Conflict(
            f"Tiden kan ikke længere bookes: der skal bookes mindst {offer.min_notice_hours} timer før mødet.",
            code="slot_too_soon",
            rule="R-PC-11",
        )
    day = clock.local_date(slot.start)
    if absences is None:
        absences = _absence_days(citizen, day, day)
    if any(a <= day <= b for a, b in absences):
        return Conflict(
            "Du har registreret fravær den dag. Vælg en anden dag.", code="slot_in_absence", rule="R-PC-11"
        )
    today = clock.local_date(now)
    key = offer.conversation_type_id
    if horizons is not None and key in horizons:
        horizon = horizons[key]
    else:
        horizon = booking_horizon(citizen, offer.conversation_type, today)
        if horizons is not None:
            horizons[key] = horizon
    if horizon is not None and day > horizon:
        return Conflict(
            f"Samtalen skal være holdt senest {horizon:%d.%m.%Y}. Vælg en tidligere tid.",
            code="beyond_horizon",
            rule="R-DL-9",
        )
    return None


def bookable_slots(
    citizen: Citizen,
    *,
    now: datetime,
    fulfils_deadline: bool | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[Slot]:
    """R-PC-11: the free times the citizen may book now. Empty when the citizen may not self-book
    (contact group, or an absence that takes away self-booking — R-DL-16)."""
    today = clock.local_date(now)
    if self_booking_block(citizen, today) is not None:
        return []
    if date_to is None:
        date_to = (date_from or today) + timedelta(days=DEFAULT_WINDOW_DAYS)
    qs = bookable_slots_qs(
        citizen, now=now, fulfils_deadline=fulfils_deadline, date_from=date_from, date_to=date_to
    )
    if fulfils_deadline is True:
        family = _open_deadline_family(citizen, today)
        if family:
            qs = qs.filter(offer__conversation_type__family=family)
    absences = _absence_days(citizen, date_from or today, date_to)
    horizons: dict = {}
    return [s for s in qs if slot_refusal(citizen, s, now=now, absences=absences, horizons=horizons) is None]


def bookable_slots_by_day(citizen: Citizen, **kwargs) -> dict[date, list[Slot]]:
    """The same, grouped by Copenhagen day (for a month calendar), days in order."""
    days: dict[date, list[Slot]] = defaultdict(list)
    for slot in bookable_slots(citizen, **kwargs):
        days[clock.local_date(slot.start)].append(slot)
    return dict(days)
