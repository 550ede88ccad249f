"""Reads of planned conversations and of the free times a citizen may book (R-PC-11)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

from django.db.models import F, Q, QuerySet

from samtale.bookings.models import BOOKING_RELATED, Booking, BookingStatus
from samtale.citizens.models import Citizen
from samtale.core import audit, clock
from samtale.core.actors import Actor
from samtale.core.errors import Conflict, NotFound
from samtale.core.prejoin import Prejoined
from samtale.scheduling.models import MeetingOffer, Slot, SlotStatus

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


def _open_deadline_family(citizen: Citizen, today: date) -> str:
    from samtale.deadlines.selectors import deadline_open_for

    deadline = deadline_open_for(citizen, today)
    return deadline.conversation_type.family if deadline is not None else ""


def self_booking_refusal(*, blocked: bool, group, has_open_deadline) -> Conflict | None:
    """Why the citizen may not self-book at all today, or None (R-DL-18): an absence of a type that
    takes self-booking away (R-DL-16), or neither a contact group that books freely (§ 3.6) nor an
    open deadline (not_activated, active or fulfilled). `group` is the contact group in force (or
    None), or whether it allows self-booking; `has_open_deadline` a callable, asked only when needed."""
    if blocked:
        return Conflict(
            "Du kan ikke selv booke møder i øjeblikket. Kontakt dit jobcenter.",
            code="self_booking_blocked",
            rule="R-DL-16",
        )
    allowed = group if isinstance(group, bool) or group is None else group.self_booking_allowed
    if group is None or (not allowed and not has_open_deadline()):
        return Conflict(
            "Du kan ikke selv booke møder, når du ikke har fået en frist. Kontakt dit jobcenter.",
            code="self_booking_not_allowed",
            rule="R-DL-18",
        )
    return None


def _self_booking_group(citizen: Citizen, today: date):
    """The citizen's contact group if they may self-book today, else the Conflict saying why not."""
    from samtale.citizens.selectors import absences_on, contact_group_on

    if absences_on(citizen, today).filter(absence_type__blocks_self_booking=True).exists():
        return self_booking_refusal(blocked=True, group=None, has_open_deadline=None)
    group = contact_group_on(citizen, today)
    refusal = self_booking_refusal(
        blocked=False, group=group, has_open_deadline=lambda: bool(_open_deadline_family(citizen, today))
    )
    return refusal or group


def self_booking_block(citizen: Citizen, today: date) -> Conflict | None:
    """Why the citizen may not self-book at all today, or None (R-DL-16, R-DL-18)."""
    group = _self_booking_group(citizen, today)
    return group if isinstance(group, Conflict) else None


@dataclass
class SelfBookingState:
    """What a self-booking checks about the citizen, read in one statement: the contact group and
    jobcenter in force, absences (today's blocking ones, any on the slot's day), whether they hold
    the slot already."""

    citizen: Citizen
    group_id: int | None
    group_may_self_book: bool
    group_in_offer: bool
    jobcenter_id: int | None
    blocked: bool
    away: bool
    holding: bool


# What a booking copies from its free time: the offer, its jobcenter and type, the caseworker.
_SLOT_RELATED = ["offer", "offer__jobcenter", "offer__conversation_type", "caseworker"]
_SLOT_BY_PUBLIC_ID = Prejoined(Slot, _SLOT_RELATED, "t0.public_id = %s", ["public_id"])
_SLOT_BY_ID = Prejoined(Slot, _SLOT_RELATED, "t0.id = %s", ["id"])


def slot_for_booking(*, public_id=None, pk: int | None = None) -> Slot | None:
    """A free time (any status) with what a booking copies from it, by its public id or its id; None
    when there is none. One prebuilt statement: it is read on every booking attempt of a rush."""
    if public_id is not None:
        return _SLOT_BY_PUBLIC_ID.get([public_id])
    return _SLOT_BY_ID.get([pk])


def self_booking_state(citizen_id: int, slot: Slot, *, today: date) -> SelfBookingState:
    """One query for `booking_self_book`: the citizen row with the facts of R-PC-11 and R-DL-16 for
    `slot` as subqueries. Not itself the lock: a statement that waits for a row lock still sees
    the other tables as they were when it began, so the caller locks first, then reads this.

    Written as SQL: it runs on every booking attempt of a rush, and building it with the ORM cost
    more than a millisecond of CPU each time for a statement PostgreSQL answers in a tenth of that.
    Read as a `Prejoined` statement, not `Citizen.objects.raw`: the raw query set worked out its
    columns' order and the model's init order again on every read (a third of the read's CPU)."""
    day = clock.local_date(slot.start)
    params = {
        "today": today.isoformat(),
        "day": day.isoformat(),
        "slot": slot.pk,
        "offer": slot.offer_id,
        "citizen": citizen_id,
        "planned": BookingStatus.PLANNED,
    }
    citizen = _self_booking_statement().get_named(params)
    if citizen is None:
        raise Citizen.DoesNotExist
    return SelfBookingState(
        citizen=citizen,
        group_id=citizen.s_group_id,
        group_may_self_book=bool(citizen.s_group_may),
        group_in_offer=bool(citizen.s_in_offer),
        jobcenter_id=citizen.s_jobcenter_id,
        blocked=bool(citizen.s_blocked),
        away=bool(citizen.s_away),
        holding=bool(citizen.s_holding),
    )


