"""`samtale worker --batch`: drains the outbox and runs the django-tasks database queue too."""

import pytest
from django.core.management import call_command
from django_tasks import task

from samtale.messaging import services
from samtale.messaging.models import Message, MessageKind

RAN: list[str] = []


@task()
def note(word: str) -> None:
    RAN.append(word)


@pytest.mark.django_db(transaction=True)
def test_worker_batch_drains_outbox_and_runs_tasks(subscribed, http_sms, capsys):
    citizen = subscribed(email=False)
    for i in range(45):
        services.message_enqueue(
            citizen=citizen,
            kind=MessageKind.BOOKING_SUMMONS,
            channel="sms",
            recipient=citizen.phone,
            subject="",
            text=f"Besked {i}",
            idempotency_key=f"cmd:{i}",
        )
    note.enqueue("webhook")
    RAN.clear()
    call_command("worker", batch=True, limit=10, worker_id="cmd-worker")
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}
    assert http_sms.deliveries == 45
    assert set(Message.objects.values_list("locked_by", flat=True)) == {"cmd-worker"}
    assert RAN == ["webhook"]
    assert "Arbejder cmd-worker kører" in capsys.readouterr().out


def test_worker_refuses_to_start_with_a_wrong_sms_setting(settings, db):
    from django.core.management.base import CommandError

    settings.SMS_GATEWAY = "http"
    settings.SMS_URL = ""
    with pytest.raises(CommandError, match="SAMTALE_SMS_URL"):
        call_command("worker", batch=True)
