"""Long lists written straight to JSON (issue 15): a month of free times or a jobcenter's calendar week
is thousands of rows, and validating each one through its response schema cost ten times what the
database did. Endpoints that answer such lists build plain values and return `json_response(...)`; they
keep their `response=` schema, which documents the answer in OpenAPI and which tests hold the answer to
(tests/bookings/test_long_lists.py validates these answers through it)."""

from __future__ import annotations

import orjson
from django.http import HttpResponse

from samtale.core.moments import api_text


def json_response(data) -> HttpResponse:
    """`data` (dicts, lists, str, int, bool, None, UUID, date, datetime) as the JSON answer Ninja would
    send for it."""
    return HttpResponse(
        # Datetimes and dates in the API's own text (OPT_PASSTHROUGH_DATETIME hands them to it), not orjson's.
        orjson.dumps(data, default=api_text, option=orjson.OPT_PASSTHROUGH_DATETIME),
        content_type="application/json; charset=utf-8",
    )
