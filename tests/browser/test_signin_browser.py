"""Issue 13 in a real browser: a citizen signs in with the local SAML IdP (playing NemLog-in/MitID)
and books a meeting; a caseworker signs in with the local OIDC provider and opens the workbench;
signing out ends Samtale's session and the provider's. No development login here."""

from __future__ import annotations

import re

import pytest
import time_machine

from samtale.bookings.models import Booking
from tests.browser.conftest import check_axe
from tests.browser.test_portal_browser import book_in_ui, expect_text
from tests.identity.providers import WEB_CLIENT
from tests.portal.world import NOW, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def no_dev_login(settings):
    settings.DEV_LOGIN = False


def test_citizen_signs_in_with_saml_books_and_signs_out(
    new_page, live_server, settings, saml_idp, make_citizen, jc_a, cw_a
):
    saml_idp.register_sp(live_server.url)
    settings.SAML_CONFIG = saml_idp.sp_settings(live_server.url)
    settings.SAML_ENABLED = True
    with time_machine.travel(NOW, tick=True):
        world = make_world(make_citizen, jc_a, cw_a)
        page = new_page()
        page.goto("/borger/")
        page.get_by_role("heading", name="Test-NemLog-in (MitID)").wait_for()
        page.get_by_label("CPR-nummer").fill(world.citizen.cpr)
        page.get_by_label("Sikringsniveau").select_option("Substantial")
        page.get_by_role("button", name="Log ind").click()
        page.wait_for_url(re.compile(r"/borger/$"))
        assert world.citizen.cpr not in page.url
        expect_text(page, "Ny frist:")
        check_axe(page)
        book_in_ui(page)
        assert Booking.objects.filter(citizen=world.citizen).count() == 1
        page.get_by_role("button", name="Log ud").first.click()
        page.wait_for_url(re.compile(r"/logget-ud/$"))
        expect_text(page, "Du er nu logget ud")
        check_axe(page)
        assert saml_idp.name_id_for(world.citizen.cpr) not in saml_idp.sessions
        page.goto("/borger/")  # signed out here and at the IdP: it asks again
        page.get_by_role("heading", name="Test-NemLog-in (MitID)").wait_for()


def test_caseworker_signs_in_with_oidc_opens_the_workbench_and_signs_out(
    new_page, live_server, settings, oidc_provider, cw_a
):
    settings.OIDC_ISSUER = oidc_provider.issuer()
    settings.OIDC_DISCOVERY_URL = f"{oidc_provider.issuer()}/.well-known/openid-configuration"
    settings.OIDC_CLIENT_ID = WEB_CLIENT["client_id"]
    settings.OIDC_CLIENT_SECRET = WEB_CLIENT["client_secret"]
    settings.OIDC_ENABLED = True
    from samtale.identity import oidc

    oidc._client.cache_clear()
    page = new_page()
    page.goto("/sagsbehandler/")
    page.get_by_role("heading", name="Kommunens login (test-IdP)").wait_for()
    page.get_by_label("Brugernavn").fill("kbh-ah")
    page.get_by_label("Adgangskode").fill("pw-kbh-ah")
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(re.compile(r"/sagsbehandler/$"))
    expect_text(page, "Anne Holm")
    page.get_by_role("button", name="Log ud").first.click()
    page.wait_for_url(re.compile(r"/logget-ud/"))
    expect_text(page, "Du er nu logget ud")
    page.goto("/sagsbehandler/")  # signed out at the provider too: the password is asked for again
    page.get_by_role("heading", name="Kommunens login (test-IdP)").wait_for()
    oidc._client.cache_clear()


def test_portal_warns_before_the_idle_timeout_and_the_citizen_can_stay(new_page, settings, make_citizen):
    """The notice comes from static/identity/session-notice.js, under the portal's real CSP."""
    settings.DEV_LOGIN = True
    settings.SESSION_IDLE_SECONDS = {**settings.SESSION_IDLE_SECONDS, "citizen": 128}
    settings.SESSION_WARNING_SECONDS = 120
    citizen = make_citizen(name="Ida Andersen")
    page = new_page(bypass_csp=False)
    page.goto("/login/")
    page.select_option("#citizen", str(citizen.public_id))
    page.get_by_role("button", name="Log ind som borger").click()
    page.wait_for_url(re.compile(r"/borger/"))
    notice = page.get_by_role("alert").filter(has_text="Du bliver snart logget ud")
    notice.wait_for(state="visible", timeout=15_000)
    page.get_by_role("button", name="Bliv logget ind").click()
    notice.wait_for(state="hidden")
    assert page.evaluate("document.getElementById('session-notice').hidden")
