"""Frister on the workbench: set a deadline with its horizon and warnings (live preview from the same
check the service runs), R-DL-11's "flyt samtalen", R-DL-3, and closing with a reason."""

from datetime import date

import pytest

from samtale.deadlines.models import Deadline
from tests.portal.world import make_deadline
from tests.workbench.conftest import post
from tests.workbench.write_world import error_next_to, summon_at, text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def citizen(make_citizen):
    return make_citizen(contact_group=3, name="Finney Hansen", phone="+4520202020", sms_reminders=True)


def url(citizen):
    return f"/sagsbehandler/borgere/{citizen.public_id}/frist/"


def test_set_a_deadline_tells_what_the_citizen_is_told(wb_a, citizen):
    r = post(wb_a, url(citizen), {"conversation_type": "7", "deadline_date": "2017-07-10"})
    assert r.status_code == 302
    deadline = Deadline.objects.get(citizen=citizen)
    assert deadline.status == "active" and deadline.deadline_date == date(2017, 7, 10)
    page = text(wb_a.get(r["Location"]))
    # The outbox's own R-NT-6 SMS (seed 004 § 2.3.1), quoted in the success message.
    assert "Fristen 10. juli 2017 er sat." in page
    assert "Borgeren får besked på SMS: »Husk at booke møde med os på Jobnet." in page
    # R-DL-12: no free times before the horizon → the warning is shown after the write too.
    assert "ingen ledige tider at booke inden 17. juli 2017 (R-DL-12)" in page


def test_invalid_date_error_is_next_to_the_field_with_rule(wb_a, citizen):
    r = post(wb_a, url(citizen), {"conversation_type": "7", "deadline_date": "2017-06-01"})
    assert r.status_code == 200
    assert error_next_to(r, "id_deadline_date") == "Fristdatoen kan ikke ligge i fortiden. (R-DL-2)"
    assert not Deadline.objects.filter(citizen=citizen).exists()


def test_missing_date_is_a_form_error(wb_a, citizen):
    r = post(wb_a, url(citizen), {"conversation_type": "7", "deadline_date": ""})
    assert r.status_code == 200 and error_next_to(r, "id_deadline_date")


def test_r_dl_17_refused_for_contact_group_1(wb_a, make_citizen):
    dagpenge = make_citizen(contact_group=1)
    r = post(wb_a, url(dagpenge), {"conversation_type": "7", "deadline_date": "2017-06-30"})
    assert error_next_to(r, "id_deadline_date").endswith("(R-DL-17)")


def test_live_preview_shows_horizon_and_warnings(wb_a, citizen):
    """The htmx preview: horizon = deadline date + 7 (R-DL-9), the R-DL-17 and R-DL-12 warnings."""
    r = wb_a.get(
        url(citizen),
        {"forhaandsvisning": "1", "conversation_type": "7", "deadline_date": "2017-06-30"},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 200
    page = text(r)
    assert "<html" not in page  # the fragment only
    assert "Samtalen skal være holdt senest 7. juli 2017" in page
    assert "mindre end 8 dage efter aktiveringsdatoen (R-DL-17)" in page
    assert "(R-DL-12)" in page
    assert not Deadline.objects.filter(citizen=citizen).exists()


def test_preview_without_javascript_is_the_whole_page(wb_a, citizen):
    r = wb_a.get(
        url(citizen), {"forhaandsvisning": "1", "conversation_type": "7", "deadline_date": "2017-07-10"}
    )
    page = text(r)
    assert "<html" in page and "Samtalen skal være holdt senest 17. juli 2017" in page


def test_r_dl_3_a_booking_fulfils_the_new_deadline(wb_a, citizen):
    summon_at(citizen)
    r = post(wb_a, url(citizen), {"conversation_type": "7", "deadline_date": "2017-07-10"})
    assert r.status_code == 302
    assert Deadline.objects.get(citizen=citizen).status == "fulfilled"
    assert "allerede indfriet af den planlagte samtale (R-DL-3)" in text(wb_a.get(r["Location"]))


def test_r_dl_11_refusal_offers_to_move_the_conversation(wb_a, citizen):
    booking = summon_at(citizen, day=date(2017, 8, 1))
    r = post(wb_a, url(citizen), {"conversation_type": "7", "deadline_date": "2017-07-10"})
    assert error_next_to(r, "id_deadline_date").endswith("(R-DL-11)")
    assert f'href="/sagsbehandler/moeder/{booking.public_id}/flyt/"' in r.content.decode()


def test_close_with_a_reason(wb_a, citizen, api_a):
    deadline = make_deadline(citizen)
    close = f"/sagsbehandler/frister/{deadline.public_id}/luk/"
    assert wb_a.get(close).status_code == 200
    r = post(wb_a, close, {"reason": ""})
    assert r.status_code == 200 and error_next_to(r, "id_reason")
    r = post(wb_a, close, {"reason": "Borgeren er i job"})
    assert r.status_code == 302
    deadline.refresh_from_db()
    assert deadline.status == "closed_admin"
    assert deadline.history.last().detail == {"reason": "Borgeren er i job"}
    listed = api_a.get(f"/citizens/{citizen.public_id}/deadlines").json()  # the API shows it too
    assert listed[0]["history"][-1]["detail"] == {"reason": "Borgeren er i job"}


def test_another_jobcenter_gets_404(wb_b, citizen):
    deadline = make_deadline(citizen)
    assert wb_b.get(url(citizen)).status_code == 404
    assert (
        post(wb_b, url(citizen), {"conversation_type": "7", "deadline_date": "2017-07-10"}).status_code == 404
    )
    assert wb_b.get(f"/sagsbehandler/frister/{deadline.public_id}/luk/").status_code == 404
    assert not Deadline.objects.filter(citizen=citizen).exclude(pk=deadline.pk).exists()
