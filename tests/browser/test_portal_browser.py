"""The citizen portal in a real browser on a phone-sized screen (375×812), with axe-core on every
page: S-1 through the UI, rebook, cancel, no free times (R-NT-8), the horizon (R-DL-9), the notice
phases (R-NT-1 … R-NT-4), keyboard-only booking, two citizens racing for the last time (R-PC-5),
and another citizen's booking (404). Screenshots go to docs/screenshots/."""

from __future__ import annotations

import re
from datetime import date

import pytest
import time_machine

from samtale.bookings.models import Booking, BookingStatus
from samtale.bookings.services import booking_self_book
from samtale.core.actors import Actor
from tests.browser.conftest import check_axe, login, screenshot
from tests.portal.world import NOW, at, make_world

# A live server needs committed data (transaction=True); tests/conftest.py's `reference_data` puts the
# migrated code lists back after each flush.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def dev_login(settings):
    settings.DEV_LOGIN = True


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def world(clock, make_citizen, jc_a, cw_a):
    return make_world(make_citizen, jc_a, cw_a)


def nav(page, name: str) -> None:
    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name=name, exact=True).click()
    page.wait_for_load_state("load")


def expect_text(page, text: str) -> None:
    page.get_by_text(text, exact=False).first.wait_for()


def book_in_ui(
    page, *, day_label="mandag 10. juli, 2 ledige tider", time_label="kl. 10.00–10.30", shots=False
):
    """Trin 1 → Trin 4 by clicking, from the notice's link on Min side."""
    page.get_by_role("link", name=re.compile("Book Jobsamtale med dit jobcenter")).click()
    expect_text(page, "Book din jobsamtale senest 10. juli 2017")  # R-NT-7
    expect_text(page, "Jeg vil gerne have et møde om")
    check_axe(page)
    page.get_by_label("Jobsamtale – kontanthjælp").check()
    page.get_by_text("En samtale om dit jobmål").wait_for()  # the description on choice
    if shots:
        screenshot(page, "03-trin-1-tilbud")
    page.get_by_role("button", name=re.compile("Fortsæt")).click()
    expect_text(page, "Sådan vil jeg holde mødet")
    expect_text(page, "Book din jobsamtale senest 10. juli 2017")
    check_axe(page)
    page.get_by_label(re.compile("Personligt fremmøde")).check()
    page.get_by_role("button", name=re.compile("Fortsæt")).click()
    expect_text(page, "Samtalen skal være holdt senest 17. juli 2017.")
    expect_text(page, "Book din jobsamtale senest 10. juli 2017")
    check_axe(page)
    page.get_by_role("button", name=day_label).click()
    page.get_by_role("radio", name=time_label).wait_for()
    check_axe(page)
    if shots:
        screenshot(page, "04-trin-3-kalender")
    page.get_by_role("radio", name=time_label).check()
    page.get_by_role("button", name=re.compile("Fortsæt")).click()
    expect_text(page, "Bekræft din booking")
    expect_text(page, "Book din jobsamtale senest 10. juli 2017")
    check_axe(page)
    if shots:
        screenshot(page, "05-trin-4-bekraeft")
    page.get_by_role("button", name="Book mødet").click()
    expect_text(page, "Dit møde er booket")


def test_s_1_notice_book_receipt_notice_gone(new_page, world):
    page = new_page()
    login(page, world.citizen)
    expect_text(page, "Ny frist:")
    expect_text(page, "Fristen for at booke samtalen er senest mandag den 10. juli 2017.")
    check_axe(page)
    screenshot(page, "01-min-side-frist")
    nav(page, "Mine møder")
    expect_text(page, "Book møde med jobcentret")  # R-NT-9
    check_axe(page)
    screenshot(page, "02-mine-moeder")
    nav(page, "Min side")
    book_in_ui(page, shots=True)
    check_axe(page)
    screenshot(page, "06-kvittering")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tilføj til kalender").click()
    assert download.value.suggested_filename.endswith(".ics")
    assert "BEGIN:VEVENT" in open(download.value.path(), encoding="utf-8").read()
    booking = Booking.objects.get(citizen=world.citizen)
    assert booking.status == BookingStatus.PLANNED and booking.start == at(date(2017, 7, 10), 10)
    assert booking.confirmed_at is not None  # R-PC-9: the receipt showed it
    nav(page, "Min side")
    page.get_by_role("heading", name="Dine kommende møder").wait_for()
    assert page.locator(".deadline-notice").count() == 0  # the notice is gone
    check_axe(page)
    screenshot(page, "07-min-side-booket")


