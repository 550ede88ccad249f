"""The workbench's read side through Django's test client: Borgere (name search, CPR by POST),
the Borgeroverblik, absences, "what the citizen sees", the calendar, I dag and one booking. Every page
that shows a citizen writes to the access log."""

import re
from datetime import date, timedelta

import pytest

from samtale.citizens.models import Absence
from samtale.core.models import AuditRecord
from tests.portal.world import at
from tests.workbench.conftest import login_caseworker, post

pytestmark = pytest.mark.django_db
WB = "/sagsbehandler"


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def audited(citizen, action: str | None = None, purpose: str | None = None) -> int:
    qs = AuditRecord.objects.filter(citizen=citizen, actor="kbh-ah")
    if action:
        qs = qs.filter(action=action)
    if purpose:
        qs = qs.filter(purpose=purpose)
    return qs.count()


# --- Borgere --------------------------------------------------------------------------------------


def test_name_search_finds_every_word_in_any_case_within_my_jobcenters_and_audits(
    wb_world, wb_a, make_citizen, jc_b
):
    outsider = make_citizen(jobcenter=jc_b, name="Finney Hansen-Berg")
    page = text(wb_a.get(f"{WB}/borgere/", {"q": "  FIN   han "}))
    assert "1 borger matcher »FIN han«" in page
    assert f'href="/sagsbehandler/borgere/{wb_world.citizen.public_id}/"' in page
    assert "Hansen-Berg" not in page and str(outsider.public_id) not in page
    assert audited(wb_world.citizen, "citizen.search") == 1
    assert not AuditRecord.objects.filter(citizen=outsider).exists()


def test_name_search_folds_the_case_of_danish_letters(wb_world, wb_a, make_citizen, jc_a):
    # SQLite's own LIKE folds only A–Z; PostgreSQL's ILIKE folds every letter. Both must find these.
    make_citizen(jobcenter=jc_a, name="Åse Østergård Ærø")
    make_citizen(jobcenter=jc_a, name="Aase Ostergaard")
    for q in ("østergård", "ØSTERGÅRD", "åse ærø"):
        page = text(wb_a.get(f"{WB}/borgere/", {"q": q}))
        assert "1 borger matcher" in page and "Åse Østergård Ærø" in page, q
    # The wildcards of LIKE are searched for as letters, as before.
    assert "Åse" not in text(wb_a.get(f"{WB}/borgere/", {"q": "ø_tergård%"}))


def test_name_search_is_paginated(wb_world, wb_a, make_citizen, jc_a):
    for i in range(30):
        make_citizen(jobcenter=jc_a, name=f"Pia Holm {i:02d}")
    first = text(wb_a.get(f"{WB}/borgere/", {"q": "holm"}))
    assert "30 borgere matcher" in first and "Side 1 af 2" in first
    assert "Pia Holm 24" in first and "Pia Holm 25" not in first
    assert 'href="?q=holm&amp;side=2"' in first
    second = text(wb_a.get(f"{WB}/borgere/", {"q": "holm", "side": "2"}))
    assert "Pia Holm 25" in second and "Pia Holm 29" in second and "Forrige side" in second
    assert text(wb_a.get(f"{WB}/borgere/", {"q": "holm", "side": "x"})).count("Pia Holm") >= 25


def test_cpr_search_by_post_goes_to_the_overview_and_never_puts_the_cpr_in_a_url(wb_world, wb_a):
    cpr = wb_world.citizen.cpr
    r = post(wb_a, f"{WB}/borgere/cpr/", {"cpr": f"{cpr[:6]}-{cpr[6:]}"})
    assert r.status_code == 302 and r["Location"] == f"{WB}/borgere/{wb_world.citizen.public_id}/"
    assert cpr not in r["Location"]
    assert audited(wb_world.citizen, "citizen.search") == 1
    assert wb_a.get(f"{WB}/borgere/cpr/").status_code == 405  # never by GET


