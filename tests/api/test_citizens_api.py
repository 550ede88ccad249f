import pytest

from samtale.core.models import AuditRecord
from tests.conftest import make_cpr

pytestmark = pytest.mark.django_db


def body(jobcenter="101", **kw):
    return {"cpr": make_cpr(), "name": "Ida Andersen", "contact_group": 2, "jobcenter": jobcenter, **kw}


def assert_problem(response, status, code, rule=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    data = response.json()
    assert data["status"] == status and data["code"] == code and data["detail"]
    if rule:
        assert data["rule"] == rule
    return data


def test_create_then_update_by_cpr(api_a):
    b = body(phone="+45 21 30 40 50", sms_reminders=True)
    r = api_a.post("/citizens", b)
    assert r.status_code == 201
    created = r.json()
    assert (
        created["contact_group"] == 2 and created["jobcenter"] == "101" and created["phone"] == "+4521304050"
    )
    r = api_a.post("/citizens", {**b, "name": "Ida A. Andersen"})
    assert r.status_code == 200 and r.json()["id"] == created["id"]


def test_search_by_cpr_is_a_post(api_a):
    b = body()
    created = api_a.post("/citizens", b).json()
    found = api_a.post("/citizens/search", {"cpr": b["cpr"]}).json()
    assert found["id"] == created["id"]


@pytest.mark.parametrize(
    "override, code",
    [
        ({"cpr": "3213851234"}, "invalid_cpr"),
        ({"contact_group": 9}, "unknown_contactgroup"),
        ({"phone": "12"}, "invalid_phone"),
        ({"email": "ikke-en-mail"}, "invalid_email"),
        ({"jobcenter": "999"}, "unknown_jobcenter"),
        ({"name": "  "}, "missing_field"),
    ],
)
def test_bad_input_is_a_danish_422(api_a, override, code):
    data = assert_problem(api_a.post("/citizens", body(**override)), 422, code)
    assert "3213851234" not in data["detail"]


def test_missing_field_names_it_in_danish(api_a):
    b = body()
    del b["contact_group"]
    data = assert_problem(api_a.post("/citizens", b), 422, "invalid_input")
    assert "contact_group skal udfyldes" in data["detail"]


def test_wrong_types_and_broken_json_are_4xx(api_a):
    assert_problem(api_a.post("/citizens", body(contact_group="to")), 422, "invalid_input")
    r = api_a.post("/citizens", "{ikke json")
    assert r.status_code in (400, 422) and r["Content-Type"] == "application/problem+json"
    assert_problem(api_a.get("/citizens/ikke-et-uuid"), 422, "invalid_input")


def test_patch_changes_group_and_cpr_admin_changes_jobcenter(api_a, admin_api, jc_b):
    created = api_a.post("/citizens", body()).json()
    new_cpr = make_cpr()
    r = api_a.patch(f"/citizens/{created['id']}", {"contact_group": 6, "cpr": new_cpr, "email": "a@b.dk"})
    assert r.status_code == 200, r.content
    out = r.json()
    assert out["contact_group"] == 6 and out["cpr"] == new_cpr and out["email"] == "a@b.dk"
    r = admin_api.patch(f"/citizens/{created['id']}", {"jobcenter": "751"})
    assert r.status_code == 200 and r.json()["jobcenter"] == "751"
    assert [h["code"] for h in out["contact_group_history"]] == [2, 6]


def test_absence_endpoint(api_a):
    created = api_a.post("/citizens", body()).json()
    r = api_a.post(
        f"/citizens/{created['id']}/absences",
        {"absence_type": 10, "start_date": "2026-07-01", "end_date": "2026-07-14"},
    )
    assert r.status_code == 201 and r.json()["label"] == "Ferie"
    bad = api_a.post(
        f"/citizens/{created['id']}/absences",
        {"absence_type": 10, "start_date": "2026-07-14", "end_date": "2026-07-01"},
    )
    assert_problem(bad, 422, "absence_end_before_start")
    assert_problem(
        api_a.post(f"/citizens/{created['id']}/absences", {"absence_type": 4242, "start_date": "2026-07-01"}),
        422,
        "unknown_absencetype",
    )


def test_every_caseworker_read_is_audited(api_a):
    created = api_a.post("/citizens", body()).json()
    api_a.get(f"/citizens/{created['id']}")
    assert AuditRecord.objects.filter(action="citizen.read", actor="kbh-ah").count() >= 1


def test_openapi_document_is_served(client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    assert "/api/v1/citizens/search" in r.json()["paths"]
