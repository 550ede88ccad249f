"""What the page of one planned conversation shows besides the booking itself: its history and the
messages sent about it."""

from __future__ import annotations

from samtale.bookings.models import BookingChange
from samtale.messaging.models import Message

CHANGE_LABELS = {
    "created": "Oprettet",
    "moved": "Flyttet",
    "rebooked": "Ombooket af borgeren",
    "changed": "Ændret",
    "cancelled": "Aflyst",
    "no_show": "Registreret som udeblevet",
    "held": "Afholdt",
    "confirmed": "Set af borgeren",
}


def booking_page(booking) -> dict:
    changes = list(BookingChange.objects.filter(booking=booking).order_by("at", "id"))
    for change in changes:
        change.label = CHANGE_LABELS.get(change.kind, change.kind)
    return {
        "changes": changes,
        "booking_messages": list(Message.objects.filter(booking=booking).order_by("created_at", "id")),
    }
