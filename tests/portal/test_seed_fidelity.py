"""Issue 10 on the citizen portal: R-DL-18 (a deadline opens self-booking for every contact group that
may be given one; a citizen who may not book is told to contact the jobcenter, never to book), the
jobcenter's contact details wherever the citizen is told to contact it, the cut-off warning on the
confirm step, video and phone meetings shown as such, one success box on rebooking, and a citizen
ending or removing an absence they registered."""

import re
from datetime import date, timedelta

import pytest
import time_machine

from samtale.bookings.models import Booking, BookingStatus
from samtale.citizens.models import Absence
from samtale.deadlines.models import Deadline
from samtale.organisations.services import jobcenter_upsert
from tests.portal.conftest import login_client, post
from tests.portal.world import DEADLINE, at, make_deadline, make_offer, make_slot, make_world

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def slot_ids(response) -> list[str]:
    return re.findall(r'name="tid" value="([0-9a-f-]{36})"', response.content.decode())


@pytest.fixture
def contact_details(jc_a):
    return jobcenter_upsert(
        code=jc_a.code,
        name=jc_a.name,
        phone="+4533663366",
        email="jobcenter@kk.dk",
        address="Kalvebod Brygge 45, 1560 København V",
        opening_hours_text="Mandag–fredag 8.00–15.00",
    )


@pytest.fixture
def group_2(frozen, make_citizen, jc_a, cw_a, contact_details):
    """A kontanthjælpsmodtager (contact group 2: may not book freely, may be given a deadline) and a
    Jobsamtale offer for contact group 2 with free times inside the horizon, plus another offer."""
    citizen = make_citizen(contact_group=2, jobcenter=jc_a, name="Karl Olsen", phone="+4520202021")
    offer = make_offer(jc_a, contact_groups=[2])
    for t in (at(date(2017, 7, 10), 10), at(date(2017, 7, 12), 13)):
        make_slot(offer, t, cw_a)
    other = make_offer(
        jc_a,
        title="Informationsmøde A",
        description="Et møde om jobcentrets tilbud.",
        conversation_type=13,
        contact_forms=["personligt"],
        contact_groups=[2],
        fulfils_deadline=False,
    )
    make_slot(other, at(date(2017, 7, 5), 14), cw_a)
    return citizen, offer


# R-DL-18 ----------------------------------------------------------------------------------------


def test_r_dl_18_contact_group_2_with_a_deadline_books_rebooks_and_cancels_on_the_portal(group_2):
    citizen, offer = group_2
    deadline = make_deadline(citizen)
    portal = login_client(citizen)
    home = text(portal.get("/borger/"))
    assert "Book Jobsamtale med dit jobcenter" in home  # and now it is true
    meetings = text(portal.get("/borger/moeder/"))
    assert "Book jobsamtale med frist" in meetings
    assert "Book møde med jobcentret" not in meetings  # the other offers are not for group 2
    # Even asked for "the other offers", the flow books against the deadline (R-DL-18).
    step1 = text(portal.get("/borger/moeder/book/", {"frist": "0"}))
    assert "Book din jobsamtale senest 10. juli 2017" in step1 and "Ingen ledige tider" not in step1
    assert "Informationsmøde A" not in step1
    params = {"frist": "1", "tilbud": str(offer.public_id), "kontakt": "personligt", "dag": "2017-07-10"}
    [slot] = slot_ids(portal.get("/borger/moeder/book/", params))
    r = post(portal, "/borger/moeder/book/", {**params, "tid": slot})
    assert r.status_code == 302 and "/kvittering/" in r["Location"], text(portal.get(r["Location"]))
    deadline.refresh_from_db()
    booking = Booking.objects.get(citizen=citizen)
    assert deadline.status == "fulfilled" and deadline.fulfilled_by == booking
    # Rebooking and cancelling follow.
    cal = portal.get(f"/borger/moeder/{booking.public_id}/ombook/", {"dag": "2017-07-12"})
    [new] = slot_ids(cal)
    r = post(portal, f"/borger/moeder/{booking.public_id}/ombook/", {"tid": new})
    assert r.status_code == 302 and r["Location"].endswith("?ombooket=1")
    booking.refresh_from_db()
    assert booking.start == at(date(2017, 7, 12), 13)
    r = post(portal, f"/borger/moeder/{booking.public_id}/aflys/", {"reason": "borger_sygdom"})
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_r_dl_18_without_a_deadline_group_2_is_told_to_contact_the_jobcenter(group_2):
    citizen, _ = group_2
    portal = login_client(citizen)
    home = text(portal.get("/borger/"))
    assert "Book et møde på Mine møder" not in home
    assert "Kontakt dit jobcenter" in home and "33 66 33 66" in home
    meetings = text(portal.get("/borger/moeder/"))
    assert "Book et møde" not in meetings and 'data-rule="R-DL-18"' in meetings
    assert "Du kan ikke selv booke møder, når du ikke har fået en frist. Kontakt dit jobcenter." in meetings
    flow = text(portal.get("/borger/moeder/book/", {"frist": "0"}))
    assert "Du kan ikke selv booke" in flow and "Ingen ledige tider" not in flow
    assert "jobcenter@kk.dk" in flow and "Mandag–fredag 8.00–15.00" in flow


