"""Scoping: a caseworker of jobcenter A cannot see or change a citizen of jobcenter B (404, so that
existence is not revealed); tokens without the right role get 403; no token gets 401."""

import pytest

from tests.conftest import make_cpr

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen_b(api_b):
    return api_b.post(
        "/citizens", {"cpr": make_cpr(), "name": "Bo", "contact_group": 2, "jobcenter": "751"}
    ).json()


def test_other_jobcenter_is_404_everywhere(api_a, citizen_b):
    cid = citizen_b["id"]
    assert api_a.get(f"/citizens/{cid}").status_code == 404
    assert api_a.patch(f"/citizens/{cid}", {"name": "X"}).status_code == 404
    assert (
        api_a.post(f"/citizens/{cid}/absences", {"absence_type": 10, "start_date": "2026-07-01"}).status_code
        == 404
    )
    assert api_a.post("/citizens/search", {"cpr": citizen_b["cpr"]}).status_code == 404


def test_caseworker_cannot_create_in_foreign_jobcenter(api_a, jc_b):
    r = api_a.post("/citizens", {"cpr": make_cpr(), "name": "X", "contact_group": 2, "jobcenter": "751"})
    assert r.status_code == 403


def test_roles(api_as, api_a, citizen_b, client):
    assert client.get("/api/v1/jobcenters").status_code == 401
    assert client.get("/api/v1/jobcenters", HTTP_AUTHORIZATION="Bearer forkert").status_code == 401
    assert api_a.post("/jobcenters", {"code": "999", "name": "X"}).status_code == 403
    assert api_as("dfdg").get(f"/citizens/{citizen_b['id']}").status_code == 403
    me = api_as("citizen", citizen_public_id=citizen_b["id"])
    assert me.get(f"/citizens/{citizen_b['id']}").status_code == 403
    assert me.get("/me").json()["id"] == citizen_b["id"]


def test_operator_endpoints_are_idempotent(admin_api):
    for _ in range(2):
        assert admin_api.post("/jobcenters", {"code": "461", "name": "Jobcenter Odense"}).status_code == 200
        assert admin_api.post("/akasser", {"code": "HK", "name": "HK A-kasse"}).status_code == 200
        r = admin_api.post("/caseworkers", {"ident": "ode-1", "name": "Ole", "jobcenters": ["461"]})
        assert r.status_code == 200 and r.json()["jobcenters"] == ["461"]
    assert [j["code"] for j in admin_api.get("/jobcenters").json()] == ["461"]
    assert (
        admin_api.post("/caseworkers", {"ident": "x", "name": "X", "jobcenters": ["000"]}).status_code == 422
    )
