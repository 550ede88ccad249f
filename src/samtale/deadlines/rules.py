"""The deadline lifecycle as data (ARCHITECTURE.md "Transitions as data") and what the citizen is told
(SPEC.md § 6). Pure: no ORM, no clock — dates come in as arguments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from samtale.core.danish import danish_long_date

NOT_ACTIVATED = "not_activated"
ACTIVE = "active"
FULFILLED = "fulfilled"
CLOSED_OVERDUE = "closed_overdue"
CLOSED_FULFILLED = "closed_fulfilled"
CLOSED_ADMIN = "closed_admin"

STATUSES = [NOT_ACTIVATED, ACTIVE, FULFILLED, CLOSED_OVERDUE, CLOSED_FULFILLED, CLOSED_ADMIN]
OPEN = frozenset({NOT_ACTIVATED, ACTIVE, FULFILLED})
#: Statuses that exist for a moment only and are followed at once by closed_admin (SPEC.md § 3.5).
MOMENTARY = frozenset({CLOSED_OVERDUE, CLOSED_FULFILLED})

# Events (issue 4 § 2). Each has a Danish label for the history and the diagram.
CREATED = "created"
ACTIVATION_DATE_REACHED = "activation_date_reached"
FULFILLING_BOOKING_MADE = "fulfilling_booking_made"
SUMMONS_MADE = "summons_made"
FULFILLING_BOOKING_CANCELLED = "fulfilling_booking_cancelled"
MEETING_DATE_REACHED = "meeting_date_reached"
DEADLINE_DATE_PASSED = "deadline_date_passed"
CLOSED_AT_ONCE = "closed_at_once"
SUPERSEDED = "superseded"
CONTACT_GROUP_DISALLOWS = "contact_group_disallows"
JOBCENTER_CHANGED = "jobcenter_changed"
NINETY_DAYS_PASSED = "ninety_days_passed"
CLOSING_ABSENCE = "closing_absence"
CLOSED_BY_CASEWORKER = "closed_by_caseworker"

EVENT_LABELS = {
    CREATED: "oprettet",
    ACTIVATION_DATE_REACHED: "aktiveringsdato nået (R-DL-7)",
    FULFILLING_BOOKING_MADE: "indfriende samtale booket (R-DL-4, R-DL-8)",
    SUMMONS_MADE: "indkaldt af jobcentret (R-DL-4)",
    FULFILLING_BOOKING_CANCELLED: "indfriende samtale aflyst",
    MEETING_DATE_REACHED: "mødedato nået (R-DL-5)",
    DEADLINE_DATE_PASSED: "fristdato overskredet (R-DL-6)",
    CLOSED_AT_ONCE: "lukket administrativt med det samme",
    SUPERSEDED: "erstattet af ny frist (R-DL-1)",
    CONTACT_GROUP_DISALLOWS: "kontaktgruppen tillader ikke samtaletypen (R-DL-10)",
    JOBCENTER_CHANGED: "skift af jobcenter (R-DL-10)",
    NINETY_DAYS_PASSED: "mere end 90 dage siden oprettelse (R-DL-10)",
    CLOSING_ABSENCE: "fravær 56, 57 eller 75 registreret (R-DL-16)",
    CLOSED_BY_CASEWORKER: "lukket af sagsbehandler",
}
EVENTS = list(EVENT_LABELS)

#: Events that close any open deadline administratively.
_ADMIN_CLOSES = [
    SUPERSEDED,
    CONTACT_GROUP_DISALLOWS,
    JOBCENTER_CHANGED,
    NINETY_DAYS_PASSED,
    CLOSING_ABSENCE,
    CLOSED_BY_CASEWORKER,
]

#: THE transition table: (status before, event) -> status after. None = the deadline does not exist yet.
#: Every pair not in it is refused.
TRANSITIONS: dict[tuple[str | None, str], str] = {
    (None, CREATED): NOT_ACTIVATED,
    (NOT_ACTIVATED, ACTIVATION_DATE_REACHED): ACTIVE,
    (NOT_ACTIVATED, FULFILLING_BOOKING_MADE): FULFILLED,
    (NOT_ACTIVATED, SUMMONS_MADE): FULFILLED,
    (ACTIVE, FULFILLING_BOOKING_MADE): FULFILLED,
    (ACTIVE, SUMMONS_MADE): FULFILLED,
    # Our decision (docs/deadline-states.md): a cancelled fulfilling conversation re-opens the deadline;
    # if its date has already passed, the next batch closes it as overdue.
    (FULFILLED, FULFILLING_BOOKING_CANCELLED): ACTIVE,
    (FULFILLED, MEETING_DATE_REACHED): CLOSED_FULFILLED,
    (ACTIVE, DEADLINE_DATE_PASSED): CLOSED_OVERDUE,
    (CLOSED_OVERDUE, CLOSED_AT_ONCE): CLOSED_ADMIN,
    (CLOSED_FULFILLED, CLOSED_AT_ONCE): CLOSED_ADMIN,
    **{
        (status, event): CLOSED_ADMIN
        for status in (NOT_ACTIVATED, ACTIVE, FULFILLED)
        for event in _ADMIN_CLOSES
    },
}


class TransitionRefused(Exception):
    def __init__(self, status: str | None, event: str):
        super().__init__(f"{event} er ikke tilladt for en frist med status {status}")
        self.status = status
        self.event = event


def next_status(status: str | None, event: str) -> str:
    """The status after `event`, or TransitionRefused."""
    try:
        return TRANSITIONS[(status, event)]
    except KeyError:
        raise TransitionRefused(status, event) from None


def allowed(status: str | None, event: str) -> bool:
    return (status, event) in TRANSITIONS


NINETY_DAYS = 90


def expires_on(created_on: date) -> date:
    """The first day on which *more than* 90 days have passed since creation (R-DL-10)."""
    return created_on + timedelta(days=NINETY_DAYS + 1)


def overdue_on(deadline_date: date) -> date:
    """The day after the deadline date (R-DL-6)."""
    return deadline_date + timedelta(days=1)


@dataclass(frozen=True)
class Step:
    event: str
    day: date
    old: str
    new: str


def _next_timed(status, activation_date, deadline_date, meeting_date, expires) -> tuple[str, date] | None:
    """The earliest date-driven event for an open status; on the same day the specific event wins over
    the 90-day close. The batch's SQL conditions (jobs.py) are these same comparisons."""
    if status == NOT_ACTIVATED:
        return (
            (ACTIVATION_DATE_REACHED, activation_date)
            if activation_date <= expires
            else (NINETY_DAYS_PASSED, expires)
        )
    if status == ACTIVE:
        due = overdue_on(deadline_date)
        return (DEADLINE_DATE_PASSED, due) if due <= expires else (NINETY_DAYS_PASSED, expires)
    if status == FULFILLED:
        return (
            (MEETING_DATE_REACHED, meeting_date) if meeting_date <= expires else (NINETY_DAYS_PASSED, expires)
        )
    return None


