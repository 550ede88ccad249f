"""Long lists written straight to JSON (issue 15): a month of free times or a jobcenter's calendar week
is thousands of rows, and validating each one through its response schema cost ten times what the
database did. Endpoints that answer such lists build plain values and return `json_response(...)`; they
keep their `response=` schema, which documents the answer in OpenAPI and which tests hold the answer to
(tests/bookings/test_long_lists.py validates these answers through it)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import orjson
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import TextField
from django.db.models.functions import Cast
from django.http import HttpResponse

from samtale.core import clock

# Ninja renders with (a subclass of) DjangoJSONEncoder: its text for a datetime — ISO 8601 with the
# offset, microseconds cut to milliseconds, "Z" for UTC — and for a date is the API's, so orjson hands
# both to it (OPT_PASSTHROUGH_DATETIME) rather than writing its own.
_api_text = DjangoJSONEncoder().default


def json_response(data) -> HttpResponse:
    """`data` (dicts, lists, str, int, bool, None, UUID, date, datetime) as the JSON answer Ninja would
    send for it."""
    return HttpResponse(
        orjson.dumps(data, default=_api_text, option=orjson.OPT_PASSTHROUGH_DATETIME),
        content_type="application/json; charset=utf-8",
    )


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
        self._seen: dict[datetime | str, tuple[str, date, datetime]] = {}

    def __call__(self, moment: datetime | str) -> tuple[str, date, datetime]:
        """The API's text for `moment`, its Copenhagen day, and the moment itself (a UTC datetime)."""
        found = self._seen.get(moment)
        if found is None:
            parsed = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
            parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
            local = clock.local(parsed)
            found = self._seen[moment] = (_api_text(local), local.date(), parsed)
        return found

    def text(self, moment: datetime | str | None) -> str | None:
        return None if moment is None else self(moment)[0]
