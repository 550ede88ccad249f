"""The booking path's cost (issue 15): what a request writes besides the booking, and how many SQL
statements the hot paths run. Statement counts are pinned (not timed): a regression that adds a
query per slot or per request fails here; the speed itself is measured in bench/."""

import logging
from datetime import timedelta

import pytest

from samtale.organisations.models import ApiClient
from tests.bookings.conftest import local

pytestmark = pytest.mark.django_db


@pytest.fixture
def me_api(api_as, citizen):
    return api_as("citizen", citizen_public_id=citizen.public_id)


def test_token_last_use_is_written_at_most_once_a_minute(me_api, frozen_now):
    assert me_api.get("/me").status_code == 200
    first = ApiClient.objects.get().last_used_at
    assert first is not None
    frozen_now.shift(timedelta(seconds=59))
    assert me_api.get("/me").status_code == 200
    assert ApiClient.objects.get().last_used_at == first
    frozen_now.shift(timedelta(seconds=2))
    assert me_api.get("/me").status_code == 200
    assert ApiClient.objects.get().last_used_at > first


def test_an_expected_refusal_is_not_a_logged_warning(me_api, offer, make_slot, make_citizen, caplog):
    from samtale.bookings.services import booking_self_book
    from samtale.core.actors import Actor

    slot = make_slot(offer, local(2026, 3, 5, 10))
    booking_self_book(actor=Actor.for_citizen(make_citizen(contact_group=6)), slot=slot)
    with caplog.at_level(logging.INFO):
        r = me_api.post("/me/bookings", {"slot": str(slot.public_id)})
    assert r.status_code == 409 and r.json()["code"] == "slot_full"
    assert not [rec for rec in caplog.records if rec.levelno >= logging.WARNING]


def _statements(fn) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        fn()
    return len(queries)


@pytest.fixture
def month_of_slots(make_offer, cw_a):
    """Two offers for the citizen's group and one not; `add(n)` adds n more free times on each day of
    9–20 March 2026 (straight into the table: the services are not what is measured here)."""
    from samtale.scheduling.models import Slot

    offers = [make_offer(title="Jobsamtale"), make_offer(title="Vejledning"), make_offer(contact_groups=[2])]
    hours = iter(range(8, 20))

    def add(per_day: int):
        for _ in range(per_day):
            hour = next(hours)
            Slot.objects.bulk_create(
                Slot(
                    offer=offers[(hour + day) % 3],
                    caseworker=cw_a,
                    start=local(2026, 3, day, hour),
                    end=local(2026, 3, day, hour, 30),
                )
                for day in range(9, 21)
            )

    return add


def test_the_month_view_runs_the_same_few_statements_however_many_free_times(me_api, month_of_slots):
    url = "/me/bookable-slots?from=2026-03-01&to=2026-03-31"
    month_of_slots(1)
    r = me_api.get(url)
    few = len(r.json()["slots"])
    small = _statements(lambda: me_api.get(url))
    month_of_slots(3)
    r = me_api.get(url)
    body = r.json()
    assert len(body["slots"]) > 2 * few
    # The token, the citizen's facts (contact group, jobcenter, absences, deadline: one statement),
    # the offers with their contact forms (one), the free times.
    assert _statements(lambda: me_api.get(url)) == small <= 4
    compact = url.replace("/bookable-slots", "/bookable-slots/compact")
    assert _statements(lambda: me_api.get(compact)) == small
    # Each offer once; every free time names its offer among them.
    assert sorted(o["title"] for o in body["offers"]) == ["Jobsamtale", "Vejledning"]
    assert {s["offer"] for s in body["slots"]} == {o["id"] for o in body["offers"]}


def test_the_portal_month_calendar_runs_the_same_few_statements_however_many_free_times(
    citizen, month_of_slots, settings
):
    from tests.portal.conftest import login_client

    settings.DEV_LOGIN = True
    month_of_slots(1)
    from samtale.scheduling.models import MeetingOffer

    offer = MeetingOffer.objects.get(title="Jobsamtale", contact_groups__code=6)
    client = login_client(citizen)
    url = f"/borger/moeder/book/?frist=0&tilbud={offer.public_id}&kontakt=telefonisk&maaned=2026-03&dag=2026-03-11"
    page = client.get(url)
    assert page.status_code == 200 and "Ledige tider" in page.content.decode()
    small = _statements(lambda: client.get(url))
    month_of_slots(3)
    # The citizen's facts (with the open deadline and the jobcenter) and the offers are one statement
    # each, read once for the page; the first/last free time once; and the session is not saved
    # again within the minute (issue 15).
    assert _statements(lambda: client.get(url)) == small <= 9


def test_a_calendar_week_runs_the_same_few_statements_however_many_free_times(api_a, month_of_slots):
    url = "/calendar?jobcenter=101&from=2026-03-09&to=2026-03-15"
    month_of_slots(1)
    assert api_a.get(url).status_code == 200
    small = _statements(lambda: api_a.get(url))
    month_of_slots(3)
    assert _statements(lambda: api_a.get(url)) == small <= 5


