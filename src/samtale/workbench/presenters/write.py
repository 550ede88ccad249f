"""What the workbench's write pages show besides their forms: the free times a caseworker can summon
into, the preview of what the citizen will be told, and the previews of a deadline and of a weekly
schedule. No rules here: a preview runs the real service (or its read-only check) — never a copy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction

from samtale.core import clock, danish
from samtale.messaging.models import Channel, MessageKind

FREE_TIME_DAYS = 28


class _Rollback(Exception):
    pass


def dry_run(service, **kwargs):
    """Run a write service inside a transaction that is always rolled back and return what it made (or
    raise its DomainError). The preview is thus checked by exactly the rules the real write will meet:
    clashes, unusual times, R-PC-2, R-PC-4 … Nothing it wrote (history, report events, outbox) stays."""
    made = None
    try:
        with transaction.atomic():
            made = service(**kwargs)
            raise _Rollback
    except _Rollback:
        pass
    return made


def when(start, end=None) -> str:
    """ "tirsdag 27. juni 2017 kl. 10.00–10.30" (Copenhagen time, R-PC-1)."""
    a = clock.local(start)
    text = f"{danish.WEEKDAYS[a.weekday()]} {danish.danish_date(a.date())} kl. {a:%H.%M}"
    return f"{text}–{clock.local(end):%H.%M}" if end else text


def label_slots(slots) -> list:
    """Give each free time the label its radio button shows."""
    for s in slots:
        room = s.capacity - s.booked
        s.label = f"{when(s.start, s.end)} · {s.offer.title}" + (
            f" ({room} ledige pladser)" if s.capacity > 1 else ""
        )
    return slots


def my_free_slots(actor, citizen, jobcenter, *, days: int = FREE_TIME_DAYS) -> list:
    """The acting caseworker's free times with room in the citizen's jobcenter, the next `days` days."""
    from samtale.scheduling.selectors import caseworker_free_slots

    if jobcenter is None or actor.caseworker is None:
        return []
    today = clock.today()
    return label_slots(
        caseworker_free_slots(
            actor,
            jobcenter=jobcenter,
            caseworker=actor.caseworker,
            date_from=today,
            date_to=today + timedelta(days=days),
        )
    )


@dataclass
class MessagePreview:
    channel: str
    subject: str
    text: str
    sent: bool  # the citizen subscribes to this channel (R-NT-6)


def citizen_messages(kind: str, booking, *, old_start=None) -> list[MessagePreview]:
    """The SMS and the e-mail the citizen gets about `booking`: the outbox's own snapshot of it, rendered
    as the worker will render it."""
    from samtale.messaging import content
    from samtale.messaging.services import subscribed_channels

    subscribed = {channel for channel, _recipient in subscribed_channels(booking.citizen)}
    snapshot = content.booking_snapshot(booking, old_start=old_start, calendar=False)
    out = []
    for channel, name in ((Channel.SMS, "SMS"), (Channel.EMAIL, "E-mail")):
        said = content.render(kind, channel, snapshot, attachment=False)
        out.append(MessagePreview(name, said.subject, said.text, channel in subscribed))
    return out


def outbox_mark(citizen) -> int:
    """The citizen's newest message so far; `told` reports what a write put in the outbox after it."""
    from samtale.messaging.models import Message

    return Message.objects.filter(citizen=citizen).order_by("-id").values_list("id", flat=True).first() or 0


def told(citizen, mark: int, what: str) -> str:
    """The success message: what was done and what the citizen is told — read from the outbox rows the
    write queued (so it is true, whatever messaging decided: R-NT-6 subscriptions, past meetings …)."""
    from samtale.messaging.content import message_content
    from samtale.messaging.models import Message

    queued = list(
        Message.objects.filter(citizen=citizen, id__gt=mark)
        .only("kind", "channel", "snapshot", "subject", "text", "attachment")
        .order_by("id")
    )
    if not queued:
        return f"{what} Borgeren ser det på Min side, men får ingen SMS eller e-mail om det."
    channels = " og ".join(dict.fromkeys("SMS" if m.channel == Channel.SMS else "e-mail" for m in queued))
    first = message_content(queued[0], attachment=False).text.split("\n", 1)[0]
    return f"{what} Borgeren får besked på {channels}: »{first}«"


SUMMONS = MessageKind.BOOKING_SUMMONS
MOVED = MessageKind.BOOKING_MOVED
CANCELLED = MessageKind.BOOKING_CANCELLED


@dataclass
class DeadlinePreview:
    horizon: str
    warnings: list[str]
    fulfilled_by: object = None
    error: object = None


def deadline_preview(citizen, data: dict) -> DeadlinePreview | None:
    """The live preview on "Sæt frist": the horizon (R-DL-9), whether a planned conversation fulfils it
    at once (R-DL-3), the R-DL-12/R-DL-17 warnings or the refusal — from deadlines.services.deadline_assess,
    the check deadline_create itself runs."""
    from samtale.core.errors import DomainError
    from samtale.deadlines import rules
    from samtale.deadlines.services import deadline_assess

    if not data.get("deadline_date"):
        return None
    horizon = danish.danish_date(rules.horizon(data["deadline_date"]))
    try:
        check = deadline_assess(citizen=citizen, **data)
    except DomainError as error:
        return DeadlinePreview(horizon, [], error=error)
    return DeadlinePreview(horizon, check.warnings, fulfilled_by=check.fulfilling_booking)


def schedule_days(times) -> list[tuple[str, list[str]]]:
    """The free times a schedule will make, by day: [("mandag 3. juli 2017", ["09.00–09.30", …]), …]."""
    days: dict[date, list[str]] = {}
    for s in times:
        a, b = clock.local(s.start), clock.local(s.end)
        days.setdefault(a.date(), []).append(f"{a:%H.%M}–{b:%H.%M}")
    return [(f"{danish.WEEKDAYS[d.weekday()]} {danish.danish_date(d)}", t) for d, t in sorted(days.items())]


SKIPPED = {"holiday": "helligdage", "busy": "optaget i kalenderen", "past": "i fortiden"}


def skipped_text(skipped: dict[str, int]) -> str:
    parts = [f"{n} {SKIPPED.get(k, k)}" for k, n in skipped.items() if n]
    return ("Sprunget over: " + ", ".join(parts) + ".") if parts else ""


def follows() -> dict[str, list[str]]:
    """Which codes make which fields apply (R-PC-2), from the code lists' own flags, for the forms'
    progressive enhancement: personal attendance → address; by phone → who calls and the number; video
    → its link;
    types needing the a-kasse's participation → the a-kasse fields; types whose agreement may bind
    the citizen (R-HC-2/3; never for the others, R-HC-5) → the question whether it does."""
    from samtale.codes.models import ContactForm, ConversationType

    forms = list(
        ContactForm.objects.filter(active=True).values_list(
            "code", "personal_attendance", "by_phone", "video"
        )
    )
    types = list(
        ConversationType.objects.filter(active=True).values_list(
            "code", "binding_agreement", "requires_akasse_status"
        )
    )
    return {
        "personal": [code for code, personal, _phone, _video in forms if personal],
        "phone": [code for code, _personal, phone, _video in forms if phone],
        "video": [code for code, _personal, _phone, video in forms if video],
        "akasse": [str(code) for code, _binding, akasse in types if akasse],
        "binding": [str(code) for code, binding, _akasse in types if binding],
    }
