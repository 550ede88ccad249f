"""Stored moments read fast for long lists (issue 15): a timestamp column as the database's text
(`moment_text`) and each distinct moment turned into the API's Copenhagen-time text once
(`LocalTimes`). Selectors use the first, API answers the second, so both live below either."""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import TextField
from django.db.models.functions import Cast

from samtale.core import clock

# The API's text for a datetime or a date: Ninja renders with (a subclass of) DjangoJSONEncoder — ISO
# 8601 with the offset, microseconds cut to milliseconds, "Z" for UTC.
api_text = DjangoJSONEncoder().default


def moment_text(column: str) -> Cast:
    """A timestamp column as the database's text for it ("2027-01-04 07:00:00+00" in PostgreSQL, whose
    sessions Django keeps in UTC; the stored UTC text in SQLite), for `LocalTimes`. Django loads each
    timestamptz through a Python parser (~10 µs a value, 80 ms for a month of free times); text
    comes through psycopg's C loader, and a month has only a few hundred distinct moments."""
    return Cast(column, output_field=TextField())


class LocalTimes:
    """A stored moment (a UTC datetime, or the database's text for it: `moment_text`) as the API shows
    it — Copenhagen time with its offset (R-PC-1) — and its Copenhagen day. Each distinct moment is
    converted once per answer: the free times of a month share a few hundred starts and ends."""

    def __init__(self):
        # What each moment has been turned into: a loop over thousands of rows may look here first
        # and call only for a moment it has not seen.
        self.seen: dict[datetime | str, tuple[str, date, datetime]] = {}

    def __call__(self, moment: datetime | str) -> tuple[str, date, datetime]:
        """The API's text for `moment`, its Copenhagen day, and the moment itself (a UTC datetime)."""
        found = self.seen.get(moment)
        if found is None:
            parsed = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
            parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
            local = clock.local(parsed)
            found = self.seen[moment] = (api_text(local), local.date(), parsed)
        return found

    def text(self, moment: datetime | str | None) -> str | None:
        return None if moment is None else self(moment)[0]
