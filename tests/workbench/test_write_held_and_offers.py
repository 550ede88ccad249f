"""Registrér afholdt samtale (§ 27, R-HC-10 next deadline in the same submission, corrections as
versions) and Mødetilbud og ledige tider (offers, weekly schedule preview with holidays skipped,
withdrawing a booked free time) on the workbench."""

from datetime import date

import pytest

from samtale.bookings.models import Booking
from samtale.conversations.models import HeldConversation
from samtale.deadlines.models import Deadline
from samtale.scheduling.models import MeetingOffer, Slot
from tests.portal.world import NOW, make_deadline
from tests.workbench.conftest import post
from tests.workbench.write_world import at, error_next_to, make_offer, make_slot, summon_at, text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

TODAY = NOW.date()


@pytest.fixture
def citizen(make_citizen):
    return make_citizen(contact_group=3, name="Finney Hansen", phone="+4520202020", sms_reminders=True)


@pytest.fixture
def held_booking(citizen, cw_a, frozen):
    """A Jobsamtale summoned for 09.05 today; it is 09.20 now (S-1: registered the same day)."""
    booking = summon_at(citizen, day=TODAY, hour=9, minute=5)
    frozen.move_to(at(TODAY, 9, 20))
    return booking


def held_url(citizen, booking=None):
    return f"/sagsbehandler/borgere/{citizen.public_id}/samtaler/ny/" + (
        f"?booking={booking.public_id}" if booking else ""
    )


REGISTRATION = {
    "held_day": TODAY.isoformat(),
    "held_time": "08:30",
    "conversation_type": "7",
    "contact_form": "personligt",
    "agreement_text": "Finney søger 5 stillinger om ugen inden for lager og logistik.",
    "visitation_group": "jobparat",
}


def test_held_form_is_prefilled_from_the_planned_conversation(wb_a, citizen, held_booking):
    page = text(wb_a.get(held_url(citizen, held_booking)))
    assert f"Udfyldt fra den planlagte samtale {held_booking.booking_number}" in page
    assert 'name="held_time" value="09:05:00"' in page
    assert '<option value="7" selected>Jobsamtale</option>' in page


def test_r_hc_10_register_with_the_next_deadline(wb_a, citizen, held_booking):
    old = make_deadline(citizen, deadline_date=date(2017, 7, 10))
    r = post(
        wb_a,
        held_url(citizen),
        {
            **REGISTRATION,
            "held_time": "09:05",
            "booking": str(held_booking.public_id),
            "next_type": "7",
            "next_deadline_date": "2017-09-25",
            "p0_name": "Mona Jensen",
            "p0_role": "mentor",
            "p0_form": "personligt",
        },
    )
    assert r.status_code == 302, text(r)[:3000]
    hc = HeldConversation.objects.get(citizen=citizen)
    assert hc.booking == held_booking and [p.name for p in hc.participants.all()] == ["Mona Jensen"]
    held_booking.refresh_from_db()
    assert held_booking.status == "held"
    new = Deadline.objects.get(citizen=citizen, deadline_date=date(2017, 9, 25))
    assert new.status == "active"
    old.refresh_from_db()
    assert old.status == "closed_admin"
    page = text(wb_a.get(r["Location"]))
    assert (
        f"Samtalen er registreret som afholdt (kontaktnummer {hc.contact_number}). Næste frist er 25. september 2017."
        in page
    )
    assert "Borgeren får besked på SMS: »Husk at booke møde med os på Jobnet." in page
    assert "Version 1 (gældende)" in page


def test_r_hc_2_jobsamtale_without_agreement_error_next_to_it(wb_a, citizen):
    r = post(wb_a, held_url(citizen), {**REGISTRATION, "agreement_text": ""})
    assert r.status_code == 200
    assert error_next_to(r, "id_agreement_text").endswith("(R-HC-2)")
    assert not HeldConversation.objects.exists()


