"""I dag: what the caseworker should see first in the morning."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from samtale.bookings.selectors import unregistered_bookings
from samtale.core import audit, clock
from samtale.deadlines.selectors import deadlines_closing_unbooked
from samtale.scheduling.selectors import calendar, offers_without_free_times
from samtale.workbench.presenters.calendar import lay_out

CLOSING_DAYS = 3  # issue 11: deadlines closing within 3 days with nothing booked
OFFER_DAYS = 14  # offers with no free times in the next 14 days


def week_end(today: date) -> date:
    """The Friday of this week (today itself at a weekend)."""
    return max(today, today + timedelta(days=4 - today.weekday()))


def today_page(actor, *, today: date, now: datetime) -> dict:
    mine = calendar(actor, date_from=today, date_to=week_end(today))
    days = lay_out(mine, today, week_end(today), today)
    unregistered = unregistered_bookings(actor, caseworker=actor.caseworker, before=clock.start_of_day(today))
    closing = deadlines_closing_unbooked(actor, today, days=CLOSING_DAYS)
    shown = [b.citizen_id for b in mine["bookings"]] + [b.citizen_id for b in unregistered]
    shown += [d.citizen_id for d in closing]
    audit.record_many(actor, "citizen.list", shown, purpose="I dag")
    return {
        "today_day": days[0] if days else None,
        "later_days": days[1:],
        "unregistered": unregistered,
        "closing": closing,
        "closing_days": CLOSING_DAYS,
        "empty_offers": offers_without_free_times(actor, now=now, days=OFFER_DAYS),
        "offer_days": OFFER_DAYS,
    }
