"""The workbench's write side in a real browser at laptop size (1366×900), axe-core WCAG 2.1 A/AA on
every page it adds: a keyboard-only summons that the citizen's portal then shows; a deadline for a
citizen with a booking (R-DL-3) and the held conversation with the next deadline (S-1's last steps)
that the citizen's Min side then announces; a weekly schedule published and its free times in the
calendar. Screenshots of each page go to docs/screenshots/ (refreshed with SAMTALE_SCREENSHOTS=1)."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from samtale.bookings.models import Booking
from samtale.deadlines.models import Deadline
from samtale.scheduling.models import Slot
from tests.browser.conftest import check_axe, login, login_caseworker, screenshot
from tests.portal.world import NOW, at, make_offer, make_slot
from tests.workbench.write_world import summon_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = date(2017, 7, 4)  # a Tuesday, 8 days after NOW


@pytest.fixture(autouse=True)
def dev_login(settings):
    settings.DEV_LOGIN = True


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


def expect_text(page, text: str) -> None:
    page.get_by_text(text, exact=False).first.wait_for()


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element is focused: proves it is reachable by keyboard, in order."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} not reachable with Tab")


@pytest.fixture
def citizen(clock, make_citizen):
    return make_citizen(
        contact_group=3,
        name="Finney Hansen",
        phone="+4520202020",
        email="finney@example.dk",
        sms_reminders=True,
    )


def test_keyboard_only_summons_then_the_portal_shows_it(laptop_page, citizen, jc_a, cw_a):
    slot = make_slot(make_offer(jc_a), at(DAY, 10), cw_a)
    page = laptop_page()
    login_caseworker(page, cw_a)
    page.goto(f"/sagsbehandler/borgere/{citizen.public_id}/indkald/")
    expect_text(page, "Indkald Finney Hansen")
    check_axe(page)
    screenshot(page, "wb-10-indkald")

    tab_to(page, "#id_conversation_type")
    page.keyboard.type("Jobsamtale")
    tab_to(page, "#id_contact_form")
    page.keyboard.type("Personligt")
    # My free time on Tuesday: the radio group is reached by Tab and chosen with the arrow key.
    tab_to(page, "input[name=slot]:checked")
    page.keyboard.press("ArrowDown")
    assert page.is_checked(f"input[name=slot][value='{slot.public_id}']")
    # R-PC-2: the telephone fields do not apply to personal attendance and are hidden (JS).
    assert not page.locator("#id_phone_to_call").is_visible()
    tab_to(page, "button[name=preview]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect_text(page, "Det får borgeren at vide")
    expect_text(page, "Du er indkaldt til jobsamtale med jobcentret tirsdag den 4. juli 2017")
    check_axe(page)
    screenshot(page, "wb-11-indkald-besked")
    assert not Booking.objects.filter(citizen=citizen).exists()

    tab_to(page, "form#indkald button.button-primary")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect_text(
        page, "Finney Hansen er indkaldt til jobsamtale – kontanthjælp tirsdag 4. juli 2017 kl. 10.00–10.30."
    )
    expect_text(page, "Borgeren får besked på SMS")
    check_axe(page)
    booking = Booking.objects.get(citizen=citizen)
    assert booking.slot == slot and booking.caseworker == cw_a

    portal = laptop_page()
    login(portal, citizen)
    expect_text(portal, "tirsdag 4. juli 2017 kl. 10.00–10.30")


def test_deadline_r_dl_3_then_held_conversation_with_next_deadline(laptop_page, citizen, cw_a, clock):
    booking = summon_at(citizen)  # tirsdag 4. juli 2017 kl. 10.00
    page = laptop_page()
    login_caseworker(page, cw_a)
    page.goto(f"/sagsbehandler/borgere/{citizen.public_id}/frist/")
    page.select_option("#id_conversation_type", "7")
    page.fill("#id_deadline_date", "2017-07-10")
    page.locator("#id_deadline_date").dispatch_event("change")
    # The live preview (htmx): horizon and R-DL-3, from the deadlines service's own check.
    expect_text(page, "Samtalen skal være holdt senest 17. juli 2017")
    expect_text(page, f"{booking.booking_number} indfrier fristen med det samme (R-DL-3)")
    check_axe(page)
    screenshot(page, "wb-12-saet-frist")
    page.get_by_role("button", name="Sæt frist").click()
    expect_text(page, "er sat og er allerede indfriet af den planlagte samtale (R-DL-3)")
    deadline = Deadline.objects.get(citizen=citizen)
    assert deadline.status == "fulfilled"
    # The booking page's and the deadline's other forms, for axe and the screenshots.
    for path, shot in (
        (f"/sagsbehandler/moeder/{booking.public_id}/flyt/", "wb-17-flyt"),
        (f"/sagsbehandler/moeder/{booking.public_id}/aflys/", "wb-18-aflys"),
        (f"/sagsbehandler/moeder/{booking.public_id}/ret/", "wb-19-ret-samtale"),
        (f"/sagsbehandler/frister/{deadline.public_id}/luk/", "wb-20-luk-frist"),
    ):
        page.goto(path)
        check_axe(page)
        screenshot(page, shot)

    # S-1's last steps: the conversation was held at 10.00; at 10.45 the caseworker registers it with
    # the next deadline (a new sign-in: the idle session ended while the clock jumped).
    clock.move_to(at(DAY, 10, 45))
    page = laptop_page()
    login_caseworker(page, cw_a)
    page.goto(f"/sagsbehandler/borgere/{citizen.public_id}/samtaler/ny/?booking={booking.public_id}")
    expect_text(page, f"Udfyldt fra den planlagte samtale {booking.booking_number}")
    check_axe(page)
    page.fill("#id_agreement_text", "Finney søger 5 stillinger om ugen inden for lager og logistik.")
    page.select_option("#id_visitation_group", "jobparat")
    page.select_option("#id_next_type", "7")
    page.fill("#id_next_deadline_date", "2017-08-14")
    screenshot(page, "wb-13-registrer-samtale")
    page.get_by_role("button", name="Registrér samtalen").click()
    expect_text(page, "Næste frist er 14. august 2017.")
    expect_text(page, "Version 1 (gældende)")
    check_axe(page)
    screenshot(page, "wb-14-afholdt-samtale")
    booking.refresh_from_db()
    assert booking.status == "held"
    page.get_by_role("link", name="Ret registreringen").click()
    expect_text(page, "Rettelsen gemmes som version 2")
    check_axe(page)
    screenshot(page, "wb-21-ret-afholdt-samtale")

    portal = laptop_page()
    login(portal, citizen)
    expect_text(portal, "Fristen for at booke samtalen er senest mandag den 14. august 2017")  # R-NT-1


def test_publish_a_weekly_schedule_and_see_its_free_times(laptop_page, clock, jc_a, cw_a):
    make_offer(jc_a, title="Jobsamtale – sygedagpenge", contact_groups=[6])
    page = laptop_page()
    login_caseworker(page, cw_a)
    page.goto("/sagsbehandler/")
    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Mødetilbud").click()
    expect_text(page, "Jobsamtale – sygedagpenge")
    check_axe(page)
    screenshot(page, "wb-15-moedetilbud")
    page.get_by_role("link", name="Jobsamtale – sygedagpenge").click()
    check_axe(page)
    page.get_by_role("link", name="Læg ugeskema ud").click()
    page.get_by_label("Mandag").check()
    page.get_by_label("Onsdag").check()
    page.fill("#id_day_start", "09:00")
    page.fill("#id_day_end", "11:00")
    page.fill("#id_date_from", "2017-07-03")
    page.fill("#id_date_to", "2017-07-07")
    page.get_by_role("button", name="Vis de ledige tider").click()
    expect_text(page, "8 ledige tider bliver lagt ud")
    expect_text(page, "onsdag 5. juli 2017:")
    check_axe(page)
    screenshot(page, "wb-16-ugeskema")
    page.get_by_role("button", name="Læg tiderne ud").click()
    expect_text(page, "8 ledige tider er lagt ud og kan bookes af borgerne nu.")
    check_axe(page)
    assert Slot.objects.filter(caseworker=cw_a).count() == 8
    expect_text(page, "onsdag 5. juli 2017 kl. 09.30–10.00")  # the offer's coming free times
    page.goto("/sagsbehandler/kalender/?dag=2017-07-05&visning=dag")  # and my calendar
    expect_text(page, "4 ledige pladser")
    assert page.locator(".wb-cal-item--slot").count() == 4
    check_axe(page)
    # The offer's other forms, for axe: a single free time, editing the offer, withdrawing a time.
    slot = Slot.objects.filter(caseworker=cw_a).order_by("start").first()
    for path, shot in (
        (f"/sagsbehandler/moedetilbud/{slot.offer.public_id}/", "wb-22-moedetilbud-tider"),
        (f"/sagsbehandler/moedetilbud/{slot.offer.public_id}/tider/ny/", "wb-23-ny-ledig-tid"),
        (f"/sagsbehandler/moedetilbud/{slot.offer.public_id}/ret/", "wb-24-ret-moedetilbud"),
        (f"/sagsbehandler/tider/{slot.public_id}/traek-tilbage/", "wb-25-traek-tid-tilbage"),
    ):
        page.goto(path)
        check_axe(page)
        screenshot(page, shot)
