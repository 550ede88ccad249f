"""The workbench's frame: caseworkers only, the navigation, the workbench's own 404 page."""

import re

import pytest
from django.test import Client

from tests.portal.conftest import login_client

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_anonymous_is_sent_to_login(db):
    r = Client().get("/sagsbehandler/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")
    assert "next=/sagsbehandler/" in r["Location"]


def test_a_citizen_is_not_let_in(make_citizen, settings):
    settings.DEV_LOGIN = True
    r = login_client(make_citizen()).get("/sagsbehandler/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")


def test_today_has_the_frame_navigation_and_no_cache(wb_a, cw_a):
    r = wb_a.get("/sagsbehandler/")
    page = text(r)
    assert r.status_code == 200
    assert "no-store" in r["Cache-Control"] or "max-age=0" in r["Cache-Control"]
    assert '<html lang="da"' in page and "dkfds-virkdk.min.css" in page
    assert 'aria-label="Hovedmenu"' in page and 'aria-current="page">I dag</a>' in page
    assert cw_a.name in page and "Jobcenter København" in page
    assert "<script>" not in page and "style=" not in page  # CSP: no inline script or style


def test_root_sends_a_caseworker_to_the_workbench(wb_a):
    r = wb_a.get("/")
    assert r.status_code == 302 and r["Location"] == "/sagsbehandler/"


def test_unknown_workbench_address_is_the_workbench_404(wb_a):
    r = wb_a.get("/sagsbehandler/findes-ikke/")
    assert r.status_code == 404
    assert "Siden findes ikke" in text(r) and "Gå til I dag" in text(r)


def test_portal_404_stays_the_portal_page(db):
    r = Client().get("/borger/findes-ikke/")
    assert r.status_code == 404 and "Gå til forsiden" in text(r)
