"""R-HC-11 under real concurrency (PostgreSQL): two caseworkers register resetting conversations of
the same citizen at the same moment in parallel; the citizen lock makes one of them wait, see the
other's registration and be refused — never two resetting conversations at the same time, and never
one registered earlier than the latest resetting one."""

import threading
from datetime import UTC, datetime

import pytest
from django.db import connections

from samtale.conversations.models import HeldConversation
from samtale.conversations.services import held_conversation_register
from samtale.core.errors import Conflict

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


@pytest.mark.parametrize("minutes", [0, 5])
def test_r_hc_11_parallel_registrations(make_citizen, actor_a, minutes):
    citizen = make_citizen(contact_group=2)
    barrier = threading.Barrier(2)
    results = []

    def register(held_minute):
        try:
            barrier.wait(5)
            held_conversation_register(
                actor=actor_a,
                citizen=citizen,
                held_at=datetime(2026, 1, 5, 9, held_minute, tzinfo=UTC),
                conversation_type=7,
                contact_form="personligt",
                agreement={"text": "Aftale"},
            )
            results.append("ok")
        except Conflict as exc:
            results.append(exc.rule)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(m,)) for m in (minutes, 0)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stored = HeldConversation.objects.filter(citizen=citizen).count()
    if minutes == 0:
        assert sorted(results) == ["R-HC-11", "ok"] and stored == 1
    else:
        # 09:05 and 09:00 in parallel: if 09:05 commits first, 09:00 is refused; otherwise both stand.
        assert results.count("ok") == stored >= 1


def test_registrations_of_different_citizens_do_not_wait_for_each_other(make_citizen, actor_a):
    from django.db import transaction

    first, second = make_citizen(contact_group=2), make_citizen(contact_group=2)
    inserted, release, done = threading.Event(), threading.Event(), threading.Event()

    def register(citizen):
        return held_conversation_register(
            actor=actor_a,
            citizen=citizen,
            held_at=datetime(2026, 1, 5, 9, tzinfo=UTC),
            conversation_type=7,
            contact_form="personligt",
            agreement={"text": "Aftale"},
        )

    def slow():
        try:
            with transaction.atomic():
                register(first)
                inserted.set()
                release.wait(10)
        finally:
            connections.close_all()

    def fast():
        try:
            register(second)
            done.set()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=slow)]
    threads[0].start()
    assert inserted.wait(10)
    threads.append(threading.Thread(target=fast))
    threads[1].start()
    finished_while_other_open = done.wait(5)
    release.set()
    for t in threads:
        t.join()
    assert finished_while_other_open
    numbers = list(HeldConversation.objects.values_list("contact_number", flat=True))
    assert len(set(numbers)) == 2 and all(n.startswith("AS-") for n in numbers)
