"""Issue 12, item 7: the smaller defects."""

import pytest
import time_machine

from samtale.bookings import services as bookings
from samtale.core.actors import Actor
from samtale.scheduling import services as scheduling
from tests.bookings.conftest import NOW, local


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_two_jobcenter_caseworker_free_times_stay_on_their_jobcenters_calendar(jc_a, jc_b, cw_a, api_as):
    both = cw_a
    both.jobcenters.add(jc_b)
    system = Actor.system("test")
    for jc, hour in ((jc_a, 10), (jc_b, 13)):
        offer = scheduling.offer_create(
            location="Jobcentret, telefonmøde",
            description="Vi ringer dig op.",
            actor=system,
            jobcenter=jc,
            title=f"Tid {jc.code}",
            conversation_type=7,
            contact_forms=["telefonisk"],
            contact_groups=[2],
            phone_to_call="+4533333333",
        )
        scheduling.slot_create(
            actor=system,
            offer=offer,
            start=local(2026, 3, 4, hour),
            end=local(2026, 3, 4, hour, 30),
            capacity=1,
            caseworker=both,
        )
    from samtale.organisations.services import caseworker_upsert

    colleague_a = caseworker_upsert(ident="kbh-kol", name="Kollega", jobcenters=[jc_a.code])
    api = api_as("caseworker", caseworker_ident=colleague_a.ident)
    titles = {e["title"] for e in api.get(f"/calendar?caseworker={both.ident}&from=2026-03-02").json()}
    assert titles == {"Tid 101"}


def test_hidden_caseworker_ident_never_reaches_the_citizen(make_citizen, actor_a, api_as):
    citizen = make_citizen(contact_group=2, phone="+4540404040")
    booking = bookings.booking_summon(
        actor=actor_a,
        citizen=citizen,
        conversation_type=7,
        contact_form="telefonisk",
        location="Jobcentret, telefonmøde",
        description="Vi ringer dig op.",
        start=local(2026, 3, 5, 10),
        end=local(2026, 3, 5, 10, 30),
        caseworker_visible=False,
    )
    bookings.booking_move(
        actor=actor_a, booking=booking, start=local(2026, 3, 6, 10), end=local(2026, 3, 6, 10, 30)
    )
    me = api_as("citizen", citizen_public_id=citizen.public_id)
    body = me.get("/me/bookings").content.decode()
    assert "kbh-ah" not in body and "jobcentret" in body


def test_openapi_names_are_unique_and_errors_documented(api_a):
    doc = api_a.client.get("/api/v1/openapi.json").json()
    assert {"BookingChangeOut", "DeadlineChangeOut", "Problem"} <= set(doc["components"]["schemas"])
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            assert {"403", "404", "422"} <= set(op["responses"]), f"{method} {path}"


def test_api_docs_use_local_assets_without_inline_script(api_a):
    html = api_a.client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html and "cdn" not in html.lower()
    import re

    inline = [
        s
        for s in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
        if "src=" not in s[0] and "application/json" not in s[0]
    ]
    assert not inline
