"""Pure rules of the outbox: which status may follow which (updates only move forward), the retry
back-off, which deadline reminder a day calls for. No ORM, no clock."""

from __future__ import annotations

from datetime import date

from samtale.messaging.models import MessageKind, MessageStatus

S = MessageStatus

# new status -> the statuses it may replace. Anything else is a late or stale update and is ignored:
# a late "sent" never undoes "delivered", a worker whose lease ran out never overwrites the outcome of
# the worker that took over, a cancelled or dead message stays so (except for the provider's own word
# that it was delivered after all).
PREDECESSORS: dict[str, frozenset[str]] = {
    S.SENDING: frozenset({S.QUEUED, S.FAILED, S.SENDING}),
    S.SENT: frozenset({S.SENDING, S.FAILED}),
    S.DELIVERED: frozenset({S.SENDING, S.SENT, S.FAILED, S.DEAD}),
    S.FAILED: frozenset({S.SENDING}),
    S.DEAD: frozenset({S.SENDING, S.SENT, S.FAILED}),
    S.CANCELLED: frozenset({S.QUEUED, S.FAILED, S.SENDING}),
}
FINAL = frozenset({S.DELIVERED, S.DEAD, S.CANCELLED})


def may_move(old: str, new: str) -> bool:
    return old in PREDECESSORS.get(new, frozenset())


def backoff_seconds(attempt: int, *, base: float, cap: float) -> float:
    """Exponential back-off after the `attempt`-th failed attempt (1-based): base, 2·base, 4·base …,
    never more than cap."""
    return min(cap, base * (2 ** max(0, attempt - 1)))


# Days before the deadline date on which R-NT-6 sends a reminder (seed 004 § 2.3.2 and § 2.3.3).
REMINDER_DAYS = {8: MessageKind.DEADLINE_8_DAYS, 3: MessageKind.DEADLINE_3_DAYS}


def deadline_reminder_due(deadline_date: date, day: date) -> str | None:
    """The reminder kind due on `day` for a deadline on `deadline_date`, or None."""
    return REMINDER_DAYS.get((deadline_date - day).days)


def catch_up_reminder(kind: str, deadline_date: date, today: date) -> tuple[int, str | None]:
    """R-NT-6 when the batch catches up: a countdown reminder whose day was missed goes out today with
    the true number of days left — unless a later countdown is due today as well (the 8-day reminder
    when only 3 or fewer days are left) or the deadline date has passed. Returns (days left, why it is
    skipped or None)."""
    left = (deadline_date - today).days
    if left < 0:
        return left, "fristdatoen er passeret"
    nominal = next(days for days, k in REMINDER_DAYS.items() if k == kind)
    later = [days for days in REMINDER_DAYS if days < nominal and left <= days]
    if later:
        return left, f"{max(later)}-dagespåmindelsen er også forfalden i dag"
    return left, None