def test_cpr_search_errors_are_danish_next_to_the_field_and_the_number_is_not_echoed(
    wb_world, wb_a, make_citizen, jc_b
):
    outsider = make_citizen(jobcenter=jc_b)
    r = post(wb_a, f"{WB}/borgere/cpr/", {"cpr": outsider.cpr})
    assert r.status_code == 422
    assert "Ingen borger med det CPR-nummer i dine jobcentre." in text(r)
    assert outsider.cpr not in r.content.decode()
    r = post(wb_a, f"{WB}/borgere/cpr/", {"cpr": "123"})
    assert r.status_code == 422 and "Ugyldigt CPR-nummer" in text(r) and 'aria-invalid="true"' in text(r)


def test_api_lists_my_citizens_by_name_paginated_and_audited(wb_world, api_a, api_b, make_citizen, jc_a):
    for i in range(26):
        make_citizen(jobcenter=jc_a, name=f"Pia Holm {i:02d}")
    r = api_a.get("/citizens?q=holm")
    body = r.json()
    assert r.status_code == 200 and body["count"] == 26 and len(body["items"]) == 25
    assert body["next"] == "/api/v1/citizens?q=holm&page=2"
    assert set(body["items"][0]) == {"id", "name", "contact_group", "jobcenter"}
    assert body["items"][0]["jobcenter"] == "101" and body["items"][0]["contact_group"] == 2
    last = api_a.get("/citizens?q=holm&page=2").json()
    assert [c["name"] for c in last["items"]] == ["Pia Holm 25"] and last["next"] is None
    everyone = api_a.get("/citizens").json()
    assert everyone["count"] == 28  # no q: all of my jobcenters' citizens
    assert api_b.get("/citizens?q=holm").json() == {"items": [], "count": 0, "next": None}
    assert api_a.get("/citizens?page=0").status_code == 422
    assert AuditRecord.objects.filter(action="citizen.search", purpose="søgning på navn (API)").count() == 51


# --- Borgeroverblik -------------------------------------------------------------------------------


def test_overview_shows_group_jobcenter_deadline_timeline_and_messages_and_audits(wb_world, wb_a, frozen):
    from samtale.messaging.models import Message

    assert Message.objects.filter(citizen=wb_world.citizen).exists()  # the summons told her
    page = text(wb_a.get(f"{WB}/borgere/{wb_world.citizen.public_id}/"))
    assert "<h1>Finney Hansen</h1>" in page
    assert "Kontaktgruppe <strong>3</strong>" in page and "Jobcenter København" in page
    assert "<strong>Jobsamtale</strong> senest <strong>10. juli 2017</strong>" in page
    assert "Indfriet frist" in page  # the summons on 28 June fulfils it (R-DL-3)
    assert f'href="/sagsbehandler/moeder/{wb_world.booking.public_id}/"' in page
    assert "ons. 28. juni 2017 kl. 10.00–10.30" in page
    assert "Indkaldelse" in page  # the message trail with the summons
    assert 'include "workbench/_citizen_actions.html"' not in page
    assert audited(wb_world.citizen, "citizen.read", "borgeroverblik") == 1


def test_overview_of_a_past_planned_conversation_says_it_is_not_registered(wb_world, cw_a, frozen):
    frozen.move_to(at(date(2017, 6, 29), 9))
    page = text(login_caseworker(cw_a).get(f"{WB}/borgere/{wb_world.citizen.public_id}/"))
    assert "Holdt? Ikke registreret" in page


def test_absence_add_and_end(wb_world, wb_a):
    citizen = wb_world.citizen
    r = post(
        wb_a,
        f"{WB}/borgere/{citizen.public_id}/fravaer/",
        {"absence_type": "1", "start_date": "2017-07-03", "end_date": ""},
    )
    assert r.status_code == 302, text(r)[:2000]
    absence = Absence.objects.get(citizen=citizen)
    assert absence.end_date is None
    page = text(wb_a.get(r["Location"]))
    assert "Fraværet" in page and "er registreret" in page and "indtil videre" in page

    end = f"{WB}/borgere/{citizen.public_id}/fravaer/{absence.public_id}/afslut/"
    r = post(wb_a, end, {"end_date": "2017-07-01"})
    assert r.status_code == 422 and "Fraværet kan ikke slutte før det begynder." in text(r)
    r = post(wb_a, end, {"end_date": "2017-07-05"})
    assert r.status_code == 302
    absence.refresh_from_db()
    assert absence.end_date == date(2017, 7, 5)
    assert "slutter 5. juli 2017" in text(wb_a.get(r["Location"]))
    assert audited(citizen, "citizen.absence_end") == 1