@cache
def _self_booking_statement() -> Prejoined:
    from samtale.citizens.models import Absence, ContactGroupPeriod, JobcenterPeriod
    from samtale.codes.models import AbsenceType, ContactGroup

    t = {
        "group_period": ContactGroupPeriod._meta.db_table,
        "group": ContactGroup._meta.db_table,
        "jobcenter_period": JobcenterPeriod._meta.db_table,
        "absence": Absence._meta.db_table,
        "absence_type": AbsenceType._meta.db_table,
        "booking": Booking._meta.db_table,
        "offer_groups": MeetingOffer.contact_groups.through._meta.db_table,
    }
    # The contact group in force: the latest period that has started (as citizens.selectors).
    # Table names come from the models, every value is a parameter (hence the noqa: S608).
    group = (
        f"SELECT p.contact_group_id FROM {t['group_period']} p WHERE p.citizen_id = t0.id "  # noqa: S608
        "AND p.valid_from <= %(today)s ORDER BY p.valid_from DESC, p.id DESC LIMIT 1"
    )
    extra = [
        ("s_group_id", group),
        ("s_group_may", f"SELECT g.self_booking_allowed FROM {t['group']} g WHERE g.id = ({group})"),  # noqa: S608
        (
            "s_jobcenter_id",
            f"SELECT j.jobcenter_id FROM {t['jobcenter_period']} j WHERE j.citizen_id = t0.id "  # noqa: S608
            "AND j.valid_from <= %(today)s ORDER BY j.valid_from DESC, j.id DESC LIMIT 1",
        ),
        (
            "s_blocked",
            f"EXISTS (SELECT 1 FROM {t['absence']} a JOIN {t['absence_type']} k "  # noqa: S608
            "ON k.id = a.absence_type_id WHERE a.citizen_id = t0.id AND a.start_date <= %(today)s "
            "AND (a.end_date IS NULL OR a.end_date >= %(today)s) AND k.blocks_self_booking)",
        ),
        (
            "s_away",
            f"EXISTS (SELECT 1 FROM {t['absence']} a WHERE a.citizen_id = t0.id "  # noqa: S608
            "AND a.start_date <= %(day)s AND (a.end_date IS NULL OR a.end_date >= %(day)s))",
        ),
        (
            "s_holding",
            f"EXISTS (SELECT 1 FROM {t['booking']} b WHERE b.citizen_id = t0.id "  # noqa: S608
            "AND b.slot_id = %(slot)s AND b.status = %(planned)s)",
        ),
        (
            "s_in_offer",
            f"EXISTS (SELECT 1 FROM {t['offer_groups']} o WHERE o.meetingoffer_id = %(offer)s "  # noqa: S608
            f"AND o.contactgroup_id = ({group}))",
        ),
    ]
    return Prejoined(Citizen, [], "t0.id = %(citizen)s", extra=extra)


def may_self_book(citizen: Citizen, today: date) -> bool:
    return self_booking_block(citizen, today) is None


def deadline_only_family(citizen: Citizen, today: date) -> str:
    """R-DL-18: the conversation family ("jobsamtale"/"opfoelgning") a citizen whose contact group does
    not book freely may self-book — their open deadline's ("Book … med frist") — or "" when the
    citizen books freely (or may not book at all)."""
    from samtale.citizens.selectors import contact_group_on

    group = contact_group_on(citizen, today)
    if group is None or group.self_booking_allowed:
        return ""
    return _open_deadline_family(citizen, today)


def _absence_days(citizen: Citizen, lo: date, hi: date) -> list[tuple[date, date]]:
    rows = citizen.absences.filter(Q(end_date__isnull=True) | Q(end_date__gte=lo), start_date__lte=hi)
    return [(a.start_date, a.end_date or date.max) for a in rows]


@dataclass
class Bookable:
    """What a citizen may book now: `offers` by id (each read once, with its conversation type and
    contact forms) and `slots`, a query that already applies every rule of R-PC-11 and R-DL-9."""

    offers: dict[int, MeetingOffer]
    slots: QuerySet
    # R-DL-18: the family a citizen who does not book freely is limited to (their deadline's), or "".
    only_family: str = ""
    # The citizen's jobcenter today, when it was read (callers that show it need not read it again).
    jobcenter: object | None = None


# `bookable(open_deadline=…)` not given: it reads the open deadline itself.
UNREAD = object()


