# ruff: noqa: S608 - every interpolated piece of SQL here is a constant of this module, never input
"""The daily batch (`samtale daily [--date]`): activations (R-DL-7), meeting-date closes (R-DL-5),
overdue closes (R-DL-6, R-DL-15), 90-day closes (R-DL-10), then the other apps' DAILY_STEPS.

Set-based: per transition kind and chunk of deadline ids, one transaction that locks the chunk's due
rows, writes their history rows and report events with INSERT … SELECT and moves their status with one
UPDATE. Never one Python object per row. The conditions are exactly `rules.due_steps`'s comparisons,
so the durable status after a run equals the effective status the selectors compute (the property test
checks it). Idempotent (a row no longer matches once moved) and catching up: a run continues from the
day after the last completed run, day by day in date order (R-DL-13)."""

from __future__ import annotations

import sys
import time
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, transaction

from samtale.citizens.models import Citizen
from samtale.core import clock
from samtale.deadlines import rules
from samtale.deadlines.models import BatchRun, Deadline, DeadlineChange
from samtale.reporting.models import ReportEvent

#: Steps other apps add (messaging's reminders): step(day, out), run after the transitions of `day`.
DAILY_STEPS: list = []

CHUNK = 20_000
MAX_CATCH_UP_DAYS = 366

D = Deadline._meta.db_table
H = DeadlineChange._meta.db_table
R = ReportEvent._meta.db_table
C = Citizen._meta.db_table


@dataclass(frozen=True)
class Kind:
    """One transition kind: which open status, the condition (SQL over table alias d, parameter %(day)s),
    the day the transition is due (SQL), and the events it walks."""

    name: str
    label: str
    status: str
    condition: str
    due_day: str  # a column, or "overdue" for deadline_date + 1
    events: tuple[str, ...]


KINDS = [
    Kind(
        "activation",
        "aktiveringer (R-DL-7)",
        rules.NOT_ACTIVATED,
        "d.activation_date <= %(day)s AND d.activation_date <= d.expires_on",
        "d.activation_date",
        (rules.ACTIVATION_DATE_REACHED,),
    ),
    Kind(
        "meeting",
        "lukket på mødedato (R-DL-5)",
        rules.FULFILLED,
        "d.meeting_date <= %(day)s AND d.meeting_date <= d.expires_on",
        "d.meeting_date",
        (rules.MEETING_DATE_REACHED, rules.CLOSED_AT_ONCE),
    ),
    Kind(
        "overdue",
        "lukket overskredet (R-DL-6)",
        rules.ACTIVE,
        "d.deadline_date < %(day)s AND d.deadline_date < d.expires_on",
        "overdue",
        (rules.DEADLINE_DATE_PASSED, rules.CLOSED_AT_ONCE),
    ),
    Kind(
        "ninety_days",
        "lukket efter 90 dage (R-DL-10)",
        "",  # any open status; the condition says which
        "d.expires_on <= %(day)s AND ("
        "(d.status = 'not_activated' AND d.expires_on < d.activation_date) OR "
        "(d.status = 'active' AND d.expires_on <= d.deadline_date) OR "
        "(d.status = 'fulfilled' AND d.expires_on < d.meeting_date))",
        "d.expires_on",
        (rules.NINETY_DAYS_PASSED,),
    ),
]


def _pg() -> bool:
    return connection.vendor == "postgresql"


def _day_sql(kind: Kind) -> str:
    """The day the transition is dated: when it fell due, but not before the current status began
    (rules.due_steps's `since`)."""
    due = kind.due_day
    if due == "overdue":
        due = "(d.deadline_date + 1)" if _pg() else "date(d.deadline_date, '+1 day')"
    return f"greatest({due}, d.status_since)" if _pg() else f"max({due}, d.status_since)"


def _date_text(expr: str) -> str:
    return f"to_char({expr}, 'YYYY-MM-DD')" if _pg() else expr


