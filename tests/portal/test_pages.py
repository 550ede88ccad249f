"""The citizen portal through Django's test client: pages, the booking flow, 404s, CSRF, headers."""

import re
from datetime import date

import pytest
import time_machine
from django.test import Client

from samtale.bookings.models import Booking, BookingStatus
from tests.portal.conftest import login_client, post
from tests.portal.world import DEADLINE, at, make_world

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def book_first(client, world, *, day="2017-07-10", frist="1"):
    """Walk Trin 1 → 4 with GET forms and POST the booking; returns the final response."""
    offer = str(world.offer.public_id)
    r = client.get(
        "/borger/moeder/book/", {"frist": frist, "tilbud": offer, "kontakt": "personligt", "dag": day}
    )
    slot = re.search(r'name="tid" value="([0-9a-f-]{36})"', r.content.decode()).group(1)
    r = client.get(
        "/borger/moeder/book/", {"frist": frist, "tilbud": offer, "kontakt": "personligt", "tid": slot}
    )
    assert "Bekræft din booking" in text(r)
    return post(
        client,
        "/borger/moeder/book/",
        {"frist": frist, "tilbud": offer, "kontakt": "personligt", "tid": slot},
    )


# --- Min side -------------------------------------------------------------------------------------


def test_r_nt_1_min_side_shows_the_new_deadline_notice_on_top(portal):
    page = text(portal.get("/borger/"))
    assert page.index("Ny frist") < page.index("<h1>Min side</h1>")
    assert "Fristen for at booke samtalen er senest mandag den 10. juli 2017." in page
    assert "Book Jobsamtale med dit jobcenter" in page and 'data-rule="R-NT-1"' in page


@pytest.mark.parametrize(
    ("day", "rule", "snippet", "css"),
    [
        (date(2017, 7, 6), "R-NT-2", "Der er kun 4 dage til mandag den 10. juli 2017", None),
        (
            date(2017, 7, 2),
            "R-NT-2",
            "Der er kun 8 dage til mandag den 10. juli 2017, hvor du senest skal booke",
            None,
        ),
        (
            date(2017, 7, 7),
            "R-NT-3",
            "Der er kun 3 dage til mandag den 10. juli 2017, hvor din næste jobsamtale skal være booket",
            "deadline-notice--urgent",
        ),
        (date(2017, 7, 9), "R-NT-3", "Der er kun 1 dag til", "deadline-notice--urgent"),
        (
            date(2017, 7, 10),
            "R-NT-4",
            "Din næste jobsamtale skal være booket i dag, mandag den 10. juli 2017.",
            "deadline-notice--today",
        ),
    ],
)
def test_r_nt_2_to_4_notice_phases(world, frozen, day, rule, snippet, css):
    frozen.move_to(at(day, 8))
    page = text(login_client(world.citizen).get("/borger/"))
    assert f'data-rule="{rule}"' in page and snippet in page
    if css:
        assert css in page
    if rule == "R-NT-3":
        assert '<span class="notice-mark" aria-hidden="true">!</span> Husk at booke møde:' in page


def test_no_notice_the_day_after_the_deadline(world, frozen):
    frozen.move_to(at(date(2017, 7, 11), 8))
    assert "deadline-notice" not in text(login_client(world.citizen).get("/borger/"))


# --- The booking flow (R-NT-7, R-NT-9, R-NT-8, R-PC-11, R-DL-9) -----------------------------------


def test_r_nt_9_mine_moeder_offers_both_choices(portal):
    page = text(portal.get("/borger/moeder/"))
    assert "Book jobsamtale med frist" in page and "Book møde med jobcentret" in page
    assert "Fristen for at booke samtalen er senest <strong>mandag den 10. juli 2017</strong>." in page


def test_r_nt_9_only_one_choice_without_other_offers(frozen, make_citizen, jc_a, cw_a):
    w = make_world(make_citizen, jc_a, cw_a, other_offer=False)
    page = text(login_client(w.citizen).get("/borger/moeder/"))
    assert "Book jobsamtale med frist" in page and "Book møde med jobcentret" not in page


