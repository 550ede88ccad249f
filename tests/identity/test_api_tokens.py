"""Issue 13 item 4: the API accepts OAuth2 client-credentials access tokens (JWT) from the configured
OIDC provider — a real one (django-oauth-toolkit, conftest.py) — validated against its JWKS; role and
organisation from claims. Samtale's own bearer tokens keep working."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from samtale.core import clock
from samtale.identity import api_tokens


@pytest.fixture
def machine(oidc_settings, db):
    api_tokens.keys.clear()
    yield
    api_tokens.keys.clear()


def get(path: str, token: str):
    return Client().get(f"/api/v1{path}", headers={"Authorization": f"Bearer {token}"})


def test_dfdg_client_reads_the_feed_with_a_provider_token(machine, oidc_provider):
    token = oidc_provider.client_credentials_token("dfdg-maskine")
    assert get("/feeds/dfdg", token).status_code == 200
    assert get("/feeds/akasse", token).status_code == 403  # the role comes from the claim


def test_akasse_client_gets_its_organisation_from_the_claim(machine, oidc_provider, akasse):
    r = get("/feeds/akasse", oidc_provider.client_credentials_token("akasse-maskine"))
    assert r.status_code == 200


def test_akasse_token_naming_no_known_akasse_is_refused(machine, oidc_provider, db):
    assert get("/feeds/akasse", oidc_provider.client_credentials_token("akasse-maskine")).status_code == 401


def test_token_for_another_audience_is_refused(machine, oidc_provider):
    assert get("/feeds/dfdg", oidc_provider.client_credentials_token("anden-tjeneste")).status_code == 401


def test_token_from_another_issuer_is_refused(machine, oidc_provider):
    token = oidc_provider.client_credentials_token("dfdg-maskine", host="localhost")
    assert get("/feeds/dfdg", token).status_code == 401


def test_token_with_a_tampered_signature_or_payload_is_refused(machine, oidc_provider):
    header, payload, signature = oidc_provider.client_credentials_token("dfdg-maskine").split(".")
    flipped = signature[:10] + ("A" if signature[10] != "A" else "B") + signature[11:]
    assert get("/feeds/dfdg", f"{header}.{payload}.{flipped}").status_code == 401
    other = oidc_provider.client_credentials_token("anden-tjeneste").split(".")[1]
    assert get("/feeds/dfdg", f"{header}.{other}.{signature}").status_code == 401


def test_expired_token_is_refused(machine, oidc_provider):
    token = oidc_provider.client_credentials_token("dfdg-maskine")  # lives 300 s
    with time_machine.travel(clock.now() + timedelta(minutes=10)):
        assert get("/feeds/dfdg", token).status_code == 401


def test_samtale_bearer_tokens_still_work_alongside(machine, api_as):
    assert api_as("dfdg").get("/feeds/dfdg").status_code == 200