def _queries(fn, *, as_sent: bool = False) -> list[str]:
    """The SQL statements `fn` runs, without the savepoints of the test's own transaction (in
    production the service's transaction is the connection's BEGIN/COMMIT, not logged); a prepared
    statement's EXECUTE as the statement it runs, unless `as_sent`."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        fn()
    sql = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]
    return sql if as_sent else [_statement_of(q) for q in sql]


def _statement_of(sql: str) -> str:
    """What an `EXECUTE samtale_…(…)` runs (samtale.core.prepared), so checks on the text hold."""
    if not sql.startswith("EXECUTE "):
        return sql
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement FROM pg_prepared_statements WHERE name = %s", [sql.split()[1].split("(")[0]]
        )
        return cursor.fetchone()[0]


@pytest.mark.parametrize("conversation_type, most", [(12, 10), (7, 13)])
def test_a_self_booking_and_a_full_refusal_run_few_statements(
    me_api, make_offer, make_slot, make_citizen, conversation_type, most
):
    """Through the API, as in a rush (the token's last use was written by an earlier request). A
    Jobsamtale (type 7, a deadline family) reads the open deadline for its horizon (R-DL-9), the
    citizen's planned jobsamtaler (R-PC-4) and the deadline again in the deadlines hook; type 12 none."""
    from samtale.bookings.services import booking_self_book
    from samtale.core.actors import Actor

    offer = make_offer(conversation_type=conversation_type)
    free = make_slot(offer, local(2026, 3, 5, 10))
    full = make_slot(offer, local(2026, 3, 5, 11))
    booking_self_book(actor=Actor.for_citizen(make_citizen(contact_group=6)), slot=full)
    assert me_api.get("/me").status_code == 200
    answers = []
    booked = _queries(lambda: answers.append(me_api.post("/me/bookings", {"slot": str(free.public_id)})))
    refused = _queries(lambda: answers.append(me_api.post("/me/bookings", {"slot": str(full.public_id)})))
    assert [r.status_code for r in answers] == [201, 409]
    assert answers[1].json()["code"] == "slot_full"
    assert [h["kind"] for h in answers[0].json()["history"]] == ["created"]
    # + 1: the citizen's booking-attempt counter (one upsert; issue 12's throttle), refusals included.
    assert len(booked) <= most + 1, booked
    assert len(refused) <= 2 + 1, refused
    # "Full" is answered before the citizen is locked.
    assert not [q for q in refused if "FOR UPDATE" in q]


@pytest.mark.postgres
def test_a_refused_booking_runs_its_reads_as_prepared_statements(me_api, make_offer, make_slot, make_citizen):
    """The booking path's big reads (the free time with its offer, the citizen's facts) are EXECUTEd,
    not planned afresh, from the second request on the connection — a rollback in between included."""
    from samtale.bookings.services import booking_self_book
    from samtale.core.actors import Actor

    offer = make_offer(conversation_type=12)
    full = make_slot(offer, local(2026, 3, 5, 11))
    booking_self_book(actor=Actor.for_citizen(make_citizen(contact_group=6)), slot=full)
    body = {"slot": str(full.public_id)}
    assert me_api.post("/me/bookings", body).status_code == 409
    refused = _queries(lambda: me_api.post("/me/bookings", body), as_sent=True)
    reads = [q for q in refused if q.startswith(("SELECT", "EXECUTE", "PREPARE"))]
    assert reads and all(q.startswith("EXECUTE samtale_") for q in reads), refused


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_refusal_in_autocommit_is_one_statement_that_also_counts_the_attempt(
    settings, me_api, citizen, make_offer, make_slot, make_citizen
):
    """As a server runs it (autocommit, PostgreSQL, the token cached), the citizen's attempt is counted
    in the statement that reads the free time and the facts: a "full" refusal is that one statement.
    The limit holds as before (issue 12), an unknown free time answers 404 without counting, and the
    counter's asynchronous commit stays its own."""
    import uuid

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from samtale.bookings.services import booking_self_book
    from samtale.core.actors import Actor
    from samtale.core.errors import Conflict

    settings.SAMTALE_BOOKING_ATTEMPTS_PER_CITIZEN = 3
    settings.SAMTALE_TOKEN_CACHE_SECONDS = 5
    full = make_slot(make_offer(conversation_type=12), local(2026, 3, 5, 11))
    booking_self_book(actor=Actor.for_citizen(make_citizen(contact_group=6)), slot=full)
    body = {"slot": str(full.public_id)}
    assert me_api.post("/me/bookings", body).status_code == 409  # 1
    refused = _queries(lambda: me_api.post("/me/bookings", body))  # 2
    assert len(refused) == 1 and "WITH attempt AS (INSERT INTO" in refused[0], refused
    with CaptureQueriesContext(connection) as queries, pytest.raises(Conflict):  # the portal's way in: 3
        booking_self_book(actor=Actor.for_citizen(citizen), slot=full)
    assert len(queries) == 1 and "WITH attempt AS (INSERT INTO" in _statement_of(queries[0]["sql"])
    for _ in range(3):
        r = me_api.post("/me/bookings", {"slot": str(uuid.uuid4())})
        assert r.status_code == 404 and r.json()["code"] == "slot_not_found"
    r = me_api.post("/me/bookings", body)
    assert r.status_code == 429 and 1 <= int(r["Retry-After"]) <= 61 and r.json()["code"] == "throttled"
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
    assert connection.get_autocommit()
