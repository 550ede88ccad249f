"""The per-process cache of API token look-ups (issue 15, organisations.token_cache): what it saves,
and the revocation delay it costs — a token revoked in another process (here: behind the ORM's back,
with `.update()`) is accepted until the TTL has passed, and at once when the TTL is 0. Time is the
frozen clock of tests/bookings (the TTL is measured with `clock`)."""

from datetime import timedelta

import pytest

from samtale.core import clock
from samtale.organisations.models import ApiClient
from tests.bookings.conftest import local

pytestmark = pytest.mark.django_db


@pytest.fixture
def me_api(api_as, citizen):
    return api_as("citizen", citizen_public_id=citizen.public_id)


def _statements(fn) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        fn()
    return len(queries)


def test_a_token_revoked_elsewhere_is_refused_once_the_ttl_has_passed(me_api, settings, frozen_now):
    settings.SAMTALE_TOKEN_CACHE_SECONDS = 5
    assert me_api.get("/me").status_code == 200
    ApiClient.objects.update(revoked_at=clock.now())  # another process: no signal reaches this one
    frozen_now.shift(timedelta(seconds=4))
    assert me_api.get("/me").status_code == 200  # the revocation delay
    frozen_now.shift(timedelta(seconds=1))
    assert me_api.get("/me").status_code == 401


def test_with_ttl_0_a_token_revoked_elsewhere_is_refused_at_once(me_api, settings):
    settings.SAMTALE_TOKEN_CACHE_SECONDS = 0
    assert me_api.get("/me").status_code == 200
    ApiClient.objects.update(revoked_at=clock.now())
    assert me_api.get("/me").status_code == 401


def test_a_cached_token_is_refused_the_moment_it_expires(me_api, settings, frozen_now):
    settings.SAMTALE_TOKEN_CACHE_SECONDS = 60
    ApiClient.objects.update(expires_at=clock.now() + timedelta(seconds=10))
    assert me_api.get("/me").status_code == 200
    frozen_now.shift(timedelta(seconds=9))
    assert me_api.get("/me").status_code == 200
    frozen_now.shift(timedelta(seconds=1))
    assert me_api.get("/me").status_code == 401


def test_in_one_process_a_revocation_and_a_holders_change_show_at_once(me_api, citizen, settings):
    from samtale.organisations.services import api_token_revoke

    settings.SAMTALE_TOKEN_CACHE_SECONDS = 60
    assert me_api.get("/me").json()["name"] == "Bo Borger"
    citizen.name = "Bo Borgersen"
    citizen.save()
    assert me_api.get("/me").json()["name"] == "Bo Borgersen"
    api_token_revoke(ApiClient.objects.get().public_id)
    assert me_api.get("/me").status_code == 401


def test_a_cached_token_is_not_read_again_and_its_last_use_is_still_written_once_a_minute(
    me_api, settings, frozen_now
):
    settings.SAMTALE_TOKEN_CACHE_SECONDS = 0
    assert me_api.get("/me").status_code == 200
    uncached = _statements(lambda: me_api.get("/me"))
    settings.SAMTALE_TOKEN_CACHE_SECONDS = 120
    assert me_api.get("/me").status_code == 200
    assert _statements(lambda: me_api.get("/me")) == uncached - 1
    first = ApiClient.objects.get().last_used_at
    frozen_now.shift(timedelta(seconds=59))
    assert me_api.get("/me").status_code == 200
    assert ApiClient.objects.get().last_used_at == first
    frozen_now.shift(timedelta(seconds=2))
    assert me_api.get("/me").status_code == 200
    written = ApiClient.objects.get().last_used_at
    assert written > first
    # The row kept knows the new last use: no conditional UPDATE on each request for a minute.
    frozen_now.shift(timedelta(seconds=30))
    assert _statements(lambda: me_api.get("/me")) == uncached - 1
    assert ApiClient.objects.get().last_used_at == written


def test_a_refusal_in_a_rush_runs_two_statements_with_the_token_cached(
    me_api, make_offer, make_slot, make_citizen, settings
):
    from samtale.bookings.services import booking_self_book
    from samtale.core.actors import Actor

    settings.SAMTALE_TOKEN_CACHE_SECONDS = 5
    full = make_slot(make_offer(conversation_type=12), local(2026, 3, 5, 11))
    booking_self_book(actor=Actor.for_citizen(make_citizen(contact_group=6)), slot=full)
    assert me_api.post("/me/bookings", {"slot": str(full.public_id)}).status_code == 409
    # The free time with the citizen's facts, the attempt counter; no token read.
    assert _statements(lambda: me_api.post("/me/bookings", {"slot": str(full.public_id)})) == 2