def test_refused_next_deadline_stores_nothing_and_points_at_its_field(wb_a, citizen):
    r = post(wb_a, held_url(citizen), {**REGISTRATION, "next_type": "7", "next_deadline_date": "2017-06-01"})
    assert error_next_to(r, "id_next_deadline_date").endswith("(R-DL-2)")
    assert not HeldConversation.objects.exists()


def test_correction_is_a_new_version_with_the_reason(wb_a, citizen):
    post(wb_a, held_url(citizen), REGISTRATION)
    hc = HeldConversation.objects.get(citizen=citizen)
    correct = f"/sagsbehandler/samtaler/{hc.public_id}/ret/"
    form = text(wb_a.get(correct))
    assert "Finney søger 5 stillinger" in form
    r = post(wb_a, correct, {**REGISTRATION, "held_time": "08:45", "agreement_binding": "yes", "reason": ""})
    assert error_next_to(r, "id_reason")
    r = post(
        wb_a,
        correct,
        {**REGISTRATION, "held_time": "08:45", "agreement_binding": "yes", "reason": "Forkert tidspunkt"},
    )
    assert r.status_code == 302
    new = HeldConversation.objects.get(citizen=citizen, is_current=True)
    assert (
        new.version == 2 and new.correction_reason == "Forkert tidspunkt" and new.held_at == at(TODAY, 8, 45)
    )
    page = text(wb_a.get(r["Location"]))
    assert "Version 2 (gældende)" in page and "Version 1" in page and "Forkert tidspunkt" in page


def test_held_pages_are_404_in_another_jobcenter(wb_b, wb_a, citizen):
    post(wb_a, held_url(citizen), REGISTRATION)
    hc = HeldConversation.objects.get(citizen=citizen)
    assert wb_b.get(held_url(citizen)).status_code == 404
    assert post(wb_b, held_url(citizen), REGISTRATION).status_code == 404
    assert wb_b.get(f"/sagsbehandler/samtaler/{hc.public_id}/").status_code == 404
    assert wb_b.get(f"/sagsbehandler/samtaler/{hc.public_id}/ret/").status_code == 404
    assert HeldConversation.objects.count() == 1


# --- Mødetilbud og ledige tider ---------------------------------------------------------------------------

OFFER = {
    "title": "Jobsamtale – dagpenge",
    "description": "Samtale om din jobsøgning.",
    "conversation_type": "7",
    "contact_forms": ["personligt", "telefonisk"],
    "contact_groups": ["1", "3"],
    "meeting_form": "individual",
    "location": "Jobcentret, 2. sal",
    "address": "Vesterbrogade 1, 1620 København V",
    "phone_to_call": "33 33 33 33",
    "fulfils_deadline": "on",
    "rebooking_allowed": "on",
    "rebooking_cutoff_hours": "24",
    "cancellation_allowed": "on",
    "cancellation_cutoff_hours": "24",
    "min_notice_hours": "2",
    "caseworker_visible": "on",
    "active": "on",
}


def test_create_and_edit_an_offer(wb_a, jc_a):
    assert wb_a.get("/sagsbehandler/moedetilbud/ny/").status_code == 200
    r = post(wb_a, "/sagsbehandler/moedetilbud/ny/", {**OFFER, "address": ""})
    assert error_next_to(r, "id_address") == "Personligt fremmøde kræver en adresse. (R-PC-2)"
    r = post(wb_a, "/sagsbehandler/moedetilbud/ny/", OFFER)
    assert r.status_code == 302
    offer = MeetingOffer.objects.get(title="Jobsamtale – dagpenge")
    assert offer.jobcenter == jc_a and offer.phone_to_call == "+4533333333"
    edit = f"/sagsbehandler/moedetilbud/{offer.public_id}/ret/"
    assert "Jobcentret, 2. sal" in text(wb_a.get(edit))
    r = post(wb_a, edit, {**OFFER, "location": "Jobcentret, stuen", "contact_forms": ["telefonisk"]})
    assert r.status_code == 302
    offer.refresh_from_db()
    assert offer.location == "Jobcentret, stuen" and [f.code for f in offer.contact_forms.all()] == [
        "telefonisk"
    ]
    listing = text(wb_a.get("/sagsbehandler/moedetilbud/"))
    assert "Jobsamtale – dagpenge" in listing and 'aria-current="page"' in listing


