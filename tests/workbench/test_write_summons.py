"""Indkald and the booking page's actions (ret, flyt, aflys, udeblevet) on the workbench: every write
through the bookings services, errors next to their field with the rule id, success messages that
quote what the citizen is told, 404 outside my jobcenters."""

import re
from datetime import date

import pytest
import time_machine

from samtale.bookings.models import Booking
from tests.portal.world import NOW
from tests.workbench.conftest import post
from tests.workbench.write_world import at, error_next_to, make_offer, make_slot, summon_at, text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

DAY = date(2017, 7, 4)


@pytest.fixture
def citizen(make_citizen):
    return make_citizen(
        contact_group=3,
        name="Finney Hansen",
        phone="+4520202020",
        email="finney@example.dk",
        sms_reminders=True,
    )


def url(citizen):
    return f"/sagsbehandler/borgere/{citizen.public_id}/indkald/"


AT_A_TIME = {
    "conversation_type": "7",
    "contact_form": "personligt",
    "slot": "",
    "day": DAY.isoformat(),
    "start_time": "10:00",
    "end_time": "10:30",
    "location": "Jobcentret, stuen",
    "description": "Vi taler om din jobsøgning og dine næste skridt.",  # R-PC-2 (§ 20 nr. 9)
    "address": "Vesterbrogade 1, 1620 København V",
    "rebooking_allowed": "on",
    "rebooking_cutoff_hours": "24",
    "cancellation_allowed": "on",
    "cancellation_cutoff_hours": "24",
}


def test_summon_at_a_time(wb_a, citizen, cw_a):
    r = post(wb_a, url(citizen), AT_A_TIME)
    assert r.status_code == 302, error_summary(r)
    booking = Booking.objects.get(citizen=citizen)
    assert booking.start == at(DAY, 10) and booking.caseworker == cw_a and not booking.self_booked
    page = text(wb_a.get(r["Location"]))
    assert "Finney Hansen er indkaldt til jobsamtale tirsdag 4. juli 2017 kl. 10.00–10.30." in page
    assert "Borgeren får besked på SMS: »Du er indkaldt til jobsamtale med jobcentret" in page


def error_summary(r):
    return text(r)[text(r).find("Ret venligst") :][:600]


def test_summon_into_one_of_my_free_times(wb_a, citizen, jc_a, cw_a):
    offer = make_offer(jc_a)
    slot = make_slot(offer, at(DAY, 13), cw_a)
    page = wb_a.get(url(citizen))
    assert "tirsdag 4. juli 2017 kl. 13.00–13.30 · Jobsamtale – kontanthjælp" in text(page)
    r = post(
        wb_a,
        url(citizen),
        {**AT_A_TIME, "slot": str(slot.public_id), "day": "", "start_time": "", "end_time": ""},
    )
    assert r.status_code == 302
    booking = Booking.objects.get(citizen=citizen)
    assert booking.slot == slot and booking.address == offer.address


def test_preview_renders_the_outbox_texts_and_writes_nothing(wb_a, citizen):
    r = post(wb_a, url(citizen), {**AT_A_TIME, "preview": "1"})
    assert r.status_code == 200
    page = text(r)
    assert "Det får borgeren at vide" in page
    assert "Du er indkaldt til jobsamtale med jobcentret tirsdag den 4. juli 2017" in page
    assert "Sted: Jobcentret, stuen, Vesterbrogade 1, 1620 København V." in page
    assert "E-mail: Du er indkaldt til møde med jobcentret" in page
    assert not Booking.objects.filter(citizen=citizen).exists()


def test_r_pc_2_personal_attendance_needs_an_address(wb_a, citizen):
    r = post(wb_a, url(citizen), {**AT_A_TIME, "address": ""})
    assert r.status_code == 200
    assert "(R-PC-2)" in error_next_to(r, "id_address")
    assert not Booking.objects.filter(citizen=citizen).exists()


def test_clash_with_my_calendar_is_shown_at_the_time(wb_a, citizen, jc_a, cw_a):
    make_slot(make_offer(jc_a), at(DAY, 10), cw_a)
    r = post(wb_a, url(citizen), AT_A_TIME)
    assert "Sagsbehandleren har allerede et møde eller en ledig tid i det tidsrum" in error_next_to(
        r, "id_start_time"
    )


