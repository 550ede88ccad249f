"""Issue 13 item 2: caseworkers sign in through a real OpenID Connect provider (django-oauth-toolkit,
started by conftest.py), authorization code + PKCE; refusals each with a Danish page."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from samtale.organisations import services as org
from tests.identity.providers import oidc_sign_in


@pytest.fixture
def staff(oidc_settings, cw_a, jc_b):
    org.caseworker_upsert(ident="aar-sl", name="Sofie Larsen", jobcenters=[])
    org.caseworker_upsert(ident="kbh-uden", name="Uden Jobcenter", jobcenters=["101"])
    return cw_a


def test_start_uses_pkce_and_a_nonce(client, staff):
    r = client.get(client.get("/login/sagsbehandler/")["Location"])
    query = parse_qs(urlsplit(r["Location"]).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["nonce"][0] and query["state"][0] and "openid" in query["scope"][0]
    assert query["client_id"] == ["samtale-web"]


def test_caseworker_signs_in_and_opens_the_workbench(client, staff):
    r = oidc_sign_in(client, "kbh-ah", "pw-kbh-ah")
    assert r.status_code == 302 and r["Location"] == "/sagsbehandler/"
    page = client.get("/sagsbehandler/")
    assert page.status_code == 200 and "Anne Holm" in page.content.decode()
    assert client.session["identity_method"] == "oidc" and client.session["identity_kind"] == "caseworker"


def test_jobcenters_and_admin_role_follow_the_group_claim_at_each_login(client, staff):
    sofie = org.caseworker_upsert(ident="aar-sl", name="Sofie Larsen", jobcenters=["101"])
    oidc_sign_in(client, "aar-sl", "pw-aar-sl")
    sofie.refresh_from_db()
    assert [j.code for j in sofie.jobcenters.all()] == ["751"]  # 101 removed, 751 added
    assert sofie.user.is_staff and sofie.user.is_superuser
    assert client.get("/admin/").status_code == 200


def test_admin_login_goes_to_the_provider(client, staff):
    r = client.get("/admin/login/?next=/admin/")
    assert r.status_code == 302 and r["Location"] == "/login/oidc/?next=%2Fadmin%2F"


def test_caseworker_whose_groups_name_no_jobcenter_is_refused(client, staff):
    r = oidc_sign_in(client, "kbh-uden", "pw-kbh-uden")
    assert r.status_code == 403 and "Du er ikke tilknyttet et jobcenter" in r.content.decode()
    assert client.get("/sagsbehandler/").status_code == 302


def test_unknown_and_deactivated_caseworkers_are_refused(client, staff):
    r = oidc_sign_in(client, "ukendt", "pw-ukendt")
    assert r.status_code == 403 and "Du er ikke oprettet i Samtale" in r.content.decode()
    staff.active = False
    staff.save()
    r = oidc_sign_in(client, "kbh-ah", "pw-kbh-ah")
    assert r.status_code == 403 and "Din adgang er lukket" in r.content.decode()


def test_id_token_from_another_issuer_is_refused(client, staff, oidc_provider, settings):
    """The provider is reached as localhost, so it signs its tokens as issuer http://localhost:…/o —
    a genuine token, but not from the issuer Samtale is configured to trust."""
    settings.OIDC_DISCOVERY_URL = f"{oidc_provider.issuer('localhost')}/.well-known/openid-configuration"
    r = oidc_sign_in(client, "kbh-ah", "pw-kbh-ah")
    assert r.status_code == 403 and "Log ind mislykkedes" in r.content.decode()
    assert client.get("/sagsbehandler/").status_code == 302


def test_id_token_with_a_bad_signature_is_refused(client, staff, oidc_provider, settings, keyset_server):
    """Samtale trusts other keys than the ones the provider signs with (as after a forged or tampered
    token): the signature check fails and nobody is signed in."""
    settings.OIDC_DISCOVERY_URL = keyset_server.discovery_with_other_keys(oidc_provider)
    r = oidc_sign_in(client, "kbh-ah", "pw-kbh-ah")
    assert r.status_code == 403 and "Log ind mislykkedes" in r.content.decode()


def test_a_callback_without_a_started_sign_in_is_refused(client, staff):
    r = client.get("/login/oidc/callback/?code=abc&state=made-up")
    assert r.status_code == 403 and "Log ind mislykkedes" in r.content.decode()


def test_logout_ends_the_provider_session_too(client, staff, oidc_provider):
    browser = requests.Session()
    oidc_sign_in(client, "kbh-ah", "pw-kbh-ah", browser=browser)
    r = client.post("/logout/")
    end = urlsplit(r["Location"])
    assert f"{end.scheme}://{end.netloc}{end.path}" == f"{oidc_provider.issuer()}/logout/"
    query = parse_qs(end.query)
    assert query["id_token_hint"][0] and query["post_logout_redirect_uri"] == ["http://testserver/logget-ud/"]
    assert client.get("/sagsbehandler/").status_code == 302
    r = browser.get(r["Location"], allow_redirects=False, timeout=10)
    assert r.status_code == 302 and r.headers["Location"].startswith("http://testserver/logget-ud/")
    # Signed out at the provider too: the next sign-in asks for the password again.
    start = client.get(client.get("/login/sagsbehandler/")["Location"])["Location"]
    assert "Kommunens login" in browser.get(start, timeout=10).text


def test_an_unreachable_provider_gets_a_danish_page(client, staff, settings):
    from tests.identity.providers import free_port

    settings.OIDC_DISCOVERY_URL = f"http://127.0.0.1:{free_port()}/o/.well-known/openid-configuration"
    r = client.get("/login/oidc/")
    assert r.status_code == 503 and "Kommunens login svarer ikke" in r.content.decode()


def test_claims_are_configurable_for_providers_with_other_names(settings):
    """E.g. Entra ID: an employee-number claim, app roles in `roles`, groups as object ids."""
    from samtale.identity.services import staff_claims

    settings.OIDC_USER_CLAIM = "employee_id"
    settings.OIDC_GROUPS_CLAIM = "roles"
    settings.OIDC_JOBCENTER_GROUPS = {"3f2a-guid": "101", "77b1-guid": "751"}
    settings.OIDC_ADMIN_GROUP = "Samtale.Admin"
    claims = staff_claims({"employee_id": "kbh-ah", "roles": ["3f2a-guid", "Samtale.Admin", "andet"]})
    assert claims.ident == "kbh-ah" and claims.jobcenter_codes == ("101",) and claims.is_admin
    assert staff_claims({"employee_id": "x", "roles": "77b1-guid"}).jobcenter_codes == ("751",)
