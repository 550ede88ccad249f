"""R-NT-6 day by day with the batch (`samtale daily`): the first SMS/e-mail when the deadline becomes
visible, then with 8 and with 3 days left — only to subscribed citizens, only while nothing is booked,
at most once per deadline and kind even when the batch runs twice."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail

from samtale.core import clock
from samtale.deadlines.jobs import daily
from samtale.deadlines.services import deadline_create
from samtale.messaging import services
from samtale.messaging.content import message_content
from samtale.messaging.models import Message, MessageKind
from samtale.messaging.models import MessageStatus as S

K = MessageKind
D0 = date(2030, 3, 4)  # a Monday


def on(day: date):
    return time_machine.travel(clock.at(day, 7, 0), tick=False)


def kinds(citizen) -> list[tuple[str, str]]:
    return list(Message.objects.filter(citizen=citizen).order_by("id").values_list("kind", "channel"))


@pytest.fixture(autouse=True)
def _email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def run_days(first: date, last: date, twice: bool = True):
    day = first
    while day <= last:
        with on(day):
            daily(day)
            if twice:
                daily(day)  # the batch run twice: nothing more
        day += timedelta(days=1)


def test_r_nt_6_creation_8_days_3_days_once_each(subscribed, actor_a, http_sms):
    citizen = subscribed()
    with on(D0):
        deadline, _ = deadline_create(
            actor=actor_a, citizen=citizen, conversation_type=7, deadline_date=D0 + timedelta(days=20)
        )
        assert deadline.status == "active"
    assert kinds(citizen) == [(K.DEADLINE_NEW, "sms"), (K.DEADLINE_NEW, "email")]
    run_days(D0, D0 + timedelta(days=11))
    assert len(kinds(citizen)) == 2  # nothing until 8 days are left
    run_days(D0 + timedelta(days=12), D0 + timedelta(days=12))
    assert kinds(citizen)[2:] == [(K.DEADLINE_8_DAYS, "sms"), (K.DEADLINE_8_DAYS, "email")]
    run_days(D0 + timedelta(days=13), D0 + timedelta(days=20))
    assert kinds(citizen)[4:] == [(K.DEADLINE_3_DAYS, "sms"), (K.DEADLINE_3_DAYS, "email")]
    # delivered with the seed's words and the date filled in
    with on(D0 + timedelta(days=17)):
        while services.messages_deliver_due(worker_id="t"):
            pass
    texts = [r["text"] for r in http_sms.requests]
    assert texts[0].startswith(
        "Husk at booke møde med os på Jobnet. Det skal bookes senest den 24. marts 2030."
    )
    assert texts[1].startswith(
        "Husk at booke møde med os på Jobnet. Det skal bookes inden 8 dage, senest den 24. marts 2030"
    )
    assert texts[2].startswith(
        "Husk at booke et møde med os på Jobnet. Det skal bookes inden 3 dage, senest den 24. marts 2030"
    )
    assert len(mail.outbox) == 3 and "senest den 24. marts 2030." in mail.outbox[0].body
    assert Message.objects.filter(citizen=citizen, status=S.SENT).count() == 6


def test_r_nt_6_booked_in_between_no_more_reminders(subscribed, actor_a, http_sms):
    from samtale.bookings.services import booking_summon

    citizen = subscribed(sms=True, email=False)
    with on(D0):
        deadline_create(
            actor=actor_a, citizen=citizen, conversation_type=7, deadline_date=D0 + timedelta(days=20)
        )
        services.messages_deliver_due(worker_id="t")
    run_days(D0, D0 + timedelta(days=12))
    assert [k for k, _ in kinds(citizen)] == [K.DEADLINE_NEW, K.DEADLINE_8_DAYS]
    with on(D0 + timedelta(days=13)):
        # the 8-day SMS is still in the queue when the citizen is summoned
        booking_summon(
            actor=actor_a,
            citizen=citizen,
            conversation_type=7,
            contact_form="telefonisk",
            location="Jobcentret, mødelokale 1",
            description="Vi taler om din situation og dine næste skridt.",
            start=clock.at(D0 + timedelta(days=15), 10),
            end=clock.at(D0 + timedelta(days=15), 10, 30),
        )
        while services.messages_deliver_due(worker_id="t"):
            pass
    run_days(D0 + timedelta(days=13), D0 + timedelta(days=20))
    deadline_kinds = [k for k, _ in kinds(citizen) if k.startswith("deadline")]
    assert deadline_kinds == [K.DEADLINE_NEW, K.DEADLINE_8_DAYS]  # no 3-day reminder
    statuses = dict(Message.objects.filter(citizen=citizen).values_list("kind", "status"))
    assert statuses[K.DEADLINE_NEW] == S.SENT
    assert statuses[K.DEADLINE_8_DAYS] == S.CANCELLED  # booked before it went out
    assert K.BOOKING_SUMMONS in statuses  # the summons itself is confirmed
    assert not any("Husk at booke" in r["text"] for r in http_sms.requests[1:])


def test_r_nt_6_not_subscribed_none(make_citizen, actor_a):
    citizen = make_citizen(phone="+4522334455", email="b@example.dk")  # no reminders chosen
    with on(D0):
        deadline_create(
            actor=actor_a, citizen=citizen, conversation_type=7, deadline_date=D0 + timedelta(days=20)
        )
    run_days(D0, D0 + timedelta(days=20), twice=False)
    assert kinds(citizen) == []


def test_r_nt_6_not_activated_first_reminder_on_activation(subscribed, actor_a):
    citizen = subscribed(email=False)
    with on(D0):
        deadline, _ = deadline_create(
            actor=actor_a,
            citizen=citizen,
            conversation_type=7,
            deadline_date=D0 + timedelta(days=30),
            activation_date=D0 + timedelta(days=10),
        )
        assert deadline.status == "not_activated"
    run_days(D0, D0 + timedelta(days=9))
    assert kinds(citizen) == []  # invisible: nothing sent
    run_days(D0 + timedelta(days=10), D0 + timedelta(days=10))
    deadline.refresh_from_db()
    assert deadline.status == "active"
    assert kinds(citizen) == [(K.DEADLINE_NEW, "sms")]
    run_days(D0 + timedelta(days=11), D0 + timedelta(days=27))
    assert [k for k, _ in kinds(citizen)] == [K.DEADLINE_NEW, K.DEADLINE_8_DAYS, K.DEADLINE_3_DAYS]


def test_r_nt_6_missed_countdown_is_sent_on_the_catch_up_day_with_the_true_days_left(subscribed, actor_a):
    """R-NT-6 (extended): the batch catches up missed days (R-DL-13); the 8-day reminder whose day
    (day 12) was missed goes out on the catch-up day (day 14) saying the true 6 days, not "8"."""
    citizen = subscribed(email=False)
    with on(D0):
        deadline_create(
            actor=actor_a, citizen=citizen, conversation_type=7, deadline_date=D0 + timedelta(days=20)
        )
        daily(D0)
    with on(D0 + timedelta(days=14)):
        result = daily(D0 + timedelta(days=14))  # days 1–13 caught up now, 8-day mark (day 12) is past
    assert [k for k, _ in kinds(citizen)] == [K.DEADLINE_NEW, K.DEADLINE_8_DAYS]
    late = message_content(Message.objects.get(citizen=citizen, kind=K.DEADLINE_8_DAYS))
    assert "Det skal bookes inden 6 dage, senest den 24. marts 2030" in late.text
    assert "8 dage" not in late.text
    assert result[D0 + timedelta(days=12)]["deadline_reminders"] == 1
    with on(D0 + timedelta(days=14)):
        daily(D0 + timedelta(days=14))  # once only, also when run again
    assert Message.objects.filter(citizen=citizen, kind=K.DEADLINE_8_DAYS).count() == 1


def test_r_nt_6_catch_up_skips_a_countdown_a_later_one_replaces_and_counts_it(subscribed, actor_a, caplog):
    """Caught up when only 2 days are left: the 8-day and the 3-day days were both missed; only the
    3-day one goes out (with "inden 2 dage"); the 8-day one is skipped, logged and counted."""
    import logging

    citizen = subscribed(email=False)
    with on(D0):
        deadline, _ = deadline_create(
            actor=actor_a, citizen=citizen, conversation_type=7, deadline_date=D0 + timedelta(days=20)
        )
        daily(D0)
    with on(D0 + timedelta(days=18)), caplog.at_level(logging.INFO, logger="samtale.messaging.services"):
        result = daily(D0 + timedelta(days=18))
    assert [k for k, _ in kinds(citizen)] == [K.DEADLINE_NEW, K.DEADLINE_3_DAYS]
    assert (
        "inden 2 dage" in message_content(Message.objects.get(citizen=citizen, kind=K.DEADLINE_3_DAYS)).text
    )
    assert result[D0 + timedelta(days=12)]["deadline_reminders_skipped"] == 1
    assert sum(day.get("deadline_reminders_skipped", 0) for day in result.values()) == 1
    skipped = [r.getMessage() for r in caplog.records if "sendes ikke ved indhentning" in r.getMessage()]
    assert len(skipped) == 1 and str(deadline.public_id) in skipped[0] and "3-dagespåmindelsen" in skipped[0]


def test_r_nt_6_messages_are_written_in_the_deadlines_transaction(subscribed, actor_a):
    """Rolled back with the change that caused them: no reminder for a deadline that never was."""
    from django.db import transaction

    citizen = subscribed()
    with on(D0), pytest.raises(RuntimeError), transaction.atomic():
        deadline_create(
            actor=actor_a, citizen=citizen, conversation_type=7, deadline_date=D0 + timedelta(days=20)
        )
        assert len(kinds(citizen)) == 2
        raise RuntimeError("the caller's transaction fails after the deadline was made")
    assert kinds(citizen) == []