def test_missing_time_is_a_form_error(wb_a, citizen):
    r = post(wb_a, url(citizen), {**AT_A_TIME, "day": ""})
    assert r.status_code == 200 and error_next_to(r, "id_day")


def test_r_pc_4_second_planned_jobsamtale_is_refused(wb_a, citizen):
    summon_at(citizen, day=date(2017, 7, 5))
    r = post(wb_a, url(citizen), AT_A_TIME)
    assert r.status_code == 200 and "(R-PC-4)" in text(r)


# --- The booking page's actions -------------------------------------------------------------------------


@pytest.fixture
def booking(citizen, cw_a):
    return summon_at(citizen)


def test_move_to_a_new_time(wb_a, booking):
    move = f"/sagsbehandler/moeder/{booking.public_id}/flyt/"
    assert wb_a.get(move).status_code == 200
    r = post(wb_a, move, {"slot": "", "day": "2017-07-06", "start_time": "11:00", "end_time": ""})
    assert r.status_code == 302
    booking.refresh_from_db()
    assert booking.start == at(date(2017, 7, 6), 11) and booking.end == at(date(2017, 7, 6), 11, 30)
    page = text(wb_a.get(r["Location"]))
    assert f"Samtalen {booking.booking_number} er flyttet til torsdag 6. juli 2017 kl. 11.00–11.30." in page
    assert "Dit møde med jobcentret tirsdag den 4. juli 2017 kl. 10.00 er flyttet." in page


def test_move_preview_and_error(wb_a, booking):
    move = f"/sagsbehandler/moeder/{booking.public_id}/flyt/"
    r = post(wb_a, move, {"day": "2017-07-06", "start_time": "11:00", "preview": "1"})
    assert "Din jobsamtale er nu torsdag den 6. juli 2017" in text(r)
    booking.refresh_from_db()
    assert booking.start == at(DAY, 10)
    r = post(wb_a, move, {"day": "2017-06-01", "start_time": "11:00"})
    assert "(R-PC-1)" in error_next_to(r, "id_start_time")


def test_cancel_with_a_reason(wb_a, booking):
    cancel = f"/sagsbehandler/moeder/{booking.public_id}/aflys/"
    r = post(wb_a, cancel, {})
    assert r.status_code == 200 and error_next_to(r, "id_reason")
    r = post(wb_a, cancel, {"reason": "jobcenter_aflyst"})
    assert r.status_code == 302
    booking.refresh_from_db()
    assert booking.status == "cancelled" and booking.cancellation_reason.code == "jobcenter_aflyst"
    assert "»Din jobsamtale med jobcentret tirsdag den 4. juli 2017 kl. 10.00 er aflyst.«" in text(
        wb_a.get(r["Location"])
    )


def test_no_show_only_once_it_has_begun(wb_a, citizen, cw_a):
    booking = summon_at(citizen, day=NOW.date(), hour=9, minute=10)
    no_show = f"/sagsbehandler/moeder/{booking.public_id}/udeblevet/"
    assert wb_a.get(no_show).status_code == 405
    r = post(wb_a, no_show)
    assert r.status_code == 302
    assert "udeblivelse kan først registreres fra mødetidspunktet. (R-PC-3)" in text(wb_a.get(r["Location"]))
    with time_machine.travel(at(NOW.date(), 9, 15), tick=False):  # within the 30-minute session
        r = post(wb_a, no_show)
        assert r.status_code == 302, r.status_code
        assert "Udeblivelsen er registreret" in text(wb_a.get(r["Location"])), r["Location"]
    booking.refresh_from_db()
    assert booking.status == "no_show"


def test_booking_actions_are_404_in_another_jobcenter(wb_b, booking):
    for action in ("ret", "flyt", "aflys"):
        assert wb_b.get(f"/sagsbehandler/moeder/{booking.public_id}/{action}/").status_code == 404
    assert post(wb_b, f"/sagsbehandler/moeder/{booking.public_id}/udeblevet/").status_code == 404
    assert (
        post(
            wb_b, f"/sagsbehandler/moeder/{booking.public_id}/aflys/", {"reason": "jobcenter_aflyst"}
        ).status_code
        == 404
    )
    booking.refresh_from_db()
    assert booking.status == "planned"


def test_summon_is_404_in_another_jobcenter(wb_b, citizen):
    assert wb_b.get(url(citizen)).status_code == 404
    assert post(wb_b, url(citizen), AT_A_TIME).status_code == 404
    assert not Booking.objects.filter(citizen=citizen).exists()


