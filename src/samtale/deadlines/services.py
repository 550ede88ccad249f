"""Writes for deadlines. One function, `_apply`, walks the transition table (rules.TRANSITIONS) and
writes the history row and the report event for every status change (R-DL-14); every other function
here decides *which* event happened and calls it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from samtale.citizens.models import Absence, Citizen
from samtale.citizens.selectors import contact_group_on, jobcenter_on
from samtale.codes.models import ConversationType
from samtale.codes.selectors import get_code
from samtale.core import audit, clock
from samtale.core.actors import Actor
from samtale.core.danish import danish_date
from samtale.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from samtale.core.validation import check_event_times
from samtale.deadlines import rules
from samtale.deadlines.models import OPEN_STATUSES, Deadline, DeadlineChange
from samtale.reporting.services import report

#: Hooks called in the transaction for every transition: hook(deadline=..., old=..., new=..., today=...)
#: (old=None on creation). Messaging appends here.
STATUS_CHANGED: list = []

REPORT_KIND = "deadline.status_changed"
DEREGISTRATION_KIND = "deadline.deregistration_due"
MIN_DAYS = 8  # R-DL-17


def report_payload(deadline: Deadline, *, old: str | None, new: str, event: str, day: date) -> dict:
    return {
        "deadline": str(deadline.public_id),
        "conversation_type": deadline.conversation_type.code,
        "deadline_date": deadline.deadline_date.isoformat(),
        "activation_date": deadline.activation_date.isoformat(),
        "jobcenter": deadline.jobcenter.code,
        "old": old,
        "new": new,
        "event": event,
        "day": day.isoformat(),
    }


def _apply(
    deadline: Deadline, event: str, *, actor: Actor, day: date, detail: dict | None = None
) -> Deadline:
    """Apply one event from the transition table (TransitionRefused if the pair is not in it), save,
    write history + report event, run STATUS_CHANGED; then close a momentary status at once."""
    old = deadline.status if deadline.pk else None
    new = rules.next_status(old, event)
    deadline.status = new
    deadline.status_since = day
    if new == rules.CLOSED_ADMIN:
        deadline.closed_on = day
    if new == rules.ACTIVE:
        deadline.fulfilled_by = None
        deadline.meeting_date = None
    deadline.save()
    DeadlineChange.objects.create(
        deadline=deadline,
        at=clock.now(),
        day=day,
        event=event,
        old_status=old or "",
        new_status=new,
        actor=actor.label,
        detail=detail or {},
    )
    report(
        REPORT_KIND,
        citizen=deadline.citizen,
        payload=report_payload(deadline, old=old, new=new, event=event, day=day),
    )
    for hook in STATUS_CHANGED:
        hook(deadline=deadline, old=old, new=new, today=day)
    if new in rules.MOMENTARY:
        _apply(deadline, rules.CLOSED_AT_ONCE, actor=actor, day=day)
    return deadline


def _catch_up(deadline: Deadline, *, today: date, actor: Actor | None = None) -> Deadline:
    """Make durable what the daily batch owes this deadline up to today (same rules, same history),
    so an event never acts on a status that is already out of date."""
    actor = actor or Actor.system("batch")
    for step in rules.due_steps(
        deadline.status,
        activation_date=deadline.activation_date,
        deadline_date=deadline.deadline_date,
        meeting_date=deadline.meeting_date,
        expires=deadline.expires_on,
        day=today,
        since=deadline.status_since,
    ):
        if step.event == rules.CLOSED_AT_ONCE:
            continue  # _apply closes momentary statuses itself
        _apply(deadline, step.event, actor=actor, day=step.day)
        if step.event == rules.DEADLINE_DATE_PASSED:
            _deregistration_due(deadline, step.day)
    return deadline


def _deregistration_due(deadline: Deadline, overdue_day: date) -> None:
    """R-DL-15 [I-3]: contact group 1 — an overdue deadline also emits "deregistration due", with effect
    from the day after the deadline date, for the jobcenter to act on."""
    if deadline.self_booking_obligatory:
        report(
            DEREGISTRATION_KIND,
            citizen=deadline.citizen,
            payload={"deadline": str(deadline.public_id), "effective_from": overdue_day.isoformat()},
        )


def _open_deadline(citizen: Citizen, today: date) -> Deadline | None:
    deadline = (
        Deadline.objects.filter(citizen=citizen, status__in=OPEN_STATUSES)
        .select_related("conversation_type", "jobcenter", "citizen")
        .first()
    )
    if deadline is None:
        return None
    _catch_up(deadline, today=today)
    return deadline if deadline.status in rules.OPEN else None


def fulfils(booking, conversation_type: ConversationType) -> bool:
    """A planned conversation fulfils a deadline of `conversation_type` when it is of the same family
    (Jobsamtale incl. med a-kasse, or Opfølgningssamtale) and either a summons or a self-booking of an
    offer that fulfils deadlines ("Book … med frist"), not "Book møde med jobcentret" (R-DL-4)."""
    family = conversation_type.family
    if not family or booking.status != "planned" or booking.conversation_type.family != family:
        return False
    return booking.offer_id is None or booking.offer.fulfils_deadline


def _fulfilling_bookings(citizen: Citizen, conversation_type: ConversationType, now):
    from samtale.bookings.models import Booking

    candidates = (
        # Only conversations still to come: one whose time has passed but that is not yet registered
        # held/no-show does not fulfil a new deadline (seed 004 Bilag 1, S-5: "ny frist → Aktiv frist").
        Booking.objects.filter(citizen=citizen, status="planned", start__gt=now)
        .select_related("conversation_type", "offer")
        .order_by("start", "id")
    )
    return [b for b in candidates if fulfils(b, conversation_type)]


def _check_scope(actor: Actor, citizen: Citizen, today: date) -> None:
    if actor.kind == "citizen":
        raise Forbidden("Kun jobcentret kan oprette og lukke frister.", code="deadline_caseworker_only")
    if actor.kind == "caseworker":
        current = jobcenter_on(citizen, today)
        if current is None or current.pk not in actor.jobcenter_ids:
            raise NotFound("Borgeren findes ikke.", code="citizen_not_found")


def _conversation_type(value) -> ConversationType:
    if isinstance(value, ConversationType):
        return value
    return get_code(ConversationType, value, field="conversation_type")


@dataclass
class Assessment:
    """What setting a deadline would do, before it is set: the horizon (R-DL-9), the planned
    conversation that would fulfil it at once (R-DL-3) and the caseworker's warnings (R-DL-12, R-DL-17)."""

    conversation_type: ConversationType
    activation_date: date
    horizon: date
    fulfilling_booking: object = None
    warnings: list[str] = field(default_factory=list)


