"""The Kalender page: which calendar (mine, a colleague's or a jobcenter's), which period (a day or
a Monday–Friday week), and the planned conversations and free times laid out by day. What is in the
calendar comes from scheduling.selectors.calendar, which scopes it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from samtale.core import clock, danish
from samtale.workbench.presenters.navigation import url_if_exists

DAY, WEEK = "dag", "uge"


@dataclass(frozen=True)
class CalendarQuery:
    """The calendar asked for by ?dag=&visning=&sagsbehandler= or &jobcenter= (bad values fall back
    to today, the week, and my own calendar)."""

    day: date
    view: str
    caseworker: str = ""
    jobcenter: str = ""

    @classmethod
    def parse(cls, params, today: date) -> CalendarQuery:
        try:
            day = date.fromisoformat(params.get("dag", ""))
        except ValueError:
            day = today
        view = params.get("visning") if params.get("visning") in (DAY, WEEK) else WEEK
        return cls(day, view, params.get("sagsbehandler", "").strip(), params.get("jobcenter", "").strip())

    @property
    def first(self) -> date:
        return self.day if self.view == DAY else self.day - timedelta(days=self.day.weekday())

    @property
    def last(self) -> date:
        return self.day if self.view == DAY else self.first + timedelta(days=4)

    def params(self, **override) -> dict:
        base = {"dag": self.day.isoformat(), "visning": self.view}
        if self.jobcenter:
            base["jobcenter"] = self.jobcenter
        elif self.caseworker:
            base["sagsbehandler"] = self.caseworker
        base.update(override)
        return base

    def step(self, direction: int) -> dict:
        delta = timedelta(days=1 if self.view == DAY else 7) * direction
        day = self.day + delta
        if self.view == DAY:  # a day view skips the weekend: no conversations are held then
            while day.weekday() >= 5:
                day += timedelta(days=direction)
        return self.params(dag=day.isoformat())


@dataclass
class CalendarItem:
    start: datetime
    end: datetime
    kind: str  # "booking" or "slot"
    title: str
    detail: str
    caseworker: str
    url: str | None = None
    free: int = 0
    capacity: int = 0
    booked: int = 0

    @property
    def time(self) -> str:
        return f"{clock.local(self.start):%H.%M}–{clock.local(self.end):%H.%M}"


@dataclass
class CalendarDay:
    day: date
    label: str
    is_today: bool
    items: list[CalendarItem] = field(default_factory=list)

    @property
    def bookings(self) -> int:
        return sum(1 for i in self.items if i.kind == "booking")

    @property
    def free(self) -> int:
        return sum(i.free for i in self.items if i.kind == "slot")


def day_label(day: date) -> str:
    """ "Mandag 10. juli": short enough for a column of the week."""
    return f"{danish.WEEKDAYS[day.weekday()].capitalize()} {day.day}. {danish.MONTHS[day.month - 1]}"


def lay_out(data: dict, first: date, last: date, today: date) -> list[CalendarDay]:
    days = {}
    d = first
    while d <= last:
        if d.weekday() < 5 or first == last:
            days[d] = CalendarDay(d, day_label(d), d == today)
        d += timedelta(days=1)
    for b in data["bookings"]:
        day = days.get(clock.local_date(b.start))
        if day is not None:
            day.items.append(
                CalendarItem(
                    b.start,
                    b.end,
                    "booking",
                    b.citizen.name,
                    f"{b.conversation_type.label} · {b.contact_form.label}",
                    b.caseworker.name if b.caseworker else "",
                    url_if_exists("workbench:booking", b.public_id),
                )
            )
    for s in data["slots"]:
        day = days.get(clock.local_date(s.start))
        if day is not None:
            withdrawn = s.status != "published"
            day.items.append(
                CalendarItem(
                    s.start,
                    s.end,
                    "slot",
                    "Trukket tilbage" if withdrawn else ("Ledig tid" if s.free else "Fuldt booket"),
                    s.offer.title,
                    s.caseworker.name,
                    url_if_exists("workbench:offer", s.offer.public_id),
                    free=0 if withdrawn else s.free,
                    capacity=s.capacity,
                    booked=s.booked,
                )
            )
    for day in days.values():
        day.items.sort(key=lambda i: (i.start, i.kind != "booking"))
    return list(days.values())


def period_label(query: CalendarQuery) -> str:
    if query.view == DAY:
        return danish.danish_long_date(query.day).capitalize()
    week = query.first.isocalendar().week
    return f"Uge {week}: {danish.danish_date(query.first)} – {danish.danish_date(query.last)}"
