"""The scheduling tests use the same offers, free times and fixed Danish time as the booking tests."""

from tests.bookings.conftest import (  # noqa: F401 - pytest finds fixtures by name in this module
    NOW,
    TZ,
    citizen,
    frozen_now,
    local,
    make_offer,
    make_slot,
    me,
    offer,
    slot,
    system,
)
