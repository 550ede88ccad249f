from datetime import date

import pytest
from django.test import Client

from tests.portal.conftest import post  # noqa: F401 — the workbench tests POST the same way


def login_caseworker(caseworker) -> Client:
    """A test client signed in as the caseworker through the development login (the identity
    interface's sign_in_caseworker), with CSRF checks on as in a browser."""
    client = Client(enforce_csrf_checks=True)
    assert client.get("/login/").status_code == 200
    r = client.post(
        "/login/", {"caseworker": caseworker.ident, "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    )
    assert r.status_code == 302, r.status_code
    return client


@pytest.fixture(autouse=True)
def dev_login(settings):
    settings.DEV_LOGIN = True


@pytest.fixture
def wb_a(cw_a):
    return login_caseworker(cw_a)


@pytest.fixture
def wb_b(cw_b):
    return login_caseworker(cw_b)


# --- A small world on the seed's dates (tests/portal/world.py) with a caseworker's day in it --------


@pytest.fixture
def frozen():
    """The portal tests' clock (tests/portal/world.py NOW, Monday 26 June 2017 09.00)."""
    import time_machine

    from tests.portal.world import NOW

    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def wb_world(frozen, make_citizen, jc_a, cw_a):
    """Finney Hansen (group 3, Jobsamtale deadline 10 July 2017) with the portal world's free times;
    a summons for her on Wednesday 28 June at 10.00 with Anne Holm; a second citizen; all in
    Jobcenter København, today Monday 26 June 2017 09.00."""
    from samtale.bookings.services import booking_summon
    from samtale.core.actors import Actor
    from tests.portal.world import at, make_world

    citizen = make_citizen(
        contact_group=3, jobcenter=jc_a, name="Finney Hansen", phone="+4520202020", sms_reminders=True
    )
    world = make_world(make_citizen, jc_a, cw_a, citizen=citizen)
    world.booking = booking_summon(
        actor=Actor.for_caseworker(cw_a),
        citizen=world.citizen,
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
    world.other = make_citizen(contact_group=2, jobcenter=jc_a, name="Oskar Ørsted")
    return world
