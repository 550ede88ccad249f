"""The held-conversation API: registration with everything § 27 names, bad input as Danish problems
with the rule id and nothing stored, corrections as versions, the citizen's own list (§ 27 stk. 6),
and the next deadline in the same transaction (R-HC-10)."""

import pytest

from samtale.conversations.models import HeldConversation
from samtale.deadlines.models import Deadline
from samtale.reporting.models import ReportEvent
from tests.conftest import make_cpr

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

HELD = "2026-03-03T10:00:00+01:00"


@pytest.fixture
def citizen(api_a, akasse):
    return api_a.post(
        "/citizens",
        {"cpr": make_cpr(), "name": "Ida Andersen", "contact_group": 2, "jobcenter": "101"},
    ).json()


def body(citizen_id, **kw):
    data = {
        "citizen": citizen_id,
        "held_at": HELD,
        "conversation_type": 7,
        "contact_form": "personligt",
        "information": "Vi talte om jobsøgning inden for detailhandel.",
        "agreement": {"text": "Du søger mindst 3 job om ugen og opdaterer dit cv.", "number": "AFT-1"},
        "participants": [{"name": "Ole Olsen", "role": "mentor", "form": "personligt"}],
    }
    data.update(kw)
    return data


def nothing_stored(events_before):
    assert HeldConversation.objects.count() == 0
    assert ReportEvent.objects.count() == events_before


def test_register_list_and_read(api_a, citizen):
    r = api_a.post(
        "/held-conversations", body(citizen["id"], visitation_group="jobparat", consent_number="77")
    )
    assert r.status_code == 201, r.json()
    out = r.json()
    assert out["contact_number"].startswith("AS-") and out["version"] == 1 and out["is_current"]
    assert out["held_at"].startswith("2026-03-03T09:00:00")
    assert out["registered_at"].startswith("2026-03-04T13:00:00")
    assert out["conversation_type"] == 7 and out["contact_form"] == "personligt" and out["resets"] is True
    assert out["agreement"] == {
        "kind": "course",
        "text": "Du søger mindst 3 job om ugen og opdaterer dit cv.",
        "binding": True,
        "number": "AFT-1",
    }
    assert out["participants"][0]["role"] == "mentor" and out["participants"][0]["role_label"] == "Mentor"
    assert out["caseworker"] == "kbh-ah" and out["jobcenter"] == "101" and out["authority"]
    assert out["visitation_group"] == "jobparat" and out["consent_number"] == "77"
    assert out["next_deadline"] is None and out["warnings"] == []

    listed = api_a.get(f"/citizens/{citizen['id']}/held-conversations").json()
    assert [h["id"] for h in listed] == [out["id"]]
    detail = api_a.get(f"/held-conversations/{out['id']}").json()
    assert [v["version"] for v in detail["versions"]] == [1]
    course = api_a.get(f"/citizens/{citizen['id']}/contact-course?since=2026-01-01").json()
    assert course["latest_resetting_contact"] == "2026-03-03" and course["jobsamtaler_since"] == 1
    assert course["binding_agreements"][0]["contact_number"] == out["contact_number"]
    assert course["visitation_group"]["visitation_group"] == "jobparat"


def test_register_from_booking_defaults(api_a, citizen):
    # Without type and form there is nothing to default from.
    r = api_a.post("/held-conversations", body(citizen["id"], conversation_type=None, contact_form=None))
    assert r.status_code == 422 and r.json()["code"] == "missing_field"


@pytest.mark.parametrize(
    ("change", "status", "rule"),
    [
        ({"held_at": "2026-03-05T10:00:00+01:00"}, 422, "R-HC-1"),
        ({"conversation_type": 9, "agreement": {"text": "Du skal møde op", "binding": True}}, 422, "R-HC-5"),
        ({"conversation_type": 7, "agreement": None}, 422, "R-HC-2"),
        ({"visitation_group": "jobparat", "conversation_type": 4, "agreement": None}, None, None),
        ({"participants": [{"name": "X", "role": "spion", "form": "personligt"}]}, 422, "R-HC-7"),
        ({"participants": [{"name": "", "role": "tolk", "form": "personligt"}]}, 422, "R-HC-7"),
        ({"several_authorities": True}, 422, "R-HC-11"),
        ({"conversation_type": 901}, 422, "R-HC-11"),
        ({"cv_not_adequate": True}, 422, "R-HC-8"),
    ],
)
def test_bad_input_is_a_danish_problem_and_nothing_is_stored(api_a, citizen, change, status, rule):
    before = ReportEvent.objects.count()
    r = api_a.post("/held-conversations", body(citizen["id"], **change))
    if status is None:  # a visitation group for contact group 2 is fine
        assert r.status_code == 201
        return
    assert r.status_code == status, r.json()
    problem = r.json()
    assert r["Content-Type"] == "application/problem+json"
    assert problem["rule"] == rule and problem["detail"] and problem["code"]
    nothing_stored(before)


