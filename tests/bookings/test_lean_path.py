"""The booking path's cost (issue 15): what a request writes besides the booking, and how many SQL
statements the hot paths run. Statement counts are pinned (not timed): a regression that adds a
query per slot or per request fails here; the speed itself is measured in bench/."""

import logging
from datetime import timedelta

import pytest

from samtale.organisations.models import ApiClient
from tests.bookings.conftest import local

pytestmark = pytest.mark.django_db


@pytest.fixture
def me_api(api_as, citizen):
    return api_as("citizen", citizen_public_id=citizen.public_id)


def test_token_last_use_is_written_at_most_once_a_minute(me_api, frozen_now):
    assert me_api.get("/me").status_code == 200
    first = ApiClient.objects.get().last_used_at
    assert first is not None
    frozen_now.shift(timedelta(seconds=59))
    assert me_api.get("/me").status_code == 200
    assert ApiClient.objects.get().last_used_at == first
    frozen_now.shift(timedelta(seconds=2))
    assert me_api.get("/me").status_code == 200
    assert ApiClient.objects.get().last_used_at > first


def test_an_expected_refusal_is_not_a_logged_warning(me_api, offer, make_slot, make_citizen, caplog):
    from samtale.bookings.services import booking_self_book
    from samtale.core.actors import Actor

    slot = make_slot(offer, local(2026, 3, 5, 10))
    booking_self_book(actor=Actor.for_citizen(make_citizen(contact_group=6)), slot=slot)
    with caplog.at_level(logging.INFO):
        r = me_api.post("/me/bookings", {"slot": str(slot.public_id)})
    assert r.status_code == 409 and r.json()["code"] == "slot_full"
    assert not [rec for rec in caplog.records if rec.levelno >= logging.WARNING]
