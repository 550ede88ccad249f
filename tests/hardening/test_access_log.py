"""Issue 12, item 5: the Django admin's list and change pages and failed CPR searches are in the access
log; the admin's CPR search is a POST (no CPR in a URL); the citizen sees on the portal who looked
at their data and when (organisation and purpose; a caseworker's name only if shown to them)."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from samtale.citizens.selectors import citizen_find_by_cpr, citizen_get
from samtale.core.errors import NotFound
from samtale.core.models import AuditRecord
from tests.conftest import make_cpr
from tests.portal.conftest import login_client


@pytest.fixture
def admin_client(db):
    user = get_user_model().objects.create_superuser("drift", "drift@example.dk", "en-lang-adgangskode-123")
    client = Client()
    client.force_login(user)
    return client


def test_admin_list_and_change_pages_write_one_row_per_citizen_shown(admin_client, make_citizen):
    citizens = [make_citizen(name=f"Borger {i}") for i in range(3)]
    r = admin_client.get("/admin/citizens/citizen/")
    assert r.status_code == 200
    rows = AuditRecord.objects.filter(action="admin.list")
    assert sorted(r.citizen_id for r in rows) == sorted(c.pk for c in citizens)
    assert {r.actor for r in rows} == {"admin:drift"} and {r.endpoint for r in rows} == {
        "GET /admin/citizens/citizen/"
    }
    admin_client.get(f"/admin/citizens/citizen/{citizens[0].pk}/change/")
    assert AuditRecord.objects.filter(action="admin.view", citizen=citizens[0]).count() == 1
    # Models that hang off a citizen are covered too.
    admin_client.get("/admin/citizens/absence/")


def test_admin_cpr_search_is_a_post_and_audited(admin_client, make_citizen):
    citizen = make_citizen()
    assert admin_client.get("/admin/citizens/citizen/", {"q": citizen.cpr}).content.count(b"Test Borger") == 0
    page = admin_client.get("/admin/citizens/citizen/cpr/")
    assert page.status_code == 200 and b'method="post"' in page.content
    r = admin_client.post("/admin/citizens/citizen/cpr/", {"cpr": citizen.cpr})
    assert r.status_code == 302 and citizen.cpr not in r["Location"]
    assert AuditRecord.objects.filter(action="citizen.search", citizen=citizen).exists()
    r = admin_client.post("/admin/citizens/citizen/cpr/", {"cpr": make_cpr()})
    assert r.status_code == 200
    failed = AuditRecord.objects.get(action="citizen.search", citizen__isnull=True)
    assert failed.detail == {"found": False} and failed.actor == "admin:drift"


def test_failed_cpr_search_is_audited(actor_a):
    with pytest.raises(NotFound):
        citizen_find_by_cpr(actor_a, make_cpr())
    row = AuditRecord.objects.get(action="citizen.search")
    assert row.citizen_id is None and row.actor == "kbh-ah" and row.detail == {"found": False}


def test_citizen_sees_who_looked(settings, make_citizen, actor_a):
    settings.DEV_LOGIN = True
    citizen = make_citizen()
    citizen_get(actor_a, citizen.public_id, purpose="forberedelse af samtale")
    page = login_client(citizen).get("/borger/indsigt/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Jobcenter København" in html and "Forberedelse af samtale" in html
    assert "Anne Holm" not in html  # the caseworker is not shown to the citizen on any conversation