def deadline_assess(
    *, citizen: Citizen, conversation_type, deadline_date: date | None, activation_date: date | None = None
) -> Assessment:
    """Check a deadline as `deadline_create` will (R-DL-2, 3, 11, 12, 17) without writing anything; the
    refusals are the same Danish errors. `deadline_create` calls it under the citizen lock, the
    workbench's live preview calls it as the caseworker types."""
    today, now = clock.today(), clock.now()
    ctype = _conversation_type(conversation_type)
    if deadline_date is None:
        raise InvalidInput("Fristdato skal udfyldes.", code="missing_field", field="deadline_date")
    check_event_times(deadline_date=deadline_date, activation_date=activation_date)
    activation_date = activation_date or today
    if deadline_date < today:
        raise InvalidInput(
            "Fristdatoen kan ikke ligge i fortiden.",
            code="deadline_in_past",
            rule="R-DL-2",
            field="deadline_date",
        )
    if activation_date < today:
        raise InvalidInput(
            "Aktiveringsdatoen kan ikke ligge i fortiden.",
            code="activation_in_past",
            rule="R-DL-2",
            field="activation_date",
        )
    if activation_date > deadline_date:
        raise InvalidInput(
            "Aktiveringsdatoen skal ligge senest på fristdatoen.",
            code="activation_after_deadline",
            rule="R-DL-2",
            field="activation_date",
        )
    group = contact_group_on(citizen, today)
    if not ctype.deadline_allowed or group is None or not group.deadline_types.filter(pk=ctype.pk).exists():
        raise Conflict(
            f"Der kan ikke gives frist for {ctype.label.lower()} til borgerens kontaktgruppe.",
            code="deadline_type_not_allowed",
            rule="R-DL-2",
            field="conversation_type",
        )
    result = Assessment(ctype, activation_date, rules.horizon(deadline_date))
    if (deadline_date - activation_date).days < MIN_DAYS:
        if group.self_booking_obligatory:
            raise Conflict(
                "Fristen skal være mindst 8 dage efter aktiveringsdatoen.",
                code="deadline_too_short",
                rule="R-DL-17",
                field="deadline_date",
            )
        result.warnings.append("Fristen er mindre end 8 dage efter aktiveringsdatoen (R-DL-17).")
    bookings = _fulfilling_bookings(citizen, ctype, now)
    # R-DL-11: a booked conversation after the new deadline's horizon (deadline date + 7) means the
    # caseworker wants an earlier one: move it instead. One inside the horizon fulfils the new deadline
    # at once (R-DL-3, Bilag 1 S-4).
    last_day = rules.horizon(deadline_date)
    for booking in bookings:
        if clock.local_date(booking.start) > last_day:
            refusal = Conflict(
                "Borgeren har allerede en samtale, der ligger efter den ønskede frist "
                f"(samtalen skal holdes senest {danish_date(last_day)}). Der oprettes ikke en ny frist: "
                "flyt samtalen i stedet.",
                code="deadline_before_booking",
                rule="R-DL-11",
                field="deadline_date",
            )
            refusal.booking = booking  # the conversation to move instead
            raise refusal
    if bookings:
        result.fulfilling_booking = bookings[0]
    else:
        result.warnings.extend(_warnings_r_dl_12(citizen, ctype, deadline_date, jobcenter_on(citizen, today)))
    return result


