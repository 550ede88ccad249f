"""No N+1 on the workbench's read pages: the number of SQL queries per page is pinned, measured with
a busy week (many citizens, conversations, free times, messages) so a query per row would show."""

from datetime import date, timedelta

import pytest

from samtale.bookings.services import booking_summon
from samtale.core.actors import Actor
from tests.portal.world import at, make_slot

pytestmark = pytest.mark.django_db

# Page → the most SQL queries it may make (session, user and caseworker included), measured with the
# busy week below: 20 citizens with conversations would add 20+ queries to a page with an N+1. The
# session is read, not saved, on a page viewed within a minute of the last save (issue 15).
LIMITS = {
    "today": 15,
    "calendar": 13,
    "calendar_jobcenter": 12,
    "citizens": 10,
    "citizen": 23,
    "citizen_sees": 24,
    "booking": 10,
}


@pytest.fixture
def busy_week(wb_world, make_citizen, jc_a, cw_a):
    actor = Actor.for_caseworker(cw_a)
    monday = date(2017, 6, 26)
    for i in range(20):
        citizen = make_citizen(
            contact_group=2,
            jobcenter=jc_a,
            name=f"Borger Travl {i:02d}",
            phone="+4520202020",
            sms_reminders=True,
        )
        day = monday + timedelta(days=i % 5)
        booking_summon(
            actor=actor,
            citizen=citizen,
            conversation_type=7,
            contact_form="personligt",
            start=at(day, 13 + i // 5),
            end=at(day, 13 + i // 5, 30),
            title="Jobsamtale",
            description="Vi taler om din jobsøgning og dine næste skridt.",  # R-PC-2 (§ 20 nr. 9)
            location="Jobcentret, stuen",
            address="Vesterbrogade 1, 1620 København V",
            caseworker=cw_a,
        )
        make_slot(wb_world.offer, at(day + timedelta(days=7), 9 + i // 5), cw_a)
    return wb_world


def pages(world) -> dict:
    c, b = world.citizen.public_id, world.booking.public_id
    return {
        "today": "/sagsbehandler/",
        "calendar": "/sagsbehandler/kalender/",
        "calendar_jobcenter": "/sagsbehandler/kalender/?jobcenter=101",
        "citizens": "/sagsbehandler/borgere/?q=borger",
        "citizen": f"/sagsbehandler/borgere/{c}/",
        "citizen_sees": f"/sagsbehandler/borgere/{c}/borgerens-visning/?dato=2017-07-03",
        "booking": f"/sagsbehandler/moeder/{b}/",
    }


@pytest.mark.parametrize("name", sorted(LIMITS))
def test_queries_per_page_are_bounded(busy_week, wb_a, name, django_assert_max_num_queries):
    path = pages(busy_week)[name]
    with django_assert_max_num_queries(LIMITS[name]):
        r = wb_a.get(path)
    assert r.status_code == 200
