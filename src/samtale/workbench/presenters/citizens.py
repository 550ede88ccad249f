"""What the Borgeroverblik shows of one citizen: profile with history, absences, the open deadline
with its history, a timeline of planned and held conversations, and the message trail. Reads only
through the apps' selectors; no rules here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from samtale.bookings.models import BookingStatus
from samtale.bookings.selectors import citizen_bookings
from samtale.citizens.selectors import citizen_profile
from samtale.conversations.selectors import citizen_held_conversations, visitation_history
from samtale.deadlines.models import OPEN_STATUSES, DeadlineStatus
from samtale.deadlines.selectors import citizen_deadlines, effective_status
from samtale.messaging.selectors import message_trail
from samtale.workbench.presenters.navigation import url_if_exists

STATUS_BADGES = {
    BookingStatus.PLANNED: "badge-info",
    BookingStatus.HELD: "badge-success",
    BookingStatus.CANCELLED: "badge-warning",
    BookingStatus.NO_SHOW: "badge-error",
}


@dataclass
class TimelineEntry:
    """One planned or held conversation on the citizen's timeline."""

    when: datetime
    end: datetime | None
    title: str
    type_label: str
    contact_form: str
    status: str
    badge: str
    caseworker: str
    url: str | None
    booking: object | None = None
    held: object | None = None


def _booking_entry(booking) -> TimelineEntry:
    return TimelineEntry(
        when=booking.start,
        end=booking.end,
        title=booking.title,
        type_label=booking.conversation_type.label,
        contact_form=booking.contact_form.label,
        status=booking.get_status_display(),
        badge=STATUS_BADGES.get(booking.status, "badge-info"),
        caseworker=booking.caseworker.name if booking.caseworker else "",
        url=url_if_exists("workbench:booking", booking.public_id),
        booking=booking,
    )


def _held_entry(hc) -> TimelineEntry:
    return TimelineEntry(
        when=hc.held_at,
        end=None,
        title=hc.booking.title if hc.booking else hc.conversation_type.label,
        type_label=hc.conversation_type.label,
        contact_form=hc.contact_form.label,
        status="Afholdt og registreret" + (f" (version {hc.version})" if hc.version > 1 else ""),
        badge="badge-success",
        caseworker=hc.caseworker.name if hc.caseworker else hc.registered_by,
        url=url_if_exists("workbench:held", hc.public_id),
        held=hc,
    )


def timeline(bookings, held, now: datetime) -> tuple[list[TimelineEntry], list[TimelineEntry]]:
    """(coming, earlier): planned conversations still ahead, soonest first; then everything else —
    held (registered), cancelled, no-shows and planned ones whose time has passed — newest first.
    A booking whose held conversation is registered appears once, as the registration."""
    registered = {hc.booking_id for hc in held if hc.booking_id}
    coming, earlier = [], []
    for booking in bookings:
        if booking.pk in registered:
            continue
        entry = _booking_entry(booking)
        if booking.status == BookingStatus.PLANNED and booking.end > now:
            coming.append(entry)
        else:
            if booking.status == BookingStatus.PLANNED:
                entry.status, entry.badge = "Holdt? Ikke registreret", "badge-warning"
            earlier.append(entry)
    earlier.extend(_held_entry(hc) for hc in held)
    coming.sort(key=lambda e: e.when)
    earlier.sort(key=lambda e: e.when, reverse=True)
    return coming, earlier


def open_deadline(deadlines, today: date):
    """The open deadline as it stands today, or None. Every deadline gets `effective` (its status on
    `today`, whether or not the daily batch has run) and `effective_label`."""
    current = None
    for deadline in deadlines:
        deadline.effective = effective_status(deadline, today)
        deadline.effective_label = DeadlineStatus(deadline.effective).label
        if current is None and deadline.effective in OPEN_STATUSES:
            current = deadline
    return current


def citizen_overview(actor, citizen, *, today: date, now: datetime) -> dict:
    profile = citizen_profile(citizen, today)
    deadlines = citizen_deadlines(actor, citizen)
    current = open_deadline(deadlines, today)
    coming, earlier = timeline(
        citizen_bookings(actor, citizen), citizen_held_conversations(actor, citizen), now
    )
    visitations = visitation_history(citizen)
    absences = profile["absences"]
    return {
        **profile,
        "current_absences": [a for a in absences if a.end_date is None or a.end_date >= today],
        "past_absences": [a for a in absences if a.end_date is not None and a.end_date < today],
        "visitation": next((v for v in reversed(visitations) if v.valid_from <= today), None),
        "visitation_history": visitations,
        "deadline": current,
        "earlier_deadlines": [d for d in deadlines if d is not current],
        "coming": coming,
        "earlier": earlier,
        "messages": list(reversed(message_trail(citizen))),
    }
