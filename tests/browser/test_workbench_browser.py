"""The caseworker's workbench in a real browser at laptop size (1366×900), with axe-core on every page:
find a citizen by name → the Borgeroverblik; "what the citizen sees" on three dates (the notice
phases R-NT-1, R-NT-3, R-NT-4); the calendar's week with its free times and the click-through to a
planned conversation. Screenshots of every read page go to docs/screenshots/."""

from __future__ import annotations

import re
from datetime import date

import pytest
import time_machine

from samtale.bookings.services import booking_summon
from samtale.core.actors import Actor
from tests.browser.conftest import check_axe, login_caseworker, screenshot
from tests.portal.world import NOW, at, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def dev_login(settings):
    settings.DEV_LOGIN = True


@pytest.fixture
def world(make_citizen, jc_a, cw_a):
    with time_machine.travel(NOW, tick=True):
        world = make_world(make_citizen, jc_a, cw_a)
        # Today's summons is for another citizen: Finney's deadline stays unbooked (the notices).
        world.booked = make_citizen(contact_group=2, jobcenter=jc_a, name="Finn Jensen")
        world.booking = booking_summon(
            actor=Actor.for_caseworker(cw_a),
            citizen=world.booked,
            conversation_type=7,
            contact_form="personligt",
            start=at(date(2017, 6, 26), 13),
            end=at(date(2017, 6, 26), 13, 30),
            title="Jobsamtale",
            description="En samtale om dit jobmål og din jobsøgning.",
            location="Jobcentret, stuen",
            address="Vesterbrogade 1, 1620 København V",
            caseworker=cw_a,
        )
        for name in ("Fie Hansen", "Oskar Ørsted"):
            make_citizen(contact_group=2, jobcenter=jc_a, name=name)
        yield world


def nav(page, name: str) -> None:
    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name=name, exact=True).click()
    page.wait_for_load_state("load")


def test_find_a_citizen_by_name_and_see_what_she_sees_on_three_dates(world, laptop_page, cw_a):
    page = laptop_page()
    login_caseworker(page, cw_a)
    page.get_by_role("heading", name=re.compile("I dag")).wait_for()
    page.get_by_text("Finn Jensen").first.wait_for()  # today's summons at 13.00
    check_axe(page)
    screenshot(page, "wb-01-i-dag")

    nav(page, "Borgere")
    check_axe(page)
    page.get_by_label("Navn eller del af navn").fill("fin han")
    page.get_by_label("Navn eller del af navn").press("Enter")
    page.get_by_role("heading", name=re.compile("1 borger matcher")).wait_for()
    check_axe(page)
    screenshot(page, "wb-02-borgere")
    page.get_by_role("link", name="Finney Hansen").click()

    page.get_by_role("heading", name="Finney Hansen", level=1).wait_for()
    page.get_by_role("region", name="Frist").get_by_text("10. juli 2017").wait_for()
    check_axe(page)
    screenshot(page, "wb-03-borgeroverblik")

    page.get_by_role("link", name="Se hvad borgeren ser").click()
    for day, rule, text in (
        ("2017-06-26", "R-NT-1", "Fristen for at booke samtalen er senest mandag den 10. juli 2017."),
        ("2017-07-07", "R-NT-3", "Der er kun 3 dage til mandag den 10. juli 2017"),
        ("2017-07-10", "R-NT-4", "Din næste jobsamtale skal være booket i dag, mandag den 10. juli 2017."),
    ):
        page.get_by_label("Vis borgerens sider på datoen").fill(day)
        page.get_by_role("button", name="Vis", exact=True).click()
        page.wait_for_url(re.compile(f"dato={day}"))
        page.locator(f'[data-rule="{rule}"]').get_by_text(text).wait_for()
        check_axe(page)
        if rule == "R-NT-3":
            screenshot(page, "wb-04-hvad-borgeren-ser")
    # On the deadline day at 08.00 that day's 11.00 is still offered; 10.00 is inside the offer's two
    # hours' notice (R-PC-11).
    times = page.get_by_role("region", name="Mine møder")
    assert times.get_by_role("definition").first.inner_text() == "11.00"


def test_the_calendar_shows_a_weeks_free_times_and_opens_a_booking(world, laptop_page, cw_a):
    page = laptop_page()
    login_caseworker(page, cw_a)
    nav(page, "Kalender")
    page.get_by_label("Dato").fill("2017-07-10")
    page.get_by_role("button", name="Vis kalender").click()
    week = page.get_by_role("heading", name=re.compile("Uge 28"))
    week.wait_for()
    monday = page.get_by_role("region", name=re.compile("Mandag 10. juli"))
    assert monday.get_by_text("Ledig tid").count() == 2
    assert page.get_by_text("0/1 booket").count() == 5  # 10–13 July; the Friday has none
    check_axe(page)
    screenshot(page, "wb-05-kalender-uge")
    # Usable on a tablet: at 768 px the week reflows into columns without sideways scrolling.
    page.set_viewport_size({"width": 768, "height": 1024})
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1366, "height": 900})

    page.get_by_role("link", name="Forrige uge").click()
    page.get_by_role("link", name="Forrige uge").click()
    page.get_by_role("heading", name=re.compile("Uge 26")).wait_for()
    page.get_by_role("link", name="Finn Jensen").click()
    page.get_by_role("heading", name="Jobsamtale", level=1).wait_for()
    page.get_by_text(world.booking.booking_number).wait_for()
    check_axe(page)
    screenshot(page, "wb-06-planlagt-samtale")

    page.goto("/sagsbehandler/kalender/?visning=dag&dag=2017-06-26&jobcenter=101")
    page.get_by_role("heading", name=re.compile("Mandag den 26. juni 2017")).wait_for()
    check_axe(page)
    screenshot(page, "wb-07-kalender-jobcenter-dag")
    page.goto("/sagsbehandler/findes-ikke/")
    page.get_by_role("heading", name="Siden findes ikke").wait_for()
    check_axe(page)
