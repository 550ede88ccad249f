"""Booking messages: confirmation on summons and self-booking, move and cancellation notices, the
reminder the day before; e-mails carry an .ics (stable UID, SEQUENCE up on every move, CANCEL)."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from icalendar import Calendar

from samtale.bookings import services as bookings
from samtale.core import clock
from samtale.deadlines.jobs import daily
from samtale.messaging import services
from samtale.messaging.ics import booking_ics
from samtale.messaging.models import Message, MessageKind
from samtale.messaging.models import MessageStatus as S

K = MessageKind
D0 = date(2030, 6, 3)


@pytest.fixture(autouse=True)
def _email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def on(day: date, hour: int = 8):
    return time_machine.travel(clock.at(day, hour), tick=False)


def event_of(ics: bytes | str):
    cal = Calendar.from_ical(ics)
    [event] = cal.walk("VEVENT")
    return cal, event


def summon(actor, citizen, day, hour=10, **fields):
    # D0 + 7 is Whit Monday 2030: these tests are about the messages, so the unusual time is confirmed.
    fields.setdefault("confirm_unusual_time", True)
    return bookings.booking_summon(
        actor=actor,
        citizen=citizen,
        conversation_type=7,
        contact_form=fields.pop("contact_form", "personligt"),
        start=clock.at(day, hour),
        end=clock.at(day, hour, 45),
        **{
            "location": "Jobcentret, lokale 3",
            "address": "Kalvebod Brygge 43, 1560 København V",
            "description": "Vi taler om din jobsøgning.",
            **fields,
        },
    )


def drain():
    """Run the worker until the outbox is empty (it renders each message just before sending)."""
    while services.messages_deliver_due(worker_id="t"):
        pass


def test_summons_move_cancel_messages_with_ics(subscribed, actor_a, http_sms):
    citizen = subscribed()
    with on(D0):
        booking = summon(actor_a, citizen, D0 + timedelta(days=7))
        created = list(Message.objects.filter(booking=booking).order_by("id"))
        assert [(m.kind, m.channel) for m in created] == [
            (K.BOOKING_SUMMONS, "sms"),
            (K.BOOKING_SUMMONS, "email"),
        ]
        # The request only took the snapshot; the worker renders.
        assert [(m.text, m.attachment) for m in created] == [("", ""), ("", "")]
        drain()
        created = list(Message.objects.filter(booking=booking).order_by("id"))
        assert (
            "Du er indkaldt til jobsamtale med jobcentret mandag den 10. juni 2030 kl. 10.00."
            in created[0].text
        )
        assert "Sted: Jobcentret, lokale 3, Kalvebod Brygge 43, 1560 København V." in created[0].text
        cal, event = event_of(created[1].attachment)
        uid = str(event["uid"])
        assert str(cal["method"]) == "REQUEST" and int(event["sequence"]) == 0
        assert event.decoded("dtstart") == clock.at(D0 + timedelta(days=7), 10)

        bookings.booking_move(
            actor=actor_a,
            booking=booking,
            start=clock.at(D0 + timedelta(days=8), 13),
            end=clock.at(D0 + timedelta(days=8), 14),
        )
        bookings.booking_move(
            actor=actor_a,
            booking=booking,
            start=clock.at(D0 + timedelta(days=9), 9),
            end=clock.at(D0 + timedelta(days=9), 10),
        )
        drain()  # after both moves: each notice still says the move it was queued for
        moved = list(
            Message.objects.filter(booking=booking, kind=K.BOOKING_MOVED, channel="email").order_by("id")
        )
        assert len(moved) == 2
        assert "Din jobsamtale er nu tirsdag den 11. juni 2030 kl. 13.00." in moved[0].text
        assert event_of(moved[0].attachment)[1].decoded("dtstart") == clock.at(D0 + timedelta(days=8), 13)
        assert "Dit møde med jobcentret tirsdag den 11. juni 2030 kl. 13.00 er flyttet." in moved[1].text
        assert "Din jobsamtale er nu onsdag den 12. juni 2030 kl. 9.00." in moved[1].text
        sequences = [int(event_of(m.attachment)[1]["sequence"]) for m in moved]
        assert sequences == [1, 2]
        assert {str(event_of(m.attachment)[1]["uid"]) for m in moved} == {uid}

        from samtale.codes.models import CancellationReason

        reason = CancellationReason.objects.get(code="jobcenter_aflyst")
        bookings.booking_cancel(actor=actor_a, booking=booking, reason=reason.code)
        drain()
        [cancel] = Message.objects.filter(booking=booking, kind=K.BOOKING_CANCELLED, channel="email")
        cal, event = event_of(cancel.attachment)
        assert str(cal["method"]) == "CANCEL" and str(event["status"]) == "CANCELLED"
        assert int(event["sequence"]) == 3 and str(event["uid"]) == uid
    # delivered: the e-mails carry the calendar file
    assert len(mail.outbox) == 4
    assert set(Message.objects.filter(booking=booking).values_list("status", flat=True)) == {S.SENT}
    name, content, mimetype = mail.outbox[-1].attachments[0]
    assert name.endswith(".ics") and mimetype == "text/calendar" and "METHOD:CANCEL" in content
    assert len(http_sms.requests) == 4


def test_self_booking_confirmation(subscribed, actor_a, jc_a, cw_a, http_sms):
    from samtale.core.actors import Actor
    from samtale.scheduling import services as scheduling

    system = Actor.system("test")
    citizen = subscribed(contact_group=3)
    with on(D0):
        offer = scheduling.offer_create(
            actor=system,
            jobcenter=jc_a,
            title="Jobsamtale",
            description="Vi taler om din jobsøgning og dine næste skridt.",
            location="Jobcentret, telefonmøde",
            conversation_type=7,
            contact_forms=["telefonisk"],
            contact_groups=[3],
            phone_to_call="+4533333333",
            rebooking_cutoff_hours=24,
            cancellation_cutoff_hours=24,
            min_notice_hours=2,
        )
        start = clock.at(D0 + timedelta(days=4), 11)
        slot = scheduling.slot_create(
            actor=system,
            offer=offer,
            start=start,
            end=start + timedelta(minutes=30),
            capacity=1,
            caseworker=cw_a,
        )
        booking = bookings.booking_self_book(
            actor=Actor.for_citizen(citizen), slot=slot, contact_form="telefonisk"
        )
        drain()
    [sms, email] = Message.objects.filter(booking=booking).order_by("id")
    assert sms.kind == email.kind == K.BOOKING_CONFIRMED
    assert sms.text.startswith("Du har booket jobsamtale med jobcentret fredag den 7. juni 2030 kl. 11.00.")
    assert email.subject == "Bekræftelse på din booking" and "BEGIN:VCALENDAR" in email.attachment


def test_day_before_reminder_respects_unsubscribing(subscribed, actor_a, http_sms):
    from samtale.citizens.services import citizen_update_contact_details
    from samtale.core.actors import Actor

    citizen = subscribed(contact_group=2)
    with on(D0):
        booking = summon(
            actor_a,
            citizen,
            D0 + timedelta(days=3),
            contact_form="telefonisk",
            address="",
            location="Telefonmøde",
        )
    for day in (D0, D0 + timedelta(days=1)):
        with on(day, 2):
            daily(day)
    assert not Message.objects.filter(kind=K.BOOKING_REMINDER).exists()
    with on(D0 + timedelta(days=2), 2):
        daily(D0 + timedelta(days=2))
        daily(D0 + timedelta(days=2))
    reminders = list(Message.objects.filter(booking=booking, kind=K.BOOKING_REMINDER).order_by("id"))
    assert [m.channel for m in reminders] == ["sms", "email"]
    # unsubscribing e-mail before the worker runs: the e-mail reminder is not sent
    citizen_update_contact_details(actor=Actor.system("test"), citizen=citizen, email_reminders=False)
    with on(D0 + timedelta(days=2), 3):
        drain()
    reminders[0].refresh_from_db()
    assert (
        "Husk din jobsamtale med jobcentret i morgen, torsdag den 6. juni 2030 kl. 10.00."
        in reminders[0].text
    )
    assert "Jobcentret ringer til dig." in reminders[0].text
    statuses = dict(
        Message.objects.filter(booking=booking, kind=K.BOOKING_REMINDER).values_list("channel", "status")
    )
    assert statuses == {"sms": S.SENT, "email": S.CANCELLED}


def test_reminder_for_a_moved_meeting_is_not_sent(subscribed, actor_a, http_sms):
    citizen = subscribed(email=False)
    with on(D0):
        booking = summon(actor_a, citizen, D0 + timedelta(days=2))
    with on(D0 + timedelta(days=1), 2):
        daily(D0 + timedelta(days=1))
        bookings.booking_move(
            actor=actor_a,
            booking=booking,
            start=clock.at(D0 + timedelta(days=5), 9),
            confirm_unusual_time=True,  # a Saturday
            end=clock.at(D0 + timedelta(days=5), 10),
        )
        while services.messages_deliver_due(worker_id="t"):
            pass
    [reminder] = Message.objects.filter(booking=booking, kind=K.BOOKING_REMINDER)
    assert reminder.status == S.CANCELLED
    assert [r["text"].split("\n")[0] for r in http_sms.requests][-1].startswith("Dit møde med jobcentret")


def test_booking_ics_for_the_portal(subscribed, make_booking):
    booking = make_booking(subscribed())
    cal, event = event_of(booking_ics(booking))
    assert str(event["uid"]) == f"{booking.public_id}@samtale"
    assert (
        str(event["location"]) == "Jobcenter København, Kalvebod Brygge, Kalvebod Brygge 43, 1560 København V"
    )
    assert str(event["summary"]) == "Jobsamtale – Jobcenter København"
    assert booking.citizen.cpr not in booking_ics(booking).decode()