def _booked(world):
    return booking_self_book(
        actor=Actor.for_citizen(world.citizen), slot=world.slots[0], contact_form="personligt"
    )


def test_rebook(new_page, world):
    booking = _booked(world)
    page = new_page()
    login(page, world.citizen)
    page.goto(f"/borger/moeder/{booking.public_id}/")
    expect_text(page, "Du kan ombooke mødet indtil søndag den 9. juli 2017 kl. 10.00.")
    check_axe(page)
    screenshot(page, "08-mit-moede")
    page.get_by_role("link", name="Ombook mødet").click()
    expect_text(page, "Samtalen skal være holdt senest 17. juli 2017.")
    check_axe(page)
    page.get_by_role("button", name="onsdag 12. juli, 1 ledig tid").click()
    page.get_by_role("radio", name="kl. 13.00–13.30").check()
    page.get_by_role("button", name=re.compile("Fortsæt")).click()
    expect_text(page, "Bekræft ombooking")
    check_axe(page)
    page.get_by_role("button", name="Flyt mødet").click()
    expect_text(page, "Dit møde er flyttet.")
    booking.refresh_from_db()
    assert booking.start == at(date(2017, 7, 12), 13) and booking.status == BookingStatus.PLANNED


def test_cancel(new_page, world):
    booking = _booked(world)
    page = new_page()
    login(page, world.citizen)
    page.goto(f"/borger/moeder/{booking.public_id}/")
    page.get_by_role("link", name="Aflys mødet").click()
    expect_text(page, "Du kan aflyse indtil søndag den 9. juli 2017 kl. 10.00.")
    check_axe(page)
    screenshot(page, "09-aflys")
    page.get_by_label("Sygdom").check()
    page.get_by_role("button", name="Aflys mødet").click()
    expect_text(page, "Dit møde er aflyst.")
    check_axe(page)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_r_nt_8_no_free_times(new_page, clock, make_citizen, jc_a, cw_a):
    w = make_world(make_citizen, jc_a, cw_a, slot_times=[], other_offer=False)
    page = new_page()
    login(page, w.citizen)
    page.get_by_role("link", name=re.compile("Book Jobsamtale med dit jobcenter")).click()
    expect_text(page, "Ingen ledige tider")
    expect_text(page, "Der er desværre ingen ledige tider i øjeblikket.")
    expect_text(page, "Du skal derfor kontakte dit jobcenter.")
    check_axe(page)
    screenshot(page, "10-ingen-ledige-tider")


def test_r_dl_9_a_time_after_deadline_plus_7_is_not_offered(new_page, world):
    page = new_page()
    login(page, world.citizen)
    page.goto(f"/borger/moeder/book/?frist=1&tilbud={world.offer.public_id}&kontakt=personligt")
    expect_text(
        page,
        "Samtalen skal være holdt senest 17. juli 2017. Kalenderen viser derfor kun tider frem til denne dag.",
    )
    assert page.get_by_role("button", name="mandag 17. juli, 1 ledig tid").count() == 1
    assert page.get_by_role("button", name=re.compile("18. juli")).count() == 0
    assert page.locator("button[name=dag]").count() == 5  # 10, 11, 12, 13 and 17 July


@pytest.mark.parametrize(
    ("day", "rule", "text", "name"),
    [
        (
            date(2017, 6, 26),
            "R-NT-1",
            "Fristen for at booke samtalen er senest mandag den 10. juli 2017.",
            "frist-1-ny",
        ),
        (date(2017, 7, 6), "R-NT-2", "Der er kun 4 dage til mandag den 10. juli 2017", "frist-2-husk"),
        (
            date(2017, 7, 7),
            "R-NT-3",
            "Der er kun 3 dage til mandag den 10. juli 2017",
            "frist-3-roed-overskrift",
        ),
        (
            date(2017, 7, 10),
            "R-NT-4",
            "Din næste jobsamtale skal være booket i dag, mandag den 10. juli 2017.",
            "frist-4-sidste-dag",
        ),
    ],
)
def test_notice_phases_on_four_dates(new_page, world, clock, day, rule, text, name):
    clock.move_to(at(day, 8))
    page = new_page()
    login(page, world.citizen)
    notice = page.locator(f'.deadline-notice[data-rule="{rule}"]')
    notice.wait_for()
    expect_text(page, text)
    red = "rgb(179, 32, 14)"
    heading_colour = notice.locator("h2").evaluate("e => getComputedStyle(e).color")
    text_colour = notice.locator("p").first.evaluate("e => getComputedStyle(e).color")
    if rule in ("R-NT-3", "R-NT-4"):
        assert heading_colour == red
        assert notice.locator("h2").inner_text().startswith("!") or rule == "R-NT-4"
    else:
        assert heading_colour != red
    assert (text_colour == red) == (rule == "R-NT-4")  # all text red on the deadline day
    check_axe(page)
    screenshot(page, f"11-{name}")


