from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from samtale.citizens.models import Citizen
from samtale.organisations.models import ApiClient
from samtale.organisations.services import hash_token

pytestmark = pytest.mark.django_db


def test_token_command_prints_only_the_token_and_stores_its_hash(cw_a):
    out = StringIO()
    call_command("token", "create", "--role", "caseworker", "--caseworker", cw_a.ident, stdout=out)
    token = out.getvalue().strip()
    assert "\n" not in token and token.startswith("smt_")
    client = ApiClient.objects.get()
    assert client.token_hash == hash_token(token) and token not in client.token_hash


def test_token_command_refuses_unknown_caseworker():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Ukendt sagsbehandler"):
        call_command("token", "create", "--role", "caseworker", "--caseworker", "nobody", stdout=StringIO())


def test_demo_is_idempotent_and_spread_over_contact_groups():
    out = StringIO()
    call_command("demo", stdout=out)
    call_command("demo", stdout=StringIO())
    assert Citizen.objects.count() == 30
    groups = set(
        Citizen.objects.with_current(__import__("samtale.core.clock", fromlist=["x"]).today()).values_list(
            "current_contact_group", flat=True
        )
    )
    assert {1, 2, 3, 6, 7, 12, 13, 24, 25, 26} <= groups
    assert "Sagsbehandlere" in out.getvalue()


def test_dev_login_is_off_by_default(client):
    assert client.get("/login/").status_code == 404


@override_settings(DEV_LOGIN=True)
def test_dev_login_as_citizen_and_caseworker(client, make_citizen, cw_a):
    citizen = make_citizen(name="Ida Andersen")
    page = client.get("/login/")
    assert (
        page.status_code == 200
        and "Ida Andersen" in page.content.decode()
        and citizen.cpr not in page.content.decode()
    )
    r = client.post("/login/", {"citizen": str(citizen.public_id)})
    assert r.status_code == 302 and r["Location"] == "/borger/"
    home = client.get("/borger/")
    assert "Min side" in home.content.decode() and home["Cache-Control"].startswith("max-age=0")
    # A citizen cannot open the caseworker pages.
    assert client.get("/sagsbehandler/").status_code == 302
    client.post("/logout/")
    client.post("/login/", {"caseworker": cw_a.ident})
    page = client.get("/sagsbehandler/").content.decode()
    assert "Anne Holm" in page


def test_personal_pages_need_login(client):
    r = client.get("/borger/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")


@override_settings(DEV_LOGIN=True)
def test_csrf_refusal_is_a_danish_page(make_citizen):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    r = client.post("/login/", {"citizen": str(make_citizen().public_id)})
    assert r.status_code == 403
    assert "Siden er udløbet" in r.content.decode() and "CSRF" not in r.content.decode()
