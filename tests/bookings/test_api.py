"""The booking API end to end through HTTP (API.md): a caseworker publishes a schedule and summons; a
citizen sees what they may book, books, rebooks and cancels; everything is reported; bad input is a
4xx Danish problem with the rule id and changes nothing."""

import pytest
import time_machine

from samtale.bookings.models import Booking
from samtale.reporting.models import ReportEvent
from tests.bookings.conftest import local


@pytest.fixture
def offer_api(api_a):
    r = api_a.post(
        "/offers",
        {
            "title": "Jobsamtale",
            "description": "Samtale om dit jobsøgning",
            "conversation_type": 7,
            "contact_forms": ["personligt", "telefonisk"],
            "meeting_form": "individual",
            "location": "Jobcenter København, Kalvebod Brygge",
            "address": "Kalvebod Brygge 45, 1560 København V",
            "phone_to_call": "33 66 33 66",
            "contact_groups": [1, 6],
            "jobcenter": "101",
            "rebooking_allowed": True,
            "rebooking_cutoff_hours": 24,
            "cancellation_allowed": True,
            "cancellation_cutoff_hours": 24,
        },
    )
    assert r.status_code == 201, r.content
    return r.json()


@pytest.fixture
def me_api(api_as, citizen):
    return api_as("citizen", citizen_public_id=citizen.public_id)


def problem(r, status, rule=None):
    assert r.status_code == status, r.content
    body = r.json()
    assert r["Content-Type"] == "application/problem+json"
    assert body["detail"] and body["code"]
    if rule:
        assert body["rule"] == rule
    return body


