"""R-RP-2 on PostgreSQL with real parallel connections: the transaction that began first (and got the
lower id) commits last; a reader paging by position must still see its event."""

import threading

import pytest
from django.db import connection, connections, transaction

from samtale.reporting.models import ReportEvent
from samtale.reporting.services import stamp_positions

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def read_after(after):
    stamp_positions()
    return list(
        ReportEvent.objects.filter(position__gt=after).order_by("position").values_list("kind", "position")
    )


def test_late_commit_with_lower_id_is_not_skipped():
    first_inserted, release_first = threading.Event(), threading.Event()

    def slow_writer():
        try:
            with transaction.atomic():
                ReportEvent.objects.create(kind="slow", occurred_at="2026-01-01T00:00Z", payload={})
                first_inserted.set()
                release_first.wait(10)
        finally:
            connections.close_all()

    t = threading.Thread(target=slow_writer)
    t.start()
    assert first_inserted.wait(10)
    ReportEvent.objects.create(
        kind="fast", occurred_at="2026-01-01T00:00Z", payload={}
    )  # autocommit, higher id

    page = read_after(0)
    assert page == [("fast", 1)]
    last_seen = page[-1][1]

    release_first.set()
    t.join()
    page = read_after(last_seen)
    assert page == [("slow", 2)], "the reader resuming from its last position must see the late commit"
    ids = dict(ReportEvent.objects.values_list("kind", "id"))
    assert ids["slow"] < ids["fast"]
    assert connection.vendor == "postgresql"


def test_parallel_writers_and_stampers_never_leave_gaps_or_duplicates():
    def writer(n):
        try:
            for i in range(n):
                with transaction.atomic():
                    ReportEvent.objects.create(kind=f"w{i}", occurred_at="2026-01-01T00:00Z", payload={})
                if i % 5 == 0:
                    stamp_positions()  # writers stamp too: stampers race each other and the reader
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(40,)) for _ in range(8)]
    for t in threads:
        t.start()
    seen, after = [], 0
    while any(t.is_alive() for t in threads):
        page = read_after(after)
        seen += [p for _, p in page]
        after = page[-1][1] if page else after
    for t in threads:
        t.join()
    page = read_after(after)
    seen += [p for _, p in page]
    assert seen == list(range(1, 321))