def test_r_dl_18_an_absence_56_takes_booking_away_and_the_notice_says_contact(group_2, actor_a):
    """R-DL-16 beats R-DL-18: absence 56 closes the deadline; while one is open it would say contact."""
    from samtale.citizens.services import absence_register
    from samtale.deadlines.selectors import citizen_notice

    citizen, _ = group_2
    make_deadline(citizen)
    with time_machine.travel(at(date(2017, 6, 26), 9), tick=False):
        notice = citizen_notice(citizen, date(2017, 6, 26))
        assert notice.link_text == "Book Jobsamtale med dit jobcenter"
        absence_register(actor=actor_a, citizen=citizen, absence_type=56, start_date=date(2017, 6, 26))
    assert not Deadline.objects.filter(citizen=citizen, status__in=["active", "fulfilled"]).exists()
    page = text(login_client(citizen).get("/borger/moeder/book/", {"frist": "1"}))
    assert "Du kan ikke selv booke møder i øjeblikket. Kontakt dit jobcenter." in page


def test_r_dl_18_demo_contact_group_2_citizen_with_a_deadline_books_through_the_portal(db, settings):
    """The demo (`samtale demo`): a kontanthjælpsmodtager with an active Jobsamtale deadline signs in,
    books a time that fulfils it through the portal's pages, and the deadline is fulfilled."""
    from samtale.bookings.selectors import bookable_slots
    from samtale.citizens.selectors import contact_group_on
    from samtale.core import clock, demo

    demo.load()
    today, now = clock.today(), clock.now()
    candidates = [
        d
        for d in Deadline.objects.filter(status="active").select_related("citizen")
        if contact_group_on(d.citizen, today).code == 2
    ]
    assert candidates, "the demo has contact-group-2 citizens with active deadlines"
    deadline = next(d for d in candidates if bookable_slots(d.citizen, now=now, fulfils_deadline=True))
    citizen = deadline.citizen
    slot = bookable_slots(citizen, now=now, fulfils_deadline=True)[0]
    portal = login_client(citizen)
    assert "Book Jobsamtale med dit jobcenter" in text(portal.get("/borger/"))
    assert "Book jobsamtale med frist" in text(portal.get("/borger/moeder/"))
    params = {"frist": "1", "tilbud": str(slot.offer.public_id), "kontakt": "personligt"}
    step4 = text(portal.get("/borger/moeder/book/", {**params, "tid": str(slot.public_id)}))
    assert "Bekræft din booking" in step4
    r = post(portal, "/borger/moeder/book/", {**params, "tid": str(slot.public_id)})
    assert r.status_code == 302 and "/kvittering/" in r["Location"]
    deadline.refresh_from_db()
    assert deadline.status == "fulfilled"


def test_the_demo_never_summons_on_a_weekend_a_holiday_or_outside_opening_hours(db):
    """Issue 10 point 8: every planned conversation the demo makes lies at a usual meeting time."""
    from samtale.core import demo
    from samtale.scheduling.rules import unusual_time_reason

    demo.load()
    made = Booking.objects.select_related("jobcenter")
    assert made.exists()
    for b in made:
        assert (
            unusual_time_reason(b.start, b.end, opens=b.jobcenter.opens_at, closes=b.jobcenter.closes_at)
            is None
        )


# Point 10: what a new user met ---------------------------------------------------------------------


def test_confirm_step_warns_when_the_cut_offs_have_already_passed(frozen, make_citizen, jc_a, cw_a):
    """R-PC-6 said before the citizen confirms: a time 2 days away on an offer with 72 hours' cut-off
    can be booked, but then neither rebooked nor cancelled on the portal."""
    w = make_world(make_citizen, jc_a, cw_a, slot_times=[], other_offer=False)
    offer = make_offer(
        jc_a, title="Jobsamtale – hurtig", rebooking_cutoff_hours=72, cancellation_allowed=False
    )
    soon = make_slot(offer, at(date(2017, 6, 28), 10), cw_a)
    portal = login_client(w.citizen)
    params = {
        "frist": "1",
        "tilbud": str(offer.public_id),
        "kontakt": "personligt",
        "tid": str(soon.public_id),
    }
    page = text(portal.get("/borger/moeder/book/", params))
    assert "Bemærk før du booker" in page
    assert "Fristen for at ombooke dette møde var søndag den 25. juni 2017 kl. 10.00" in page
    assert "Du kan ikke selv aflyse dette møde, når du har booket det." in page
    later = make_slot(w.offer, at(date(2017, 7, 10), 10), cw_a)
    calm = text(
        portal.get(
            "/borger/moeder/book/", {**params, "tilbud": str(w.offer.public_id), "tid": str(later.public_id)}
        )
    )
    assert "Bekræft din booking" in calm and "Bemærk før du booker" not in calm