def test_weekly_schedule_preview_skips_holidays_then_publishes(wb_a, jc_a, cw_a):
    offer = make_offer(jc_a)
    url = f"/sagsbehandler/moedetilbud/{offer.public_id}/skema/"
    data = {
        "weekdays": ["0", "2"],
        "day_start": "09:00",
        "day_end": "10:00",
        "duration_minutes": "30",
        "date_from": "2017-12-25",
        "date_to": "2017-12-27",
        "capacity": "1",
    }
    r = post(wb_a, url, {**data, "preview": "1"})
    page = text(r)
    # Monday 25 December (juledag) is skipped; Wednesday 27 December makes two times.
    assert "2 ledige tider bliver lagt ud" in page
    assert "Sprunget over: 2 helligdage." in page
    assert "<strong>onsdag 27. december 2017:</strong> 09.00–09.30, 09.30–10.00" in page
    assert not Slot.objects.filter(offer=offer).exists()
    r = post(wb_a, url, data)
    assert r.status_code == 302
    assert Slot.objects.filter(offer=offer, caseworker=cw_a).count() == 2
    r = post(wb_a, url, {**data, "day_end": "08:00"})
    assert error_next_to(r, "id_day_end").endswith("(R-PC-1)")


def test_single_free_time_and_clash(wb_a, jc_a, cw_a):
    offer = make_offer(jc_a)
    url = f"/sagsbehandler/moedetilbud/{offer.public_id}/tider/ny/"
    data = {"day": "2017-07-04", "start_time": "13:00", "end_time": "13:30", "capacity": "1"}
    assert post(wb_a, url, data).status_code == 302
    r = post(wb_a, url, data)
    assert "Sagsbehandleren har allerede et møde eller en ledig tid" in error_next_to(r, "id_start_time")


def test_withdraw_a_booked_free_time_cancels_and_tells(wb_a, jc_a, cw_a, citizen):
    offer = make_offer(jc_a)
    slot = make_slot(offer, at(date(2017, 7, 4), 13), cw_a)
    from samtale.bookings.services import booking_summon
    from tests.portal.world import SYSTEM

    booking = booking_summon(actor=SYSTEM, citizen=citizen, slot=slot)
    url = f"/sagsbehandler/tider/{slot.public_id}/traek-tilbage/"
    assert "1 borger(e) har booket tiden." in text(wb_a.get(url))
    r = post(wb_a, url, {"reason": ""})
    assert r.status_code == 200 and "(R-PC-3)" in error_next_to(r, "id_reason")
    r = post(wb_a, url, {"reason": "tid_trukket_tilbage"})
    assert r.status_code == 302
    slot.refresh_from_db()
    booking.refresh_from_db()
    assert slot.status == "withdrawn" and booking.status == "cancelled"
    assert "1 borger(e), der havde booket den, har fået samtalen aflyst" in text(wb_a.get(r["Location"]))


def test_offer_pages_are_404_in_another_jobcenter(wb_b, jc_a, cw_a):
    offer = make_offer(jc_a)
    slot = make_slot(offer, at(date(2017, 7, 4), 13), cw_a)
    for path in ("", "ret/", "skema/", "tider/ny/"):
        assert wb_b.get(f"/sagsbehandler/moedetilbud/{offer.public_id}/{path}").status_code == 404
    assert wb_b.get(f"/sagsbehandler/tider/{slot.public_id}/traek-tilbage/").status_code == 404
    assert post(wb_b, f"/sagsbehandler/tider/{slot.public_id}/traek-tilbage/").status_code == 404
    assert "Jobsamtale – kontanthjælp" not in text(wb_b.get("/sagsbehandler/moedetilbud/"))
    assert Booking.objects.count() == 0