def _uuid_text(expr: str) -> str:
    if _pg():
        return f"{expr}::text"
    return (
        f"lower(substr({expr},1,8)||'-'||substr({expr},9,4)||'-'||substr({expr},13,4)||'-'||"
        f"substr({expr},17,4)||'-'||substr({expr},21,12))"
    )


def _code(table: str, key: str) -> str:
    """The code of the row `key` refers to, looked up per row rather than joined: the FROM stays the
    chunk's rows alone, which the planner reads by TID lookups (a join invites it to hash a whole
    table instead)."""
    return f"(SELECT t.code FROM {table} t WHERE t.id = {key})"


def _deadline_fields(day_sql: str) -> dict[str, str]:
    """The report events' values that come from the deadline row (table alias d), as
    services.report_payload writes them."""
    return {
        "deadline": _uuid_text("d.public_id"),
        "conversation_type": _code("codes_conversationtype", "d.conversation_type_id"),
        "deadline_date": _date_text("d.deadline_date"),
        "activation_date": _date_text("d.activation_date"),
        "jobcenter": _code("organisations_jobcenter", "d.jobcenter_id"),
        "day": _date_text(day_sql),
    }


def _json(values: dict[str, str]) -> str:
    """A JSON object built by the database from SQL for each value."""
    args = ", ".join(f"'{k}', {v}" for k, v in values.items())
    return f"json_build_object({args})::jsonb" if _pg() else f"json_object({args})"


def _status_payload(fields: dict[str, str], old: str, new: str, event: str) -> str:
    """The payload of a deadline.status_changed event (services.report_payload's), from
    `_deadline_fields` as SQL and the step's old status, new status and event as SQL."""
    keys = ("deadline", "conversation_type", "deadline_date", "activation_date", "jobcenter")
    return _json(
        {**{k: fields[k] for k in keys}, "old": old, "new": new, "event": event, "day": fields["day"]}
    )


def _deregistration_payload(fields: dict[str, str]) -> str:
    """The payload of a deadline.deregistration_due event (R-DL-15)."""
    return _json({"deadline": fields["deadline"], "effective_from": fields["day"]})


def _target(status: str, event: str) -> str:
    """The table's answer; for a kind over several open statuses all of them must agree."""
    if status:
        return rules.next_status(status, event)
    targets = {rules.next_status(s, event) for s in rules.OPEN}
    assert len(targets) == 1, targets
    return targets.pop()


def _due_chunks(where: str, params: dict, chunk: int):
    """The due deadlines as (id, citizen id) in id order, `chunk` at a time. PostgreSQL: one scan for
    the whole kind, kept by the server (a WITH HOLD cursor survives the chunks' commits), so the next
    chunk costs nothing and Python holds one chunk at most; asking again per chunk (`id > last …
    LIMIT`) re-reads every remaining due row each time, which grows with the square of the count.
    SQLite: that keyset query."""
    sql = f"SELECT d.id, d.citizen_id FROM {D} d WHERE {where} ORDER BY d.id"
    if _pg():
        connection.ensure_connection()
        name = f"samtale_daily_{uuid.uuid4().hex}"
        with connection.connection.cursor(name=name, withhold=True) as cursor:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(chunk):
                yield rows
        return
    last_id = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"{sql.replace('WHERE', 'WHERE d.id > %(lo)s AND')} LIMIT {int(chunk)}",
                {**params, "lo": last_id},
            )
            rows = cursor.fetchall()
        if not rows:
            return
        yield rows
        last_id = rows[-1][0]


def _array(ids) -> str:
    return "{" + ",".join(map(str, ids)) + "}"


def _plan_by_key(cursor) -> None:
    """The chunk's statements read their rows one primary-key probe or TID lookup each. The planner
    would otherwise, misjudging how many rows the conditions keep and pricing every lookup as a random
    read, scan whole tables once per chunk: the chunk's transaction turns sequential scans off (and
    JIT, which compiles each statement anew)."""
    cursor.execute(
        "SELECT set_config('work_mem', '64MB', true), set_config('jit', 'off', true), "
        "set_config('enable_seqscan', 'off', true)"
    )


