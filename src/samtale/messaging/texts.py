"""What the citizen receives. The deadline reminders are seed 004 § 2.3 word for word (its own
quirks kept: "Husk, du booke" in § 2.3.2, "SMS- og huskeservice" in § 2.3.3), with [DATO] filled in
as a Danish date ("senest den 10. juli 2017"). The booking messages are ours: time in Copenhagen,
place or phone number — never the CPR number, never the description or other case details."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from types import SimpleNamespace

import phonenumbers

from samtale.core import clock
from samtale.core.danish import danish_date, danish_time
from samtale.messaging.models import Channel, MessageKind

K = MessageKind


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str


# Seed 004 § 2.3: the SMS and e-mail texts, [DATO] → the deadline date.
SMS_SIGNATURE = "Vh. Jobcentret\nSms kan ikke besvares og kan afmeldes på Jobnet"
EMAIL_FOOTER = (
    "Venlig hilsen\nDit Jobcenter\n\n"
    "Det er ikke muligt at svare på denne email, da den er automatisk genereret\n"
    "Du kan afmelde dig at modtage mail omkring dette emne. Du afmelder dig via Jobnets SMS- og "
    "e-mailservice på www.jobnet.dk. Du har mulighed for igen at tilmelde dig, dette kan du også gøre "
    "via Jobnets SMS- og {service}"
)
DEADLINE_TEXTS: dict[tuple[str, str], str] = {
    (K.DEADLINE_NEW, Channel.SMS): (
        "Husk at booke møde med os på Jobnet. Det skal bookes senest den [DATO].\n\n" + SMS_SIGNATURE
    ),
    (K.DEADLINE_NEW, Channel.EMAIL): (
        "Husk, du skal booke møde med os på Jobnet, www.jobnet.dk. Det skal bookes senest den [DATO].\n\n"
        + EMAIL_FOOTER.format(service="e-mailservice")
    ),
    (K.DEADLINE_8_DAYS, Channel.SMS): (
        "Husk at booke møde med os på Jobnet. Det skal bookes inden 8 dage, senest den [DATO]\n\n"
        + SMS_SIGNATURE
    ),
    (K.DEADLINE_8_DAYS, Channel.EMAIL): (
        "Husk, du booke møde med os på Jobnet www.jobnet.dk\n"
        "Det skal bookes inden 8 dage, senest den [DATO].\n\n" + EMAIL_FOOTER.format(service="e-mailservice")
    ),
    (K.DEADLINE_3_DAYS, Channel.SMS): (
        "Husk at booke et møde med os på Jobnet. Det skal bookes inden 3 dage, senest den [DATO]\n\n"
        + SMS_SIGNATURE
    ),
    (K.DEADLINE_3_DAYS, Channel.EMAIL): (
        "Husk, du skal booke møde med os på Jobnet www.jobnet.dk\n"
        "Det skal bookes inden 3 dage, senest den [DATO].\n\n" + EMAIL_FOOTER.format(service="huskeservice")
    ),
}
DEADLINE_SUBJECTS = {
    K.DEADLINE_NEW: "Du har fået en frist for at booke møde med jobcentret",
    K.DEADLINE_8_DAYS: "Husk at booke møde med jobcentret – 8 dage tilbage",
    K.DEADLINE_3_DAYS: "Husk at booke møde med jobcentret – 3 dage tilbage",
}


NOMINAL_DAYS = {K.DEADLINE_8_DAYS: 8, K.DEADLINE_3_DAYS: 3}


def _days_phrase(n: int) -> str:
    if n <= 0:
        return "i dag"
    return "inden 1 dag" if n == 1 else f"inden {n} dage"


def deadline_text(kind: str, channel: str, deadline_date: date, *, days_left: int | None = None) -> Rendered:
    """The seed's text. `days_left` is given when the batch catches up a missed countdown day (R-NT-6):
    "inden 8 dage" then says the true number of days."""
    text = DEADLINE_TEXTS[(kind, channel)].replace("[DATO]", danish_date(deadline_date))
    subject = DEADLINE_SUBJECTS[kind] if channel == Channel.EMAIL else ""
    nominal = NOMINAL_DAYS.get(kind)
    if nominal is not None and days_left is not None and days_left != nominal:
        text = text.replace(f"inden {nominal} dage", _days_phrase(days_left))
        if subject:
            left = (
                "sidste dag" if days_left <= 0 else f"{days_left} dag{'' if days_left == 1 else 'e'} tilbage"
            )
            subject = subject.replace(f"{nominal} dage tilbage", left)
    return Rendered(subject=subject, text=text)


def jobcenter_contact(jobcenter, *, multiline: bool) -> str:
    """How to reach the jobcenter, from its contact details (what it has of them)."""
    if jobcenter is None:
        return ""
    parts = [jobcenter.name]
    if jobcenter.phone:
        parts.append(f"telefon {format_phone(jobcenter.phone)}")
    if jobcenter.email:
        parts.append(f"e-mail {jobcenter.email}")
    if multiline and jobcenter.opening_hours_text:
        parts.append(f"åbningstider: {jobcenter.opening_hours_text}")
    return ("\n" if multiline else ", ").join(parts)


def deadline_contact_text(kind: str, channel: str, deadline_date: date, jobcenter) -> Rendered:
    """R-DL-18: the same occasion, for a citizen who may not self-book now — never "book", always
    "contact your jobcenter" (our words; the seed has texts only for citizens who can book)."""
    when = danish_date(deadline_date)
    lead = (
        f"Du har en frist: din næste samtale med jobcentret skal være aftalt senest den {when}. "
        "Du kan ikke selv booke den på Jobnet lige nu, så kontakt dit jobcenter"
    )
    if channel == Channel.SMS:
        contact = jobcenter_contact(jobcenter, multiline=False)
        return Rendered(subject="", text=f"{lead}{': ' + contact if contact else ''}.\n\n{SMS_SIGNATURE}")
    contact = jobcenter_contact(jobcenter, multiline=True)
    text = f"{lead}.\n\n{contact}\n\n" + EMAIL_FOOTER.format(service="e-mailservice")
    return Rendered(subject="Kontakt dit jobcenter om din næste samtale", text=text)


def deadline_facts(deadline, *, may_book: bool, days_left: int | None = None) -> dict:
    """What a deadline reminder says, as plain JSON values taken when it is queued (see booking_facts):
    the date, the true days left on a catch-up day, and — for a citizen who may not self-book
    (R-DL-18) — the jobcenter's contact details as they were."""
    jobcenter = None
    if not may_book and deadline.jobcenter is not None:
        jc = deadline.jobcenter
        jobcenter = {
            "name": jc.name,
            "phone": jc.phone,
            "email": jc.email,
            "opening_hours_text": jc.opening_hours_text,
        }
    return {
        "deadline_date": deadline.deadline_date.isoformat(),
        "days_left": days_left,
        "may_book": may_book,
        "jobcenter": jobcenter,
    }