def due_steps(
    status: str,
    *,
    activation_date: date,
    deadline_date: date,
    meeting_date: date | None,
    expires: date,
    day: date,
    since: date | None = None,
) -> list[Step]:
    """The transitions the daily batch owes a deadline up to and including `day`, in date order
    (R-DL-5, R-DL-6, R-DL-7, R-DL-10, R-DL-13). Empty when nothing is due. A step is dated on the day it
    fell due, but never before `since`, the day the current status was entered (a deadline re-opened on
    the 25th after its date passed on the 23rd closes as overdue on the 25th)."""
    steps: list[Step] = []
    while True:
        if status in MOMENTARY:
            new = next_status(status, CLOSED_AT_ONCE)
            steps.append(Step(CLOSED_AT_ONCE, steps[-1].day if steps else day, status, new))
            status = new
            continue
        timed = _next_timed(status, activation_date, deadline_date, meeting_date, expires)
        if timed is None or timed[1] > day:
            return steps
        event, when = timed
        if since is not None and when < since:
            when = since
        new = next_status(status, event)
        steps.append(Step(event, when, status, new))
        status = new


def effective_status(
    status: str,
    *,
    activation_date: date,
    deadline_date: date,
    meeting_date: date | None,
    expires: date,
    day: date,
    since: date | None = None,
) -> str:
    steps = due_steps(
        status,
        activation_date=activation_date,
        deadline_date=deadline_date,
        meeting_date=meeting_date,
        expires=expires,
        day=day,
        since=since,
    )
    return steps[-1].new if steps else status


def horizon(deadline_date: date) -> date:
    """The last date a conversation of the deadline's family may take place (R-DL-9)."""
    return deadline_date + timedelta(days=7)


# --- What the citizen is told (SPEC.md § 6) ---------------------------------------------------------

FAMILY_NOUNS = {
    "jobsamtale": ("jobsamtale", "Jobsamtale"),
    "opfoelgning": ("opfølgningssamtale", "Opfølgningssamtale"),
}


@dataclass(frozen=True)
class Notice:
    rule: str
    heading: str
    text: str
    link_text: str | None
    days_left: int
    red_heading: bool = False
    all_red: bool = False

    def as_dict(self) -> dict:
        return {
            "rule": self.rule,
            "heading": self.heading,
            "text": self.text,
            "link_text": self.link_text,
            "days_left": self.days_left,
            "red_heading": self.red_heading,
            "all_red": self.all_red,
        }