def _lock_citizens(cursor, rows) -> None:
    """PostgreSQL: lock the chunk's citizens, in citizen id order (the services' lock order: citizen
    before deadline, ARCHITECTURE.md "One citizen at a time"). Once they are held no service holds one
    of their deadlines, so the UPDATE that follows never waits for one that waits for us. Holding them
    also covers the foreign-key checks of the rows inserted next (FOR KEY SHARE on the citizen)."""
    cursor.execute(
        f"SELECT count(*) FROM unnest(%(citizens)s::bigint[]) AS k(citizen) "
        f"CROSS JOIN LATERAL (SELECT c.id FROM {C} c WHERE c.id = k.citizen FOR UPDATE) c",
        {"citizens": _array(sorted({citizen for _, citizen in rows}))},
    )


def _lock_chunk(cursor, rows, where: str, params: dict) -> str:
    """PostgreSQL, for a kind over several open statuses: lock the chunk's citizens and their due
    deadlines with one statement; return the locked deadlines' physical places (ctid) in deadline id
    order, as an array literal.

    The services' lock order, citizen before deadline (ARCHITECTURE.md "One citizen at a time"): the
    pairs go in citizen id order and each deadline's probe refers to its citizen's, so the citizen is
    locked before its deadline. Holding the citizens also covers the foreign-key checks of the rows
    inserted next (FOR KEY SHARE on the citizen), which would otherwise wait for a service that waits
    for us: a deadlock. The deadline lock re-evaluates the condition on the newest row, so a deadline
    a service changed since the cursor's scan drops out; the rows it locks cannot change or move until
    we commit, so the statement after it addresses them by their physical place (a TID lookup each).
    Each lock is a LATERAL subquery with its own FOR UPDATE, one primary-key probe per id."""
    # The arrays travel as one array literal each: adapting a list of 20,000 values per statement
    # cost more CPU than the rest of the batch's Python together.
    pairs = sorted((citizen, deadline) for deadline, citizen in rows)
    cursor.execute(
        f"SELECT coalesce(array_agg(d.ctid ORDER BY d.id), '{{}}')::text "
        f"FROM unnest(%(citizens)s::bigint[], %(ids)s::bigint[]) AS k(citizen, id) "
        f"CROSS JOIN LATERAL (SELECT c.id FROM {C} c WHERE c.id = k.citizen FOR UPDATE) c "
        f"CROSS JOIN LATERAL (SELECT d.id, d.ctid FROM {D} d "
        f"WHERE d.id = k.id AND c.id = k.citizen AND {where} FOR UPDATE) d",
        {
            **params,
            "citizens": _array(citizen for citizen, _ in pairs),
            "ids": _array(deadline for _, deadline in pairs),
        },
    )
    return cursor.fetchone()[0]