def _tab_to(page, pattern: str, max_tabs: int = 60):
    """Press Tab until the focused element's accessible text matches `pattern`."""
    rx = re.compile(pattern)
    for _ in range(max_tabs):
        page.keyboard.press("Tab")
        label = page.evaluate(
            """() => { const e = document.activeElement; if (!e) return '';
                 const l = e.labels && e.labels[0] ? e.labels[0].innerText : '';
                 return [e.getAttribute('aria-label') || '', e.innerText || '', l, e.value || '']
                   .join(' | ').replace(/\\s+/g, ' '); }"""
        )
        if rx.search(label):
            return label
    raise AssertionError(f"could not reach {pattern!r} with the keyboard")


def test_keyboard_only_booking(new_page, world):
    page = new_page()
    login(page, world.citizen)
    _tab_to(page, "Book Jobsamtale med dit jobcenter")
    page.keyboard.press("Enter")
    expect_text(page, "Jeg vil gerne have et møde om")
    _tab_to(page, "Fortsæt")  # the only offer is chosen already
    page.keyboard.press("Enter")
    expect_text(page, "Sådan vil jeg holde mødet")
    _tab_to(page, "Personligt fremmøde")
    page.keyboard.press("Space")
    _tab_to(page, "Fortsæt")
    page.keyboard.press("Enter")
    expect_text(page, "Jeg ønsker et mødetidspunkt")
    _tab_to(page, "tirsdag 11. juli, 1 ledig tid")
    page.keyboard.press("Enter")
    page.get_by_role("radio", name="kl. 10.00–10.30").wait_for()
    _tab_to(page, "kl. 10.00–10.30")
    page.keyboard.press("Space")
    _tab_to(page, "Fortsæt")
    page.keyboard.press("Enter")
    expect_text(page, "Bekræft din booking")
    _tab_to(page, "Book mødet")
    page.keyboard.press("Enter")
    expect_text(page, "Dit møde er booket")
    assert Booking.objects.get(citizen=world.citizen).start == at(date(2017, 7, 11), 10)


def test_two_citizens_race_for_the_last_time(new_page, clock, make_citizen, jc_a, cw_a):
    w = make_world(
        make_citizen,
        jc_a,
        cw_a,
        other_offer=False,
        slot_times=[at(date(2017, 7, 5), 10), at(date(2017, 7, 6), 10)],
    )
    rival = make_citizen(contact_group=3, jobcenter=jc_a, name="Melvie Jansalo")
    first, second = new_page(), new_page()
    login(first, w.citizen)
    login(second, rival)
    url = f"/borger/moeder/book/?frist=1&tilbud={w.offer.public_id}&kontakt=personligt&dag=2017-07-05"
    for page in (first, second):
        page.goto(url)
        page.get_by_role("radio", name="kl. 10.00–10.30").check()
        page.get_by_role("button", name=re.compile("Fortsæt")).click()
        expect_text(page, "Bekræft din booking")
    first.get_by_role("button", name="Book mødet").click()
    expect_text(first, "Dit møde er booket")
    second.get_by_role("button", name="Book mødet").click()
    expect_text(second, "Tiden er desværre optaget. Vælg en anden tid.")
    second.get_by_role("button", name="torsdag 6. juli, 1 ledig tid").wait_for()  # the calendar again
    assert second.get_by_role("button", name=re.compile("5. juli")).count() == 0
    check_axe(second)
    screenshot(second, "12-tiden-blev-taget")
    assert Booking.objects.filter(citizen=rival).count() == 0
    assert Booking.objects.filter(citizen=w.citizen).count() == 1


def test_another_citizens_booking_is_404(new_page, world, make_citizen, jc_a):
    booking = _booked(world)
    other = make_citizen(contact_group=3, jobcenter=jc_a, name="Anden Borger")
    page = new_page()
    login(page, other)
    for path in ("", "kvittering/", "ombook/", "aflys/"):
        response = page.goto(f"/borger/moeder/{booking.public_id}/{path}")
        assert response.status == 404
        assert "Finney" not in page.content()
    expect_text(page, "Siden findes ikke")
    check_axe(page)


