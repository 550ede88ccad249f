"""Issue 12, item 1: no citizen crosses jobcenters through POST /citizens. A caseworker who posts the
CPR of another jobcenter's citizen gets 409 citizen_in_other_jobcenter, nothing changes, and the
attempt is in the access log; a move is its own operation for the administration (R-DL-10)."""

from datetime import timedelta

import pytest
import time_machine

from samtale.bookings import services as bookings
from samtale.bookings.models import Booking, BookingStatus
from samtale.citizens import selectors, services
from samtale.core.errors import Forbidden
from samtale.core.models import AuditRecord
from samtale.deadlines.services import deadline_create
from samtale.messaging.models import Message
from samtale.reporting.models import ReportEvent
from tests.bookings.conftest import NOW, local


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def file_b(make_citizen, jc_b, actor_b):
    """A citizen of jobcenter B with an open deadline and a planned conversation."""
    citizen = make_citizen(contact_group=2, jobcenter=jc_b, phone="+4540404040", sms_reminders=True)
    deadline, _ = deadline_create(
        actor=actor_b, citizen=citizen, conversation_type=7, deadline_date=NOW.date() + timedelta(days=20)
    )
    booking = bookings.booking_summon(
        actor=actor_b,
        citizen=citizen,
        conversation_type=7,
        contact_form="telefonisk",
        location="Jobcentret, telefonmøde",
        description="Vi ringer dig op og taler om din jobsøgning.",
        start=local(2026, 3, 10, 10),
        end=local(2026, 3, 10, 10, 30),
    )
    return citizen, deadline, booking


def test_post_citizens_with_other_jobcenters_cpr_is_409_and_changes_nothing(file_b, api_a, api_b):
    citizen, deadline, booking = file_b
    events = ReportEvent.objects.count()
    r = api_a.post(
        "/citizens", {"cpr": citizen.cpr, "name": "Overtaget", "contact_group": 2, "jobcenter": "101"}
    )
    assert r.status_code == 409 and r["Content-Type"] == "application/problem+json"
    body = r.json()
    assert body["code"] == "citizen_in_other_jobcenter"
    assert citizen.cpr not in r.content.decode() and "Test Borger" not in r.content.decode()
    citizen.refresh_from_db()
    deadline.refresh_from_db()
    assert citizen.name == "Test Borger" and deadline.status == "fulfilled"
    assert ReportEvent.objects.count() == events
    # B keeps its citizen and booking; A still cannot see them.
    assert api_b.get(f"/bookings/{booking.public_id}").status_code == 200
    assert api_a.get(f"/citizens/{citizen.public_id}").status_code == 404
    attempt = AuditRecord.objects.get(action="citizen.upsert_refused")
    assert attempt.actor == "kbh-ah" and attempt.citizen_id == citizen.pk
    assert attempt.endpoint == "POST /api/v1/citizens"


def test_caseworker_of_both_jobcenters_cannot_move_by_upsert_or_patch(file_b, cw_a, jc_b, api_a):
    citizen, _, _ = file_b
    cw_a.jobcenters.add(jc_b)
    r = api_a.post("/citizens", {"cpr": citizen.cpr, "name": "X", "contact_group": 2, "jobcenter": "101"})
    assert r.status_code == 409 and r.json()["code"] == "citizen_in_other_jobcenter"
    r = api_a.patch(f"/citizens/{citizen.public_id}", {"jobcenter": "101"})
    assert r.status_code == 403 and r.json()["code"] == "move_not_allowed"
    assert selectors.jobcenter_on(citizen, NOW.date()).code == "751"


def test_upsert_within_own_jobcenter_still_updates(file_b, api_b):
    citizen, _, _ = file_b
    r = api_b.post(
        "/citizens", {"cpr": citizen.cpr, "name": "Nyt Navn", "contact_group": 2, "jobcenter": "751"}
    )
    assert r.status_code == 200 and r.json()["name"] == "Nyt Navn"


def test_move_jobcenter_is_admin_only(file_b, api_b, actor_b):
    citizen, _, _ = file_b
    r = api_b.post(f"/citizens/{citizen.public_id}/move-jobcenter", {"jobcenter": "101"})
    assert r.status_code == 403
    with pytest.raises(Forbidden):
        services.citizen_move_jobcenter(actor=actor_b, citizen=citizen, jobcenter="101")


def test_r_dl_10_move_closes_deadline_cancels_old_bookings_and_tells_citizen(file_b, admin_api, api_a, api_b):
    citizen, deadline, booking = file_b
    told_before = Message.objects.filter(citizen=citizen).count()
    r = admin_api.post(
        f"/citizens/{citizen.public_id}/move-jobcenter",
        {"jobcenter": "101", "reason": "Flyttet til København"},
    )
    assert r.status_code == 200, r.content
    assert r.json()["jobcenter"] == "101"
    deadline.refresh_from_db()
    assert deadline.status == "closed_admin"
    booking = Booking.objects.get(pk=booking.pk)
    assert booking.status == BookingStatus.CANCELLED and booking.cancellation_reason.code == "borger_flyttet"
    assert Message.objects.filter(citizen=citizen).count() > told_before
    move = AuditRecord.objects.get(action="citizen.jobcenter_change")
    assert move.actor_kind == "admin" and move.detail["reason"] == "Flyttet til København"
    assert move.detail["previous"] == "751"
    # The new jobcenter sees the citizen, the old one no longer does.
    assert api_a.get(f"/citizens/{citizen.public_id}").status_code == 200
    assert api_b.get(f"/citizens/{citizen.public_id}").status_code == 404
