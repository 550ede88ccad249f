"""Reads of deadlines. The status read is always the effective one for the day asked about, so a read
never depends on the daily batch having run (the batch only makes it durable and reported)."""

from __future__ import annotations

from datetime import date

from samtale.core.actors import Actor
from samtale.core.errors import NotFound
from samtale.deadlines import rules
from samtale.deadlines.models import OPEN_STATUSES, Deadline


def effective_status(deadline: Deadline, day: date) -> str:
    return rules.effective_status(
        deadline.status,
        activation_date=deadline.activation_date,
        deadline_date=deadline.deadline_date,
        meeting_date=deadline.meeting_date,
        expires=deadline.expires_on,
        day=day,
        since=deadline.status_since,
    )


def deadline_open_for(citizen, today: date) -> Deadline | None:
    """The citizen's open deadline (not_activated / active / fulfilled) as it stands on `today`, or None.
    The returned object carries `effective` (its status on `today`)."""
    deadline = (
        Deadline.objects.filter(citizen=citizen, status__in=OPEN_STATUSES)
        .select_related("conversation_type", "jobcenter", "fulfilled_by")
        .first()
    )
    return open_on(deadline, today)


def open_on(deadline: Deadline | None, today: date) -> Deadline | None:
    """`deadline` (a citizen's deadline in an open status, as stored, or None) if it is still open
    on `today`, carrying `effective`; else None. For readers that fetched the row themselves."""
    if deadline is None:
        return None
    deadline.effective = effective_status(deadline, today)
    return deadline if deadline.effective in rules.OPEN else None


def citizen_notice(citizen, day: date):
    """What Min side shows on `day` (R-NT-1 … R-NT-4); a citizen who may not self-book that day is
    told to contact the jobcenter instead of to book (R-DL-18)."""
    deadline = deadline_open_for(citizen, day)
    if deadline is None:
        return None
    from samtale.bookings.selectors import may_self_book

    return rules.notice_for(deadline, day, may_book=may_self_book(citizen, day))


def booking_horizon(citizen, conversation_type, today: date) -> date | None:
    """R-DL-9: the last date a conversation of `conversation_type`'s family may take place — deadline
    date + 7 — while the citizen has an open deadline of that family (also while not_activated).
    None when there is no limit."""
    family = getattr(conversation_type, "family", "")
    if not family:
        return None
    deadline = deadline_open_for(citizen, today)
    if deadline is None or deadline.conversation_type.family != family:
        return None
    return rules.horizon(deadline.deadline_date)


def citizen_deadlines(actor: Actor, citizen) -> list[Deadline]:
    """All of a citizen's deadlines, newest first, with their history. The caller has scoped the
    citizen (citizens.selectors.citizen_get)."""
    return list(
        Deadline.objects.filter(citizen=citizen)
        .select_related("conversation_type", "jobcenter", "caseworker", "fulfilled_by")
        .prefetch_related("history")
        .order_by("-created_at", "-id")
    )


def deadline_get(actor: Actor, public_id) -> Deadline:
    """One deadline, scoped through its citizen; NotFound when unknown or outside the actor's reach."""
    from samtale.citizens.selectors import citizen_get

    deadline = Deadline.objects.select_related("citizen").filter(public_id=public_id).first()
    try:
        if deadline is None:
            raise NotFound()
        citizen_get(actor, deadline.citizen.public_id, purpose="frist")
    except NotFound:
        raise NotFound("Fristen findes ikke.", code="deadline_not_found") from None
    return deadline


def deadlines_closing_unbooked(actor: Actor, today: date, *, days: int = 3) -> list[Deadline]:
    """Open deadlines of the actor's citizens that fall within `days` days from today (today
    included) and have nothing booked that fulfils them: the citizen must book now or be summoned."""
    from datetime import timedelta

    from samtale.citizens.selectors import citizens_visible_to

    rows = (
        Deadline.objects.filter(
            citizen__in=citizens_visible_to(actor).values("pk"),
            status__in=OPEN_STATUSES,
            fulfilled_by__isnull=True,
            activation_date__lte=today,
            deadline_date__gte=today,
            deadline_date__lte=today + timedelta(days=days),
        )
        .select_related("citizen", "conversation_type")
        .order_by("deadline_date", "id")
    )
    result = []
    for deadline in rows:
        deadline.effective = effective_status(deadline, today)
        if deadline.effective == "active":
            result.append(deadline)
    return result
