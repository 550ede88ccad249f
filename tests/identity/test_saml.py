"""Issue 13 item 1: citizens sign in through a real SAML IdP (pysaml2, playing NemLog-in; conftest.py)
with OIOSAML 3 shaped assertions; every refusal is a Danish page and the CPR is never in a URL."""

import base64
import zlib
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import time_machine

from samtale.core import clock
from tests.identity.providers import saml_idp_answer, saml_sign_in, saml_start


@pytest.fixture
def citizen(saml_settings, make_citizen):
    return make_citizen(name="Ida Andersen")


def test_sp_metadata_is_published_at_a_fixed_url(client, saml_settings):
    r = client.get("/saml2/metadata/")
    xml = r.content.decode()
    assert r.status_code == 200 and r["Content-Type"].startswith("text/xml")
    assert 'entityID="http://testserver/saml2/metadata/"' in xml
    assert 'AuthnRequestsSigned="true"' in xml and 'WantAssertionsSigned="true"' in xml
    assert 'use="signing"' in xml and 'use="encryption"' in xml
    assert "http://testserver/saml2/acs/" in xml and "http://testserver/saml2/ls/" in xml


def test_the_citizen_is_sent_to_the_idp_with_a_signed_request(client, citizen, saml_idp):
    url = saml_start(client)
    query = parse_qs(urlsplit(url).query)
    assert url.startswith(f"{saml_idp.url}/sso/redirect")
    assert query["SigAlg"] == ["http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"] and query["Signature"]
    assert query["RelayState"] == ["/borger/"]
    request = zlib.decompress(base64.b64decode(query["SAMLRequest"][0]), -15).decode()
    assert "https://data.gov.dk/concept/core/nsis/loa/Substantial" in request  # RequestedAuthnContext
    assert 'Comparison="minimum"' in request and "http://testserver/saml2/acs/" in request
    assert requests.get(url, timeout=10).status_code == 200  # the IdP verified the signature
    forged = url.replace("Signature=", "Signature=AAAA")
    refused = requests.get(forged, timeout=10)
    assert refused.status_code == 400 and "IncorrectlySigned" in refused.text


def test_citizen_signs_in_with_an_encrypted_assertion(client, citizen):
    r = saml_sign_in(client, citizen.cpr)
    assert r.status_code == 302 and r["Location"] == "/borger/"
    assert citizen.cpr not in r["Location"]
    page = client.get("/borger/")
    assert page.status_code == 200 and "Ida Andersen" in page.content.decode()
    assert client.session["identity_method"] == "saml" and client.session["identity_kind"] == "citizen"


def test_high_assurance_is_enough_too(client, citizen):
    assert saml_sign_in(client, citizen.cpr, loa="High")["Location"] == "/borger/"


def test_unknown_cpr_gets_a_danish_page_not_an_error(client, saml_settings, db):
    r = saml_sign_in(client, "0101901234")
    page = r.content.decode()
    assert r.status_code == 403 and "Jobcentret har ingen oplysninger om dig" in page
    assert "0101901234" not in page and "010190" not in page


def test_assurance_level_below_substantial_is_refused(client, citizen):
    r = saml_sign_in(client, citizen.cpr, loa="Low")
    assert r.status_code == 403 and "Dit login er ikke sikkert nok" in r.content.decode()
    assert client.get("/borger/").status_code == 302


def test_tampered_assertion_is_refused(client, citizen, make_citizen):
    """The IdP sends this one unencrypted, so changing the CPR after signing reaches the signature check."""
    other = make_citizen(name="Anden Borger")
    r = saml_sign_in(client, citizen.cpr, tamper="1", tamper_cpr=other.cpr)
    assert r.status_code == 403 and "Log ind mislykkedes" in r.content.decode()
    assert client.get("/borger/").status_code == 302
    # The same unencrypted assertion left as signed is accepted: it was the change that was refused.
    assert saml_sign_in(client, citizen.cpr, tamper="1", tamper_cpr=citizen.cpr)["Location"] == "/borger/"


def test_assertion_for_another_service_is_refused(client, citizen):
    from tests.identity.saml_idp import OTHER_SP

    r = saml_sign_in(client, citizen.cpr, audience=OTHER_SP)
    assert r.status_code == 403 and "Log ind mislykkedes" in r.content.decode()
    assert client.get("/borger/").status_code == 302


def test_expired_assertion_is_refused(client, citizen):
    posted = saml_idp_answer(saml_start(client), citizen.cpr)
    with time_machine.travel(clock.now() + timedelta(minutes=15)):
        r = client.post("/saml2/acs/", posted)
    assert r.status_code == 403 and "Log ind mislykkedes" in r.content.decode()


def test_replayed_assertion_is_refused(client, citizen):
    from django.test import Client

    posted = saml_idp_answer(saml_start(client), citizen.cpr)
    assert client.post("/saml2/acs/", posted)["Location"] == "/borger/"
    client.post("/logout/")
    again = client.post("/saml2/acs/", posted)
    assert again.status_code == 403 and "Log ind mislykkedes" in again.content.decode()
    elsewhere = Client().post("/saml2/acs/", posted)  # captured and sent from another browser
    assert elsewhere.status_code == 403


def test_sp_initiated_logout_ends_both_sessions(client, citizen, saml_idp):
    saml_sign_in(client, citizen.cpr)
    name_id = saml_idp.name_id_for(citizen.cpr)
    assert name_id in saml_idp.sessions
    r = client.post("/logout/")
    assert r["Location"] == "/saml2/logout/"
    to_idp = client.get(r["Location"])["Location"]
    assert to_idp.startswith(f"{saml_idp.url}/slo/redirect") and "Signature=" in to_idp
    back = requests.get(to_idp, allow_redirects=False, timeout=10)
    assert back.status_code == 302 and name_id not in saml_idp.sessions
    path = urlsplit(back.headers["Location"])
    assert path.path == "/saml2/ls/"
    done = client.get(f"{path.path}?{path.query}")
    assert done["Location"] == "/logget-ud/"
    assert client.get("/borger/").status_code == 302


def test_idp_initiated_logout_ends_the_session(client, citizen, saml_idp):
    saml_sign_in(client, citizen.cpr)
    url = urlsplit(saml_idp.logout_request_url(citizen.cpr, "http://testserver"))
    r = client.get(f"{url.path}?{url.query}")
    assert r.status_code == 302 and r["Location"].startswith(f"{saml_idp.url}/slo/redirect?SAMLResponse=")
    assert client.get("/borger/").status_code == 302


def test_without_saml_configured_its_addresses_say_so_in_danish(client, settings):
    settings.SAML_ENABLED = False
    for path in ("/saml2/metadata/", "/saml2/login/", "/saml2/ls/"):
        r = client.get(path)
        assert r.status_code == 503 and "Log ind er ikke sat op" in r.content.decode(), path
    assert client.post("/saml2/acs/", {"SAMLResponse": "x"}).status_code == 503


def test_a_caseworker_signed_in_in_the_same_browser_is_sent_to_nemlogin_not_in_a_loop(
    client, citizen, cw_a, saml_idp, settings
):
    settings.DEV_LOGIN = True
    client.post("/login/", {"caseworker": cw_a.ident})
    assert saml_start(client).startswith(f"{saml_idp.url}/sso/redirect")
    assert saml_sign_in(client, citizen.cpr)["Location"] == "/borger/"
    assert client.get("/sagsbehandler/").status_code == 302  # now a citizen, no longer the caseworker
