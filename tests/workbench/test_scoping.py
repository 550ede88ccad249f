"""Scoping: a caseworker of another jobcenter gets 404 from every workbench address that names an
object of ours — enumerated from the URL resolver, so every page added later is covered too — and
from the calendar of our caseworker or jobcenter. 404, never 403: we never reveal that it exists."""

from datetime import date

import pytest
from django.urls import get_resolver, reverse

from samtale.bookings.services import booking_summon
from samtale.citizens.services import absence_register
from samtale.conversations.services import held_conversation_register
from samtale.core.actors import Actor
from tests.portal.world import at, make_deadline, make_offer, make_slot
from tests.workbench.conftest import post

pytestmark = pytest.mark.django_db


def workbench_urls():
    """(name, path parameter names) of every URL in the workbench namespace."""
    namespace = get_resolver().namespace_dict["workbench"][1]
    return sorted((p.name, tuple(p.pattern.converters)) for p in namespace.url_patterns)


@pytest.fixture
def objects_of_a(frozen, make_citizen, jc_a, cw_a):
    """One of each kind of object of jobcenter A, keyed by the URL parameter that names it."""
    actor = Actor.for_caseworker(cw_a)
    citizen = make_citizen(contact_group=3, jobcenter=jc_a, name="Finney Hansen")
    offer = make_offer(jc_a)
    slot = make_slot(offer, at(date(2017, 7, 10), 10), cw_a)
    booking = booking_summon(
        actor=actor,
        citizen=citizen,
        conversation_type=7,
        contact_form="personligt",
        start=at(date(2017, 6, 28), 10),
        end=at(date(2017, 6, 28), 10, 30),
        title="Jobsamtale",
        description="Vi taler om din jobsøgning og dine næste skridt.",  # R-PC-2 (§ 20 nr. 9)
        location="Jobcentret, stuen",
        address="Vesterbrogade 1, 1620 København V",
        caseworker=cw_a,
    )
    held = held_conversation_register(
        actor=actor,
        citizen=make_citizen(contact_group=2, jobcenter=jc_a),
        held_at=at(date(2017, 6, 23), 10),
        conversation_type=7,
        contact_form="personligt",
        agreement={"text": "Søger fem job om ugen."},
    ).held_conversation
    other = make_citizen(contact_group=2, jobcenter=jc_a)
    deadline = make_deadline(other, deadline_date=date(2017, 8, 1))
    absence = absence_register(actor=actor, citizen=citizen, absence_type=1, start_date=date(2017, 7, 3))
    return {
        "citizen_id": citizen.public_id,
        "booking_id": booking.public_id,
        "deadline_id": deadline.public_id,
        "conversation_id": held.public_id,
        "offer_id": offer.public_id,
        "slot_id": slot.public_id,
        "absence_id": absence.public_id,
    }


def test_every_workbench_url_naming_an_object_of_another_jobcenter_is_404(objects_of_a, wb_b):
    checked = 0
    for name, params in workbench_urls():
        if not params:
            continue
        missing = set(params) - set(objects_of_a)
        assert not missing, f"workbench:{name} has a parameter this test cannot fill: {missing}"
        path = reverse(f"workbench:{name}", kwargs={p: objects_of_a[p] for p in params})
        got = {wb_b.get(path).status_code, post(wb_b, path, {}).status_code}
        assert 404 in got and got <= {404, 405}, f"workbench:{name} {path} → {got}"
        checked += 1
    assert checked >= 5


@pytest.mark.parametrize("group", [3, 6])
def test_every_workbench_page_opens_for_the_own_caseworker(objects_of_a, wb_a, make_citizen, jc_a, group):
    """The same addresses for the caseworker of A open (so the 404s above are scoping, not broken
    pages), for citizens of contact groups with and without visitation groups (R-HC-6)."""
    objects = dict(objects_of_a)
    if group != 3:
        objects["citizen_id"] = make_citizen(contact_group=group, jobcenter=jc_a).public_id
    for name, params in workbench_urls():
        path = reverse(f"workbench:{name}", kwargs={p: objects[p] for p in params})
        status = wb_a.get(path).status_code
        assert status in (200, 405), f"workbench:{name} {path} → {status}"


def test_calendar_of_another_jobcenters_caseworker_or_jobcenter_is_404(objects_of_a, wb_b, wb_a):
    assert wb_b.get("/sagsbehandler/kalender/", {"sagsbehandler": "kbh-ah"}).status_code == 404
    assert wb_b.get("/sagsbehandler/kalender/", {"jobcenter": "101"}).status_code == 404
    assert wb_b.get("/sagsbehandler/kalender/", {"sagsbehandler": "findes-ikke"}).status_code == 404
    assert wb_a.get("/sagsbehandler/kalender/", {"jobcenter": "101"}).status_code == 200


def test_name_search_of_another_jobcenter_finds_nothing(objects_of_a, wb_b):
    page = wb_b.get("/sagsbehandler/borgere/", {"q": "Finney"}).content.decode()
    assert "0 borgere matcher" in page and "Finney Hansen" not in page
