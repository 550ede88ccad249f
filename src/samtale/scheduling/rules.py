"""Pure rules for meeting offers and free times: no ORM, no clock (callers pass `today`/`now`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

import holidays

from samtale.core.clock import TZ
from samtale.core.errors import InvalidInput

MAX_SCHEDULE_DAYS = 366


def check_times(start: datetime | None, end: datetime | None, *, rule: str = "R-PC-1") -> None:
    """R-PC-1: both given, both aware, start before end."""
    if start is None or end is None:
        raise InvalidInput(
            "Start- og sluttidspunkt skal udfyldes.", code="missing_time", rule=rule, field="start"
        )
    if start.tzinfo is None or end.tzinfo is None:
        raise InvalidInput(
            "Tidspunkter skal angives med tidszone (ISO 8601 med forskydning).",
            code="naive_time",
            rule=rule,
            field="start",
        )
    if end <= start:
        raise InvalidInput(
            "Sluttidspunktet skal ligge efter starttidspunktet.",
            code="end_before_start",
            rule=rule,
            field="end",
        )


@lru_cache(maxsize=32)
def danish_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("DK", years=year).keys())


def is_public_holiday(day: date) -> bool:
    return day in danish_holidays(day.year)


WEEKEND = {5: "en lørdag", 6: "en søndag"}


@lru_cache(maxsize=32)
def _holiday_names(year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("DK", years=year, language="da").items())


def unusual_time_reason(start: datetime, end: datetime, *, opens: time, closes: time) -> str | None:
    """Why a meeting from `start` to `end` lies at a time the jobcenter does not hold meetings, in
    Danish, or None: a Saturday or Sunday, a Danish public holiday, or outside the opening hours
    [opens, closes] (Copenhagen wall clock)."""
    first, last = start.astimezone(TZ), end.astimezone(TZ)
    day = first.date()
    if day.weekday() in WEEKEND:
        return f"Tidspunktet ligger {WEEKEND[day.weekday()]}."
    if day in danish_holidays(day.year):
        name = _holiday_names(day.year).get(day, "").lower()
        return f"Tidspunktet ligger på en helligdag ({name})."
    if first.time() < opens or last.date() != day or last.time() > closes:
        return f"Tidspunktet ligger uden for jobcentrets åbningstid ({opens:%H.%M}–{closes:%H.%M})."
    return None


def next_meeting_day(day: date) -> date:
    """`day` itself if meetings can be held on it, else the next weekday that is not a public holiday."""
    while day.weekday() in WEEKEND or is_public_holiday(day):
        day += timedelta(days=1)
    return day


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    return a_start < b_end and b_start < a_end


def expand_schedule(
    *,
    weekdays: Iterable[int],
    day_start: time,
    day_end: time,
    duration_minutes: int,
    date_from: date,
    date_to: date,
    busy: Iterable[tuple[datetime, datetime]] = (),
    not_before: datetime | None = None,
) -> tuple[list[tuple[datetime, datetime]], dict[str, int]]:
    """The free times a weekly schedule makes: on the given weekdays (0 = Monday) from `date_from` to
    `date_to`, back-to-back times of `duration_minutes` between `day_start` and `day_end` (Danish wall
    clock), skipping Danish public holidays, times that overlap `busy` (the caseworker's existing
    meetings and free times) and times before `not_before`. Returns the (start, end) pairs in UTC and
    how many were skipped, by reason."""
    days = sorted(set(weekdays))
    if not days or any(not isinstance(d, int) or d < 0 or d > 6 for d in days):
        raise InvalidInput(
            "Ugedage skal være tal fra 0 (mandag) til 6 (søndag).", code="invalid_weekdays", field="weekdays"
        )
    if duration_minutes is None or duration_minutes < 5 or duration_minutes > 8 * 60:
        raise InvalidInput(
            "Varigheden skal være mellem 5 og 480 minutter.",
            code="invalid_duration",
            field="duration_minutes",
        )
    if day_end <= day_start:
        raise InvalidInput(
            "Dagens sluttid skal ligge efter starttiden.",
            code="end_before_start",
            rule="R-PC-1",
            field="day_end",
        )
    if date_to < date_from:
        raise InvalidInput(
            "Slutdatoen kan ikke ligge før startdatoen.", code="date_to_before_date_from", field="date_to"
        )
    if (date_to - date_from).days > MAX_SCHEDULE_DAYS:
        raise InvalidInput("Et ugeskema kan højst dække ét år.", code="schedule_too_long", field="date_to")
    busy_list = sorted(busy)
    step = timedelta(minutes=duration_minutes)
    made: list[tuple[datetime, datetime]] = []
    skipped = {"holiday": 0, "busy": 0, "past": 0}
    day = date_from
    while day <= date_to:
        if day.weekday() in days:
            holiday = is_public_holiday(day)
            local = datetime.combine(day, day_start, tzinfo=TZ)
            last = datetime.combine(day, day_end, tzinfo=TZ)
            while local + step <= last:
                start = local.astimezone(UTC)
                end = (local + step).astimezone(UTC)
                if holiday:
                    skipped["holiday"] += 1
                elif not_before is not None and start < not_before:
                    skipped["past"] += 1
                elif any(overlaps(start, end, b0, b1) for b0, b1 in busy_list):
                    skipped["busy"] += 1
                else:
                    made.append((start, end))
                local = local + step
        day += timedelta(days=1)
    return made, skipped