def bookable(
    citizen: Citizen,
    *,
    now: datetime,
    fulfils_deadline: bool | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    open_deadline=UNREAD,
) -> Bookable:
    """R-PC-11 in one query per page: published, not full, of an active offer of the citizen's current
    jobcenter for the citizen's current contact group, later than the offer's minimum notice, not on a
    day of the citizen's absence, not beyond the horizon of an open deadline (R-DL-9), not already held
    by the citizen, inside [date_from, date_to] (default: 92 days). Nothing when the citizen may not
    self-book (contact group, or an absence that takes it away — R-DL-16).

    The per-offer rules (notice, horizon) become one time range per offer; the absences, ranges the
    free times may not start in. The same rules answer a single free time in `slot_refusal`. A caller
    that has read `deadline_open_for(citizen, today)` already passes it as `open_deadline`."""
    from samtale.citizens.selectors import jobcenter_on
    from samtale.deadlines import rules as deadline_rules
    from samtale.deadlines.selectors import deadline_open_for

    nothing = Bookable({}, Slot.objects.none())
    today = clock.local_date(now)
    group = _self_booking_group(citizen, today)
    if isinstance(group, Conflict):
        return nothing
    only_family = ""
    if not group.self_booking_allowed:
        # R-DL-18: booking only because of a deadline — only what fulfils it, never the other offers.
        only_family = _open_deadline_family(citizen, today)
        nothing.only_family = only_family
        if fulfils_deadline is False:
            return nothing
        fulfils_deadline = True
    jobcenter = jobcenter_on(citizen, today)
    if jobcenter is None:
        return nothing
    nothing.jobcenter = jobcenter
    if date_to is None:
        date_to = (date_from or today) + timedelta(days=DEFAULT_WINDOW_DAYS)
    offers_qs = MeetingOffer.objects.filter(active=True, jobcenter=jobcenter, contact_groups=group)
    deadline = deadline_open_for(citizen, today) if open_deadline is UNREAD else open_deadline
    if fulfils_deadline is True:
        offers_qs = offers_qs.filter(fulfils_deadline=True).exclude(conversation_type__family="")
        if deadline is not None and deadline.conversation_type.family:
            offers_qs = offers_qs.filter(conversation_type__family=deadline.conversation_type.family)
    elif fulfils_deadline is False:
        offers_qs = offers_qs.filter(Q(fulfils_deadline=False) | Q(conversation_type__family=""))
    offers = {
        o.pk: o for o in offers_qs.select_related("conversation_type").prefetch_related("contact_forms")
    }
    if not offers:
        return nothing
    lo = max(now, clock.start_of_day(date_from)) if date_from else now
    hi = clock.end_of_day(date_to)
    family = deadline.conversation_type.family if deadline is not None else ""
    horizon = deadline_rules.horizon(deadline.deadline_date) if family else None
    when = Q()
    for offer in offers.values():
        last = hi
        if horizon is not None and offer.conversation_type.family == family:
            last = min(hi, clock.end_of_day(horizon))
        first = max(lo, now + timedelta(hours=offer.min_notice_hours))
        when |= Q(offer_id=offer.pk, start__gt=first, start__lt=last)
    away = Q()
    for a, b in _absence_days(citizen, clock.local_date(lo), date_to):
        away |= Q(start__gte=clock.start_of_day(a)) & (
            Q() if b >= date_to else Q(start__lt=clock.end_of_day(b))
        )
    mine = Booking.objects.filter(citizen=citizen, status=BookingStatus.PLANNED, slot__isnull=False).values(
        "slot_id"
    )
    slots = Slot.objects.filter(when, status=SlotStatus.PUBLISHED, booked__lt=F("capacity")).exclude(
        pk__in=mine
    )
    if away:
        slots = slots.exclude(away)
    return Bookable(offers, slots.order_by("start", "id"), only_family, jobcenter)


def slot_refusal(
    citizen: Citizen, slot: Slot, *, now: datetime, absences=None, horizons=None, only_family=None
) -> Conflict | None:
    """Why this citizen may not book this (already pre-filtered or single) slot now, or None.
    The per-slot part of R-PC-11: minimum notice, absence, horizon (R-DL-9); R-DL-18: a citizen who
    books only because of a deadline books only a time that fulfils it. Callers that have read the
    absences, horizons or `deadline_only_family` already pass them."""
    from samtale.deadlines.selectors import booking_horizon

    offer = slot.offer
    if only_family is None:
        only_family = deadline_only_family(citizen, clock.local_date(now))
    if only_family and (offer.conversation_type.family != only_family or not offer.fulfils_deadline):
        return Conflict(
            "Du kan kun selv booke den samtale, du har fået en frist for. Kontakt dit jobcenter om andre møder.",
            code="only_deadline_conversation",
            rule="R-DL-18",
        )
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
    """R-PC-11: the free times the citizen may book now, as slots with their offer (see `bookable`)."""
    found = bookable(
        citizen, now=now, fulfils_deadline=fulfils_deadline, date_from=date_from, date_to=date_to
    )
    slots = list(found.slots.select_related("caseworker"))
    for slot in slots:
        slot.offer = found.offers[slot.offer_id]
    return slots


def bookable_slots_by_day(citizen: Citizen, **kwargs) -> dict[date, list[Slot]]:
    """The same, grouped by Copenhagen day (for a month calendar), days in order."""
    days: dict[date, list[Slot]] = defaultdict(list)
    for slot in bookable_slots(citizen, **kwargs):
        days[clock.local_date(slot.start)].append(slot)
    return dict(days)
