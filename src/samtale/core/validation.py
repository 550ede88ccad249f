"""Bounds on every date and time a client can send (issue 12, item 2), in one place.

The services call the `check_*` functions (so the API, the workbench and the portal are bound the
same way); the API schemas use the Annotated types below, which call the same functions while the
request is parsed, so an out-of-range value never reaches date arithmetic that would overflow.

- Planned conversations, free times and schedules (`EventTime`, `EventDate`): from one year ago to
  two years ahead. Nothing a jobcenter plans lies further out, and year 9999 breaks every page.
- Dates of record (absences, valid-from, activation, held dates; `RecordDate`): 1900 … ten years
  ahead — sane, without judging what the services' own rules allow.
- Query dates (`QueryDate`): ten years either side, and a range at most one year long
  (`check_query_range`).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from samtale.core import clock
from samtale.core.errors import InvalidInput

MAX_QUERY_DAYS = 366


def _window(kind: str, today: date) -> tuple[date, date]:
    if kind == "event":
        return today - timedelta(days=365), today + timedelta(days=2 * 365 + 1)
    if kind == "record":
        return date(1900, 1, 1), today + timedelta(days=10 * 365)
    return today - timedelta(days=10 * 365), today + timedelta(days=10 * 365)  # query


def _text(lo: date, hi: date) -> str:
    return f"skal ligge mellem {lo:%d-%m-%Y} og {hi:%d-%m-%Y}"


def _out_of_range(value: date | datetime | None, kind: str) -> tuple[date, date] | None:
    if value is None:
        return None
    lo, hi = _window(kind, clock.today())
    try:
        day = clock.local_date(value) if isinstance(value, datetime) and value.tzinfo else value
    except OverflowError:  # 9999-12-31T23:00Z is year 10000 in Copenhagen
        return lo, hi
    if isinstance(day, datetime):
        day = day.date()
    return None if lo <= day <= hi else (lo, hi)


def within(value, kind: str = "query") -> bool:
    """For pages that fall back to a default (the portal's ?maaned=/?dag=) instead of refusing."""
    return _out_of_range(value, kind) is None


def check_date(value, field: str, kind: str = "event"):
    """Raise a Danish 422 naming `field` when `value` lies outside the window of `kind`."""
    bounds = _out_of_range(value, kind)
    if bounds:
        raise InvalidInput(
            f"Ugyldige oplysninger: {field} {_text(*bounds)}.", code="date_out_of_range", field=field
        )
    return value


def check_event_times(**values) -> None:
    for field, value in values.items():
        check_date(value, field, "event")


def check_query_range(date_from: date | None, date_to: date | None, *, field: str = "to") -> None:
    if date_from and date_to and (date_to - date_from).days > MAX_QUERY_DAYS:
        raise InvalidInput(
            f"Ugyldige oplysninger: {field} må højst ligge et år efter startdatoen.",
            code="range_too_long",
            field=field,
        )


def _validator(kind: str):
    def validate(value):
        bounds = _out_of_range(value, kind)
        if bounds:
            raise PydanticCustomError("date_out_of_range", _text(*bounds))
        return value

    return AfterValidator(validate)


EventTime = Annotated[datetime, _validator("event")]
EventDate = Annotated[date, _validator("event")]
RecordDate = Annotated[date, _validator("record")]
QueryDate = Annotated[date, _validator("query")]