@transaction.atomic
def deadline_create(
    *,
    actor: Actor,
    citizen: Citizen,
    conversation_type,
    deadline_date: date,
    activation_date: date | None = None,
) -> tuple[Deadline, list[str]]:
    """Set a deadline (R-DL-1, 2, 3, 11, 12, 17). Returns the deadline and the caseworker's warnings."""
    from samtale.citizens.services import citizen_lock

    today = clock.today()
    _check_scope(actor, citizen, today)
    _conversation_type(conversation_type)  # an unknown type is refused before the lock
    citizen = citizen_lock(citizen)
    check = deadline_assess(
        citizen=citizen,
        conversation_type=conversation_type,
        deadline_date=deadline_date,
        activation_date=activation_date,
    )
    old = _open_deadline(citizen, today)
    if old is not None:
        _apply(old, rules.SUPERSEDED, actor=actor, day=today)
    group = contact_group_on(citizen, today)
    deadline = Deadline(
        citizen=citizen,
        conversation_type=check.conversation_type,
        deadline_date=deadline_date,
        activation_date=check.activation_date,
        jobcenter=jobcenter_on(citizen, today),
        caseworker=actor.caseworker,
        created_by=actor.label,
        created_on=today,
        expires_on=rules.expires_on(today),
        self_booking_obligatory=group.self_booking_obligatory,
    )
    _apply(deadline, rules.CREATED, actor=actor, day=today)
    if check.fulfilling_booking is not None:  # R-DL-3
        _fulfil(deadline, check.fulfilling_booking, actor=actor, today=today)
    elif check.activation_date <= today:
        _apply(deadline, rules.ACTIVATION_DATE_REACHED, actor=actor, day=today)
    audit.record(actor, "deadline.create", citizen, purpose="frist", deadline=str(deadline.public_id))
    return deadline, check.warnings


def _fulfil(deadline: Deadline, booking, *, actor: Actor, today: date) -> None:
    event = rules.FULFILLING_BOOKING_MADE if booking.self_booked else rules.SUMMONS_MADE
    if deadline.status == rules.NOT_ACTIVATED:
        deadline.activation_date = today  # R-DL-8
    deadline.fulfilled_by = booking
    deadline.meeting_date = clock.local_date(booking.start)
    _apply(deadline, event, actor=actor, day=today, detail={"booking": booking.booking_number})


def _warnings_r_dl_12(citizen: Citizen, ctype: ConversationType, deadline_date: date, jobcenter) -> list[str]:
    warnings = []
    horizon = rules.horizon(deadline_date)
    if not _free_times_before(citizen, ctype, jobcenter, horizon):
        warnings.append(f"Borgeren har ingen ledige tider at booke inden {danish_date(horizon)} (R-DL-12).")
    in_absence = Absence.objects.filter(citizen=citizen, start_date__lte=deadline_date).exclude(
        end_date__lt=deadline_date
    )
    if in_absence.exists():
        warnings.append("Fristdatoen ligger i en periode, hvor borgeren har registreret fravær (R-DL-12).")
    return warnings


def _free_times_before(citizen: Citizen, ctype: ConversationType, jobcenter, horizon: date) -> bool:
    """Is there a free time the citizen could book for this deadline up to the horizon? Uses the
    bookings app's selector (R-PC-11: profile, future, absence, horizon) when it is there."""
    now = clock.now()
    family = ctype.family
    try:
        from samtale.bookings.selectors import bookable_slots
    except ImportError:
        bookable_slots = None
    if bookable_slots is not None:
        slots = bookable_slots(citizen, now=now, fulfils_deadline=True, date_to=horizon)
        return any(s.offer.conversation_type.family == family for s in slots)
    from django.db.models import F

    from samtale.scheduling.models import Slot

    group = contact_group_on(citizen, clock.local_date(now))
    return Slot.objects.filter(
        status="published",
        booked__lt=F("capacity"),
        start__gte=now,
        start__lt=clock.end_of_day(horizon),
        offer__active=True,
        offer__fulfils_deadline=True,
        offer__conversation_type__family=family,
        offer__jobcenter=jobcenter,
        offer__contact_groups=group,
    ).exists()


