"""A small world for the workbench's write pages, on the portal tests' dates (tests/portal/world.py:
Monday 26 June 2017 09.00, a Jobsamtale deadline 10 July 2017). Made through the services only."""

from __future__ import annotations

import re
from datetime import date, timedelta

from tests.portal.world import NOW, SYSTEM, at, make_offer, make_slot

SUMMON_AT = date(2017, 7, 4)  # a Tuesday


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def error_next_to(response, field_id: str) -> str:
    """The error message shown right at the field (the span the input's aria-describedby names)."""
    html = response.content.decode()
    m = re.search(rf'<span class="form-error-message" id="{field_id}-fejl">([^<]*)</span>', html)
    assert m, f"no error next to #{field_id}"
    return m.group(1)


def summon_at(citizen, day: date = SUMMON_AT, hour: int = 10, minute: int = 0, **fields):
    from samtale.bookings.services import booking_summon

    defaults = dict(
        conversation_type=7,
        contact_form="personligt",
        start=at(day, hour, minute),
        end=at(day, hour, minute) + timedelta(minutes=30),
        location="Jobcentret, stuen",
        description="Vi taler om din jobsøgning og dine næste skridt.",  # R-PC-2 (§ 20 nr. 9)
        address="Vesterbrogade 1, 1620 København V",
        caseworker="kbh-ah",  # cw_a of tests/conftest.py
    )
    defaults.update(fields)
    return booking_summon(actor=SYSTEM, citizen=citizen, **defaults)


__all__ = [
    "NOW",
    "SYSTEM",
    "at",
    "make_offer",
    "make_slot",
    "summon_at",
    "text",
    "error_next_to",
    "SUMMON_AT",
]
