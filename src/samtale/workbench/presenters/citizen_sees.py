""" "What the citizen sees": the portal's Min side and Mine møder for any chosen date, built from the
portal's own presenters and the selectors they use, with that date (and 8 o'clock that morning, or
the present moment for today) passed as `today`/`now` — the clock itself is not touched."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from samtale.bookings.selectors import bookable_slots, self_booking_block
from samtale.citizens.selectors import jobcenter_on
from samtale.core import clock, danish
from samtale.portal import presenters as portal

DAYS_SHOWN = 10
WEEKS_AHEAD = 4  # the free times counted: the next four weeks (the portal's calendar opens on them)
MORNING = 8


@dataclass
class BookableDay:
    day: date
    label: str
    times: list[str]


@dataclass
class BookableTimes:
    """One of the choices on Mine møder (R-NT-9) and the free times it would offer the citizen."""

    heading: str
    count: int
    days: list[BookableDay]


def _bookable(heading: str, slots) -> BookableTimes:
    by_day: dict[date, list[str]] = defaultdict(list)
    for slot in slots:
        by_day[clock.local_date(slot.start)].append(f"{clock.local(slot.start):%H.%M}")
    days = [
        BookableDay(d, danish.danish_date(d, weekday=True), times)
        for d, times in sorted(by_day.items())[:DAYS_SHOWN]
    ]
    return BookableTimes(heading, len(slots), days)


def moment_for(day: date) -> datetime:
    """The moment the preview shows: now for today, 8 o'clock in the morning on any other day."""
    return clock.now() if day == clock.today() else clock.at(day, MORNING)


def what_the_citizen_sees(actor, citizen, day: date) -> dict:
    now = moment_for(day)
    jobcenter = jobcenter_on(citizen, day)
    deadline = portal.active_deadline(citizen, day)
    info = portal.DeadlineInfo.of(deadline)
    window = {"now": now, "date_from": day, "date_to": day + timedelta(weeks=WEEKS_AHEAD)}
    choices = []
    if deadline is not None:
        with_deadline = bookable_slots(citizen, fulfils_deadline=True, **window)
        choices.append(_bookable(f"Book {info.noun} med frist", with_deadline))
        others = _bookable(
            "Book møde med jobcentret", bookable_slots(citizen, fulfils_deadline=False, **window)
        )
        if others.count:  # R-NT-9: the second choice only when there is something to book
            choices.append(others)
    else:
        choices.append(_bookable("Book et møde", bookable_slots(citizen, **window)))
    block = self_booking_block(citizen, day)
    return {
        "day": day,
        "day_label": danish.danish_long_date(day),
        "is_today": day == clock.today(),
        "moment": f"{clock.local(now):%H.%M}",
        "jobcenter": jobcenter,
        "notice": portal.deadline_notice(citizen, day),
        "deadline": deadline,
        "info": info,
        "deadline_long": portal.long_date(deadline.deadline_date) if deadline else None,
        "upcoming": portal.upcoming_bookings(actor, citizen, now),
        "held": [hc for hc in portal.held_conversations(actor, citizen) if hc.held_at <= now],
        "horizon_text": portal.horizon_text(citizen, deadline.conversation_type, day) if deadline else None,
        "self_booking_block": block.message if block else None,
        "choices": choices,
        "weeks_ahead": WEEKS_AHEAD,
    }