def deadline_message(kind: str, channel: str, facts: dict) -> Rendered:
    deadline_date = date.fromisoformat(facts["deadline_date"])
    if facts["may_book"]:
        return deadline_text(kind, channel, deadline_date, days_left=facts["days_left"])
    jobcenter = SimpleNamespace(**facts["jobcenter"]) if facts["jobcenter"] else None
    return deadline_contact_text(kind, channel, deadline_date, jobcenter)


# Booking messages -------------------------------------------------------------------------------


def format_phone(number: str) -> str:
    """ "+4533445566" → "33 44 55 66" for Danish numbers; others in international form."""
    try:
        parsed = phonenumbers.parse(number, "DK")
    except phonenumbers.NumberParseException:
        return number
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if parsed.country_code == 45
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(parsed, fmt)


def when(start: datetime) -> str:
    local = clock.local(start)
    return f"{danish_date(local.date(), weekday=True)} {danish_time(local)}"


def where(facts: dict) -> str:
    """Place or phone arrangement, from the planned conversation's own fields (§ 20 nr. 5–8) as
    `booking_facts` took them."""
    form = facts["form"]
    if form["personal_attendance"]:
        place = ", ".join(p for p in (facts["location"].strip(), facts["address"].strip()) if p)
        return f"Sted: {place}." if place else "Mødet er et personligt fremmøde."
    if form["by_phone"]:
        if facts["who_calls"] == "citizen" and facts["phone_to_call"]:
            return f"Det er et telefonmøde. Du skal ringe til {format_phone(facts['phone_to_call'])}."
        return "Det er et telefonmøde. Jobcentret ringer til dig."
    if form["video"]:
        if facts["video_link"]:
            return f"Det er et videomøde. Du deltager via linket: {facts['video_link']}"
        return "Det er et videomøde."
    return f"Samtaleform: {form['label']}."


# What a change (R-PC-7) is told as, field by field (in the order the citizen reads them).
CHANGED_WHAT = {
    "title": "mødets titel",
    "description": "mødets beskrivelse",
    "contact_form": "samtaleformen",
    "location": "stedet",
    "address": "adressen",
    "video_link": "linket til videomødet",
    "phone_to_call": "telefonnummeret",
    "who_calls": "hvem der ringer op",
    "caseworker": "sagsbehandleren",
    "rebooking_allowed": "muligheden for at ombooke",
    "rebooking_deadline": "fristen for at ombooke",
    "cancellation_allowed": "muligheden for at aflyse",
    "cancellation_deadline": "fristen for at aflyse",
    "akasse_expected": "a-kassens deltagelse",
    "akasse_invited": "a-kassens deltagelse",
}


