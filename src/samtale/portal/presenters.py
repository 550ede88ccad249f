"""Shaping what the portal shows from what the selectors return: the deadline notice, the lists on
Min side, and the month calendar of Trin 3. No rules here: which times may be booked, the horizon and
the notice texts all come from bookings.selectors and deadlines (selectors and rules)."""

from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samtale.core import clock, danish
from samtale.core.validation import within
from samtale.deadlines import rules as deadline_rules
from samtale.deadlines.selectors import booking_horizon, citizen_notice, deadline_open_for

ACTIVE = "active"


def long_date(day: date) -> str:
    """R-NT-5: "mandag den 10. juli 2017"."""
    return danish.danish_long_date(day)


def short_date(day: date) -> str:
    """R-NT-7: "10. juli 2017"."""
    return danish.danish_date(day)


def family_noun(conversation_type) -> str:
    noun, _title = deadline_rules.FAMILY_NOUNS.get(
        getattr(conversation_type, "family", "") or "", deadline_rules.FAMILY_NOUNS["jobsamtale"]
    )
    return noun


def deadline_notice(citizen, today: date):
    """The one notice on top of Min side (R-NT-1 … R-NT-4), or None."""
    return citizen_notice(citizen, today)


def active_deadline(citizen, today: date):
    """The open deadline the citizen is asked to book against (R-NT-7, R-NT-9): active and not yet
    fulfilled. A deadline that is not activated yet is invisible to the citizen."""
    return deadline_if_active(deadline_open_for(citizen, today))


def deadline_if_active(open_deadline):
    """`active_deadline` of what `deadline_open_for` answered."""
    if open_deadline is None or getattr(open_deadline, "effective", open_deadline.status) != ACTIVE:
        return None
    return open_deadline


@dataclass
class DeadlineInfo:
    """What every step of the booking flow says about the deadline (R-NT-7)."""

    deadline: object
    noun: str
    heading: str
    text: str

    @classmethod
    def of(cls, deadline) -> DeadlineInfo | None:
        if deadline is None:
            return None
        noun = family_noun(deadline.conversation_type)
        when = short_date(deadline.deadline_date)
        return cls(
            deadline=deadline,
            noun=noun,
            heading=_("Book din %(noun)s senest %(date)s") % {"noun": noun, "date": when},
            text=_(
                "Her kan du booke en %(noun)s med en sagsbehandler på dit jobcenter. Fristen for at booke "
                "samtalen er senest %(date)s. Kontakt dit jobcenter, hvis der ikke er flere ledige tider."
            )
            % {"noun": noun, "date": when},
        )


def cutoff_warnings(offer, start: datetime, now: datetime) -> list[str]:
    """What the citizen must know before confirming a time (R-PC-6): that once booked it cannot be
    rebooked or cancelled on the portal, because the offer does not allow it or its cut-off
    (N hours before the meeting) has already passed."""
    from samtale.bookings.rules import cutoff

    warnings = []
    for allowed, hours, verb in (
        (offer.rebooking_allowed, offer.rebooking_cutoff_hours, _("ombooke")),
        (offer.cancellation_allowed, offer.cancellation_cutoff_hours, _("aflyse")),
    ):
        if not allowed:
            warnings.append(
                _("Du kan ikke selv %(verb)s dette møde, når du har booket det. Kontakt dit jobcenter.")
                % {"verb": verb}
            )
            continue
        deadline = cutoff(start, hours)
        if deadline <= now:
            local = clock.local(deadline)
            warnings.append(
                _(
                    "Fristen for at %(verb)s dette møde var %(when)s og er allerede overskredet. Når du "
                    "har booket, kan du ikke selv %(verb)s det – kontakt i så fald dit jobcenter."
                )
                % {"verb": verb, "when": f"{long_date(local.date())} kl. {local:%H.%M}"}
            )
    return warnings


@dataclass
class OwnAbsence:
    absence: object
    action: str | None  # "Fjern" / "Afslut fraværet", or None when the jobcenter registered it


def own_absences(actor, absences, today: date) -> list[OwnAbsence]:
    """Mit fravær: which absences the citizen may take back themselves (those they registered)."""
    out = []
    for a in absences:
        mine = a.registered_by == actor.label and a.absence_type.citizen_may_register
        action = None
        if mine:
            action = _("Fjern fraværet") if a.start_date >= today else _("Afslut fraværet")
        out.append(OwnAbsence(a, action))
    return out


def may_book(citizen, today: date) -> bool:
    """R-DL-18: whether the citizen may self-book at all today (else the portal says to contact the
    jobcenter, never to book)."""
    from samtale.bookings.selectors import may_self_book

    return may_self_book(citizen, today)


def booking_block_reason(citizen, today: date) -> str | None:
    from samtale.bookings.selectors import self_booking_block

    block = self_booking_block(citizen, today)
    return block.message if block else None


def horizon_text(citizen, conversation_type, today: date) -> str | None:
    """R-DL-9 / R-NT-7 on Trin 3: the last day the conversation may take place."""
    horizon = booking_horizon(citizen, conversation_type, today)
    if horizon is None:
        return None
    return _(
        "Samtalen skal være holdt senest %(date)s. Kalenderen viser derfor kun tider frem til denne dag."
    ) % {"date": short_date(horizon)}


def upcoming_bookings(actor, citizen, now: datetime) -> list:
    from samtale.bookings.models import BookingStatus
    from samtale.bookings.selectors import citizen_bookings

    return [b for b in citizen_bookings(actor, citizen, status=BookingStatus.PLANNED) if b.end > now]


def held_conversations(actor, citizen) -> list:
    from samtale.conversations.selectors import citizen_held_conversations

    return citizen_held_conversations(actor, citizen)