def notice_for(deadline, today: date, *, may_book: bool = True) -> Notice | None:
    """The one notification on Min side for an active, unbooked deadline (R-NT-1 … R-NT-5); None for
    not_activated, fulfilled and closed deadlines and once the deadline date has passed. Reads only
    plain attributes of `deadline` (status, dates, conversation_type.family), so the status is the
    effective one for `today` whether or not the batch has run. A citizen who may not self-book now
    (`may_book` False: an absence that takes self-booking away) is never told to book: the notice
    says to contact the jobcenter instead (R-DL-18)."""
    if deadline is None:
        return None
    status = effective_status(
        deadline.status,
        activation_date=deadline.activation_date,
        deadline_date=deadline.deadline_date,
        meeting_date=deadline.meeting_date,
        expires=deadline.expires_on,
        day=today,
        since=getattr(deadline, "status_since", None),
    )
    if status != ACTIVE:
        return None
    n = (deadline.deadline_date - today).days
    if n < 0:
        return None
    noun, title = FAMILY_NOUNS.get(deadline.conversation_type.family, FAMILY_NOUNS["jobsamtale"])
    when = danish_long_date(deadline.deadline_date)
    link = f"Book {title} med dit jobcenter"
    if not may_book:
        return Notice(
            "R-DL-18",
            "Kontakt dit jobcenter",
            f"Du har en frist for din næste {noun} senest {when}, men du kan ikke selv booke den lige nu. "
            "Kontakt dit jobcenter for at få en tid.",
            None,
            n,
            red_heading=n <= 3,
            all_red=n == 0,
        )
    if n > 8:
        return Notice(
            "R-NT-1",
            "Ny frist",
            f"Du har fået en frist for, hvornår du senest skal booke den næste {noun}. "
            f"Fristen for at booke samtalen er senest {when}.",
            link,
            n,
        )
    days = "1 dag" if n == 1 else f"{n} dage"
    if n >= 4:
        return Notice(
            "R-NT-2",
            "Husk at booke møde",
            f"Der er kun {days} til {when}, hvor du senest skal booke din næste {noun}. "
            "Skynd dig at booke en tid til samtalen.",
            link,
            n,
        )
    if n >= 1:
        return Notice(
            "R-NT-3",
            "! Husk at booke møde",
            f"Der er kun {days} til {when}, hvor din næste {noun} skal være booket. "
            "Skynd dig at booke en tid til samtalen.",
            link,
            n,
            red_heading=True,
        )
    return Notice(
        "R-NT-4",
        "Sidste frist i dag",
        f"Din næste {noun} skal være booket i dag, {when}.",
        link,
        0,
        red_heading=True,
        all_red=True,
    )


# --- The diagram (docs/deadline-states.md is generated from TRANSITIONS) -----------------------------


def mermaid() -> str:
    lines = ["stateDiagram-v2"]
    for (old, event), new in TRANSITIONS.items():
        lines.append(f"    {old or '[*]'} --> {new}: {event}")
    lines.append("    closed_admin --> [*]")
    return "\n".join(lines)


def states_markdown() -> str:
    rows = "\n".join(
        f"| {old or '–'} | `{event}` — {EVENT_LABELS[event]} | {new} |"
        for (old, event), new in TRANSITIONS.items()
    )
    return STATES_TEMPLATE.replace("{mermaid}", mermaid()).replace("{rows}", rows)


STATES_TEMPLATE = """# Deadline states (frister)

Generated from `samtale.deadlines.rules.TRANSITIONS` by `samtale deadline_states`; a test fails when this
file is stale. Do not edit by hand.

```mermaid
{mermaid}
```

## Transitions

| from | event | to |
|---|---|---|
{rows}

Every pair not listed is refused. `closed_overdue` and `closed_fulfilled` are momentary: the same service
call (or batch chunk) that enters them applies `closed_at_once`, and both rows are in the history and the
report feed (SPEC.md § 3.5, R-DL-14).

## Decisions

- **Creation** always enters `not_activated`; when the activation date is today (or earlier), the same
  call applies `activation_date_reached`, and when a fulfilling planned conversation already exists,
  `fulfilling_booking_made` / `summons_made` (R-DL-3) — so the history shows how the status came about.
- **A cancelled fulfilling conversation** sets a `fulfilled` deadline back to `active` (another
  fulfilling planned conversation of the same family, if any, fulfils it again at once). If the deadline
  date has passed, the next batch closes it as overdue (R-DL-6).
- **Moving or rebooking** the fulfilling conversation keeps the status and moves the meeting date the
  batch closes it on (R-DL-5).
- **Held or no-show** does not change the status: the meeting date closes it (R-DL-5, "whether or not the
  citizen turned up").
- **Dating**: a transition is dated on the day it fell due (activation date, meeting date, deadline date
  + 1, creation + 91), but never before the day the current status began — a deadline re-opened on the
  25th whose date passed on the 23rd closes as overdue on the 25th.
- **The daily batch** (`samtale daily`, `deadlines/jobs.py`) applies the date-driven rows of this table
  set-based: per kind and chunk one transaction that locks the due rows, writes their history rows and
  report events with INSERT … SELECT and moves them with one UPDATE; it continues from the day after the
  last completed run, day by day (R-DL-13). It does not call `STATUS_CHANGED` per row (that would be one
  Python call per deadline); `DAILY_STEPS` run after each day's transitions and read that day's history
  rows. Every event-driven service first makes due transitions durable the same way (`_catch_up`), so
  an event never acts on an outdated status, and the selectors compute the effective status for any
  date, so reads never depend on the batch having run.
- **90 days** (R-DL-10): "more than 90 days" — the first closing day is creation + 91. On the same day a
  specific event (activation, meeting date, deadline passed) wins over the 90-day close.
"""
