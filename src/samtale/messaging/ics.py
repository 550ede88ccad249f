"""Calendar files (.ics, RFC 5545) for a planned conversation: attached to the booking e-mails and
offered for download on the portal. One stable UID per booking; SEQUENCE goes up on every move and
every change (so a calendar replaces the old version instead of adding a second meeting); a
cancellation is METHOD:CANCEL."""

from __future__ import annotations

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText

from samtale.core import clock
from samtale.messaging.texts import where

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


def booking_ics(booking) -> bytes:
    cancelled = booking.status == "cancelled"
    cal = Calendar()
    cal.add("prodid", "-//Samtale//Jobcenter//DA")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", booking_uid(booking))
    event.add("sequence", booking_sequence(booking))
    event.add("dtstamp", clock.now())
    event.add("dtstart", booking.start)
    event.add("dtend", booking.end)
    jobcenter = booking.jobcenter.name if booking.jobcenter_id else "jobcentret"
    event.add("summary", f"{booking.conversation_type.label} – {jobcenter}")
    location = ", ".join(p for p in (booking.location.strip(), booking.address.strip()) if p)
    if booking.contact_form.personal_attendance and location:
        event.add("location", location)
    elif booking.contact_form.video and booking.video_link:
        event.add("location", booking.video_link)
        event.add("url", booking.video_link)
    event.add("description", f"{where(booking)}\nBookingnummer: {booking.booking_number}")
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{_organizer_address()}")
    organizer.params["cn"] = vText(jobcenter)
    event.add("organizer", organizer)
    cal.add_component(event)
    return cal.to_ical()
