"""Two requests queue messages with the same idempotency key at once (PostgreSQL, real connections):
the second one's INSERT waits for the first's key and then skips just that message, without breaking
its own transaction."""

import threading
import time

import pytest
from django.db import connections, transaction

from samtale.messaging import services
from samtale.messaging.models import Message, MessageEvent, MessageKind

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _item(citizen, key):
    return {"kind": MessageKind.BOOKING_SUMMONS, "channel": "sms", "recipient": citizen.phone,
            "idempotency_key": key, "snapshot": {"v": 1}}  # fmt: skip


def test_a_twin_queued_meanwhile_is_skipped_and_the_rest_written(subscribed):
    citizen = subscribed()
    first_in, release, made = threading.Event(), threading.Event(), {}

    def first():
        try:
            with transaction.atomic():
                made["first"] = services.messages_enqueue(
                    citizen=citizen, messages=[_item(citizen, "a"), _item(citizen, "b")]
                )
                first_in.set()
                release.wait(10)
        finally:
            connections.close_all()

    def second():
        try:
            with transaction.atomic():
                made["second"] = services.messages_enqueue(
                    citizen=citizen, messages=[_item(citizen, "b"), _item(citizen, "c")]
                )
        finally:
            connections.close_all()

    one = threading.Thread(target=first)
    one.start()
    assert first_in.wait(10)
    two = threading.Thread(target=second)
    two.start()
    time.sleep(0.5)  # the second request's INSERT now waits for the first's uncommitted key "b"
    release.set()
    one.join(10)
    two.join(10)
    assert [m.idempotency_key for m in made["first"]] == ["a", "b"]
    assert [m.idempotency_key for m in made["second"]] == ["c"]
    assert sorted(Message.objects.values_list("idempotency_key", flat=True)) == ["a", "b", "c"]
    assert MessageEvent.objects.count() == 3