def test_akasse_status_missing_on_jobsamtale_med_akasse(api_a, akasse):
    c = api_a.post(
        "/citizens",
        {"cpr": make_cpr(), "name": "Emil", "contact_group": 1, "jobcenter": "101", "akasse": akasse.code},
    ).json()
    before = ReportEvent.objects.count()
    r = api_a.post("/held-conversations", body(c["id"], conversation_type=17))
    assert r.status_code == 422 and r.json()["rule"] == "R-HC-4"
    assert "a-kasse" in r.json()["detail"]
    nothing_stored(before)
    r = api_a.post(
        "/held-conversations", body(c["id"], conversation_type=17, participation_status="akasse_deltog")
    )
    assert r.status_code == 201
    # § 27 stk. 5: the a-kasse's feed carries it.
    event = ReportEvent.objects.get(kind="held_conversation.registered")
    assert event.akasse_id == akasse.pk


def test_visitation_for_contact_group_without_visitation(api_a):
    c = api_a.post(
        "/citizens", {"cpr": make_cpr(), "name": "Noah", "contact_group": 6, "jobcenter": "101"}
    ).json()
    before = ReportEvent.objects.count()
    r = api_a.post(
        "/held-conversations", body(c["id"], conversation_type=4, agreement=None, visitation_group="jobparat")
    )
    assert r.status_code == 422 and r.json()["rule"] == "R-HC-6"
    nothing_stored(before)


def test_unknown_codes(api_a, citizen):
    before = ReportEvent.objects.count()
    r = api_a.post("/held-conversations", body(citizen["id"], conversation_type=999))
    assert r.status_code == 422 and r.json()["code"] == "unknown_conversationtype"
    r = api_a.post("/held-conversations", body(citizen["id"], contact_form="brevdue"))
    assert r.status_code == 422
    r = api_a.post("/held-conversations", body(citizen["id"], held_at="i går"))
    assert r.status_code == 422
    nothing_stored(before)


def test_citizen_of_another_jobcenter(api_a, api_b):
    c = api_b.post(
        "/citizens", {"cpr": make_cpr(), "name": "Bo", "contact_group": 2, "jobcenter": "751"}
    ).json()
    before = ReportEvent.objects.count()
    r = api_a.post("/held-conversations", body(c["id"]))
    assert r.status_code == 404 and r.json()["rule"] == "R-HC-11"
    nothing_stored(before)
    assert api_a.get(f"/citizens/{c['id']}/held-conversations").status_code == 404
    own = api_b.post("/held-conversations", body(c["id"])).json()
    assert api_a.get(f"/held-conversations/{own['id']}").status_code == 404
    assert api_a.post(f"/held-conversations/{own['id']}/corrections", {"reason": "x"}).status_code == 404


def test_roles(api_as, citizen):
    me = api_as("citizen", citizen_public_id=citizen["id"])
    assert me.post("/held-conversations", body(citizen["id"])).status_code == 403
    assert api_as("dfdg").get(f"/citizens/{citizen['id']}/held-conversations").status_code == 403


