"""Issue 15: a request queues what a message must say as a snapshot; `samtale worker` renders the
texts and the .ics from it just before sending. A message tells what was true when it was queued, a
snapshot that cannot be rendered fails visibly without stopping the others, and rows queued with
their text already (before the snapshot existed) are sent as they are."""

import json
import logging
from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from icalendar import Calendar

from samtale.bookings import services as bookings
from samtale.core import clock
from samtale.messaging import content, services, texts
from samtale.messaging.models import Channel, Message, MessageKind
from samtale.messaging.models import MessageStatus as S

K = MessageKind
D0 = date(2030, 6, 3)  # a Monday


@pytest.fixture(autouse=True)
def _email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def on(day: date, hour: int = 8):
    return time_machine.travel(clock.at(day, hour), tick=False)


def drain() -> None:
    while services.messages_deliver_due(worker_id="t"):
        pass


def summon(actor, citizen, start, **fields):
    return bookings.booking_summon(
        actor=actor,
        citizen=citizen,
        conversation_type=7,
        contact_form="personligt",
        start=start,
        end=start + timedelta(minutes=45),
        location=fields.pop("location", "Jobcentret, lokale 3"),
        address="Kalvebod Brygge 43, 1560 København V",
        description="Vi taler om din jobsøgning.",
        **fields,
    )


def test_the_request_queues_a_snapshot_and_the_worker_renders_it(subscribed, actor_a, http_sms):
    citizen = subscribed()
    with on(D0):
        booking = summon(actor_a, citizen, clock.at(D0 + timedelta(days=2), 10))
        sms, email = Message.objects.filter(booking=booking).order_by("id")
        # Nothing rendered in the request: no text, no .ics — only the snapshot (plain JSON, no CPR,
        # no title or description).
        assert (sms.text, sms.subject, email.text, email.attachment) == ("", "", "", "")
        stored = json.dumps(email.snapshot, ensure_ascii=False)
        assert citizen.cpr not in stored and "jobsøgning" not in stored
        assert email.snapshot["calendar"]["sequence"] == 0
        drain()
    sms.refresh_from_db()
    email.refresh_from_db()
    assert sms.status == email.status == S.SENT
    # What was sent is kept on the row, exactly as the provider and the mail server got it.
    assert http_sms.requests[0]["text"] == sms.text
    assert sms.text.startswith(
        "Du er indkaldt til jobsamtale med jobcentret onsdag den 5. juni 2030 kl. 10.00."
    )
    [sent] = mail.outbox
    assert sent.subject == email.subject == "Du er indkaldt til møde med jobcentret"
    assert sent.body == email.text and "BEGIN:VCALENDAR" in email.attachment
    assert sent.attachments[0][1] == email.attachment


def test_a_message_says_what_was_true_when_it_was_queued(subscribed, actor_a, http_sms):
    """Queued, then the meeting is moved and its place changed before the worker runs: the summons
    still says the first time and place (the move notice tells the rest), its .ics the first time."""
    citizen = subscribed()
    first = clock.at(D0 + timedelta(days=2), 10)
    with on(D0):
        booking = summon(actor_a, citizen, first)
        bookings.booking_move(
            actor=actor_a,
            booking=booking,
            start=clock.at(D0 + timedelta(days=3), 13),
            end=clock.at(D0 + timedelta(days=3), 14),
        )
        bookings.booking_change(actor=actor_a, booking=booking, location="Jobcentret, lokale 9")
        drain()
    summons_sms = Message.objects.get(booking=booking, kind=K.BOOKING_SUMMONS, channel="sms")
    summons_email = Message.objects.get(booking=booking, kind=K.BOOKING_SUMMONS, channel="email")
    assert summons_sms.status == S.SENT
    assert "onsdag den 5. juni 2030 kl. 10.00" in summons_sms.text and "lokale 3" in summons_sms.text
    [event] = Calendar.from_ical(summons_email.attachment).walk("VEVENT")
    assert event.decoded("dtstart") == first and int(event["sequence"]) == 0
    moved = Message.objects.get(booking=booking, kind=K.BOOKING_MOVED, channel="sms")
    assert "Din jobsamtale er nu torsdag den 6. juni 2030 kl. 13.00." in moved.text
    assert "lokale 3" in moved.text  # the place was changed after the move was queued
    changed = Message.objects.get(booking=booking, kind=K.BOOKING_CHANGED, channel="sms")
    assert "lokale 9" in changed.text
    assert [r["text"].split("\n")[0] for r in http_sms.requests] == [
        "Du er indkaldt til jobsamtale med jobcentret onsdag den 5. juni 2030 kl. 10.00.",
        "Dit møde med jobcentret onsdag den 5. juni 2030 kl. 10.00 er flyttet.",
        "Jobcentret har ændret stedet for din jobsamtale torsdag den 6. juni 2030 kl. 13.00. "
        "Tidspunktet er det samme.",
    ]


def test_r_dl_18_contact_details_as_they_were_when_queued(make_citizen, actor_a, jc_a):
    """A deadline reminder to a citizen who may not book quotes the jobcenter's phone number of the
    moment it was queued, even if the jobcenter changes it before the worker runs."""
    from samtale.citizens.services import absence_register
    from samtale.deadlines.services import deadline_create
    from samtale.organisations.services import jobcenter_upsert

    jobcenter_upsert(code=jc_a.code, name=jc_a.name, phone="+4533663366")
    citizen = make_citizen(contact_group=2, phone="+4520304050", sms_reminders=True)
    today = clock.today()
    absence_register(actor=actor_a, citizen=citizen, absence_type=57, start_date=today)
    deadline_create(
        actor=actor_a, citizen=citizen, conversation_type=7, deadline_date=today + timedelta(days=18)
    )
    jobcenter_upsert(code=jc_a.code, name=jc_a.name, phone="+4570707070")
    drain()
    [sms] = Message.objects.filter(citizen=citizen, kind=K.DEADLINE_NEW)
    assert sms.status == S.SENT
    assert "kontakt dit jobcenter" in sms.text and "33 66 33 66" in sms.text and "70 70 70 70" not in sms.text


