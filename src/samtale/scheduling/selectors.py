"""Reads of meeting offers, free times and calendars, scoped to the actor's jobcenters."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q

from samtale.core import audit, clock
from samtale.core.actors import Actor
from samtale.core.errors import InvalidInput, NotFound
from samtale.core.moments import moment_text
from samtale.scheduling.models import MeetingOffer, Slot, SlotStatus
from samtale.scheduling.services import offers_q_for


def offers_visible_to(actor: Actor):
    return (
        MeetingOffer.objects.filter(offers_q_for(actor))
        .select_related("jobcenter", "conversation_type")
        .prefetch_related("contact_forms", "contact_groups")
    )


def offers_without_free_times(actor: Actor, *, now, days: int = 14) -> list[MeetingOffer]:
    """The actor's jobcenters' published offers with no free place left from now through the next
    `days` days: citizens cannot book them, so the caseworker should publish more times."""
    from django.db.models import Exists, F, OuterRef

    free = Slot.objects.filter(
        offer=OuterRef("pk"),
        status=SlotStatus.PUBLISHED,
        booked__lt=F("capacity"),
        start__gt=now,
        start__lt=clock.end_of_day(clock.local_date(now) + timedelta(days=days)),
    )
    return list(
        MeetingOffer.objects.filter(offers_q_for(actor), active=True)
        .filter(~Exists(free))
        .select_related("jobcenter", "conversation_type")
        .order_by("jobcenter__name", "title")
    )


def offer_get(actor: Actor, public_id) -> MeetingOffer:
    try:
        return offers_visible_to(actor).get(public_id=public_id)
    except (MeetingOffer.DoesNotExist, ValueError, TypeError):
        raise NotFound("Mødetilbuddet findes ikke.", code="offer_not_found") from None


def slot_not_found() -> NotFound:
    """The 404 of a free time that does not exist (or that the asker may not see)."""
    return NotFound("Den ledige tid findes ikke.", code="slot_not_found", field="slot")


def slot_get(actor: Actor, public_id) -> Slot:
    """A free time of one of the actor's jobcenters' offers (404 otherwise)."""
    try:
        return (
            Slot.objects.filter(offer__in=offers_visible_to(actor))
            .select_related("offer", "offer__jobcenter", "offer__conversation_type", "caseworker")
            .get(public_id=public_id)
        )
    except (Slot.DoesNotExist, ValueError, TypeError):
        raise slot_not_found() from None


def offer_slots(offer: MeetingOffer, *, date_from: date | None = None, date_to: date | None = None):
    qs = offer.slots.select_related("caseworker").order_by("start", "id")
    if date_from:
        qs = qs.filter(start__gte=clock.start_of_day(date_from))
    if date_to:
        qs = qs.filter(start__lt=clock.end_of_day(date_to))
    return qs


def _calendar_filters(
    actor: Actor,
    *,
    caseworker_ident: str | None,
    jobcenter_code: str | None,
    date_from: date | None,
    date_to: date | None,
) -> tuple[Q, Q]:
    """Which planned conversations and which free times a calendar shows: a jobcenter's, or a
    caseworker's (default: the actor's own), for a day or a week (1–63 days). Only jobcenters and
    caseworkers of the actor's jobcenters (NotFound otherwise)."""
    from samtale.bookings.models import BookingStatus
    from samtale.organisations.models import Caseworker, Jobcenter

    date_from = date_from or clock.today()
    date_to = date_to or date_from + timedelta(days=6)
    if date_to < date_from or (date_to - date_from).days > 62:
        raise InvalidInput(
            "Perioden skal være 1–63 dage med til-dato efter fra-dato.", code="invalid_period", field="to"
        )
    if jobcenter_code:
        jobcenter = Jobcenter.objects.filter(code=jobcenter_code).first()
        if jobcenter is None or not (actor.sees_all_jobcenters or jobcenter.pk in actor.jobcenter_ids):
            raise NotFound("Jobcentret findes ikke.", code="jobcenter_not_found")
        bookings, slots = Q(jobcenter=jobcenter), Q(offer__jobcenter=jobcenter)
    else:
        ident = caseworker_ident or (actor.caseworker.ident if actor.caseworker else None)
        caseworker = Caseworker.objects.filter(ident=ident or "").first()
        if caseworker is None or not (
            actor.sees_all_jobcenters or caseworker.jobcenters.filter(pk__in=actor.jobcenter_ids).exists()
        ):
            raise NotFound("Sagsbehandleren findes ikke.", code="caseworker_not_found")
        bookings, slots = Q(caseworker=caseworker), Q(caseworker=caseworker)
        # A caseworker of two jobcenters has both jobcenters' meetings and free times; a viewer sees
        # only those of the jobcenters they work for (issue 12, item 7).
        if not actor.sees_all_jobcenters:
            bookings &= Q(jobcenter_id__in=actor.jobcenter_ids)
            slots &= Q(offer__jobcenter_id__in=actor.jobcenter_ids)
    during = Q(start__gte=clock.start_of_day(date_from), start__lt=clock.end_of_day(date_to))
    return bookings & during & Q(status=BookingStatus.PLANNED), slots & during