@transaction.atomic
def deadline_close(*, actor: Actor, deadline: Deadline, reason: str = "") -> Deadline:
    """Closed by the caseworker: closed_admin. The reason, when given, is kept in the history row."""
    from samtale.citizens.services import citizen_lock

    today = clock.today()
    _check_scope(actor, deadline.citizen, today)
    citizen_lock(deadline.citizen)
    deadline = Deadline.objects.select_related("conversation_type", "jobcenter", "citizen").get(
        pk=deadline.pk
    )
    _catch_up(deadline, today=today)
    if not rules.allowed(deadline.status, rules.CLOSED_BY_CASEWORKER):
        raise Conflict("Fristen er allerede lukket.", code="deadline_closed", rule="R-DL-14")
    reason = (reason or "").strip()[:500]
    _apply(
        deadline,
        rules.CLOSED_BY_CASEWORKER,
        actor=actor,
        day=today,
        detail={"reason": reason} if reason else None,
    )
    audit.record(actor, "deadline.close", deadline.citizen, purpose="frist", deadline=str(deadline.public_id))
    return deadline


# --- Reactions to other apps (registered in DeadlinesConfig.ready) ------------------------------------


def on_booking_changed(*, actor: Actor, booking, kind: str, old=None) -> None:
    """R-DL-4, R-DL-8, R-DL-5 (meeting date follows moves), and the cancelled fulfilling conversation."""
    if not booking.conversation_type.family:
        # Only a conversation of a deadline's family can fulfil one (`fulfils`), so a booking of any
        # other type neither fulfils nor was the fulfilling one: skip reading the deadline.
        return
    today = clock.today()
    deadline = _open_deadline(booking.citizen, today)
    if deadline is None:
        return
    if kind == "created":
        if deadline.status in (rules.NOT_ACTIVATED, rules.ACTIVE) and fulfils(
            booking, deadline.conversation_type
        ):
            _fulfil(deadline, booking, actor=actor, today=today)
    elif kind in ("moved", "rebooked"):
        if deadline.fulfilled_by_id == booking.pk:
            if booking.status == "planned":
                deadline.meeting_date = clock.local_date(booking.start)
                deadline.save(update_fields=["meeting_date", "updated_at"])
                _catch_up(deadline, today=today)
        elif deadline.status in (rules.NOT_ACTIVATED, rules.ACTIVE) and fulfils(
            booking, deadline.conversation_type
        ):
            _fulfil(deadline, booking, actor=actor, today=today)
    elif kind == "cancelled" and deadline.fulfilled_by_id == booking.pk:
        _apply(
            deadline,
            rules.FULFILLING_BOOKING_CANCELLED,
            actor=actor,
            day=today,
            detail={"booking": booking.booking_number},
        )
        others = [
            b
            for b in _fulfilling_bookings(deadline.citizen, deadline.conversation_type, clock.now())
            if b.pk != booking.pk
        ]
        if others:
            _fulfil(deadline, others[0], actor=actor, today=today)
        else:
            _catch_up(deadline, today=today)


def on_contact_group_changed(*, actor: Actor, citizen: Citizen, contact_group) -> None:
    """R-DL-10: the new contact group does not allow the deadline's type → closed_admin."""
    today = clock.today()
    deadline = _open_deadline(citizen, today)
    if deadline is None:
        return
    if not contact_group.deadline_types.filter(pk=deadline.conversation_type_id).exists():
        _apply(
            deadline,
            rules.CONTACT_GROUP_DISALLOWS,
            actor=actor,
            day=today,
            detail={"contact_group": contact_group.code},
        )
    elif deadline.self_booking_obligatory != contact_group.self_booking_obligatory:
        deadline.self_booking_obligatory = contact_group.self_booking_obligatory
        deadline.save(update_fields=["self_booking_obligatory", "updated_at"])


def on_jobcenter_changed(*, actor: Actor, citizen: Citizen, jobcenter) -> None:
    """R-DL-10: the citizen moved municipality → closed_admin."""
    today = clock.today()
    deadline = _open_deadline(citizen, today)
    if deadline is not None and deadline.jobcenter_id != jobcenter.pk:
        _apply(
            deadline, rules.JOBCENTER_CHANGED, actor=actor, day=today, detail={"jobcenter": jobcenter.code}
        )


def on_absence_registered(*, actor: Actor, citizen: Citizen, absence: Absence) -> None:
    """R-DL-16: absence 56, 57 or 75 closes the open deadline."""
    if not absence.absence_type.closes_deadline:
        return
    today = clock.today()
    deadline = _open_deadline(citizen, today)
    if deadline is not None:
        _apply(
            deadline,
            rules.CLOSING_ABSENCE,
            actor=actor,
            day=today,
            detail={"absence_type": absence.absence_type.code},
        )
