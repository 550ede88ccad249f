"""Deadlines through the API (API.md): create/list/close, the notice, and the citizen's own view."""

from datetime import date
from uuid import UUID

from ninja import Router, Schema

from samtale.api.auth import require
from samtale.citizens.selectors import citizen_get
from samtale.core import audit, clock
from samtale.core.errors import InvalidInput
from samtale.core.validation import EventDate, check_date
from samtale.deadlines import rules, selectors, services
from samtale.deadlines.models import Deadline

router = Router(tags=["Frister"])


class DeadlineIn(Schema):
    conversation_type: int
    deadline_date: EventDate
    activation_date: EventDate | None = None


class DeadlineChangeOut(Schema):
    day: date
    at: str
    event: str
    event_label: str
    old_status: str | None
    new_status: str
    actor: str
    detail: dict = {}  # e.g. the booking that fulfilled it, or the caseworker's reason for closing it


class DeadlineOut(Schema):
    id: UUID
    citizen: UUID
    conversation_type: int
    conversation_type_label: str
    deadline_date: date
    activation_date: date
    horizon: date
    status: str
    status_label: str
    stored_status: str
    jobcenter: str
    caseworker: str | None
    fulfilled_by: str | None
    meeting_date: date | None
    created_on: date
    closed_on: date | None
    warnings: list[str] = []
    history: list[DeadlineChangeOut] = []


class NoticeOut(Schema):
    on: date
    notice: dict | None


STATUS_LABELS = dict(Deadline._meta.get_field("status").choices)


def deadline_out(deadline: Deadline, *, today: date, warnings=None, with_history: bool = True) -> dict:
    status = selectors.effective_status(deadline, today)
    return {
        "id": deadline.public_id,
        "citizen": deadline.citizen.public_id,
        "conversation_type": deadline.conversation_type.code,
        "conversation_type_label": deadline.conversation_type.label,
        "deadline_date": deadline.deadline_date,
        "activation_date": deadline.activation_date,
        "horizon": rules.horizon(deadline.deadline_date),
        "status": status,
        "status_label": STATUS_LABELS[status],
        "stored_status": deadline.status,
        "jobcenter": deadline.jobcenter.code,
        "caseworker": deadline.caseworker.ident if deadline.caseworker_id else None,
        "fulfilled_by": deadline.fulfilled_by.booking_number if deadline.fulfilled_by_id else None,
        "meeting_date": deadline.meeting_date,
        "created_on": deadline.created_on,
        "closed_on": deadline.closed_on,
        "warnings": warnings or [],
        "history": [
            {
                "day": h.day,
                "at": h.at.isoformat(),
                "event": h.event,
                "event_label": rules.EVENT_LABELS.get(h.event, h.event),
                "old_status": h.old_status or None,
                "new_status": h.new_status,
                "actor": h.actor,
                "detail": h.detail or {},
            }
            for h in deadline.history.all()
        ]
        if with_history
        else [],
    }


@router.post(
    "/citizens/{citizen_id}/deadlines",
    response={201: DeadlineOut},
    summary="Giv borgeren en frist (R-DL-1…17)",
)
def deadline_create(request, citizen_id: UUID, body: DeadlineIn):
    actor = require(request, "caseworker", "admin")
    citizen = citizen_get(actor, citizen_id, purpose="frist")
    deadline, warnings = services.deadline_create(actor=actor, citizen=citizen, **body.dict())
    return 201, deadline_out(deadline, today=clock.today(), warnings=warnings)


@router.get(
    "/citizens/{citizen_id}/deadlines", response=list[DeadlineOut], summary="Borgerens frister med historik"
)
def deadline_list(request, citizen_id: UUID):
    actor = require(request, "caseworker", "admin")
    citizen = citizen_get(actor, citizen_id, purpose="frister")
    today = clock.today()
    return [deadline_out(d, today=today) for d in selectors.citizen_deadlines(actor, citizen)]


@router.post("/deadlines/{deadline_id}/close", response=DeadlineOut, summary="Luk fristen administrativt")
def deadline_close(request, deadline_id: UUID):
    actor = require(request, "caseworker", "admin")
    deadline = services.deadline_close(actor=actor, deadline=selectors.deadline_get(actor, deadline_id))
    return deadline_out(deadline, today=clock.today())


@router.get(
    "/citizens/{citizen_id}/notice",
    response=NoticeOut,
    summary="Hvad Min side viser borgeren på en dato (R-NT-1…5)",
)
def citizen_notice(request, citizen_id: UUID, on: str | None = None):
    actor = require(request, "caseworker", "admin")
    citizen = citizen_get(actor, citizen_id, purpose="notifikation")
    day = _parse_day(on)
    return {"on": day, "notice": _notice(citizen, day)}


def _parse_day(value: str | None) -> date:
    if not value:
        return clock.today()
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            "Ugyldig dato: brug formatet ÅÅÅÅ-MM-DD.", code="invalid_date", field="on"
        ) from None
    return check_date(day, "on", "query")


def _notice(citizen, day: date) -> dict | None:
    notice = selectors.citizen_notice(citizen, day)
    return notice.as_dict() if notice else None


@router.get("/me/deadline", response={200: DeadlineOut, 204: None}, tags=["Borgerens egne data"])
def me_deadline(request):
    """The citizen's visible deadline (active or fulfilled); a not_activated one is invisible (§ 3.5)."""
    actor = require(request, "citizen")
    today = clock.today()
    deadline = selectors.deadline_open_for(actor.citizen, today)
    if deadline is None or deadline.effective == rules.NOT_ACTIVATED:
        return 204, None
    out = deadline_out(deadline, today=today, with_history=False)
    out["caseworker"] = None
    return out


@router.get("/me/notice", response=NoticeOut, tags=["Borgerens egne data"])
def me_notice(request):
    actor = require(request, "citizen")
    today = clock.today()
    audit.record(actor, "deadline.notice", actor.citizen, purpose="min side")
    return {"on": today, "notice": _notice(actor.citizen, today)}