def test_absence_add_shows_the_error_next_to_the_field(wb_world, wb_a):
    r = post(
        wb_a,
        f"{WB}/borgere/{wb_world.citizen.public_id}/fravaer/",
        {"absence_type": "1", "start_date": "2017-07-05", "end_date": "2017-07-01"},
    )
    assert r.status_code == 422
    assert "Fraværet kan ikke slutte før det begynder." in text(r)


# --- What the citizen sees ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "rule", "snippet"),
    [
        ("2017-06-26", "R-NT-1", "Fristen for at booke samtalen er senest mandag den 10. juli 2017."),
        ("2017-07-07", "R-NT-3", "Der er kun 3 dage til mandag den 10. juli 2017"),
        ("2017-07-10", "R-NT-4", "Din næste jobsamtale skal være booket i dag, mandag den 10. juli 2017."),
    ],
)
def test_what_the_citizen_sees_on_a_chosen_date_is_the_portals_notice(
    make_citizen, jc_a, cw_a, frozen, wb_a, day, rule, snippet
):
    from tests.portal.world import make_world

    world = make_world(make_citizen, jc_a, cw_a)
    page = text(wb_a.get(f"{WB}/borgere/{world.citizen.public_id}/borgerens-visning/", {"dato": day}))
    assert f'data-rule="{rule}"' in page and snippet in page
    assert "Book jobsamtale med frist" in page
    # R-NT-9: the second choice only while there is something else to book (the meeting on 5 July).
    assert ("Book møde med jobcentret" in page) == (day < "2017-07-05")
    assert audited(world.citizen, "citizen.read", "borgerens visning") == 1


def test_what_the_citizen_sees_lists_the_bookable_times_inside_the_horizon(
    make_citizen, jc_a, cw_a, frozen, wb_a
):
    from tests.portal.world import make_world

    world = make_world(make_citizen, jc_a, cw_a)
    page = text(
        wb_a.get(f"{WB}/borgere/{world.citizen.public_id}/borgerens-visning/", {"dato": "2017-07-03"})
    )
    assert "Samtalen skal være holdt senest 17. juli 2017." in page  # R-DL-9
    assert "6 ledige tider kan bookes de næste 4 uger." in page  # 10–13 and 17 July, not 18 July
    assert "<dt>mandag den 10. juli 2017</dt><dd>10.00, 11.00</dd>" in page
    assert "18. juli" not in page
    # An invalid date falls back to today, and the clock is not moved by the preview.
    page = text(wb_a.get(f"{WB}/borgere/{world.citizen.public_id}/borgerens-visning/", {"dato": "x"}))
    assert "for borgeren nu, mandag den 26. juni 2017" in page


def test_what_the_citizen_sees_shows_her_summons_and_no_notice_once_booked(wb_world, wb_a):
    page = text(wb_a.get(f"{WB}/borgere/{wb_world.citizen.public_id}/borgerens-visning/"))
    assert "data-rule=" not in page  # the summons fulfils the deadline: no notice (R-NT-1 … 4)
    assert "Dine kommende møder" in page and "Jobsamtale" in page


# --- Kalender, I dag, one booking ------------------------------------------------------------------


def test_calendar_week_has_my_planned_conversations_and_free_times(wb_world, wb_a):
    page = text(wb_a.get(f"{WB}/kalender/"))
    assert "Uge 26: 26. juni 2017 – 30. juni 2017 · Anne Holm" in page
    assert "1 planlagt samtale" in page
    assert f'href="/sagsbehandler/moeder/{wb_world.booking.public_id}/">Finney Hansen</a>' in page
    week = text(wb_a.get(f"{WB}/kalender/", {"dag": "2017-07-12"}))
    assert "Uge 28" in week and "5 ledige pladser" in week and week.count("0/1 booket") == 5
    assert "Lørdag" not in week  # Monday–Friday


