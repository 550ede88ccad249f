"""samtale.core.prepared: the booking path's statements prepared once per PostgreSQL connection, kept
across rollbacks, prepared again on a new connection; run as they are on SQLite or when switched off."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from samtale.core import prepared

# A name twice, a literal percent; CAST, not ::, so that SQLite runs it too.
SQL = "SELECT CAST(%(n)s AS INTEGER) * 2, CAST(%(n)s AS INTEGER) + CAST(%(m)s AS INTEGER), '100%%'"


def run(sql: str = SQL, params=None):
    with connection.cursor() as cursor:
        prepared.execute(connection, cursor, sql, params if params is not None else {"n": 4, "m": 1})
        return cursor.fetchone()


def statements(fn) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        fn()
    return [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]


def server_side() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


def test_the_statement_answers_as_written(db):
    assert run() == (8, 5, "100%")
    assert run(params={"n": 5, "m": 0}) == (10, 5, "100%")
    assert run("SELECT CAST(%s AS INTEGER) - CAST(%s AS INTEGER)", [7, 2]) == (5,)


@pytest.mark.postgres
def test_postgresql_prepares_it_once_per_connection_in_the_same_round_trip(transactional_db):
    connection.close()  # a fresh server connection
    first = statements(run)
    assert len(first) == 1 and first[0].startswith("PREPARE samtale_") and "; EXECUTE samtale_" in first[0]
    again = statements(run)
    assert len(again) == 1 and again[0].startswith("EXECUTE samtale_"), again
    name = again[0].split()[1].split("(")[0]
    assert name in server_side()
    connection.close()
    assert statements(run)[0].startswith("PREPARE"), "a new connection prepares it again"


@pytest.mark.postgres
def test_a_rollback_keeps_it_prepared(db):
    """psycopg's own prepared statements are forgotten on every ROLLBACK (why this module exists)."""
    run()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        run()
        raise ZeroDivisionError
    after = statements(run)
    assert after[0].startswith("EXECUTE"), after
    assert run() == (8, 5, "100%")


@pytest.mark.postgres
def test_a_failed_first_round_trip_is_checked_before_it_is_prepared_again(transactional_db):
    """PREPARE took, its EXECUTE failed: preparing it again would fail with "already exists"."""
    sql = "SELECT 10 / %s::int"
    connection.close()
    with pytest.raises(DatabaseError), transaction.atomic():
        run(sql, [0])
    assert run(sql, [5]) == (2,)
    assert statements(lambda: run(sql, [2]))[0].startswith("EXECUTE")


@pytest.mark.postgres
def test_it_can_be_switched_off_for_a_pooler_in_transaction_mode(db, settings):
    settings.SAMTALE_DB_PREPARED_STATEMENTS = False
    sql = "SELECT %s::int + 40"
    for _ in range(2):
        sent = statements(lambda: run(sql, [2]))
        assert len(sent) == 1 and not sent[0].startswith(("PREPARE", "EXECUTE")), sent
    assert run(sql, [2]) == (42,)


def test_sqlite_runs_the_statement_as_it_is(db):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    assert statements(lambda: run("SELECT %s + 1", [1])) == ["SELECT 1 + 1"]


def test_a_statement_takes_one_kind_of_parameter():
    with pytest.raises(ValueError):
        prepared._Statement("SELECT %s, %(n)s")


@pytest.mark.postgres
def test_an_update_counts_its_rows_when_prepared_and_when_executed(transactional_db):
    """slot_take_place reads the conditional UPDATE's row count: the first use's PREPARE must not
    hide it."""
    from samtale.organisations.models import Authority

    Authority.objects.create(code="9999", name="Prøvekommune")
    sql = "UPDATE organisations_authority SET name = name WHERE code = %s"
    connection.close()
    counts = []
    for code in ("9999", "9999", "0000"):
        with connection.cursor() as cursor:
            prepared.execute(connection, cursor, sql, [code])
            counts.append(cursor.rowcount)
    assert counts == [1, 1, 0]
