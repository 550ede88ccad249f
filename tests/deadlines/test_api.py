from datetime import date, timedelta

import pytest
import time_machine

from samtale.core import clock

TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(clock.at(TODAY, 9), tick=False):
        yield


def test_create_list_close_notice(api_a, api_b, make_citizen):
    citizen = make_citizen(contact_group=2)
    url = f"/citizens/{citizen.public_id}"
    r = api_a.post(
        f"{url}/deadlines", {"conversation_type": 7, "deadline_date": str(TODAY + timedelta(days=14))}
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "active" and body["horizon"] == str(TODAY + timedelta(days=21))
    assert any("ledige tider" in w for w in body["warnings"])
    assert [h["new_status"] for h in body["history"]] == ["not_activated", "active"]

    r = api_a.get(f"{url}/notice?on={TODAY + timedelta(days=10)}")
    assert r.json()["notice"]["rule"] == "R-NT-2"
    assert "Der er kun 4 dage til mandag den 16. marts 2026" in r.json()["notice"]["text"]
    assert api_a.get(f"{url}/notice?on=2026-13-01").status_code == 422

    # Reads never depend on the batch: the day after the deadline date the list says closed_admin.
    with time_machine.travel(clock.at(TODAY + timedelta(days=15), 9), tick=False):
        listed = api_a.get(f"{url}/deadlines").json()
        assert listed[0]["status"] == "closed_admin" and listed[0]["stored_status"] == "active"

    assert api_b.get(f"{url}/deadlines").status_code == 404
    assert api_b.post(f"/deadlines/{body['id']}/close").status_code == 404
    r = api_a.post(f"/deadlines/{body['id']}/close")
    assert r.status_code == 200 and r.json()["status"] == "closed_admin"
    r = api_a.post(f"/deadlines/{body['id']}/close")
    assert r.status_code == 409 and r.json()["code"] == "deadline_closed"


def test_problems_carry_rule(api_a, make_citizen):
    citizen = make_citizen(contact_group=1)
    url = f"/citizens/{citizen.public_id}/deadlines"
    r = api_a.post(url, {"conversation_type": 7, "deadline_date": str(TODAY + timedelta(days=3))})
    assert r.status_code == 409 and r.json()["rule"] == "R-DL-17"
    r = api_a.post(url, {"conversation_type": 4, "deadline_date": str(TODAY + timedelta(days=30))})
    assert r.status_code == 409 and r.json()["rule"] == "R-DL-2"
    r = api_a.post(url, {"conversation_type": 7, "deadline_date": "not a date"})
    assert r.status_code in (400, 422)
    r = api_a.post(url, {"conversation_type": 7, "deadline_date": str(TODAY - timedelta(days=1))})
    assert r.status_code == 422
    assert api_a.post("/deadlines/00000000-0000-0000-0000-000000000000/close").status_code == 404


def test_me_deadline_and_notice(api_as, api_a, make_citizen):
    citizen = make_citizen(contact_group=2)
    me = api_as("citizen", citizen_public_id=citizen.public_id)
    assert me.get("/me/deadline").status_code == 204
    assert me.get("/me/notice").json()["notice"] is None
    api_a.post(
        f"/citizens/{citizen.public_id}/deadlines",
        {
            "conversation_type": 7,
            "deadline_date": str(TODAY + timedelta(days=30)),
            "activation_date": str(TODAY + timedelta(days=5)),
        },
    )
    assert me.get("/me/deadline").status_code == 204  # not_activated: invisible
    with time_machine.travel(clock.at(TODAY + timedelta(days=5), 9), tick=False):
        r = me.get("/me/deadline")
        assert r.status_code == 200 and r.json()["status"] == "active" and r.json()["history"] == []
        notice = me.get("/me/notice").json()["notice"]
        assert notice["rule"] == "R-NT-1" and notice["heading"] == "Ny frist"
    assert api_a.get("/me/deadline").status_code == 403
