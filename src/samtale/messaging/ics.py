"""Calendar files (.ics, RFC 5545) for a planned conversation: attached to the booking e-mails and
offered for download on the portal. One stable UID per booking; SEQUENCE goes up on every move and
every change (so a calendar replaces the old version instead of adding a second meeting); a
cancellation is METHOD:CANCEL."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText

from samtale.core import clock
from samtale.messaging.texts import booking_facts, where

# History kinds that make a new version of the calendar event (R-PC-7: a change is told with an updated .ics).
MOVE_KINDS = ("moved", "rebooked", "changed")


def booking_uid(booking) -> str:
    return f"{booking.public_id}@samtale"


def booking_sequence(booking) -> int:
    """0 for the first version; +1 for every move, rebooking or change, and +1 for the cancellation."""
    moves = booking.changes.filter(kind__in=MOVE_KINDS).count()
    return moves + (1 if booking.status == "cancelled" else 0)


def _organizer_address() -> str:
    sender = settings.DEFAULT_FROM_EMAIL
    if "<" in sender:
        sender = sender.split("<", 1)[1].rstrip(">")
    return sender.strip()


def calendar_facts(booking, *, sequence: int | None = None) -> dict:
    """The event's identity and version now (with `booking_facts`, the snapshot an e-mail's .ics is
    rendered from): its UID, SEQUENCE (the caller may know it already) and whether it is cancelled."""
    return {
        "uid": booking_uid(booking),
        "sequence": booking_sequence(booking) if sequence is None else sequence,
        "cancelled": booking.status == "cancelled",
    }


def booking_ics(booking) -> bytes:
    """The booking's calendar file as it is now (the portal's download)."""
    return booking_calendar(booking_facts(booking), calendar_facts(booking))


def booking_calendar(facts: dict, calendar: dict) -> bytes:
    """The .ics from a snapshot: `facts` from texts.booking_facts, `calendar` from calendar_facts."""
    cancelled = calendar["cancelled"]
    cal = Calendar()
    cal.add("prodid", "-//Samtale//Jobcenter//DA")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", calendar["uid"])
    event.add("sequence", calendar["sequence"])
    event.add("dtstamp", clock.now())
    event.add("dtstart", datetime.fromisoformat(facts["start"]))
    event.add("dtend", datetime.fromisoformat(facts["end"]))
    jobcenter = facts["jobcenter"] or "jobcentret"
    event.add("summary", f"{facts['meeting']} – {jobcenter}")
    location = ", ".join(p for p in (facts["location"].strip(), facts["address"].strip()) if p)
    if facts["form"]["personal_attendance"] and location:
        event.add("location", location)
    elif facts["form"]["video"] and facts["video_link"]:
        event.add("location", facts["video_link"])
        event.add("url", facts["video_link"])
    event.add("description", f"{where(facts)}\nBookingnummer: {facts['booking_number']}")
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{_organizer_address()}")
    organizer.params["cn"] = vText(jobcenter)
    event.add("organizer", organizer)
    cal.add_component(event)
    return cal.to_ical()