def time_range(start: datetime, end: datetime) -> str:
    """ "mandag 10. juli 2017 kl. 10.00–10.30" in Copenhagen time (R-PC-1)."""
    a, b = clock.local(start), clock.local(end)
    return _("%(day)s kl. %(start)s–%(end)s") % {
        "day": f"{danish.WEEKDAYS[a.weekday()]} {short_date(a.date())}",
        "start": a.strftime("%H.%M"),
        "end": b.strftime("%H.%M"),
    }


# --- Trin 3: the month calendar ---------------------------------------------------------------------


@dataclass
class CalendarDay:
    day: date
    in_month: bool
    free: int = 0
    selected: bool = False

    @property
    def iso(self) -> str:
        return self.day.isoformat()

    @property
    def weekday_name(self) -> str:
        return danish.WEEKDAYS[self.day.weekday()]

    @property
    def month_name(self) -> str:
        return danish.MONTHS[self.day.month - 1]

    @property
    def free_text(self) -> str:
        return ngettext("%(n)d ledig tid", "%(n)d ledige tider", self.free) % {"n": self.free}

    @property
    def label(self) -> str:
        """The accessible name of a day button: "mandag 10. juli, 4 ledige tider" (the visible "10."
        plus visually hidden words, so the name contains the visible text — WCAG 2.5.3)."""
        return f"{self.weekday_name} {self.day.day}. {self.month_name}, {self.free_text}"


@dataclass
class MonthCalendar:
    month: date  # the first of the month
    weeks: list[list[CalendarDay]] = field(default_factory=list)
    previous: date | None = None
    next: date | None = None

    @property
    def title(self) -> str:
        return f"{danish.MONTHS[self.month.month - 1].capitalize()} {self.month.year}"

    @property
    def has_free(self) -> bool:
        return any(d.free for w in self.weeks for d in w)


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, n: int) -> date:
    y, m = divmod(day.month - 1 + n, 12)
    return date(day.year + y, m + 1, 1)


def month_calendar(
    month: date, free_by_day: dict[date, int], *, first: date, last: date | None, selected=None
):
    """Weeks Monday–Friday covering `month`; days with free times carry their count. `first`/`last`
    bound the month navigation (today's month … the month of the last free time)."""
    month = month_start(month)
    days_in_month = _calendar.monthrange(month.year, month.month)[1]
    start = month - timedelta(days=month.weekday())
    end = month.replace(day=days_in_month)
    weeks = []
    monday = start
    while monday <= end:
        week = []
        for offset in range(5):
            d = monday + timedelta(days=offset)
            in_month = d.month == month.month
            week.append(
                CalendarDay(d, in_month, free_by_day.get(d, 0) if in_month else 0, selected == d and in_month)
            )
        if any(c.in_month for c in week):
            weeks.append(week)
        monday += timedelta(days=7)
    cal = MonthCalendar(month, weeks)
    if month > month_start(first):
        cal.previous = add_months(month, -1)
    if last is not None and month < month_start(last):
        cal.next = add_months(month, 1)
    return cal


def parse_month(value: str | None) -> date | None:
    """The month asked for, or None (the calendar's first month) when it is not a month or lies
    outside the dates anyone can book (?maaned=9999-12)."""
    try:
        year, month = (int(p) for p in (value or "").split("-")[:2])
        first = date(year, month, 1)
    except (TypeError, ValueError):
        return None
    return first if within(first) else None


def parse_day(value: str | None) -> date | None:
    try:
        day = date.fromisoformat(value or "")
    except (TypeError, ValueError):
        return None
    return day if within(day) else None


def localized_time(moment: datetime) -> str:
    return formats.time_format(clock.local(moment), "H.i")


# Hvem har set mine oplysninger (issue 12, item 5) --------------------------------------------------

ORGANISATION_OF_KIND = {"admin": "Driften af Samtale", "dfdg": "Styrelsen (DFDG)"}


@dataclass
class Access:
    at: datetime
    organisation: str
    purpose: str
    who: str | None


def access_log(citizen, limit: int = 200) -> list[Access]:
    """Who at the jobcenter (or an integration) looked at or changed the citizen's data, newest
    first: when, which organisation and why. A caseworker's name only when the citizen may see it
    anyway (a caseworker shown on one of the citizen's conversations); otherwise the jobcenter."""
    from samtale.bookings.models import Booking
    from samtale.core.models import AuditRecord
    from samtale.organisations.models import Caseworker

    rows = list(AuditRecord.objects.filter(citizen=citizen).order_by("-at", "-pk")[:limit])
    idents = {r.actor for r in rows if r.actor_kind == "caseworker"}
    caseworkers = {
        c.ident: c for c in Caseworker.objects.filter(ident__in=idents).prefetch_related("jobcenters")
    }
    visible = set(
        Booking.objects.filter(
            citizen=citizen, caseworker_visible=True, caseworker__isnull=False
        ).values_list("caseworker__ident", flat=True)
    )
    own_jobcenters = set(citizen.jobcenter_periods.values_list("jobcenter_id", flat=True))
    out = []
    for r in rows:
        who = None
        if r.actor_kind == "caseworker":
            cw = caseworkers.get(r.actor)
            jobcenters = list(cw.jobcenters.all()) if cw else []
            mine = [j for j in jobcenters if j.pk in own_jobcenters] or jobcenters
            organisation = mine[0].name if mine else "Jobcentret"
            who = cw.name if cw and r.actor in visible else None
        elif r.actor_kind == "akasse":
            organisation = citizen.akasse.name if citizen.akasse_id else "Din a-kasse"
        else:
            organisation = ORGANISATION_OF_KIND.get(r.actor_kind, "Jobcentret")
        out.append(
            Access(at=clock.local(r.at), organisation=organisation, purpose=r.purpose or r.action, who=who)
        )
    return out
