"""Idempotency-Key on POST and PATCH (API.md § Idempotency): a retry replays the first answer without
doing the work again, another body under the same key is refused, keys belong to one API client and
expire after 24 hours. The concurrent case is tests/concurrency/test_idempotency_race.py."""

import json
from datetime import timedelta

import time_machine

from samtale.api.idempotency import purge_expired
from samtale.api.models import IdempotencyKey
from samtale.bookings.models import Booking
from samtale.core import clock
from samtale.deadlines import jobs
from samtale.reporting.models import ReportEvent
from tests.api.idempotency_helpers import summons_body


def test_a_retry_replays_the_first_answer_and_books_once(api_a, make_citizen):
    citizen = make_citizen()
    body = summons_body(citizen)
    first = api_a.post("/bookings", body, HTTP_IDEMPOTENCY_KEY="indkald-1")
    assert first.status_code == 201, first.content
    events = ReportEvent.objects.count()
    # the same body, spelt differently (key order, spacing), is the same request
    again = api_a.post(
        "/bookings", json.dumps(dict(reversed(body.items())), indent=2), HTTP_IDEMPOTENCY_KEY="indkald-1"
    )
    assert again.status_code == 201
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert Booking.objects.filter(citizen=citizen).count() == 1
    assert ReportEvent.objects.count() == events


def test_without_a_key_nothing_is_kept(api_a, make_citizen):
    citizen = make_citizen()
    assert api_a.post("/bookings", summons_body(citizen)).status_code == 201
    r = api_a.post("/bookings", summons_body(citizen))
    assert r.status_code == 409 and r.json()["rule"] == "R-PC-4"  # done again, and refused this time
    assert not IdempotencyKey.objects.exists()


def test_the_same_key_with_another_body_or_path_is_refused(api_a, make_citizen):
    citizen = make_citizen()
    assert api_a.post("/bookings", summons_body(citizen), HTTP_IDEMPOTENCY_KEY="k").status_code == 201
    for r in (
        api_a.post("/bookings", summons_body(citizen, hour=13), HTTP_IDEMPOTENCY_KEY="k"),
        api_a.patch(f"/citizens/{citizen.public_id}", {"phone": "+4511223344"}, HTTP_IDEMPOTENCY_KEY="k"),
    ):
        assert r.status_code == 422, r.content
        assert r["Content-Type"] == "application/problem+json"
        assert r.json()["code"] == "idempotency_key_reused"
    assert Booking.objects.filter(citizen=citizen).count() == 1
    citizen.refresh_from_db()
    assert citizen.phone != "+4511223344"


def test_patch_is_idempotent_too(api_a, make_citizen):
    citizen = make_citizen(phone="+4522222222")
    path = f"/citizens/{citizen.public_id}"
    first = api_a.patch(path, {"phone": "+4533333333"}, HTTP_IDEMPOTENCY_KEY="tlf")
    assert first.status_code == 200, first.content
    api_a.patch(path, {"phone": "+4544444444"})  # a later change without a key
    again = api_a.patch(path, {"phone": "+4533333333"}, HTTP_IDEMPOTENCY_KEY="tlf")
    assert again.status_code == 200 and again.content == first.content
    citizen.refresh_from_db()
    assert citizen.phone == "+4544444444"  # the retry did not change it back


def test_keys_belong_to_one_api_client(api_as, cw_a, make_citizen):
    one = api_as("caseworker", caseworker_ident=cw_a.ident)
    other = api_as("caseworker", caseworker_ident=cw_a.ident)
    first, second = make_citizen(), make_citizen()
    assert one.post("/bookings", summons_body(first), HTTP_IDEMPOTENCY_KEY="1").status_code == 201
    r = other.post("/bookings", summons_body(second, hour=13), HTTP_IDEMPOTENCY_KEY="1")
    assert r.status_code == 201 and "Idempotent-Replayed" not in r
    assert Booking.objects.filter(citizen__in=[first, second]).count() == 2


def test_a_refusal_is_kept_but_a_request_that_did_nothing_is_not(api_a, api_as, make_citizen):
    citizen = make_citizen()
    bad = {**summons_body(citizen), "end": summons_body(citizen)["start"]}
    first = api_a.post("/bookings", bad, HTTP_IDEMPOTENCY_KEY="bad")
    assert first.status_code == 422
    assert api_a.post("/bookings", bad, HTTP_IDEMPOTENCY_KEY="bad").content == first.content
    # a token without the right: 403, nothing done, nothing kept
    citizen_api = api_as("citizen", citizen_public_id=citizen.public_id)
    assert citizen_api.post("/bookings", summons_body(citizen), HTTP_IDEMPOTENCY_KEY="x").status_code == 403
    assert IdempotencyKey.objects.count() == 1


def test_an_unusable_key_is_a_problem(api_a, make_citizen):
    r = api_a.post("/bookings", summons_body(make_citizen()), HTTP_IDEMPOTENCY_KEY="x" * 256)
    assert r.status_code == 400 and r.json()["code"] == "idempotency_key_invalid"
    assert not Booking.objects.exists()


def test_keys_expire_after_24_hours_and_the_daily_batch_deletes_them(api_a, make_citizen):
    citizen, later = make_citizen(), make_citizen()
    assert api_a.post("/bookings", summons_body(citizen), HTTP_IDEMPOTENCY_KEY="dag").status_code == 201
    with time_machine.travel(clock.now() + timedelta(hours=23), tick=False):
        assert purge_expired() == 0
        r = api_a.post("/bookings", summons_body(citizen, hour=13), HTTP_IDEMPOTENCY_KEY="dag")
        assert r.status_code == 422
    with time_machine.travel(clock.now() + timedelta(hours=25), tick=False):
        assert purge_expired in jobs.DAILY_STEPS
        jobs.daily()
        assert not IdempotencyKey.objects.exists()
        # the key is free again: a new request under it does its work
        r = api_a.post("/bookings", summons_body(later, hour=13), HTTP_IDEMPOTENCY_KEY="dag")
        assert r.status_code == 201 and "Idempotent-Replayed" not in r
    assert Booking.objects.count() == 2


def test_a_revoked_token_gets_no_replay(api_a, make_citizen):
    from samtale.organisations.models import ApiClient
    from samtale.organisations.services import hash_token

    citizen = make_citizen()
    body = summons_body(citizen)
    assert api_a.post("/bookings", body, HTTP_IDEMPOTENCY_KEY="r").status_code == 201
    token = api_a.headers["HTTP_AUTHORIZATION"].removeprefix("Bearer ")
    ApiClient.objects.filter(token_hash=hash_token(token)).update(revoked_at=clock.now())
    r = api_a.post("/bookings", body, HTTP_IDEMPOTENCY_KEY="r")
    assert r.status_code == 401 and "Idempotent-Replayed" not in r