def test_calendar_day_view_navigation_skips_the_weekend(wb_world, wb_a):
    page = text(wb_a.get(f"{WB}/kalender/", {"dag": "2017-06-30", "visning": "dag"}))
    assert "Fredag den 30. juni 2017" in page
    assert (
        "dag=2017-07-03&amp;visning=dag"
        in page.replace("visning=dag&amp;dag=2017-07-03", "dag=2017-07-03&amp;visning=dag")
        or "dag=2017-07-03" in page
    )
    assert "dag=2017-06-29" in page


def test_calendar_of_the_jobcenter_and_of_a_colleague(wb_world, wb_a, jc_a):
    from samtale.organisations.services import caseworker_upsert

    caseworker_upsert(ident="kbh-mj", name="Mads Jensen", jobcenters=[jc_a.code])
    page = text(wb_a.get(f"{WB}/kalender/", {"jobcenter": "101", "dag": "2017-06-28"}))
    assert "Jobcenter København" in page and "Finney Hansen" in page
    colleague = text(wb_a.get(f"{WB}/kalender/", {"sagsbehandler": "kbh-mj", "dag": "2017-06-28"}))
    assert "· Mads Jensen" in colleague and "0 planlagte samtaler" in colleague


def test_calendar_bad_parameters_fall_back(wb_world, wb_a):
    r = wb_a.get(f"{WB}/kalender/", {"dag": "2017-13-45", "visning": "år"})
    assert r.status_code == 200 and "Uge 26" in text(r)


def test_calendar_audits_the_citizens_it_names(wb_world, wb_a):
    wb_a.get(f"{WB}/kalender/")
    assert audited(wb_world.citizen, "citizen.list", "kalender") == 1


def test_today_lists_my_day_unregistered_conversations_closing_deadlines_and_empty_offers(
    wb_world, wb_a, cw_a, frozen, make_citizen, jc_a
):
    from samtale.bookings.models import Booking
    from tests.portal.world import make_deadline, make_offer

    make_offer(jc_a, title="Virksomhedsmøde")  # no free times at all
    closing = make_citizen(contact_group=2, jobcenter=jc_a, name="Karla Frist")
    make_deadline(closing, deadline_date=date(2017, 7, 3))
    page = text(wb_a.get(f"{WB}/"))
    assert "Du har ingen møder i dag." in page and "Alle dine samtaler er registreret." in page
    assert "Virksomhedsmøde" in page and "Jobsamtale – kontanthjælp" not in page.split("Mødetilbud uden")[1]

    frozen.move_to(at(date(2017, 6, 28), 8))
    page = text(login_caseworker(cw_a).get(f"{WB}/"))
    assert "10.00–10.30" in page and "Finney Hansen" in page
    frozen.move_to(at(date(2017, 6, 30), 8))
    page = text(login_caseworker(cw_a).get(f"{WB}/"))
    section = page.split("Afholdt, men ikke registreret")[1].split("</section>")[0]
    assert "Finney Hansen" in section  # held on the 28th, not registered (seed 004 § 2.1)
    closing_section = page.split("Frister inden for 3 dage uden booking")[1].split("</section>")[0]
    assert "Karla Frist" in closing_section and "3. juli 2017" in closing_section
    assert Booking.objects.count() == 1


def test_booking_page_shows_the_planned_conversation_history_and_messages(wb_world, wb_a):
    b = wb_world.booking
    page = text(wb_a.get(f"{WB}/moeder/{b.public_id}/"))
    assert "<h1>Jobsamtale</h1>" in page and b.booking_number in page
    assert "Indkaldelse fra jobcentret" in page and "Vesterbrogade 1, 1620 København V" in page
    assert "Oprettet · kbh-ah" in page and "Indkaldelse (SMS)" in page
    assert audited(wb_world.citizen, "booking.read") == 1


def test_week_end_is_friday_or_today_at_a_weekend():
    from samtale.workbench.presenters.today import week_end

    assert week_end(date(2017, 6, 26)) == date(2017, 6, 30)
    assert week_end(date(2017, 7, 1)) == date(2017, 7, 1)
    assert week_end(date(2017, 6, 30)) == date(2017, 6, 30) + timedelta(days=0)