def test_correction_and_versions(api_a, citizen):
    first = api_a.post("/held-conversations", body(citizen["id"])).json()
    r = api_a.post(
        f"/held-conversations/{first['id']}/corrections",
        {"reason": "Samtalen foregik telefonisk", "contact_form": "telefonisk", "participants": []},
    )
    assert r.status_code == 201, r.json()
    new = r.json()
    assert new["version"] == 2 and new["contact_number"] == first["contact_number"]
    assert new["contact_form"] == "telefonisk" and new["participants"] == []
    assert (
        new["information"] == first["information"]
        and new["correction_reason"] == "Samtalen foregik telefonisk"
    )
    detail = api_a.get(f"/held-conversations/{first['id']}").json()
    assert [(v["version"], v["is_current"], v["contact_form"]) for v in detail["versions"]] == [
        (1, False, "personligt"),
        (2, True, "telefonisk"),
    ]
    listed = api_a.get(f"/citizens/{citizen['id']}/held-conversations").json()
    assert [h["version"] for h in listed] == [2]
    # Correcting an outdated version is a conflict; a correction without reason is refused.
    r = api_a.post(f"/held-conversations/{first['id']}/corrections", {"reason": "igen", "information": "x"})
    assert r.status_code == 409
    r = api_a.post(f"/held-conversations/{new['id']}/corrections", {"reason": "", "information": "x"})
    assert r.status_code == 422
    r = api_a.post(
        f"/held-conversations/{new['id']}/corrections",
        {"reason": "r", "conversation_type": 12, "agreement": {"text": "x", "binding": True}},
    )
    assert r.status_code == 422 and r.json()["rule"] == "R-HC-5"
    assert ReportEvent.objects.filter(kind="held_conversation.corrected").count() == 1


def test_me_held_conversations(api_as, api_a, citizen):
    api_a.post("/held-conversations", body(citizen["id"]))
    me = api_as("citizen", citizen_public_id=citizen["id"])
    mine = me.get("/me/held-conversations")
    assert mine.status_code == 200
    [row] = mine.json()
    assert row["conversation_type"] == "Jobsamtale" and row["contact_form"] == "Personligt fremmøde"
    assert row["agreement"].startswith("Du søger") and row["agreement_binding"] is True
    assert "cpr" not in row and "caseworker" not in row


# R-HC-10: the next deadline ----------------------------------------------------------------------


def test_r_hc_10_next_deadline_created_with_the_registration(api_a, citizen):
    r = api_a.post(
        "/held-conversations",
        body(citizen["id"], next_deadline={"conversation_type": 7, "deadline_date": "2026-04-01"}),
    )
    assert r.status_code == 201, r.json()
    nd = r.json()["next_deadline"]
    assert nd["status"] == "active" and nd["deadline_date"] == "2026-04-01" and nd["conversation_type"] == 7
    assert Deadline.objects.filter(citizen__public_id=citizen["id"]).count() == 1


@pytest.mark.parametrize(
    ("deadline", "rule"),
    [
        (
            {"conversation_type": 4, "deadline_date": "2026-04-01"},
            "R-DL-2",
        ),  # Opfølgningssamtale not for group 2
        ({"conversation_type": 7, "deadline_date": "2026-03-01"}, "R-DL-2"),  # in the past
    ],
)
def test_r_hc_10_refused_deadline_means_nothing_is_stored(api_a, citizen, deadline, rule):
    before = ReportEvent.objects.count()
    r = api_a.post(
        "/held-conversations", body(citizen["id"], visitation_group="jobparat", next_deadline=deadline)
    )
    assert 400 <= r.status_code < 500 and r.json()["rule"] == rule, r.json()
    nothing_stored(before)
    assert Deadline.objects.count() == 0
    assert api_a.get(f"/citizens/{citizen['id']}/contact-course").json()["visitation_history"] == []


def test_r_hc_1_registration_time_cannot_be_sent(api_a, citizen):
    r = api_a.post("/held-conversations", body(citizen["id"], registered_at="2020-01-01T00:00:00Z"))
    assert r.status_code == 201
    assert r.json()["registered_at"].startswith("2026-03-04T13:00:00")


def test_akasse_feed_carries_shared_kinds_only(api_a, api_as, akasse):
    from samtale.reporting.services import stamp_positions

    c = api_a.post(
        "/citizens",
        {"cpr": make_cpr(), "name": "Alma", "contact_group": 1, "jobcenter": "101", "akasse": akasse.code},
    ).json()
    api_a.post("/held-conversations", body(c["id"], held_at="2026-03-02T10:00:00+01:00"))
    api_a.post(
        "/held-conversations", body(c["id"], conversation_type=10, agreement=None, cv_not_adequate=True)
    )
    stamp_positions()
    feed = api_as("akasse", akasse_code=akasse.code).get("/feeds/akasse?after=0").json()
    kinds = [
        (e["kind"], e["payload"].get("conversation_type")) for e in feed["events"] if "held" in e["kind"]
    ]
    assert kinds == [("held_conversation.registered", 7)]  # the CV-samtale (10) is not named in § 27 stk. 5