def test_snapshot_renders_as_the_booking_did_for_every_kind_and_channel(subscribed, make_booking):
    """The worker's render of a snapshot is the text of the booking it was taken from (the texts the
    workbench previews), for every kind, channel and contact form."""
    citizen = subscribed()
    for booking in (
        make_booking(citizen),
        make_booking(citizen, contact_form="telefonisk", who_calls="citizen", phone_to_call="+4533665544"),
        make_booking(citizen, contact_form="digitalt", conversation_type=4),
    ):
        old_start = booking.start - timedelta(days=1)
        snapshot = json.loads(json.dumps(content.booking_snapshot(booking, old_start=old_start)))
        for kind in (K.BOOKING_SUMMONS, K.BOOKING_CONFIRMED, K.BOOKING_MOVED, K.BOOKING_CANCELLED):
            for channel in Channel:
                said = content.render(kind, channel, snapshot)
                expected = texts.booking_text(kind, channel, booking, old_start=old_start)
                assert (said.subject, said.text) == (expected.subject, expected.text)
                assert bool(said.attachment) == (channel == Channel.EMAIL)


def test_a_broken_snapshot_fails_visibly_and_does_not_stop_the_others(
    subscribed, make_booking, http_sms, settings, caplog
):
    settings.MESSAGE_MAX_ATTEMPTS = 2
    citizen = subscribed(email=False)
    booking = make_booking(citizen, start=clock.at(date(2030, 7, 1), 11, 30))
    broken = services.message_enqueue(
        citizen=citizen,
        kind=K.BOOKING_SUMMONS,
        channel="sms",
        recipient=citizen.phone,
        snapshot={"v": content.SNAPSHOT_VERSION, "booking": {"start": "ikke en dato"}},
        idempotency_key="broken",
    )
    good = services.message_enqueue(
        citizen=citizen,
        kind=K.BOOKING_SUMMONS,
        channel="sms",
        recipient=citizen.phone,
        snapshot=content.booking_snapshot(booking, calendar=False),
        idempotency_key="good",
    )
    with caplog.at_level(logging.WARNING):
        assert services.messages_deliver_due(worker_id="t") == 2
    broken.refresh_from_db()
    good.refresh_from_db()
    assert good.status == S.SENT and "mandag den 1. juli 2030 kl. 11.30" in good.text
    assert broken.status == S.FAILED and broken.text == ""
    assert "kunne ikke dannes" in broken.last_error and broken.next_attempt_at > clock.now()
    assert "kunne ikke dannes" in caplog.text and str(broken.public_id) in caplog.text
    assert citizen.cpr not in caplog.text and citizen.cpr not in broken.last_error
    assert [r["idempotency_key"] for r in http_sms.requests] == ["good"]
    # Retried like a gateway failure, then given up.
    with time_machine.travel(broken.next_attempt_at + timedelta(seconds=1), tick=False):
        services.messages_deliver_due(worker_id="t")
    broken.refresh_from_db()
    assert broken.status == S.DEAD and broken.attempts == 2
    # On the trail it shows empty texts, never an error page.
    assert content.message_content(broken).text == ""


def test_a_row_queued_with_its_text_before_the_snapshot_is_sent_as_it_is(subscribed, http_sms):
    """Rows queued before this change carry their rendered texts and an empty snapshot."""
    citizen = subscribed()
    now = clock.now()
    common = {"citizen": citizen, "kind": K.BOOKING_SUMMONS, "status": S.QUEUED, "next_attempt_at": now}
    old_sms = Message.objects.create(
        **common, channel="sms", recipient=citizen.phone, text="Gammel tekst", idempotency_key="old:sms"
    )
    old_email = Message.objects.create(
        **common,
        channel="email",
        recipient=citizen.email,
        subject="Gammelt emne",
        text="Gammel e-mail",
        attachment="BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
        idempotency_key="old:email",
    )
    assert old_sms.snapshot == {} == old_email.snapshot
    drain()
    old_sms.refresh_from_db()
    old_email.refresh_from_db()
    assert old_sms.status == old_email.status == S.SENT
    assert http_sms.requests[0]["text"] == "Gammel tekst" == old_sms.text
    [sent] = mail.outbox
    assert (sent.subject, sent.body) == ("Gammelt emne", "Gammel e-mail")
    assert sent.attachments[0][1] == "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"


def test_the_trail_shows_a_queued_message_rendered_from_its_snapshot(subscribed, actor_a, cw_a, api_as):
    citizen = subscribed()
    with on(D0):
        summon(actor_a, citizen, clock.at(D0 + timedelta(days=2), 10))
        trail = (
            api_as("caseworker", caseworker_ident=cw_a.ident)
            .get(f"/citizens/{citizen.public_id}/messages")
            .json()
        )
    assert [(m["channel"], m["status"], m["has_calendar_file"]) for m in trail] == [
        ("sms", "queued", False),
        ("email", "queued", True),
    ]
    assert trail[0]["text"].startswith("Du er indkaldt til jobsamtale med jobcentret onsdag den 5. juni 2030")
    assert trail[1]["subject"] == "Du er indkaldt til møde med jobcentret"
    assert not Message.objects.exclude(text="").exists()  # reading the trail renders, it does not store
