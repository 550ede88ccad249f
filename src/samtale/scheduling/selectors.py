"""Reads of meeting offers, free times and calendars, scoped to the actor's jobcenters."""

from __future__ import annotations

from datetime import date

from samtale.core import clock
from samtale.core.actors import Actor
from samtale.core.errors import NotFound
from samtale.scheduling.models import MeetingOffer, Slot
from samtale.scheduling.services import offers_q_for


def offers_visible_to(actor: Actor):
    return (
        MeetingOffer.objects.filter(offers_q_for(actor))
        .select_related("jobcenter", "conversation_type")
        .prefetch_related("contact_forms", "contact_groups")
    )


def offer_get(actor: Actor, public_id) -> MeetingOffer:
    try:
        return offers_visible_to(actor).get(public_id=public_id)
    except (MeetingOffer.DoesNotExist, ValueError, TypeError):
        raise NotFound("Mødetilbuddet findes ikke.", code="offer_not_found") from None


def slot_get(actor: Actor, public_id) -> Slot:
    """A free time of one of the actor's jobcenters' offers (404 otherwise)."""
    try:
        return (
            Slot.objects.filter(offer__in=offers_visible_to(actor))
            .select_related("offer", "offer__jobcenter", "offer__conversation_type", "caseworker")
            .get(public_id=public_id)
        )
    except (Slot.DoesNotExist, ValueError, TypeError):
        raise NotFound("Den ledige tid findes ikke.", code="slot_not_found", field="slot") from None


def offer_slots(offer: MeetingOffer, *, date_from: date | None = None, date_to: date | None = None):
    qs = offer.slots.select_related("caseworker").order_by("start", "id")
    if date_from:
        qs = qs.filter(start__gte=clock.start_of_day(date_from))
    if date_to:
        qs = qs.filter(start__lt=clock.end_of_day(date_to))
    return qs


def caseworker_calendar(caseworker, date_from: date, date_to: date) -> dict:
    """A caseworker's day or week: planned conversations and free times, by start."""
    from samtale.bookings.models import Booking, BookingStatus

    lo, hi = clock.start_of_day(date_from), clock.end_of_day(date_to)
    return {
        "bookings": list(
            Booking.objects.filter(
                caseworker=caseworker, status=BookingStatus.PLANNED, start__gte=lo, start__lt=hi
            )
            .select_related("citizen", "caseworker", "conversation_type", "contact_form")
            .order_by("start")
        ),
        "slots": list(
            Slot.objects.filter(caseworker=caseworker, start__gte=lo, start__lt=hi)
            .select_related("offer", "caseworker")
            .order_by("start")
        ),
    }


def jobcenter_calendar(actor: Actor, jobcenter, date_from: date, date_to: date) -> dict:
    """A jobcenter's day or week (the actor must work for it)."""
    from samtale.bookings.models import Booking, BookingStatus

    if not actor.sees_all_jobcenters and jobcenter.pk not in actor.jobcenter_ids:
        raise NotFound("Jobcentret findes ikke.", code="jobcenter_not_found")
    lo, hi = clock.start_of_day(date_from), clock.end_of_day(date_to)
    return {
        "bookings": list(
            Booking.objects.filter(
                jobcenter=jobcenter, status=BookingStatus.PLANNED, start__gte=lo, start__lt=hi
            )
            .select_related("citizen", "caseworker", "conversation_type")
            .order_by("start")
        ),
        "slots": list(
            Slot.objects.filter(offer__jobcenter=jobcenter, start__gte=lo, start__lt=hi)
            .select_related("offer", "caseworker")
            .order_by("start")
        ),
    }