def _chunk_pg(cursor, kind: Kind, rows, where: str, params: dict) -> int:
    """PostgreSQL: the chunk's history rows, report events and status in one statement after the
    locks. `src` holds each moved row once, with what every event's rows need; one INSERT per table
    writes the events in the order separate statements per event would (event by event, deadline id
    order within each: the same ids, so the same feed positions).

    A kind from one open status moves its rows in `src` itself: the UPDATE locks each due deadline,
    re-checks the condition on its newest version (a deadline a service changed since the cursor's scan
    drops out) and returns what the history and events need — the columns it does not change, and the
    old status, which the condition fixes. The 90-day close starts from any open status, which the
    UPDATE cannot return (PostgreSQL 18's RETURNING old can): its rows are locked first
    (`_lock_chunk`), read by place into `src`, and moved by the statement's UPDATE."""
    _plan_by_key(cursor)
    day_sql = _day_sql(kind)
    steps, status = [], kind.status
    for i, event in enumerate(kind.events, 1):
        new = _target(status, event)
        old = f"'{status}'" if i > 1 else "NULL"  # NULL: the row's own status
        steps.append(f"({i}, '{event}', {old}, '{new}')")
        status = new
    final = status
    dereg = len(kind.events) + 1 if kind.name == "overdue" else 0  # R-DL-15
    closed = f", closed_on = {day_sql}" if final == rules.CLOSED_ADMIN else ""
    move = f"SET status = '{final}', status_since = {day_sql}, updated_at = %(now)s{closed}"
    # Of the row as it was: the UPDATE changes none of these (`day_sql` is at least the old
    # status_since, so the new one gives the same day). The events' values as p_<key>.
    fields = _deadline_fields(day_sql)
    columns = f"d.id, d.citizen_id, {day_sql} AS day, d.self_booking_obligatory, " + ", ".join(
        f"{sql} AS p_{key}" for key, sql in fields.items()
    )
    from_src = {key: f"s.p_{key}" for key in fields}
    if kind.status:
        _lock_citizens(cursor, rows)
        src = (
            f"src AS (UPDATE {D} AS d {move} "
            f"FROM unnest(%(ids)s::bigint[]) WITH ORDINALITY AS k(id, n) WHERE d.id = k.id AND {where} "
            f"RETURNING k.n, '{kind.status}'::text AS status, {columns})"
        )
        last = "SELECT count(*) FROM src"
        params = {**params, "ids": _array(deadline for deadline, _ in rows)}
    else:
        src = (
            f"src AS MATERIALIZED (SELECT k.n, d.status::text AS status, {columns} "
            f"FROM unnest(%(places)s::tid[]) WITH ORDINALITY AS k(place, n) JOIN {D} d ON d.ctid = k.place)"
        )
        last = f"UPDATE {D} AS d {move} WHERE d.ctid = ANY(%(places)s::tid[])"
        params = {**params, "places": _lock_chunk(cursor, rows, where, params)}
    payload = _status_payload(from_src, "coalesce(e.old, s.status)", "e.new", "e.event")
    deregistrations = (
        f" UNION ALL SELECT {dereg}, s.n, 'deadline.deregistration_due', s.citizen_id, "
        f"{_deregistration_payload(from_src)} FROM src s WHERE s.self_booking_obligatory"
        if dereg
        else ""
    )
    cursor.execute(
        f"WITH {src}, "
        f"e (i, event, old, new) AS (VALUES {', '.join(steps)}), "
        f"h AS (INSERT INTO {H} (deadline_id, at, day, event, old_status, new_status, actor, detail) "
        f"SELECT s.id, %(now)s, s.day, e.event, coalesce(e.old, s.status), e.new, 'batch', '{{}}'::jsonb "
        f"FROM src s CROSS JOIN e ORDER BY e.i, s.n), "
        f"r AS (INSERT INTO {R} (kind, occurred_at, citizen_id, payload) "
        f"SELECT x.kind, %(now)s, x.citizen_id, x.payload FROM ("
        f"SELECT e.i, s.n, 'deadline.status_changed' AS kind, s.citizen_id, {payload} AS payload "
        f"FROM src s CROSS JOIN e{deregistrations}) x ORDER BY x.i, x.n) "
        f"{last}",
        params,
    )
    return cursor.fetchone()[0] if kind.status else cursor.rowcount


