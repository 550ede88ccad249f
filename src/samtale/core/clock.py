"""The only place that reads the wall clock. Domain code asks here for `now()` and `today()`;
tests move time with time-machine, the batch passes an explicit date."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

TZ = ZoneInfo("Europe/Copenhagen")


def now() -> datetime:
    """Aware UTC datetime."""
    return timezone.now()


def today() -> date:
    """Today's date in Denmark (a jobcenter's day, not UTC's)."""
    return now().astimezone(TZ).date()


def local(moment: datetime) -> datetime:
    return moment.astimezone(TZ)


def local_date(moment: datetime) -> date:
    return moment.astimezone(TZ).date()


def start_of_day(day: date) -> datetime:
    """Midnight in Copenhagen, in UTC. Returned in UTC because Python subtracts two datetimes that
    share a tzinfo as wall-clock times: a DST day would wrongly come out as 24 hours."""
    return datetime.combine(day, time.min, tzinfo=TZ).astimezone(UTC)


def end_of_day(day: date) -> datetime:
    """Exclusive end: the next day's midnight in Copenhagen."""
    return start_of_day(day + timedelta(days=1))


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A Danish wall-clock time on a day, in UTC."""
    return datetime.combine(day, time(hour, minute), tzinfo=TZ).astimezone(UTC)