def calendar(
    actor: Actor,
    *,
    caseworker_ident: str | None = None,
    jobcenter_code: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> dict:
    """A jobcenter's, or a caseworker's (default: the actor's own), day or week: planned conversations
    and free times, by start (see `_calendar_filters`). Only citizens the actor may see are named."""
    from samtale.bookings.models import Booking

    bookings, slots = _calendar_filters(
        actor,
        caseworker_ident=caseworker_ident,
        jobcenter_code=jobcenter_code,
        date_from=date_from,
        date_to=date_to,
    )
    data = {
        "bookings": list(
            Booking.objects.filter(bookings)
            .select_related("citizen", "caseworker", "conversation_type", "contact_form")
            .order_by("start", "id")
        ),
        "slots": list(
            Slot.objects.filter(slots).select_related("offer", "caseworker").order_by("start", "id")
        ),
    }
    audit.record_many(actor, "citizen.list", [b.citizen_id for b in data["bookings"]], purpose="kalender")
    return data


# The calendar's columns as plain rows (`calendar_rows`), for answers of thousands of entries.
CALENDAR_BOOKING_COLUMNS = (
    "public_id",
    moment_text("start"),
    moment_text("end"),
    "title",
    "caseworker__ident",
    "booking_number",
    "citizen__public_id",
    "citizen__name",
    "status",
    "citizen_id",
)
CALENDAR_SLOT_COLUMNS = (
    "public_id",
    moment_text("start"),
    moment_text("end"),
    "offer__title",
    "caseworker__ident",
    "capacity",
    "booked",
    "status",
)


def calendar_rows(
    actor: Actor,
    *,
    caseworker_ident: str | None = None,
    jobcenter_code: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> tuple[list[tuple], list[tuple]]:
    """The same calendar as `calendar`, as tuples of CALENDAR_BOOKING_COLUMNS and CALENDAR_SLOT_COLUMNS
    by start (times as `core.moments.moment_text`): a jobcenter's week is thousands of free times, and
    model instances cost more than the query."""
    from samtale.bookings.models import Booking

    bookings, slots = _calendar_filters(
        actor,
        caseworker_ident=caseworker_ident,
        jobcenter_code=jobcenter_code,
        date_from=date_from,
        date_to=date_to,
    )
    booking_rows = list(
        Booking.objects.filter(bookings).order_by("start", "id").values_list(*CALENDAR_BOOKING_COLUMNS)
    )
    slot_rows = list(Slot.objects.filter(slots).order_by("start", "id").values_list(*CALENDAR_SLOT_COLUMNS))
    audit.record_many(actor, "citizen.list", [row[-1] for row in booking_rows], purpose="kalender")
    return booking_rows, slot_rows


def caseworker_free_slots(
    actor: Actor, *, jobcenter, caseworker, date_from: date, date_to: date
) -> list[Slot]:
    """The caseworker's published free times with room left, of the jobcenter's active offers, from now
    until `date_to` (the workbench's "pick a free time of my calendar")."""
    from django.db.models import F

    return list(
        Slot.objects.filter(
            offer__in=offers_visible_to(actor).filter(jobcenter=jobcenter, active=True),
            caseworker=caseworker,
            status="published",
            booked__lt=F("capacity"),
            start__gt=clock.now(),
            start__gte=clock.start_of_day(date_from),
            start__lt=clock.end_of_day(date_to),
        )
        .select_related("offer", "offer__conversation_type", "caseworker")
        .order_by("start", "id")
    )


def offers_with_free_times(actor: Actor, *, days: int):
    """The actor's offers, each annotated with `free_soon`: its published free times with room left in
    the next `days` days (the workbench's Mødetilbud list; one query)."""
    from django.db.models import Count, F, Q

    now = clock.now()
    return (
        offers_visible_to(actor)
        .annotate(
            free_soon=Count(
                "slots",
                filter=Q(
                    slots__status="published",
                    slots__start__gt=now,
                    slots__start__lt=now + timedelta(days=days),
                    slots__booked__lt=F("slots__capacity"),
                ),
            )
        )
        .order_by("-active", "jobcenter__name", "title")
    )
