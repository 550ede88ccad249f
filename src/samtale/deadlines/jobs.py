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


def _payload_sql(day_sql: str, old_sql: str, new: str, event: str) -> str:
    """The same payload services.report_payload writes, built by the database."""
    fields = [
        ("deadline", _uuid_text("d.public_id")),
        ("conversation_type", "ct.code"),
        ("deadline_date", _date_text("d.deadline_date")),
        ("activation_date", _date_text("d.activation_date")),
        ("jobcenter", "jc.code"),
        ("old", old_sql),
        ("new", f"'{new}'"),
        ("event", f"'{event}'"),
        ("day", _date_text(day_sql)),
    ]
    args = ", ".join(f"'{k}', {v}" for k, v in fields)
    return f"json_build_object({args})::jsonb" if _pg() else f"json_object({args})"


def _target(status: str, event: str) -> str:
    """The table's answer; for a kind over several open statuses all of them must agree."""
    if status:
        return rules.next_status(status, event)
    targets = {rules.next_status(s, event) for s in rules.OPEN}
    assert len(targets) == 1, targets
    return targets.pop()


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
    day_sql = _day_sql(kind)
    ct = "codes_conversationtype"
    jc = "organisations_jobcenter"
    total, last_id = 0, 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            params["lo"] = last_id
            cursor.execute(
                f"SELECT d.id FROM {D} d WHERE d.id > %(lo)s AND {where} ORDER BY d.id LIMIT {int(chunk)}",
                params,
            )
            ids = [row[0] for row in cursor.fetchall()]
            if not ids:
                break
            params["hi"] = ids[-1]
            chunk_where = f"d.id > %(lo)s AND d.id <= %(hi)s AND {where}"
            if _pg():
                # The services' lock order: the citizen first, then the deadline (ARCHITECTURE.md "One
                # citizen at a time"). Taking the chunk's citizens first, in id order, also covers the
                # foreign-key checks of the rows inserted below (FOR KEY SHARE on the citizen), which
                # would otherwise wait for a service that waits for us: a deadlock. The statements after
                # the locks re-evaluate the conditions, so a deadline a service changed meanwhile drops out.
                cursor.execute(
                    f"SELECT c.id FROM {C} c WHERE c.id IN (SELECT d.citizen_id FROM {D} d WHERE {chunk_where}) "
                    "ORDER BY c.id FOR UPDATE",
                    params,
                )
                cursor.execute(f"SELECT d.id FROM {D} d WHERE {chunk_where} FOR UPDATE", params)
            old_sql, status = "d.status", kind.status
            for event in kind.events:
                new = _target(status, event)
                status = new
                cursor.execute(
                    f"INSERT INTO {H} (deadline_id, at, day, event, old_status, new_status, actor, detail) "
                    f"SELECT d.id, %(now)s, {day_sql}, '{event}', {old_sql}, '{new}', 'batch', "
                    f"{'%(empty)s::jsonb' if _pg() else '%(empty)s'} FROM {D} d WHERE {chunk_where} ORDER BY d.id",
                    {**params, "empty": "{}"},
                )
                cursor.execute(
                    f"INSERT INTO {R} (kind, occurred_at, citizen_id, payload) "
                    f"SELECT 'deadline.status_changed', %(now)s, d.citizen_id, {_payload_sql(day_sql, old_sql, new, event)} "
                    f"FROM {D} d JOIN {ct} ct ON ct.id = d.conversation_type_id "
                    f"JOIN {jc} jc ON jc.id = d.jobcenter_id WHERE {chunk_where} ORDER BY d.id",
                    params,
                )
                old_sql = f"'{new}'"
            if kind.name == "overdue":  # R-DL-15
                dereg = (
                    f"json_build_object('deadline', {_uuid_text('d.public_id')}, 'effective_from', "
                    f"{_date_text(day_sql)})::jsonb"
                    if _pg()
                    else f"json_object('deadline', {_uuid_text('d.public_id')}, 'effective_from', {day_sql})"
                )
                cursor.execute(
                    f"INSERT INTO {R} (kind, occurred_at, citizen_id, payload) "
                    f"SELECT 'deadline.deregistration_due', %(now)s, d.citizen_id, {dereg} "
                    f"FROM {D} d WHERE {chunk_where} AND d.self_booking_obligatory ORDER BY d.id",
                    params,
                )
            final = status
            plain_day = day_sql.replace("d.", "")
            closed = f", closed_on = {plain_day}" if final == rules.CLOSED_ADMIN else ""
            cursor.execute(
                f"UPDATE {D} SET status = '{final}', status_since = {plain_day}, updated_at = %(now)s{closed} "
                f"WHERE id IN (SELECT d.id FROM {D} d WHERE {chunk_where})",
                params,
            )
            count = cursor.rowcount
        total += count
        last_id = ids[-1]
        if out is not None and len(ids) >= chunk:
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
        counts = step(day, out)
        if isinstance(counts, dict):  # e.g. messaging's reminders sent and skipped (R-NT-6)
            summary.update(counts)
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
