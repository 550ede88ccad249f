"""Issue 10's changed rules once more through the REST API and the CLI: R-PC-4 (only today and later
count), R-DL-11 (refuse only beyond the horizon), R-RP-1 (code_system in the DFDG feed), R-NT-6
(catch-up reminder with the true days left, seen in the message trail) and R-DL-18 (a citizen who may
not book is told to contact the jobcenter)."""

from datetime import date, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from samtale.core import clock
from samtale.messaging.models import Message
from samtale.messaging.services import messages_deliver_due
from tests.bookings.conftest import local

pytestmark = pytest.mark.django_db


def summons(citizen, start, **extra):
    return {
        "citizen": str(citizen.public_id),
        "conversation_type": 7,
        "contact_form": "personligt",
        "title": "Jobsamtale",
        "description": "Vi taler om din jobsøgning.",
        "location": "Jobcentret, lokale 2",
        "address": "Vesterbrogade 1, 1620 København V",
        "start": start.isoformat(),
        "end": (start + timedelta(minutes=30)).isoformat(),
        **extra,
    }


def test_r_pc_4_a_passed_unregistered_conversation_does_not_block_through_the_api(api_a, citizen):
    assert api_a.post("/bookings", summons(citizen, local(2026, 3, 3, 10))).status_code == 201
    r = api_a.post("/bookings", summons(citizen, local(2026, 3, 10, 10)))
    assert r.status_code == 409 and r.json()["rule"] == "R-PC-4"  # the 3 March one is still to come
    with time_machine.travel(local(2026, 3, 5, 9), tick=False):  # 3 March has passed, not registered
        r = api_a.post("/bookings", summons(citizen, local(2026, 3, 10, 10)))
        assert r.status_code == 201, r.content
        planned = api_a.get(f"/citizens/{citizen.public_id}/bookings?status=planned").json()
        assert len(planned) == 2


def test_r_dl_11_through_the_api(api_a, make_citizen):
    inside = make_citizen(contact_group=2, phone="+4520304050")
    api_a.post("/bookings", summons(inside, local(2026, 3, 16, 10)))  # 14 days: inside 12 + 7
    r = api_a.post(
        f"/citizens/{inside.public_id}/deadlines", {"conversation_type": 7, "deadline_date": "2026-03-14"}
    )
    assert r.status_code == 201, r.content
    assert r.json()["status"] == "fulfilled"
    beyond = make_citizen(contact_group=2, phone="+4520304051")
    api_a.post("/bookings", summons(beyond, local(2026, 3, 23, 10)))  # after 14 + 7
    r = api_a.post(
        f"/citizens/{beyond.public_id}/deadlines", {"conversation_type": 7, "deadline_date": "2026-03-14"}
    )
    assert r.status_code == 409 and r.json()["rule"] == "R-DL-11"
    assert "flyt samtalen" in r.json()["detail"]


def test_r_rp_1_the_dfdg_feed_says_which_code_system(api_a, api_as, make_citizen):
    fleks = make_citizen(contact_group=7, phone="+4520304050")
    assert (
        api_a.post("/bookings", summons(fleks, local(2026, 3, 10, 10), conversation_type=901)).status_code
        == 201
    )
    other = make_citizen(contact_group=7, phone="+4520304051")
    assert api_a.post("/bookings", summons(other, local(2026, 3, 11, 10))).status_code == 201
    events = api_as("dfdg").get("/feeds/dfdg?after=0&limit=100").json()["events"]
    created = [e["payload"] for e in events if e["kind"] == "booking.created"]
    assert {(p["conversation_type"], p["code_system"]) for p in created} == {(901, "local"), (7, "dfdg")}
    assert all(p["caseworker_name"] == "Anne Holm" for p in created)  # § 20 nr. 10


def test_r_nt_6_catch_up_through_the_cli_shows_in_the_message_trail(api_a, make_citizen, actor_a, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from samtale.deadlines.services import deadline_create

    d0 = date(2026, 3, 2)
    citizen = make_citizen(contact_group=2, phone="+4520304050", sms_reminders=True)
    deadline_create(
        actor=actor_a, citizen=citizen, conversation_type=7, deadline_date=d0 + timedelta(days=20)
    )
    call_command("daily", "--date", d0.isoformat(), stdout=StringIO())
    out = StringIO()
    with time_machine.travel(clock.at(d0 + timedelta(days=14), 6), tick=False):
        call_command("daily", stdout=out)  # catches up days 1–14; day 12 had the 8-day reminder
        trail = api_a.get(f"/citizens/{citizen.public_id}/messages").json()
    texts = [m["text"] for m in trail if m["kind"] == "deadline_8_days"]
    assert len(texts) == 1 and "inden 6 dage, senest den 22. marts 2026" in texts[0]
    assert "sprunget over ved indhentning" in out.getvalue()


def test_r_dl_18_a_citizen_who_may_not_book_is_told_to_contact_the_jobcenter(make_citizen, actor_a, jc_a):
    """The deadline's first SMS to a citizen whose self-booking an absence (57) has taken away."""
    from samtale.citizens.services import absence_register
    from samtale.deadlines.services import deadline_create
    from samtale.organisations.services import jobcenter_upsert

    jobcenter_upsert(code=jc_a.code, name=jc_a.name, phone="+4533663366")
    citizen = make_citizen(contact_group=2, phone="+4520304050", sms_reminders=True)
    absence_register(actor=actor_a, citizen=citizen, absence_type=57, start_date=date(2026, 3, 2))
    deadline_create(actor=actor_a, citizen=citizen, conversation_type=7, deadline_date=date(2026, 3, 20))
    messages_deliver_due(worker_id="t")
    [sms] = Message.objects.filter(citizen=citizen, kind="deadline_new", status="sent")
    assert "Husk at booke" not in sms.text and "kontakt dit jobcenter" in sms.text
    assert "33 66 33 66" in sms.text