def test_r_pc_2_unusual_time_needs_confirmation(wb_a, citizen):
    """Saturday 8 July 2017: refused until the caseworker ticks the confirmation that then appears."""
    saturday = {**AT_A_TIME, "day": "2017-07-08"}
    r = post(wb_a, url(citizen), saturday)
    assert r.status_code == 200
    assert error_next_to(r, "id_start_time").endswith("(R-PC-2)")
    assert 'name="confirm_unusual_time"' in r.content.decode()
    assert not Booking.objects.filter(citizen=citizen).exists()
    r = post(wb_a, url(citizen), {**saturday, "confirm_unusual_time": "on"})
    assert r.status_code == 302
    assert Booking.objects.get(citizen=citizen).start == at(date(2017, 7, 8), 10)


def test_summon_a_video_meeting_needs_its_link(wb_a, citizen):
    video = {**AT_A_TIME, "contact_form": "digitalt", "address": ""}
    r = post(wb_a, url(citizen), video)
    assert error_next_to(r, "id_video_link").endswith("(R-PC-2)")
    r = post(wb_a, url(citizen), {**video, "video_link": "https://moede.example.dk/abc"})
    assert r.status_code == 302
    assert Booking.objects.get(citizen=citizen).video_link == "https://moede.example.dk/abc"


def test_r_pc_7_change_without_moving(wb_a, booking):
    change = f"/sagsbehandler/moeder/{booking.public_id}/ret/"
    page = text(wb_a.get(change))
    assert 'value="Jobcentret, stuen"' in page
    r = post(wb_a, change, {**change_data(booking), "address": ""})
    assert error_next_to(r, "id_address").endswith("(R-PC-2)")
    r = post(wb_a, change, {**change_data(booking), "location": "Jobcentret, 3. sal"})
    assert r.status_code == 302
    number, start = booking.booking_number, booking.start
    booking.refresh_from_db()
    assert booking.location == "Jobcentret, 3. sal"
    assert (booking.booking_number, booking.start) == (number, start)
    assert booking.changes.last().kind == "changed"
    assert "Samtalen er ændret. Borgeren får besked på SMS" in text(wb_a.get(r["Location"]))
    r = post(wb_a, change, {**change_data(booking)})
    assert "Intet er ændret." in text(wb_a.get(r["Location"]))


def change_data(booking) -> dict:
    from samtale.workbench.forms import BookingChangeForm

    data = {k: v for k, v in BookingChangeForm.initial_for(booking).items() if v not in (None, False)}
    return {k: ("on" if v is True else v) for k, v in data.items()}


def test_r_pc_2_type_17_asks_whether_the_akasse_takes_part(wb_a, make_citizen):
    """Jobsamtale med deltagelse af a-kasse (contact group 1 only): "not stated" is refused next to the
    question; "no" is an answer."""
    dagpenge = make_citizen(contact_group=1, name="Dagny Pedersen", phone="+4520202021")
    type_17 = {**AT_A_TIME, "conversation_type": "17"}
    r = post(wb_a, url(dagpenge), type_17)
    assert error_next_to(r, "id_akasse_expected").endswith("(R-PC-2)")
    r = post(wb_a, url(dagpenge), {**type_17, "akasse_expected": "no", "akasse_invited": "no"})
    assert r.status_code == 302
    booking = Booking.objects.get(citizen=dagpenge)
    assert (booking.akasse_expected, booking.akasse_invited) == (False, False)


def test_r_pc_2_summons_without_a_description_is_refused_next_to_the_field(wb_a, citizen):
    r = post(wb_a, url(citizen), {**AT_A_TIME, "description": ""})
    assert r.status_code == 200 and not Booking.objects.filter(citizen=citizen).exists()
    assert "beskrivelse" in error_next_to(r, "id_description") and "R-PC-2" in error_next_to(
        r, "id_description"
    )


def test_r_pc_2_the_summons_form_never_calls_its_musts_optional(wb_a, citizen):
    """Title, description and place are § 20 musts: filled in by hand, or taken from the chosen free
    time's offer — never marked "(valgfri)"."""
    html = wb_a.get(url(citizen)).content.decode()
    for field in ("title", "description", "location"):
        label = re.search(rf'<label class="form-label" for="id_{field}">(.*?)</label>', html, re.S).group(1)
        assert "valgfri" not in label, field