def test_r_nt_7_deadline_shown_on_every_step_and_horizon_on_trin_3(portal, world):
    heading = "Book din jobsamtale senest 10. juli 2017"
    step1 = text(portal.get("/borger/moeder/book/", {"frist": "1"}))
    assert heading in step1 and "Trin 1" in step1 and "Jeg vil gerne have et møde om" in step1
    assert "Jobsamtale – kontanthjælp" in step1 and "Informationsmøde A" not in step1  # R-NT-9
    offer = str(world.offer.public_id)
    step2 = text(portal.get("/borger/moeder/book/", {"frist": "1", "tilbud": offer}))
    assert heading in step2 and "Trin 2" in step2 and "Personligt fremmøde" in step2
    step3 = text(portal.get("/borger/moeder/book/", {"frist": "1", "tilbud": offer, "kontakt": "personligt"}))
    assert heading in step3 and "Trin 3" in step3
    assert (
        "Samtalen skal være holdt senest 17. juli 2017. Kalenderen viser derfor kun tider frem til denne dag."
        in step3
    )
    assert 'data-label="mandag 10. juli, 2 ledige tider"' in step3
    assert 'data-label="mandag 17. juli, 1 ledig tid"' in step3
    # R-DL-9: 18 July is after deadline + 7 and is not offered.
    assert "18. juli" not in step3 and 'value="2017-07-18"' not in step3
    step3b = text(
        portal.get(
            "/borger/moeder/book/",
            {"frist": "1", "tilbud": offer, "kontakt": "personligt", "dag": "2017-07-10"},
        )
    )
    assert (
        "Ledige tider mandag den 10. juli 2017" in step3b
        and "kl. 10.00–10.30" in step3b
        and "kl. 11.00–11.30" in step3b
    )


def test_the_other_choice_offers_only_what_does_not_fulfil(portal):
    page = text(portal.get("/borger/moeder/book/", {"frist": "0"}))
    assert "Informationsmøde A" in page and "Jobsamtale – kontanthjælp" not in page
    assert "Book din jobsamtale senest" not in page


def test_s_1_book_receipt_and_notice_gone(portal, world):
    r = book_first(portal, world)
    assert r.status_code == 302 and "/kvittering/" in r["Location"]
    receipt = text(portal.get(r["Location"]))
    assert "Dit møde er booket" in receipt and "Tilføj til kalender" in receipt
    booking = Booking.objects.get(citizen=world.citizen)
    assert booking.status == BookingStatus.PLANNED and booking.self_booked
    assert booking.start == at(DEADLINE, 10)
    ics = portal.get(f"/borger/moeder/{booking.public_id}/kalender.ics")
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in ics.content
    home = text(portal.get("/borger/"))
    assert "deadline-notice" not in home and "Jobsamtale – kontanthjælp" in home


def test_r_nt_8_no_free_times(frozen, make_citizen, jc_a, cw_a):
    w = make_world(make_citizen, jc_a, cw_a, slot_times=[], other_offer=False)
    page = text(login_client(w.citizen).get("/borger/moeder/book/", {"frist": "1"}))
    assert "Ingen ledige tider" in page
    assert (
        "Der er desværre ingen ledige tider i øjeblikket." in page
        and "Du skal derfor kontakte dit jobcenter." in page
    )
    assert "Book din jobsamtale senest 10. juli 2017" in page
    assert "Kontakt dit jobcenter</h2> <p>Jobcenter København</p>" in page


def test_r_pc_11_absence_hides_the_times_in_that_period(portal, world):
    r = post(
        portal,
        "/borger/fravaer/",
        {"absence_type": "10", "start_date": "2017-07-10", "end_date": "2017-07-11"},
    )
    assert r.status_code == 302
    page = text(portal.get("/borger/fravaer/"))
    assert "Ferie: 10. juli 2017 – 11. juli 2017" in page
    step3 = text(
        portal.get(
            "/borger/moeder/book/",
            {"frist": "1", "tilbud": str(world.offer.public_id), "kontakt": "personligt"},
        )
    )
    assert 'value="2017-07-10"' not in step3 and 'value="2017-07-11"' not in step3
    assert 'data-label="onsdag 12. juli, 1 ledig tid"' in step3


def test_absence_form_shows_the_services_danish_error(portal):
    r = post(
        portal,
        "/borger/fravaer/",
        {"absence_type": "10", "start_date": "2017-07-12", "end_date": "2017-07-10"},
    )
    assert r.status_code == 200 and "Fraværet kan ikke slutte før det begynder." in text(r)


