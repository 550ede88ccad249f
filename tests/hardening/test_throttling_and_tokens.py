"""Issue 12, item 6: bad tokens per IP and booking attempts per citizen are throttled (429
problem+json with Retry-After) in the configured cache; admin password logins are locked out
(django-axes); API tokens expire (default 90 days, --days), and are listed and revoked by CLI and API."""

from datetime import UTC, timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from samtale.organisations.models import ApiClient
from tests.bookings.conftest import NOW, local
from tests.conftest import ApiClient as Api


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_bad_tokens_from_one_address_get_429_with_retry_after(settings, admin_api):
    settings.SAMTALE_TOKEN_FAILURES_PER_IP = 5
    bad = Api("smt_forkert")
    for _ in range(5):
        assert bad.get("/codes").status_code == 401
    r = bad.get("/codes")
    assert r.status_code == 429 and r["Content-Type"] == "application/problem+json"
    assert r.json()["code"] == "throttled" and 1 <= int(r["Retry-After"]) <= 61
    assert bad.get("/codes").status_code == 429
    # A good token still works (guessing is what is throttled, and it costs a good request nothing).
    assert admin_api.get("/codes").status_code == 200


def test_booking_attempts_per_citizen_are_throttled(settings, make_citizen, api_as, system_slot):
    settings.SAMTALE_BOOKING_ATTEMPTS_PER_CITIZEN = 3
    citizen = make_citizen(contact_group=2)
    me = api_as("citizen", citizen_public_id=citizen.public_id)
    statuses = [me.post("/me/bookings", {"slot": str(system_slot.public_id)}).status_code for _ in range(3)]
    assert 429 not in statuses and all(s in (201, 409) for s in statuses)  # refused ones count too
    r = me.post("/me/bookings", {"slot": str(system_slot.public_id)})
    assert r.status_code == 429 and "Retry-After" in r and r.json()["code"] == "throttled"


@pytest.fixture
def system_slot(jc_a, cw_a):
    from samtale.core.actors import Actor
    from samtale.scheduling import services as scheduling

    offer = scheduling.offer_create(
        location="Jobcentret, telefonmøde",
        description="Vi ringer dig op.",
        actor=Actor.system("t"),
        jobcenter=jc_a,
        title="Jobsamtale",
        conversation_type=7,
        contact_forms=["telefonisk"],
        contact_groups=[2],
        phone_to_call="+4533333333",
    )
    return scheduling.slot_create(
        actor=Actor.system("t"),
        offer=offer,
        start=local(2026, 3, 4, 10),
        end=local(2026, 3, 4, 10, 30),
        capacity=1,
        caseworker=cw_a,
    )


def test_admin_login_is_locked_out_after_failures(settings, db):
    settings.AXES_FAILURE_LIMIT = 3
    get_user_model().objects.create_superuser("drift", "d@example.dk", "rigtig-adgangskode-123")
    client = Client()
    for _ in range(2):
        r = client.post("/admin/login/", {"username": "drift", "password": "forkert"})
        assert r.status_code == 200
    assert client.post("/admin/login/", {"username": "drift", "password": "forkert"}).status_code == 429
    r = client.post("/admin/login/", {"username": "drift", "password": "rigtig-adgangskode-123"})
    assert r.status_code == 429 and "For mange forsøg" in r.content.decode()


def test_tokens_expire_after_90_days_by_default_and_days_sets_it(db, frozen):
    out = StringIO()
    call_command("token", "create", "--role", "admin", stdout=out)
    token = out.getvalue().strip()
    client = ApiClient.objects.get()
    assert client.expires_at == NOW.astimezone(UTC) + timedelta(days=90)
    call_command("token", "create", "--role", "dfdg", "--days", "7", stdout=StringIO())
    assert ApiClient.objects.get(role="dfdg").expires_at == NOW.astimezone(UTC) + timedelta(days=7)
    api = Api(token)
    assert api.get("/codes").status_code == 200
    frozen.shift(timedelta(days=91))
    assert api.get("/codes").status_code == 401


def test_tokens_are_listed_and_revoked_by_cli_and_api(db):
    out = StringIO()
    call_command("token", "create", "--role", "admin", "--name", "drift", stdout=out)
    admin = Api(out.getvalue().strip())
    call_command("token", "create", "--role", "dfdg", stdout=StringIO())
    dfdg = ApiClient.objects.get(role="dfdg")
    listing = StringIO()
    call_command("token", "list", stdout=listing)
    assert str(dfdg.public_id) in listing.getvalue() and "gyldig" in listing.getvalue()
    assert "smt_" not in listing.getvalue()  # the token itself is never shown again
    r = admin.get("/tokens")
    assert r.status_code == 200 and {t["role"] for t in r.json()} == {"admin", "dfdg"}
    r = admin.post(f"/tokens/{dfdg.public_id}/revoke")
    assert r.status_code == 200 and r.json()["status"] == "spærret"
    call_command("token", "revoke", str(ApiClient.objects.get(role="admin").public_id), stdout=StringIO())
    assert admin.get("/tokens").status_code == 401


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_counter_outside_a_transaction_counts_in_its_own_asynchronous_commit():
    """On PostgreSQL the booking path's counter is written in autocommit without waiting for the WAL
    flush (samtale.core.throttle): it still counts, and leaves no transaction open."""
    from django.db import connection

    from samtale.core import throttle

    assert [throttle.add("test", "citizen:1", window=60)[0] for _ in range(3)] == [1, 2, 3]
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"  # the setting was the counter's own transaction's
    assert connection.get_autocommit()