def changed_words(changed) -> str:
    words = list(dict.fromkeys(CHANGED_WHAT[k] for k in CHANGED_WHAT if k in changed))
    if not words:
        return "oplysningerne om mødet"
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " og " + words[-1]


def booking_facts(booking, *, old_start: datetime | None = None, changed=()) -> dict:
    """What the booking messages say, read from the booking as it is now, as plain JSON values: the
    outbox stores them with each message, so the worker tells what was true when it was queued even
    if the booking has been moved since. Only what the texts and the .ics show — no CPR, no title or
    description."""
    form = booking.contact_form
    changed = [k for k in changed if k in CHANGED_WHAT]
    tell_caseworker = "caseworker" in changed and booking.caseworker_id and booking.caseworker_visible
    return {
        "meeting": booking.conversation_type.label,
        "start": _moment(booking.start),
        "end": _moment(booking.end),
        "old_start": _moment(old_start) if old_start else None,
        "form": {
            "label": form.label,
            "personal_attendance": form.personal_attendance,
            "by_phone": form.by_phone,
            "video": form.video,
        },
        "location": booking.location,
        "address": booking.address,
        "who_calls": booking.who_calls,
        "phone_to_call": booking.phone_to_call,
        "video_link": booking.video_link,
        "jobcenter": booking.jobcenter.name if booking.jobcenter_id else "",
        "booking_number": booking.booking_number,
        "changed": changed,
        "caseworker": booking.caseworker.name if tell_caseworker else "",
    }


def _moment(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def booking_text(
    kind: str, channel: str, booking, *, old_start: datetime | None = None, changed=()
) -> Rendered:
    """The message about `booking` as it is now (previews, tests); the outbox renders its snapshot."""
    return booking_message(kind, channel, booking_facts(booking, old_start=old_start, changed=changed))


def booking_message(kind: str, channel: str, facts: dict) -> Rendered:
    meeting = facts["meeting"].lower()
    at = when(datetime.fromisoformat(facts["start"]))
    place = where(facts)
    changed = facts["changed"]
    if kind == K.BOOKING_SUMMONS:
        subject = "Du er indkaldt til møde med jobcentret"
        lead = f"Du er indkaldt til {meeting} med jobcentret {at}.\n{place}"
    elif kind == K.BOOKING_CONFIRMED:
        subject = "Bekræftelse på din booking"
        lead = f"Du har booket {meeting} med jobcentret {at}.\n{place}"
    elif kind == K.BOOKING_MOVED:
        subject = "Dit møde med jobcentret er flyttet"
        old_start = facts["old_start"]
        before = f" {when(datetime.fromisoformat(old_start))}" if old_start else ""
        lead = f"Dit møde med jobcentret{before} er flyttet.\nDin {meeting} er nu {at}.\n{place}"
    elif kind == K.BOOKING_CHANGED:
        subject = "Dit møde med jobcentret er ændret"
        lead = (
            f"Jobcentret har ændret {changed_words(changed)} for din {meeting} {at}. "
            f"Tidspunktet er det samme.\n{place}"
        )
        if facts["caseworker"]:
            lead += f"\nDu skal tale med {facts['caseworker']}."
    elif kind == K.BOOKING_CANCELLED:
        subject = "Dit møde med jobcentret er aflyst"
        lead = f"Din {meeting} med jobcentret {at} er aflyst."
    elif kind == K.BOOKING_REMINDER:
        subject = "Påmindelse: du har møde med jobcentret i morgen"
        lead = f"Husk din {meeting} med jobcentret i morgen, {at}.\n{place}"
    else:
        raise ValueError(f"ukendt beskedtype {kind!r}")
    if channel == Channel.SMS:
        return Rendered(subject="", text=f"{lead}\nSe mødet på Jobnet.\n\n{SMS_SIGNATURE}")
    calendar = (
        "Vi har vedhæftet en kalenderfil, så mødet kan fjernes fra din kalender."
        if kind == K.BOOKING_CANCELLED
        else "Vi har vedhæftet en kalenderfil, så du kan sætte mødet i din kalender."
    )
    jobcenter = facts["jobcenter"] or "Dit Jobcenter"
    text = (
        f"{lead}\n\n{calendar}\nDu kan se dine møder på Jobnet, www.jobnet.dk.\n\n"
        f"Venlig hilsen\n{jobcenter}\n\n"
        "Det er ikke muligt at svare på denne email, da den er automatisk genereret"
    )
    return Rendered(subject=subject, text=text)