def test_settings_change_contact_details_and_reminders(portal, world):
    r = post(
        portal,
        "/borger/indstillinger/",
        {
            "phone": "20 30 40 50",
            "email": "finney@example.dk",
            "sms_reminders": "on",
            "email_reminders": "on",
        },
    )
    assert r.status_code == 302
    world.citizen.refresh_from_db()
    assert world.citizen.phone == "+4520304050" and world.citizen.email == "finney@example.dk"
    assert world.citizen.sms_reminders and world.citizen.email_reminders
    r = post(portal, "/borger/indstillinger/", {"phone": "12", "email": "finney@example.dk"})
    assert r.status_code == 200 and "Ugyldigt telefonnummer." in text(r)


# --- My meeting: R-PC-9, R-PC-6 ---------------------------------------------------------------------


def test_r_pc_9_opening_the_meeting_sets_booking_confirmed(portal, world, actor_a):
    from samtale.bookings.services import booking_summon

    booking = booking_summon(
        actor=actor_a,
        citizen=world.citizen,
        conversation_type=7,
        contact_form="telefonisk",
        location="Jobcentret, mødelokale 1",
        description="Vi taler om din situation og dine næste skridt.",
        start=at(date(2017, 7, 3), 10),
        end=at(date(2017, 7, 3), 10, 30),
        phone_to_call="+4533333333",
    )
    assert booking.confirmed_at is None
    assert "Ny – ikke set endnu" in text(portal.get("/borger/"))
    page = text(portal.get(f"/borger/moeder/{booking.public_id}/"))
    assert booking.title in page
    booking.refresh_from_db()
    first = booking.confirmed_at
    assert first is not None
    portal.get(f"/borger/moeder/{booking.public_id}/")
    booking.refresh_from_db()
    assert booking.confirmed_at == first


def test_r_pc_6_rebook_and_cancel_before_the_cutoff(portal, world, frozen):
    book_first(portal, world)
    booking = Booking.objects.get(citizen=world.citizen)
    page = text(portal.get(f"/borger/moeder/{booking.public_id}/"))
    assert "Du kan ombooke mødet indtil søndag den 9. juli 2017 kl. 10.00." in page
    assert "Du kan aflyse mødet indtil søndag den 9. juli 2017 kl. 10.00." in page
    cal = text(portal.get(f"/borger/moeder/{booking.public_id}/ombook/", {"dag": "2017-07-12"}))
    assert "Samtalen skal være holdt senest 17. juli 2017." in cal
    new = re.search(r'name="tid" value="([0-9a-f-]{36})"', cal).group(1)
    confirm = text(portal.get(f"/borger/moeder/{booking.public_id}/ombook/", {"tid": new}))
    assert "Bekræft ombooking" in confirm
    r = post(portal, f"/borger/moeder/{booking.public_id}/ombook/", {"tid": new})
    assert r.status_code == 302
    booking.refresh_from_db()
    assert booking.start == at(date(2017, 7, 12), 13) and booking.status == BookingStatus.PLANNED
    r = post(portal, f"/borger/moeder/{booking.public_id}/aflys/", {"reason": "borger_sygdom"})
    assert r.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_r_pc_6_no_rebook_or_cancel_after_the_cutoff(portal, world, frozen):
    book_first(portal, world)
    booking = Booking.objects.get(citizen=world.citizen)
    frozen.move_to(at(date(2017, 7, 9), 12))
    portal = login_client(world.citizen)
    page = text(portal.get(f"/borger/moeder/{booking.public_id}/"))
    assert "Ombook mødet" not in page and "Fristen for at ombooke samtalen udløb 09.07.2017 kl. 10.00" in page
    r = post(portal, f"/borger/moeder/{booking.public_id}/aflys/", {"reason": "borger_sygdom"})
    assert r.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PLANNED