def test_video_and_phone_meetings_are_shown_as_link_and_telefonmoede(frozen, make_citizen, jc_a, actor_a):
    from samtale.bookings.services import booking_summon

    citizen = make_citizen(contact_group=3, jobcenter=jc_a, phone="+4520202020")
    common = dict(
        actor=actor_a, citizen=citizen, conversation_type=12, title="Samtale", description="Om dig."
    )
    booking_summon(
        **common,
        contact_form="digitalt",
        location="Jobcentret, mødelokale 4",
        video_link="https://video.example/rum/7",
        start=at(date(2017, 7, 3), 10),
        end=at(date(2017, 7, 3), 10, 30),
    )
    booking_summon(
        **common,
        contact_form="telefonisk",
        location="Jobcentret, mødelokale 5",
        who_calls="jobcenter",
        start=at(date(2017, 7, 4), 10),
        end=at(date(2017, 7, 4), 10, 30),
    )
    page = text(login_client(citizen).get("/borger/moeder/"))
    assert 'href="https://video.example/rum/7"' in page and "Videomøde" in page
    assert "Telefonmøde · jobcentret ringer til dig" in page
    assert "mødelokale 4" not in page and "mødelokale 5" not in page


def test_rebooking_shows_one_success_box(frozen, make_citizen, jc_a, cw_a):
    w = make_world(make_citizen, jc_a, cw_a)
    portal = login_client(w.citizen)
    params = {"frist": "1", "tilbud": str(w.offer.public_id), "kontakt": "personligt", "dag": "2017-07-10"}
    first = slot_ids(portal.get("/borger/moeder/book/", params))[0]
    post(portal, "/borger/moeder/book/", {**params, "tid": first})
    booking = Booking.objects.get(citizen=w.citizen)
    [new] = slot_ids(portal.get(f"/borger/moeder/{booking.public_id}/ombook/", {"dag": "2017-07-12"}))
    r = post(portal, f"/borger/moeder/{booking.public_id}/ombook/", {"tid": new})
    page = text(portal.get(r["Location"]))
    assert page.count("alert-success") == 1 and "Dit møde er flyttet" in page
    assert "Dit møde er booket" not in page


def test_no_times_page_gives_the_jobcenters_contact_details(
    frozen, make_citizen, jc_a, cw_a, contact_details
):
    w = make_world(make_citizen, jc_a, cw_a, slot_times=[], other_offer=False)
    page = text(login_client(w.citizen).get("/borger/moeder/book/", {"frist": "1"}))
    assert "Ingen ledige tider" in page and "Kontakt dit jobcenter" in page
    assert 'href="tel:+4533663366"' in page and "33 66 33 66" in page
    assert 'href="mailto:jobcenter@kk.dk"' in page
    assert "Kalvebod Brygge 45, 1560 København V" in page and "Mandag–fredag 8.00–15.00" in page


def test_citizen_removes_a_coming_absence_and_ends_a_begun_one(frozen, make_citizen, jc_a, cw_a, actor_a):
    from samtale.citizens.services import absence_register
    from samtale.reporting.models import ReportEvent

    w = make_world(make_citizen, jc_a, cw_a)
    portal = login_client(w.citizen)
    post(
        portal,
        "/borger/fravaer/",
        {"absence_type": "10", "start_date": "2017-07-10", "end_date": "2017-07-14"},
    )
    post(portal, "/borger/fravaer/", {"absence_type": "11", "start_date": "2017-06-26", "end_date": ""})
    by_jobcenter = absence_register(
        actor=actor_a, citizen=w.citizen, absence_type=1, start_date=date(2017, 6, 26)
    )
    holiday = Absence.objects.get(citizen=w.citizen, absence_type__code=10)
    sick = Absence.objects.get(citizen=w.citizen, absence_type__code=11)
    with time_machine.travel(at(date(2017, 6, 28), 9), tick=False):
        portal = login_client(w.citizen)  # two days later: a new session
        page = text(portal.get("/borger/fravaer/"))
        assert f"fravaer/{holiday.public_id}/afslut/" in page and f"fravaer/{sick.public_id}/afslut/" in page
        assert "Fjern fraværet" in page and "Afslut fraværet" in page  # not begun / begun
        assert "Registreret af jobcentret" in page and f"{by_jobcenter.public_id}/afslut/" not in page
        post(portal, f"/borger/fravaer/{holiday.public_id}/afslut/")
        post(portal, f"/borger/fravaer/{sick.public_id}/afslut/")
        r = post(portal, f"/borger/fravaer/{by_jobcenter.public_id}/afslut/")
        assert "Kontakt dit jobcenter" in text(portal.get(r["Location"]))
    assert not Absence.objects.filter(pk=holiday.pk).exists()  # not begun: removed
    sick.refresh_from_db()
    assert sick.end_date == date(2017, 6, 27)  # begun: ends yesterday, available from today
    assert Absence.objects.filter(pk=by_jobcenter.pk, end_date__isnull=True).exists()
    kinds = list(ReportEvent.objects.filter(kind__startswith="absence.").values_list("kind", flat=True))
    assert "absence.removed" in kinds and "absence.ended" in kinds
    assert DEADLINE - timedelta(days=14) == date(2017, 6, 26)