def test_caseworker_publishes_a_schedule_and_citizen_books_rebooks_and_cancels(
    api_a, offer_api, me_api, citizen
):
    r = api_a.post(
        f"/offers/{offer_api['id']}/slots",
        {
            "weekdays": [0, 2, 4],
            "day_start": "09:00",
            "day_end": "11:00",
            "duration_minutes": 60,
            "date_from": "2026-03-02",
            "date_to": "2026-03-13",
            "caseworker": "kbh-ah",
        },
    )
    assert r.status_code == 201, r.content
    assert r.json()["created"] == 12  # Mon/Wed/Fri for two weeks, two one-hour times a day
    slots = api_a.get(f"/offers/{offer_api['id']}/slots").json()
    assert len(slots) == 12

    r = me_api.get("/me/bookable-slots?from=2026-03-04&to=2026-03-06")
    assert r.status_code == 200, r.content
    body = r.json()
    assert [d["date"] for d in body["days"]] == ["2026-03-04", "2026-03-06"]
    first, second = body["slots"][0], body["slots"][2]

    r = me_api.post("/me/bookings", {"slot": first["id"], "contact_form": "telefonisk"})
    assert r.status_code == 201, r.content
    booking = r.json()
    assert (
        booking["self_booked"]
        and booking["who_calls"] == "citizen"
        and booking["phone_to_call"] == "+4533663366"
    )
    assert booking["booking_number"].startswith("B-2026-")

    r = me_api.post(f"/me/bookings/{booking['id']}/rebook", {"slot": second["id"]})
    assert r.status_code == 200, r.content
    assert r.json()["booking_number"] == booking["booking_number"]
    assert r.json()["start"] == "2026-03-06T09:00:00+01:00"

    r = me_api.get(f"/me/bookings/{booking['id']}")
    assert r.json()["confirmed_at"] is not None

    r = me_api.post(f"/me/bookings/{booking['id']}/cancel", {"reason": "borger_sygdom"})
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert [h["kind"] for h in r.json()["history"]] == ["created", "rebooked", "confirmed", "cancelled"]
    kinds = list(
        ReportEvent.objects.filter(citizen=citizen, kind__startswith="booking.")
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert kinds == ["booking.created", "booking.rebooked", "booking.confirmed", "booking.cancelled"]
    assert api_a.get(f"/citizens/{citizen.public_id}/bookings").json()[0]["status"] == "cancelled"


def test_summons_move_no_show_through_the_api(api_a, citizen):
    r = api_a.post(
        "/bookings",
        {
            "citizen": str(citizen.public_id),
            "conversation_type": 7,
            "contact_form": "personligt",
            "location": "Jobcentret, mødelokale 1",
            "description": "Vi taler om din situation og dine næste skridt.",
            "start": "2026-03-10T10:00:00+01:00",
            "end": "2026-03-10T10:45:00+01:00",
            "address": "Kalvebod Brygge 45, 1560 København V",
        },
    )
    assert r.status_code == 201, r.content
    b = r.json()
    assert not b["self_booked"] and b["caseworker"] == "kbh-ah" and b["title"] == "Jobsamtale"
    r = api_a.post(
        f"/bookings/{b['id']}/move",
        {"start": "2026-03-11T13:00:00+01:00", "end": "2026-03-11T13:45:00+01:00"},
    )
    assert r.status_code == 200 and r.json()["booking_number"] == b["booking_number"]
    problem(api_a.post(f"/bookings/{b['id']}/no-show"), 409, "R-PC-3")
    with time_machine.travel(local(2026, 3, 11, 13, 10), tick=False):
        r = api_a.post(f"/bookings/{b['id']}/no-show")
    assert r.status_code == 200 and r.json()["status"] == "no_show"


def test_joint_meeting_and_summons_into_a_slot(api_a, me_api, citizen, make_citizen):
    r = api_a.post(
        "/offers",
        {
            "title": "Informationsmøde",
            "conversation_type": 9,
            "contact_form": "personligt",
            "location": "Jobcentret, mødelokale 1",
            "description": "Vi taler om din situation og dine næste skridt.",
            "meeting_form": "joint",
            "address": "Kalvebod Brygge 45",
            "contact_groups": [6],
        },
    )
    assert r.status_code == 201, r.content
    r = api_a.post(
        f"/offers/{r.json()['id']}/slots",
        {"start": "2026-03-05T13:00:00+01:00", "end": "2026-03-05T14:30:00+01:00", "capacity": 10},
    )
    assert r.status_code == 201 and r.json()["capacity"] == 10
    slot = r.json()["id"]
    other = make_citizen(contact_group=6)
    r = api_a.post("/bookings", {"citizen": str(other.public_id), "slot": slot})
    assert r.status_code == 201, r.content
    assert me_api.post("/me/bookings", {"slot": slot}).status_code == 201
    problem(me_api.post("/me/bookings", {"slot": slot}), 409, "R-PC-5")
    assert api_a.get(f"/offers/{r.json()['offer']}/slots").json()[0]["booked"] == 2


def test_bad_input_is_a_danish_problem_with_the_rule_and_changes_nothing(
    api_a, api_b, offer_api, me_api, citizen, make_citizen, api_as
):
    slot = api_a.post(
        f"/offers/{offer_api['id']}/slots",
        {"start": "2026-03-05T10:00:00+01:00", "end": "2026-03-05T10:30:00+01:00"},
    ).json()
    before = (Booking.objects.count(), ReportEvent.objects.filter(kind__startswith="booking.").count())

    # end before start
    body = problem(
        api_a.post(
            "/bookings",
            {
                "citizen": str(citizen.public_id),
                "conversation_type": 12,
                "contact_form": "telefonisk",
                "location": "Jobcentret, mødelokale 1",
                "description": "Vi taler om din situation og dine næste skridt.",
                "start": "2026-03-10T10:00:00+01:00",
                "end": "2026-03-10T09:00:00+01:00",
            },
        ),
        422,
        "R-PC-1",
    )
    assert "efter" in body["detail"]
    problem(
        api_a.post(
            f"/offers/{offer_api['id']}/slots",
            {"start": "2026-03-05T12:00:00+01:00", "end": "2026-03-05T11:00:00+01:00"},
        ),
        422,
        "R-PC-1",
    )
    # a slot in the past
    problem(
        api_a.post(
            f"/offers/{offer_api['id']}/slots",
            {"start": "2026-03-01T12:00:00+01:00", "end": "2026-03-01T13:00:00+01:00"},
        ),
        422,
    )
    # a slot of another jobcenter / for another contact group
    other_offer = api_b.post(
        "/offers",
        {
            "title": "Jobsamtale",
            "conversation_type": 7,
            "contact_form": "telefonisk",
            "location": "Jobcentret, mødelokale 1",
            "description": "Vi taler om din situation og dine næste skridt.",
            "phone_to_call": "87 87 87 87",
            "contact_groups": [6],
        },
    ).json()
    other_slot = api_b.post(
        f"/offers/{other_offer['id']}/slots",
        {"start": "2026-03-05T10:00:00+01:00", "end": "2026-03-05T10:30:00+01:00"},
    ).json()
    problem(me_api.post("/me/bookings", {"slot": other_slot["id"]}), 422, "R-PC-11")
    problem(
        api_a.post(
            f"/offers/{other_offer['id']}/slots",
            {"start": "2026-03-06T10:00:00+01:00", "end": "2026-03-06T10:30:00+01:00"},
        ),
        404,
    )
    cash_api = api_as("citizen", citizen_public_id=make_citizen(contact_group=3).public_id)
    problem(cash_api.post("/me/bookings", {"slot": slot["id"]}), 422, "R-PC-11")
    # unknown slot, malformed id
    problem(me_api.post("/me/bookings", {"slot": "00000000-0000-0000-0000-000000000000"}), 404)
    problem(me_api.post("/me/bookings", {"slot": "nope"}), 422)
    problem(me_api.get("/me/bookable-slots?from=2026-03-10&to=2026-03-01"), 422)
    assert (
        Booking.objects.count(),
        ReportEvent.objects.filter(kind__startswith="booking.").count(),
    ) == before

    # beyond the cut-off, full slot, cancelled booking, someone else's booking id
    mine = me_api.post("/me/bookings", {"slot": slot["id"]}).json()
    stranger = api_as("citizen", citizen_public_id=make_citizen(contact_group=6).public_id)
    problem(stranger.post("/me/bookings", {"slot": slot["id"]}), 409, "R-PC-5")
    problem(stranger.post(f"/me/bookings/{mine['id']}/cancel", {"reason": "borger_sygdom"}), 404)
    problem(stranger.get(f"/me/bookings/{mine['id']}"), 404)
    problem(api_b.get(f"/bookings/{mine['id']}"), 404)
    problem(api_b.post(f"/bookings/{mine['id']}/cancel", {"reason": "fejlindkaldelse"}), 404)
    with time_machine.travel(local(2026, 3, 4, 11), tick=False):
        problem(me_api.post(f"/me/bookings/{mine['id']}/cancel", {"reason": "borger_sygdom"}), 409, "R-PC-6")
    r = api_a.post(f"/bookings/{mine['id']}/cancel", {"reason": "jobcenter_aflyst"})
    assert r.status_code == 200
    problem(me_api.post(f"/me/bookings/{mine['id']}/cancel", {"reason": "borger_sygdom"}), 409, "R-PC-3")
    # a citizen token cannot use the caseworker endpoints
    problem(me_api.get(f"/bookings/{mine['id']}"), 403)
    assert Booking.objects.filter(status="planned").count() == 0


def test_withdrawing_through_the_api(api_a, offer_api, me_api):
    slot = api_a.post(
        f"/offers/{offer_api['id']}/slots",
        {"start": "2026-03-05T10:00:00+01:00", "end": "2026-03-05T10:30:00+01:00"},
    ).json()
    me_api.post("/me/bookings", {"slot": slot["id"]})
    problem(api_a.post(f"/slots/{slot['id']}/withdraw", {}), 409)
    r = api_a.post(
        f"/slots/{slot['id']}/withdraw", {"cancel_bookings": True, "reason": "tid_trukket_tilbage"}
    )
    assert r.status_code == 200 and r.json()["status"] == "withdrawn" and r.json()["booked"] == 0
    assert me_api.get("/me/bookings").json()[0]["status"] == "cancelled"


def test_summons_start_must_be_aware(api_a, citizen):
    r = api_a.post(
        "/bookings",
        {
            "citizen": str(citizen.public_id),
            "conversation_type": 12,
            "contact_form": "telefonisk",
            "location": "Jobcentret, mødelokale 1",
            "description": "Vi taler om din situation og dine næste skridt.",
            "start": "2026-03-10T10:00:00",
            "end": "2026-03-10T11:00:00",
        },
    )
    problem(r, 422, "R-PC-1")


def test_caseworker_and_jobcenter_calendar(api_a, api_b, offer_api, me_api, citizen):
    slot = api_a.post(
        f"/offers/{offer_api['id']}/slots",
        {"start": "2026-03-05T10:00:00+01:00", "end": "2026-03-05T10:30:00+01:00"},
    ).json()
    api_a.post(
        f"/offers/{offer_api['id']}/slots",
        {"start": "2026-03-05T11:00:00+01:00", "end": "2026-03-05T11:30:00+01:00"},
    )
    booking = me_api.post("/me/bookings", {"slot": slot["id"]}).json()
    r = api_a.get("/calendar?from=2026-03-05&to=2026-03-05")
    assert r.status_code == 200, r.content
    entries = r.json()
    assert [(e["kind"], e["start"]) for e in entries] == [
        ("booking", "2026-03-05T10:00:00+01:00"),
        ("slot", "2026-03-05T10:00:00+01:00"),
        ("slot", "2026-03-05T11:00:00+01:00"),
    ]
    assert entries[0]["booking_number"] == booking["booking_number"] and entries[1]["booked"] == 1
    assert len(api_a.get("/calendar?jobcenter=101&from=2026-03-02").json()) == 3
    problem(api_b.get("/calendar?jobcenter=101"), 404)
    problem(api_b.get("/calendar?caseworker=kbh-ah"), 404)
    problem(api_a.get("/calendar?from=2026-03-05&to=2026-03-01"), 422)