def _chunk_sqlite(cursor, kind: Kind, rows, where: str, params: dict) -> int:
    """SQLite: the writer holds the whole database; each statement re-checks the condition over the
    chunk's id range."""
    day_sql = _day_sql(kind)
    params = {**params, "lo": rows[0][0] - 1, "hi": rows[-1][0]}
    chunk_where = f"d.id > %(lo)s AND d.id <= %(hi)s AND {where}"
    old_sql, status = "d.status", kind.status
    fields = _deadline_fields(day_sql)
    for event in kind.events:
        new = _target(status, event)
        status = new
        cursor.execute(
            f"INSERT INTO {H} (deadline_id, at, day, event, old_status, new_status, actor, detail) "
            f"SELECT d.id, %(now)s, {day_sql}, '{event}', {old_sql}, '{new}', 'batch', %(empty)s "
            f"FROM {D} d WHERE {chunk_where} ORDER BY d.id",
            {**params, "empty": "{}"},
        )
        payload = _status_payload(fields, old_sql, f"'{new}'", f"'{event}'")
        cursor.execute(
            f"INSERT INTO {R} (kind, occurred_at, citizen_id, payload) "
            f"SELECT 'deadline.status_changed', %(now)s, d.citizen_id, {payload} "
            f"FROM {D} d WHERE {chunk_where} ORDER BY d.id",
            params,
        )
        old_sql = f"'{new}'"
    if kind.name == "overdue":  # R-DL-15
        cursor.execute(
            f"INSERT INTO {R} (kind, occurred_at, citizen_id, payload) "
            f"SELECT 'deadline.deregistration_due', %(now)s, d.citizen_id, {_deregistration_payload(fields)} "
            f"FROM {D} d WHERE {chunk_where} AND d.self_booking_obligatory ORDER BY d.id",
            params,
        )
    final = status
    closed = f", closed_on = {day_sql}" if final == rules.CLOSED_ADMIN else ""
    cursor.execute(
        f"UPDATE {D} AS d SET status = '{final}', status_since = {day_sql}, updated_at = %(now)s{closed} "
        f"WHERE {chunk_where}",
        params,
    )
    return cursor.rowcount


def _run_kind(kind: Kind, day: date, now, chunk: int, out) -> int:
    status_cond = (
        f"d.status = '{kind.status}' AND "
        if kind.status
        else "d.status IN ('not_activated','active','fulfilled') AND "
    )
    where = status_cond + kind.condition
    params = {
        "day": connection.ops.adapt_datefield_value(day),
        "now": connection.ops.adapt_datetimefield_value(now),
    }
    total = 0
    for rows in _due_chunks(where, params, chunk):
        with transaction.atomic(), connection.cursor() as cursor:
            if _pg():
                count = _chunk_pg(cursor, kind, rows, where, params)
            else:
                count = _chunk_sqlite(cursor, kind, rows, where, params)
        total += count
        if out is not None and len(rows) >= chunk:
            out.write(f"  {day} {kind.name}: {total} …\n")
            out.flush()
    return total


def run_day(day: date, *, chunk: int = CHUNK, out=None) -> dict[str, int]:
    """All transitions due up to and including `day`, kind by kind, then DAILY_STEPS."""
    now = clock.now()
    summary = {}
    for kind in KINDS:
        started = time.monotonic()
        summary[kind.name] = n = _run_kind(kind, day, now, chunk, out)
        if out is not None:
            out.write(f"{day} {kind.label}: {n} frister ({time.monotonic() - started:.2f} s)\n")
    for step in DAILY_STEPS:
        started = time.monotonic()
        counts = step(day, out)
        if isinstance(counts, dict):  # e.g. messaging's reminders sent and skipped (R-NT-6)
            summary.update(counts)
        if out is not None:  # which step a slow night spent its time in
            name = f"{step.__module__}.{getattr(step, '__qualname__', step)}"
            out.write(f"{day} trin {name}: {time.monotonic() - started:.2f} s\n")
    return summary


def daily(day: date | None = None, *, chunk: int = CHUNK, out=None) -> dict[date, dict[str, int]]:
    """Run the batch for `day` (default: today in Denmark), first catching up every day since the last
    completed run, in date order (R-DL-13). Running a day twice changes nothing the second time."""
    day = day or clock.today()
    last = BatchRun.objects.filter(day__lt=day).order_by("-day").values_list("day", flat=True).first()
    first = day if last is None else max(last + timedelta(days=1), day - timedelta(days=MAX_CATCH_UP_DAYS))
    results = {}
    current = first
    while current <= day:
        started = clock.now()
        if out is not None and current != day:
            out.write(f"Indhenter {current}\n")
        summary = run_day(current, chunk=chunk, out=out)
        BatchRun.objects.update_or_create(
            day=current, defaults={"started_at": started, "finished_at": clock.now(), "summary": summary}
        )
        results[current] = summary
        current += timedelta(days=1)
    return results


if __name__ == "__main__":  # pragma: no cover
    sys.exit("Brug: samtale daily [--date YYYY-MM-DD]")
