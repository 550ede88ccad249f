"""Issue 12, item 5: the batched access-log writer — one row per citizen shown, one INSERT, with
actor, purpose, endpoint and time."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from samtale.core import audit
from samtale.core.actors import Actor
from samtale.core.models import AuditRecord


def test_record_many_writes_one_row_per_distinct_citizen_in_one_insert(make_citizen, actor_a):
    citizens = [make_citizen(name=f"Borger {i}") for i in range(5)]
    with audit.endpoint("GET /api/v1/calendar"), CaptureQueriesContext(connection) as queries:
        written = audit.record_many(actor_a, "calendar.read", [*citizens, citizens[0].pk], purpose="kalender")
    assert written == 5
    inserts = [q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")]
    assert len(inserts) == 1
    rows = AuditRecord.objects.filter(action="calendar.read")
    assert sorted(r.citizen_id for r in rows) == sorted(c.pk for c in citizens)
    assert {(r.actor, r.purpose, r.endpoint) for r in rows} == {
        ("kbh-ah", "kalender", "GET /api/v1/calendar")
    }
    assert all(r.at is not None for r in rows)


def test_record_many_skips_citizens_and_batch_and_empty(make_citizen):
    citizen = make_citizen()
    assert audit.record_many(Actor.for_citizen(citizen), "x", [citizen]) == 0
    assert audit.record_many(Actor.system(), "x", [citizen]) == 0
    assert audit.record_many(Actor(kind="admin", label="drift"), "x", []) == 0
    assert not AuditRecord.objects.filter(action="x").exists()


def test_requests_stamp_the_endpoint(api_a, make_citizen):
    citizen = make_citizen()
    api_a.get(f"/citizens/{citizen.public_id}")
    row = AuditRecord.objects.get(action="citizen.read")
    assert row.endpoint == f"GET /api/v1/citizens/{citizen.public_id}"
