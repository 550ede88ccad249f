"""The read page of one planned conversation (the calendar's click-through)."""

from __future__ import annotations

from django.views.decorators.http import require_GET

from samtale.bookings.selectors import booking_get
from samtale.workbench.presenters.bookings import booking_page
from samtale.workbench.views.common import page, workbench_view


@workbench_view
@require_GET
def booking(request, booking_id):
    booking = booking_get(request.actor, booking_id)
    return page(
        request,
        "workbench/booking.html",
        "calendar",
        booking=booking,
        citizen=booking.citizen,
        **booking_page(booking),
    )
