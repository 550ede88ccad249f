"""What a message says, kept as data until it is sent (issue 15): the request that queues a message
stores a small JSON snapshot of the values its texts need, as they were at that moment; the worker
renders the SMS/e-mail text and the .ics from it just before sending and stores the result on the
message. Everything that shows a message's text before the worker got to it renders it through
`message_content` from the same snapshot — never from the booking or deadline as they are now."""

from __future__ import annotations

from dataclasses import dataclass

from samtale.messaging import texts
from samtale.messaging.models import DEADLINE_KINDS, Channel

#: Bumped if a snapshot's shape changes, so the renderer can still read the rows queued before.
SNAPSHOT_VERSION = 1


@dataclass(frozen=True)
class Content:
    subject: str
    text: str
    attachment: str = ""  # the .ics of a booking e-mail


class RenderError(Exception):
    """A snapshot the texts cannot be made from. Its message names the fault, never a value."""


def booking_snapshot(booking, *, old_start=None, changed=(), sequence: int | None = None, calendar=True):
    """The snapshot of a booking message; `calendar` adds the .ics's UID and SEQUENCE (e-mails only:
    SEQUENCE costs a query)."""
    from samtale.messaging.ics import calendar_facts

    snapshot = {
        "v": SNAPSHOT_VERSION,
        "booking": texts.booking_facts(booking, old_start=old_start, changed=changed),
    }
    if calendar:
        snapshot["calendar"] = calendar_facts(booking, sequence=sequence)
    return snapshot


def deadline_snapshot(deadline, *, may_book: bool, days_left: int | None = None) -> dict:
    return {
        "v": SNAPSHOT_VERSION,
        "deadline": texts.deadline_facts(deadline, may_book=may_book, days_left=days_left),
    }


def render(kind: str, channel: str, snapshot: dict, *, attachment: bool = True) -> Content:
    """The subject, text and (for a booking e-mail, unless `attachment` is false) .ics a snapshot
    says. Raises RenderError."""
    from samtale.messaging.ics import booking_calendar

    try:
        if not isinstance(snapshot, dict) or snapshot.get("v") != SNAPSHOT_VERSION:
            raise ValueError("ukendt version")
        if kind in DEADLINE_KINDS:
            rendered = texts.deadline_message(kind, channel, snapshot["deadline"])
            return Content(rendered.subject, rendered.text)
        facts = snapshot["booking"]
        rendered = texts.booking_message(kind, channel, facts)
        ics = ""
        if channel == Channel.EMAIL and attachment:
            ics = booking_calendar(facts, snapshot["calendar"]).decode()
        return Content(rendered.subject, rendered.text, ics)
    except Exception as exc:  # the renderer reads only the snapshot: any fault is the snapshot's
        raise RenderError(
            f"Beskeden kunne ikke dannes ud fra sit øjebliksbillede ({type(exc).__name__})"
        ) from exc


def message_content(message, *, attachment: bool = True) -> Content:
    """What the message says: as sent (rendered by the worker, or queued pre-rendered before issue 15),
    else rendered now from its snapshot. A snapshot that cannot be rendered shows empty texts here;
    the worker records why."""
    if message.text:
        return Content(message.subject, message.text, message.attachment)
    try:
        return render(message.kind, message.channel, message.snapshot, attachment=attachment)
    except RenderError:
        return Content("", "")


def has_calendar_file(message) -> bool:
    """Whether the message has (or, once rendered, will have) a .ics attached."""
    if message.text:
        return bool(message.attachment)
    return message.channel == Channel.EMAIL and "calendar" in (message.snapshot or {})
