"""No N+1 on the workbench's write pages either: the SQL queries of each form page (as it opens) are
pinned, measured with the read side's busy week (20 more conversations, 20 more free times)."""

import pytest

from tests.workbench.test_query_counts import busy_week  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

# Page → the most SQL queries it may make (session, user, caseworker, audit and code lists included).
LIMITS = {
    "summon": 19,
    "booking_move": 14,
    "booking_change": 16,
    "deadline_new": 15,
    "held_new": 25,
    "offers": 14,
    "offer": 15,
    "schedule_new": 14,
}


def pages(world) -> dict:
    c, b, o = world.citizen.public_id, world.booking.public_id, world.offer.public_id
    return {
        "summon": f"/sagsbehandler/borgere/{c}/indkald/",
        "booking_move": f"/sagsbehandler/moeder/{b}/flyt/",
        "booking_change": f"/sagsbehandler/moeder/{b}/ret/",
        "deadline_new": f"/sagsbehandler/borgere/{c}/frist/",
        "held_new": f"/sagsbehandler/borgere/{c}/samtaler/ny/?booking={b}",
        "offers": "/sagsbehandler/moedetilbud/",
        "offer": f"/sagsbehandler/moedetilbud/{o}/",
        "schedule_new": f"/sagsbehandler/moedetilbud/{o}/skema/",
    }


@pytest.mark.parametrize("name", sorted(LIMITS))
def test_queries_per_write_page_are_bounded(busy_week, wb_a, name, django_assert_max_num_queries):  # noqa: F811
    path = pages(busy_week)[name]
    with django_assert_max_num_queries(LIMITS[name]):
        r = wb_a.get(path)
    assert r.status_code == 200