def test_losing_the_race_for_the_last_place_gives_a_danish_message_and_the_calendar(
    frozen, make_citizen, jc_a, cw_a
):
    w = make_world(
        make_citizen,
        jc_a,
        cw_a,
        slot_times=[at(date(2017, 7, 5), 10), at(date(2017, 7, 6), 10)],
        other_offer=False,
    )
    rival = make_citizen(contact_group=3, jobcenter=jc_a, name="Melvie Jansalo")
    first, second = login_client(w.citizen), login_client(rival)
    offer, slot = str(w.offer.public_id), str(w.slots[0].public_id)
    data = {"frist": "0", "tilbud": offer, "kontakt": "personligt", "tid": slot}
    assert post(first, "/borger/moeder/book/", {**data, "frist": "1"}).status_code == 302
    r = post(second, "/borger/moeder/book/", data, follow=True)
    page = text(r)
    assert "Tiden er desværre optaget. Vælg en anden tid." in page
    assert "Jeg ønsker et mødetidspunkt" in page and 'data-label="torsdag 6. juli, 1 ledig tid"' in page
    assert 'value="2017-07-05"' not in page
    assert Booking.objects.filter(citizen=rival).count() == 0


# --- Security -----------------------------------------------------------------------------------------


def test_another_citizens_booking_is_404(portal, world, make_citizen, jc_a):
    book_first(portal, world)
    booking = Booking.objects.get(citizen=world.citizen)
    other = login_client(make_citizen(contact_group=3, jobcenter=jc_a, name="Anden Borger"))
    for path in ("", "kvittering/", "kalender.ics", "ombook/", "aflys/"):
        r = other.get(f"/borger/moeder/{booking.public_id}/{path}")
        assert r.status_code == 404 and "Siden findes ikke" in text(r) and "Finney" not in text(r)
    assert (
        post(other, f"/borger/moeder/{booking.public_id}/aflys/", {"reason": "borger_sygdom"}).status_code
        == 404
    )
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PLANNED


def test_forms_need_csrf(portal, world):
    r = portal.post("/borger/indstillinger/", {"phone": "", "email": ""})
    assert r.status_code == 403


def test_security_headers_on_personal_pages(portal):
    r = portal.get("/borger/")
    csp = r["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert "no-store" in r["Cache-Control"]
    assert r["Referrer-Policy"] == "same-origin" and r["X-Frame-Options"] == "DENY"


def test_hsts_when_secure(world, settings):
    settings.SECURE_HSTS_SECONDS = 31536000  # read when the middleware is built: a new client
    r = login_client(world.citizen).get("/borger/", secure=True)
    assert r["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.parametrize(
    "path",
    ["/borger/", "/borger/moeder/", "/borger/fravaer/", "/borger/indstillinger/", "/borger/moeder/book/"],
)
def test_pages_need_login(path, db):
    r = Client().get(path)
    assert r.status_code == 302 and r["Location"].startswith("/login/")


def test_no_inline_script_or_event_handlers_in_portal_templates():
    from pathlib import Path

    import samtale.portal

    root = Path(samtale.portal.__file__).parent / "templates"
    for template in root.rglob("*.html"):
        source = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", source), template
        assert not re.search(r"\son[a-z]+\s*=", source), template
        assert "style=" not in source, template


def test_session_expires(portal, world, settings):
    assert settings.SESSION_IDLE_SECONDS["citizen"] <= 60 * 60 and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert portal.get("/borger/").status_code == 200
    with time_machine.travel(at(date(2017, 6, 26), 11), tick=False):
        r = portal.get("/borger/")
        assert r.status_code == 302 and r["Location"].startswith("/logget-ud/")
        r = portal.get("/borger/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")


def test_min_side_shows_held_conversations(frozen, make_citizen, jc_a, actor_a):
    """§ 27 stk. 6: the citizen sees the held conversations on Min side (via conversations.selectors)."""
    from samtale.conversations.services import held_conversation_register

    citizen = make_citizen(contact_group=6, jobcenter=jc_a, name="Melvie Jansalo")
    held_conversation_register(
        actor=actor_a,
        citizen=citizen,
        held_at=at(date(2017, 6, 20), 10),
        conversation_type=13,
        contact_form="personligt",
        information="Vi talte om dine muligheder for at vende tilbage til arbejdet.",
    )
    page = text(login_client(citizen).get("/borger/"))
    assert "Afholdte samtaler" in page and "Informationsmøde uden mødepligt" in page
    assert "Afholdt tirsdag den 20. juni 2017 kl. 10.00" in page
    assert "Vi talte om dine muligheder" in page