def test_absence_and_settings_pages(new_page, world):
    page = new_page()
    login(page, world.citizen)
    nav(page, "Mit fravær")
    check_axe(page)
    page.get_by_label("Type af fravær").select_option(label="Ferie")
    page.get_by_label("Første dag").fill("2017-07-10")
    page.get_by_label("Sidste dag").fill("2017-07-11")
    page.get_by_role("button", name="Registrér fravær").click()
    expect_text(page, "Dit fravær er registreret.")
    check_axe(page)
    screenshot(page, "13-mit-fravaer")
    nav(page, "Indstillinger")
    check_axe(page)
    page.get_by_label("E-mailadresse").fill("finney@example.dk")
    page.get_by_label("Send mig påmindelser på e-mail").check()
    page.get_by_role("button", name="Gem").click()
    expect_text(page, "Dine indstillinger er gemt.")
    check_axe(page)
    screenshot(page, "14-indstillinger")
    # The absence took 10 and 11 July out of the calendar (R-PC-11).
    page.goto(f"/borger/moeder/book/?frist=1&tilbud={world.offer.public_id}&kontakt=personligt")
    page.get_by_role("button", name="onsdag 12. juli, 1 ledig tid").wait_for()
    assert page.get_by_role("button", name=re.compile("1[01]. juli")).count() == 0


def test_csp_holds_in_the_browser(new_page, world):
    """With the Content-Security-Policy enforced, no page logs a violation, and our scripts (htmx,
    portal.js) still run because they are files, not inline code."""
    page = new_page(bypass_csp=False)
    problems = []
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    login(page, world.citizen)
    for path in (
        "/borger/",
        "/borger/moeder/",
        "/borger/moeder/book/?frist=1",
        "/borger/fravaer/",
        "/borger/indstillinger/",
    ):
        page.goto(path)
        page.wait_for_load_state("load")
        assert page.evaluate("() => typeof window.htmx") == "object"
        assert page.evaluate("() => document.documentElement.classList.contains('js')")
    assert not problems, problems


def test_booking_works_without_javascript(new_page, world):
    """htmx only enhances: with JavaScript off the same forms and links book the meeting."""
    page = new_page(javascript=False)
    login(page, world.citizen)
    page.get_by_role("link", name=re.compile("Book Jobsamtale med dit jobcenter")).click()
    page.get_by_role("button", name=re.compile("Fortsæt")).click()  # the only offer is chosen already
    page.get_by_label(re.compile("Telefonisk")).check()
    page.get_by_role("button", name=re.compile("Fortsæt")).click()
    page.get_by_role("button", name="torsdag 13. juli, 1 ledig tid").click()
    page.get_by_role("radio", name="kl. 09.00–09.30").check()
    page.get_by_role("button", name=re.compile("Fortsæt")).click()
    page.get_by_role("button", name="Book mødet").click()
    expect_text(page, "Dit møde er booket")
    booking = Booking.objects.get(citizen=world.citizen)
    assert booking.start == at(date(2017, 7, 13), 9) and booking.contact_form.code == "telefonisk"


def test_htmx_swaps_the_calendar_in_place_and_keeps_no_personal_copy(new_page, world):
    """With JavaScript the day's times arrive by htmx (no full page load), and htmx keeps no copy of
    the page in the browser's storage (its history cache is off)."""
    page = new_page()
    login(page, world.citizen)
    page.goto(f"/borger/moeder/book/?frist=1&tilbud={world.offer.public_id}&kontakt=personligt")
    page.evaluate("() => { window.__samePage = true; }")
    page.get_by_role("button", name="mandag 10. juli, 2 ledige tider").click()
    page.get_by_role("radio", name="kl. 11.00–11.30").wait_for()
    assert page.evaluate("() => window.__samePage === true")  # no full navigation
    assert "dag=2017-07-10" in page.url  # the address follows, so back and reload work
    page.get_by_role("button", name="tirsdag 11. juli, 1 ledig tid").click()
    page.get_by_role("radio", name="kl. 10.00–10.30").wait_for()
    cached = page.evaluate(
        "() => sessionStorage.getItem('htmx-history-cache') || localStorage.getItem('htmx-history-cache')"
    )
    assert cached in (None, "[]"), "htmx kept a copy of a personal page in the browser's storage"
