"""R-NT-6 texts exactly as seed 004 § 2.3 gives them; booking texts without CPR or case details."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from samtale.core import clock
from samtale.core.danish import danish_date
from samtale.messaging import texts
from samtale.messaging.models import Channel, MessageKind
from samtale.messaging.rules import deadline_reminder_due
from tests.conftest import looks_like_cpr

K = MessageKind
# Seed 004 (004_04eb154bc97e82e3.txt) § 2.3, copied into the repository so the test runs in a fresh
# clone (the file names its source in its header).
SEED_004_2_3 = Path(__file__).resolve().parents[1] / "data" / "seeds" / "004_section_2_3.txt"


def _seed_section_23() -> str:
    raw = SEED_004_2_3.read_text(encoding="utf-8")
    section = raw[raw.index("### 2.3 Notifikationer") :]
    section = re.sub(r"\[([^\]]+)\]\(http[^)]*\)", r"\1", section)  # markdown links → their text
    return "\n".join(line.rstrip().strip('"') for line in section.splitlines())


def test_r_nt_6_first_sms_and_email_are_the_seeds_words():
    d = date(2017, 7, 10)
    sms = texts.deadline_text(K.DEADLINE_NEW, Channel.SMS, d)
    assert sms.text == (
        "Husk at booke møde med os på Jobnet. Det skal bookes senest den 10. juli 2017.\n\n"
        "Vh. Jobcentret\nSms kan ikke besvares og kan afmeldes på Jobnet"
    )
    email = texts.deadline_text(K.DEADLINE_NEW, Channel.EMAIL, d)
    assert email.text.startswith(
        "Husk, du skal booke møde med os på Jobnet, www.jobnet.dk. Det skal bookes senest den 10. juli 2017.\n\n"
        "Venlig hilsen\nDit Jobcenter\n\nDet er ikke muligt at svare på denne email, da den er automatisk genereret\n"
    )
    assert texts.deadline_text(K.DEADLINE_8_DAYS, Channel.SMS, d).text.startswith(
        "Husk at booke møde med os på Jobnet. Det skal bookes inden 8 dage, senest den 10. juli 2017\n"
    )
    assert texts.deadline_text(K.DEADLINE_3_DAYS, Channel.SMS, d).text.startswith(
        "Husk at booke et møde med os på Jobnet. Det skal bookes inden 3 dage, senest den 10. juli 2017\n"
    )
    assert texts.deadline_text(K.DEADLINE_3_DAYS, Channel.EMAIL, d).text.endswith(
        "dette kan du også gøre via Jobnets SMS- og huskeservice"
    )


@pytest.mark.parametrize("kind", [K.DEADLINE_NEW, K.DEADLINE_8_DAYS, K.DEADLINE_3_DAYS])
@pytest.mark.parametrize("channel", [Channel.SMS, Channel.EMAIL])
def test_r_nt_6_every_line_is_in_seed_004_section_2_3(kind, channel):
    """Each line of each template (with [DATO] as the placeholder) occurs verbatim in the seed."""
    seed = _seed_section_23()
    template = texts.DEADLINE_TEXTS[(kind, channel)]
    for line in template.splitlines():
        if line.strip():
            assert line.strip() in seed, line
    assert "[DATO]" in template


def test_the_seed_copy_is_section_2_3_of_seed_004():
    text = SEED_004_2_3.read_text(encoding="utf-8")
    assert "004_04eb154bc97e82e3.txt" in text.splitlines()[0]
    assert "#### SMS" in text and "### 2.4" not in text


@pytest.mark.parametrize(
    "kind, left, phrase",
    [
        (K.DEADLINE_8_DAYS, 6, "inden 6 dage"),
        (K.DEADLINE_3_DAYS, 1, "inden 1 dag,"),
        (K.DEADLINE_3_DAYS, 0, "Det skal bookes i dag, senest den"),
        (K.DEADLINE_8_DAYS, 8, "inden 8 dage"),
    ],
)
def test_r_nt_6_catch_up_text_says_the_true_days_left(kind, left, phrase):
    for channel in Channel:
        rendered = texts.deadline_text(kind, channel, date(2017, 7, 10), days_left=left)
        assert phrase in rendered.text
        assert "10. juli 2017" in rendered.text


def test_r_dl_18_contact_text_never_says_book(db, jc_a):
    from samtale.organisations.services import jobcenter_upsert

    jc = jobcenter_upsert(
        code=jc_a.code,
        name=jc_a.name,
        phone="+4533663366",
        email="jobcenter@kk.dk",
        opening_hours_text="8–15",
    )
    for kind in (K.DEADLINE_NEW, K.DEADLINE_8_DAYS, K.DEADLINE_3_DAYS):
        sms = texts.deadline_contact_text(kind, Channel.SMS, date(2017, 7, 10), jc)
        email = texts.deadline_contact_text(kind, Channel.EMAIL, date(2017, 7, 10), jc)
        for r in (sms, email):
            assert "Husk at booke" not in r.text and "skal booke" not in r.text
            assert "kontakt dit jobcenter" in r.text and "33 66 33 66" in r.text
        assert "jobcenter@kk.dk" in email.text and "åbningstider: 8–15" in email.text


def test_r_nt_5_danish_dates():
    assert danish_date(date(2017, 7, 10)) == "10. juli 2017"
    assert danish_date(date(2017, 7, 10), weekday=True) == "mandag den 10. juli 2017"
    assert danish_date(date(2026, 12, 1), weekday=True) == "tirsdag den 1. december 2026"


def test_r_nt_6_reminder_days():
    d = date(2026, 3, 20)
    assert deadline_reminder_due(d, d - timedelta(days=8)) == K.DEADLINE_8_DAYS
    assert deadline_reminder_due(d, d - timedelta(days=3)) == K.DEADLINE_3_DAYS
    assert deadline_reminder_due(d, d - timedelta(days=4)) is None
    assert deadline_reminder_due(d, d - timedelta(days=9)) is None


def test_booking_text_has_copenhagen_time_and_place(db, subscribed, make_booking):
    citizen = subscribed()
    # 09:30 UTC on 1 July = 11:30 in Copenhagen (summer time)
    booking = make_booking(citizen, start=clock.at(date(2030, 7, 1), 11, 30))
    sms = texts.booking_text(K.BOOKING_SUMMONS, Channel.SMS, booking)
    assert "mandag den 1. juli 2030 kl. 11.30" in sms.text
    assert "Kalvebod Brygge 43, 1560 København V" in sms.text
    phone = make_booking(
        citizen, contact_form="telefonisk", who_calls="citizen", phone_to_call="+4533665544", address=""
    )
    assert "Du skal ringe til 33 66 55 44" in texts.booking_text(K.BOOKING_REMINDER, Channel.SMS, phone).text


def test_no_message_contains_a_cpr_number(db, make_citizen, make_booking, settings):
    """Every template, with demo-like data (demo CPR numbers, names, addresses, phone numbers):
    no 10-digit CPR-like number, no name, no case details (title/description)."""
    from samtale.citizens.demo import demo_cpr

    citizen = make_citizen(
        cpr=demo_cpr(3),
        name="Noah Petersen",
        phone="+45 2149 1213",
        email="noah.petersen@example.dk",
        sms_reminders=True,
        email_reminders=True,
    )
    rendered = []
    for kind in (K.DEADLINE_NEW, K.DEADLINE_8_DAYS, K.DEADLINE_3_DAYS):
        for channel in Channel:
            for d in (date(2026, 1, 1), date(2030, 12, 31), date(2017, 7, 10)):
                rendered.append(texts.deadline_text(kind, channel, d))
    bookings = [
        make_booking(citizen, description=f"Sagsnote: CPR {citizen.cpr}", title=f"Samtale {citizen.cpr}"),
        make_booking(citizen, contact_form="telefonisk", who_calls="citizen", phone_to_call="+4570258925"),
        make_booking(citizen, contact_form="telefonisk", who_calls="jobcenter"),
        make_booking(citizen, contact_form="digitalt", conversation_type=4),
    ]
    from samtale.messaging.ics import booking_ics

    ics_files = []
    for booking in bookings:
        for kind in (
            K.BOOKING_SUMMONS,
            K.BOOKING_CONFIRMED,
            K.BOOKING_MOVED,
            K.BOOKING_CANCELLED,
            K.BOOKING_REMINDER,
        ):
            for channel in Channel:
                rendered.append(
                    texts.booking_text(kind, channel, booking, old_start=booking.start - timedelta(days=1))
                )
        ics_files.append(booking_ics(booking).decode())
    assert len(rendered) == 18 + 40
    for r in rendered:
        for part in (r.subject, r.text):
            assert not looks_like_cpr(part), part
            assert not re.search(r"\d{10}", part.replace(" ", "")), part
            assert "Sagsnote" not in part and "Noah" not in part
    for ics in ics_files:
        assert citizen.cpr not in ics.replace("\r\n ", "") and "Sagsnote" not in ics
