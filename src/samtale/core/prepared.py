"""The booking path's hand-written statements as PostgreSQL prepared statements, planned once per
connection (issue 15).

PostgreSQL spent more CPU *planning* the free time's five-table read and the citizen's facts (about
0.3 and 0.45 ms each time, pg_stat_statements) than running them (0.04 ms): in a booking rush it used
as much CPU as the web server. A prepared statement is planned for its first few executions and then
runs a cached generic plan.

Why SQL `PREPARE`/`EXECUTE` and not psycopg's own prepared statements (`prepare_threshold`): psycopg
forgets all of them, and sends `DEALLOCATE ALL`, on every ROLLBACK — including a savepoint's — and a
refused booking rolls back, so in a rush they were re-planned nearly every time. A statement prepared
with SQL lives until the connection ends, whatever its transactions do. psycopg's are left off (Django's
default), so psycopg never deallocates ours.

The first use on a connection sends `PREPARE …; EXECUTE …` in one round trip, so it is one statement
like any other. Off (`SAMTALE_DB_PREPARED_STATEMENTS=0`) behind a pooler that hands one client several
server connections (PgBouncer in transaction mode): there a statement prepared on one may be missing on
the next. SQLite runs the statement as it is."""

from __future__ import annotations

import hashlib
import re
import threading
import weakref

from django.conf import settings

_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%s|%%")

# Per server connection (the psycopg connection object): statement name → True once it exists there,
# False when a PREPARE was sent but the round trip failed (it may or may not exist).
_known: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_known_lock = threading.Lock()


class _Statement:
    __slots__ = ("name", "prepare", "execute", "names")

    def __init__(self, sql: str) -> None:
        self.name = "samtale_" + hashlib.sha1(sql.encode(), usedforsecurity=False).hexdigest()[:20]
        names: list[str] = []  # %(name)s parameters, in the order of their numbers
        positional = 0

        def number(match: re.Match) -> str:
            nonlocal positional
            if match.group(0) == "%%":
                return "%"
            key = match.group(1)
            if key is None:
                positional += 1
                return f"${positional}"
            if key not in names:
                names.append(key)
            return f"${names.index(key) + 1}"

        body = _PLACEHOLDER.sub(number, sql)
        if names and positional:
            raise ValueError("a statement takes either %s or %(name)s parameters, not both")
        self.names = names
        count = len(names) or positional
        arguments = f"({', '.join(['%s'] * count)})" if count else ""
        self.execute = f"EXECUTE {self.name}{arguments}"
        self.prepare = f"PREPARE {self.name} AS {body.replace('%', '%%')}; {self.execute}"


_statements: dict[str, _Statement] = {}


def execute(connection, cursor, sql: str, params) -> None:
    """`cursor.execute(sql, params)`, as a prepared statement on PostgreSQL. `sql` must be one
    statement built once per process (its text names the prepared statement): never one with values
    written into it."""
    if connection.vendor != "postgresql" or not settings.SAMTALE_DB_PREPARED_STATEMENTS:
        cursor.execute(sql, params)
        return
    statement = _statements.get(sql)
    if statement is None:
        statement = _statements[sql] = _Statement(sql)
    arguments = [params[key] for key in statement.names] if statement.names else list(params or ())
    known = _known_on(connection)
    state = known.get(statement.name)
    if state is False:  # a PREPARE whose round trip failed: ask whether it took
        cursor.execute("SELECT 1 FROM pg_prepared_statements WHERE name = %s", [statement.name])
        state = known[statement.name] = cursor.fetchone() is not None
    if state:
        cursor.execute(statement.execute, arguments)
        return
    known[statement.name] = False
    cursor.execute(statement.prepare, arguments)
    cursor.nextset()  # the PREPARE's (empty) result, then the EXECUTE's rows
    known[statement.name] = True


def _known_on(connection) -> dict:
    connection.ensure_connection()
    raw = connection.connection
    known = _known.get(raw)
    if known is None:
        with _known_lock:
            known = _known.setdefault(raw, {})
    return known
