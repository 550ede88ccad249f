"""Held conversations through the API (../shared/API.md): register, list per citizen, read one with its
versions, correct, and the citizen's own list (§ 27 stk. 6)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from ninja import Field, Router, Schema

from samtale.api.auth import require
from samtale.citizens.selectors import citizen_get
from samtale.conversations import selectors, services
from samtale.conversations.models import HeldConversation
from samtale.conversations.services import MAX_PARTICIPANTS
from samtale.core import clock
from samtale.core.errors import InvalidInput, NotFound
from samtale.core.validation import EventDate, EventTime, QueryDate

router = Router(tags=["Afholdte samtaler"])


class ParticipantIn(Schema):
    name: str
    role: str
    form: str


class AgreementIn(Schema):
    text: str = ""
    binding: bool | None = None
    number: str = ""


class NextDeadlineIn(Schema):
    conversation_type: int
    deadline_date: EventDate
    activation_date: EventDate | None = None


class HeldConversationIn(Schema):
    citizen: UUID
    held_at: EventTime
    conversation_type: int | None = None
    contact_form: str | None = None
    information: str = ""
    several_authorities: bool = False
    participation_status: str | None = None
    booking: UUID | None = None
    participants: list[ParticipantIn] = Field(default_factory=list, max_length=MAX_PARTICIPANTS)
    agreement: AgreementIn | None = None
    agreement_number: str = ""
    consent_number: str = ""
    visitation_group: str | None = None
    cv_not_adequate: bool = False
    early_follow_up: bool = False
    next_deadline: NextDeadlineIn | None = None


class CorrectionIn(Schema):
    reason: str
    held_at: EventTime | None = None
    conversation_type: int | None = None
    contact_form: str | None = None
    information: str | None = None
    several_authorities: bool | None = None
    participation_status: str | None = None
    participants: list[ParticipantIn] | None = Field(None, max_length=MAX_PARTICIPANTS)
    agreement: AgreementIn | None = None
    agreement_number: str | None = None
    consent_number: str | None = None


class CodeOut(Schema):
    code: int | str
    label: str


class ParticipantOut(Schema):
    name: str
    role: str
    role_label: str
    form: str
    form_label: str


class AgreementOut(Schema):
    kind: str
    text: str
    binding: bool
    number: str


class HeldConversationOut(Schema):
    id: UUID
    contact_number: str
    version: int
    is_current: bool
    citizen: UUID
    held_at: datetime
    registered_at: datetime
    registered_by: str
    conversation_type: int
    conversation_type_label: str
    contact_form: str
    contact_form_label: str
    resets: bool
    information: str
    several_authorities: bool
    participation_status: str | None
    booking: UUID | None
    booking_number: str | None
    caseworker: str | None
    jobcenter: str
    authority: str
    agreement: AgreementOut | None
    agreement_number: str
    consent_number: str
    participants: list[ParticipantOut]
    visitation_group: str | None
    cv_not_adequate: bool
    early_follow_up: bool
    correction_reason: str


class DeadlineOut(Schema):
    id: UUID
    conversation_type: int
    deadline_date: date
    activation_date: date | None
    status: str


class RegistrationOut(HeldConversationOut):
    next_deadline: DeadlineOut | None = None
    warnings: list[str] = Field(default_factory=list)


class HeldConversationDetailOut(HeldConversationOut):
    versions: list[HeldConversationOut]


class AgreementInForceOut(Schema):
    kind: str
    text: str
    number: str
    contact_number: str
    held_at: datetime
    conversation_type: int


class VisitationOut(Schema):
    visitation_group: str
    label: str
    valid_from: date


class ContactCourseOut(Schema):
    latest_resetting_contact: date | None
    jobsamtaler_since: int
    since: date
    binding_agreements: list[AgreementInForceOut]
    visitation_group: VisitationOut | None
    visitation_history: list[VisitationOut]


class MyHeldConversationOut(Schema):
    contact_number: str
    held_at: datetime
    conversation_type: str
    contact_form: str
    information: str
    agreement: str
    agreement_binding: bool
    participants: list[ParticipantOut]


def _participants(hc: HeldConversation) -> list[dict]:
    return [
        {
            "name": p.name,
            "role": p.role.code,
            "role_label": p.role.label,
            "form": p.form.code,
            "form_label": p.form.label,
        }
        for p in hc.participants.all()
    ]


def held_out(hc: HeldConversation) -> dict:
    return {
        "id": hc.public_id,
        "contact_number": hc.contact_number,
        "version": hc.version,
        "is_current": hc.is_current,
        "citizen": hc.citizen.public_id,
        "held_at": hc.held_at,
        "registered_at": hc.registered_at,
        "registered_by": hc.registered_by,
        "conversation_type": hc.conversation_type.code,
        "conversation_type_label": hc.conversation_type.label,
        "contact_form": hc.contact_form.code,
        "contact_form_label": hc.contact_form.label,
        "resets": hc.resets,
        "information": hc.information,
        "several_authorities": hc.several_authorities,
        "participation_status": hc.participation_status.code if hc.participation_status_id else None,
        "booking": hc.booking.public_id if hc.booking_id else None,
        "booking_number": hc.booking.booking_number if hc.booking_id else None,
        "caseworker": hc.caseworker.ident if hc.caseworker_id else None,
        "jobcenter": hc.jobcenter.code,
        "authority": hc.authority.name,
        "agreement": {
            "kind": hc.agreement_kind,
            "text": hc.agreement_text,
            "binding": hc.agreement_binding,
            "number": hc.agreement_number,
        }
        if hc.agreement_text
        else None,
        "agreement_number": hc.agreement_number,
        "consent_number": hc.consent_number,
        "participants": _participants(hc),
        "visitation_group": hc.visitation_group.code if hc.visitation_group_id else None,
        "cv_not_adequate": hc.cv_not_adequate,
        "early_follow_up": hc.early_follow_up,
        "correction_reason": hc.correction_reason,
    }


def _reload(hc: HeldConversation) -> HeldConversation:
    return selectors._with_related(HeldConversation.objects.all()).get(pk=hc.pk)


def _citizen(actor, citizen_id):
    try:
        return citizen_get(actor, citizen_id, purpose="afholdt samtale")
    except NotFound:
        raise NotFound(
            "Borgeren findes ikke i dine jobcentre.", code="citizen_not_found", rule="R-HC-11"
        ) from None


def _booking(citizen, booking_id):
    if booking_id is None:
        return None
    from samtale.bookings.models import Booking

    booking = Booking.objects.filter(public_id=booking_id, citizen=citizen).first()
    if booking is None:
        raise InvalidInput(
            "Den planlagte samtale findes ikke for denne borger.",
            code="unknown_booking",
            field="booking",
            rule="R-HC-9",
        )
    return booking


@router.post(
    "/held-conversations",
    response={201: RegistrationOut},
    summary="Registrér afholdt samtale (§ 27), evt. med næste frist",
)
def held_conversation_register(request, body: HeldConversationIn):
    actor = require(request, "caseworker")
    citizen = _citizen(actor, body.citizen)
    data = body.dict()
    result = services.held_conversation_register(
        actor=actor,
        citizen=citizen,
        held_at=data["held_at"],
        conversation_type=data["conversation_type"],
        contact_form=data["contact_form"],
        information=data["information"],
        several_authorities=data["several_authorities"],
        participation_status=data["participation_status"],
        participants=data["participants"],
        agreement=data["agreement"],
        agreement_number=data["agreement_number"],
        consent_number=data["consent_number"],
        visitation_group=data["visitation_group"],
        cv_not_adequate=data["cv_not_adequate"],
        early_follow_up=data["early_follow_up"],
        booking=_booking(citizen, body.booking),
        next_deadline=data["next_deadline"],
    )
    out = held_out(_reload(result.held_conversation))
    deadline = result.deadline
    out["next_deadline"] = (
        {
            "id": deadline.public_id,
            "conversation_type": deadline.conversation_type.code,
            "deadline_date": deadline.deadline_date,
            "activation_date": deadline.activation_date,
            "status": deadline.status,
        }
        if deadline is not None
        else None
    )
    out["warnings"] = result.deadline_warnings
    return 201, out


@router.get(
    "/citizens/{citizen_id}/held-conversations",
    response=list[HeldConversationOut],
    summary="Borgerens afholdte samtaler (gældende versioner, nyeste først)",
)
def citizen_held_conversations(request, citizen_id: UUID):
    actor = require(request, "caseworker", "admin")
    citizen = citizen_get(actor, citizen_id, purpose="afholdte samtaler")
    return [held_out(hc) for hc in selectors.citizen_held_conversations(actor, citizen)]


@router.get(
    "/citizens/{citizen_id}/contact-course",
    response=ContactCourseOut,
    summary="Kontaktforløb: seneste nulstillende kontakt, jobsamtaler siden en dato, aftaler og visitation",
)
def citizen_contact_course(request, citizen_id: UUID, since: QueryDate | None = None):
    actor = require(request, "caseworker", "admin")
    citizen = citizen_get(actor, citizen_id, purpose="kontaktforløb")
    since = since or clock.today().replace(month=1, day=1)
    current = selectors.visitation_group_on(citizen, clock.today())

    def visitation(v):
        return {
            "visitation_group": v.visitation_group.code,
            "label": v.visitation_group.label,
            "valid_from": v.valid_from,
        }

    return {
        "latest_resetting_contact": selectors.latest_resetting_contact(citizen),
        "jobsamtaler_since": selectors.jobsamtaler_held_since(citizen, since),
        "since": since,
        "binding_agreements": [
            {
                "kind": hc.agreement_kind,
                "text": hc.agreement_text,
                "number": hc.agreement_number,
                "contact_number": hc.contact_number,
                "held_at": hc.held_at,
                "conversation_type": hc.conversation_type.code,
            }
            for hc in selectors.binding_agreements_in_force(citizen)
        ],
        "visitation_group": visitation(current) if current else None,
        "visitation_history": [visitation(v) for v in selectors.visitation_history(citizen)],
    }


@router.get(
    "/held-conversations/{held_id}",
    response=HeldConversationDetailOut,
    summary="Én afholdt samtale med alle versioner",
)
def held_conversation_get(request, held_id: UUID):
    actor = require(request, "caseworker", "admin")
    hc = selectors.held_conversation_get(actor, held_id)
    out = held_out(hc)
    out["versions"] = [held_out(v) for v in selectors.held_conversation_versions(hc)]
    return out


@router.post(
    "/held-conversations/{held_id}/corrections",
    response={201: HeldConversationOut},
    summary="Ret en afholdt samtale (ny version med historik og egen indberetning)",
)
def held_conversation_correct(request, held_id: UUID, body: CorrectionIn):
    actor = require(request, "caseworker")
    hc = selectors.held_conversation_get(actor, held_id, purpose="rettelse af afholdt samtale")
    data = body.dict(exclude_unset=True)
    reason = data.pop("reason")
    changes = {k: v for k, v in data.items() if v is not None or k in ("participation_status",)}
    new = services.held_conversation_correct(actor=actor, held_conversation=hc, reason=reason, **changes)
    return 201, held_out(_reload(new))


@router.get(
    "/me/held-conversations",
    response=list[MyHeldConversationOut],
    tags=["Borgerens egne data"],
    summary="Mine afholdte samtaler (§ 27 stk. 6)",
)
def me_held_conversations(request):
    actor = require(request, "citizen")
    return [
        {
            "contact_number": hc.contact_number,
            "held_at": hc.held_at,
            "conversation_type": hc.conversation_type.label,
            "contact_form": hc.contact_form.label,
            "information": hc.information,
            "agreement": hc.agreement_text,
            "agreement_binding": hc.agreement_binding,
            "participants": _participants(hc),
        }
        for hc in selectors.citizen_held_conversations(actor, actor.citizen)
    ]
