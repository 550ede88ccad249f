"""Citizens through the API. CPR only in request and response bodies, never in a URL."""

from datetime import date
from urllib.parse import urlencode
from uuid import UUID

from django.db import transaction
from ninja import Query, Router, Schema

from samtale.api.auth import require
from samtale.citizens import selectors, services
from samtale.citizens.models import Citizen
from samtale.core.actors import Actor
from samtale.core.validation import RecordDate

router = Router(tags=["Borgere"])


class CitizenIn(Schema):
    cpr: str
    name: str
    contact_group: int
    jobcenter: str
    akasse: str | None = None
    phone: str | None = None
    email: str | None = None
    sms_reminders: bool | None = None
    email_reminders: bool | None = None


class CitizenPatch(Schema):
    name: str | None = None
    cpr: str | None = None
    contact_group: int | None = None
    jobcenter: str | None = None
    valid_from: RecordDate | None = None
    akasse: str | None = None
    phone: str | None = None
    email: str | None = None
    sms_reminders: bool | None = None
    email_reminders: bool | None = None


class CprIn(Schema):
    cpr: str


class PeriodOut(Schema):
    code: str | int
    label: str
    valid_from: date


class AbsenceIn(Schema):
    absence_type: int
    start_date: RecordDate
    end_date: RecordDate | None = None


class AbsenceOut(Schema):
    id: UUID
    absence_type: int
    label: str
    start_date: date
    end_date: date | None


class MarkerIn(Schema):
    marker: str
    valid_from: RecordDate | None = None


class MarkerOut(Schema):
    marker: str
    label: str
    valid_from: date
    valid_to: date | None


class CitizenOut(Schema):
    id: UUID
    cpr: str
    name: str
    contact_group: int | None
    jobcenter: str | None
    akasse: str | None
    phone: str
    email: str
    sms_reminders: bool
    email_reminders: bool
    contact_group_history: list[PeriodOut]
    jobcenter_history: list[PeriodOut]
    absences: list[AbsenceOut]
    markers: list[MarkerOut]


def absence_out(a) -> dict:
    return {
        "id": a.public_id,
        "absence_type": a.absence_type.code,
        "label": a.absence_type.label,
        "start_date": a.start_date,
        "end_date": a.end_date,
    }


def citizen_out(citizen: Citizen) -> dict:
    p = selectors.citizen_profile(citizen)
    return {
        "id": citizen.public_id,
        "cpr": citizen.cpr,
        "name": citizen.name,
        "contact_group": p["contact_group"].code if p["contact_group"] else None,
        "jobcenter": p["jobcenter"].code if p["jobcenter"] else None,
        "akasse": citizen.akasse.code if citizen.akasse else None,
        "phone": citizen.phone,
        "email": citizen.email,
        "sms_reminders": citizen.sms_reminders,
        "email_reminders": citizen.email_reminders,
        "contact_group_history": [
            {"code": h.contact_group.code, "label": h.contact_group.label, "valid_from": h.valid_from}
            for h in p["contact_group_history"]
        ],
        "jobcenter_history": [
            {"code": h.jobcenter.code, "label": h.jobcenter.name, "valid_from": h.valid_from}
            for h in p["jobcenter_history"]
        ],
        "absences": [absence_out(a) for a in p["absences"]],
        "markers": [
            {
                "marker": m.marker_type.code,
                "label": m.marker_type.label,
                "valid_from": m.valid_from,
                "valid_to": m.valid_to,
            }
            for m in p["markers"]
        ],
    }


@router.post(
    "/citizens",
    response={200: CitizenOut, 201: CitizenOut},
    summary="Opret eller opdater borger (nøgle: CPR i body)",
)
def citizen_upsert(request, body: CitizenIn):
    actor = require(request, "caseworker", "admin")
    citizen, created = services.citizen_upsert(actor=actor, **body.dict())
    return (201 if created else 200), citizen_out(citizen)


class CitizenSummaryOut(Schema):
    id: UUID
    name: str
    contact_group: int | None
    jobcenter: str | None


class CitizenListOut(Schema):
    items: list[CitizenSummaryOut]
    count: int
    next: str | None


@router.get(
    "/citizens",
    response=CitizenListOut,
    summary="Søg borgere på navn i dine jobcentre (sideopdelt)",
)
def citizen_list(request, q: str = "", page: int = Query(1, ge=1)):
    """The caller's jobcenters' citizens whose name contains every word of `q`, by name; `next` is the
    address of the next page or null. Every citizen listed is written to the access log."""
    actor = require(request, "caseworker", "admin")
    result = selectors.citizens_search(actor, q, page=page, purpose="søgning på navn (API)")
    next_url = None
    if result.has_next:
        next_url = f"{request.path}?{urlencode({'q': q, 'page': result.page + 1})}"
    return {
        "items": [
            {
                "id": c.public_id,
                "name": c.name,
                "contact_group": c.current_contact_group,
                "jobcenter": c.current_jobcenter.code if c.current_jobcenter else None,
            }
            for c in result.items
        ],
        "count": result.count,
        "next": next_url,
    }


@router.post(
    "/citizens/search", response=CitizenOut, summary="Find borger på CPR (POST, så CPR ikke står i en URL)"
)
def citizen_search(request, body: CprIn):
    actor = require(request, "caseworker", "admin")
    return citizen_out(selectors.citizen_find_by_cpr(actor, body.cpr))


@router.get("/citizens/{citizen_id}", response=CitizenOut)
def citizen_get(request, citizen_id: UUID):
    actor = require(request, "caseworker", "admin")
    return citizen_out(selectors.citizen_get(actor, citizen_id))


@router.patch(
    "/citizens/{citizen_id}",
    response=CitizenOut,
    summary="Ret kontaktgruppe, jobcenter, CPR og kontaktoplysninger",
)
def citizen_patch(request, citizen_id: UUID, body: CitizenPatch):
    actor = require(request, "caseworker", "admin")
    citizen = selectors.citizen_get(actor, citizen_id, purpose="ændring")
    data = body.dict(exclude_unset=True)
    with transaction.atomic():
        if data.get("cpr") is not None:
            citizen = services.citizen_change_cpr(actor=actor, citizen=citizen, cpr=data["cpr"])
        details = {
            k: data[k]
            for k in ("name", "phone", "email", "akasse", "sms_reminders", "email_reminders")
            if k in data
        }
        if details:
            citizen = services.citizen_update_contact_details(actor=actor, citizen=citizen, **details)
        if data.get("contact_group") is not None:
            citizen = services.citizen_change_contact_group(
                actor=actor,
                citizen=citizen,
                contact_group=data["contact_group"],
                valid_from=data.get("valid_from"),
            )
        if data.get("jobcenter") is not None:
            citizen = services.citizen_move_jobcenter(
                actor=actor, citizen=citizen, jobcenter=data["jobcenter"], valid_from=data.get("valid_from")
            )
    return citizen_out(citizen)


class MoveIn(Schema):
    jobcenter: str
    reason: str = ""
    valid_from: RecordDate | None = None


@router.post(
    "/citizens/{citizen_id}/move-jobcenter",
    response=CitizenOut,
    summary="Flyt borgeren til et andet jobcenter (borgeren er flyttet kommune; kun administration)",
)
def citizen_move_jobcenter(request, citizen_id: UUID, body: MoveIn):
    """R-DL-10: the open deadline is closed; the old jobcenter's planned conversations are cancelled
    with reason "borger flyttet" and the citizen is told."""
    actor = require(request, "admin")
    citizen = selectors.citizen_get(actor, citizen_id, purpose="jobcenterskift")
    return citizen_out(services.citizen_move_jobcenter(actor=actor, citizen=citizen, **body.dict()))


@router.post("/citizens/{citizen_id}/absences", response={201: AbsenceOut}, summary="Registrér fravær")
def absence_register(request, citizen_id: UUID, body: AbsenceIn):
    actor = require(request, "caseworker", "admin")
    citizen = selectors.citizen_get(actor, citizen_id, purpose="fravær")
    return 201, absence_out(services.absence_register(actor=actor, citizen=citizen, **body.dict()))


@router.post(
    "/citizens/{citizen_id}/markers",
    response={201: MarkerOut},
    summary="Registrér persongruppemarkering (R-PC-10)",
)
def marker_register(request, citizen_id: UUID, body: MarkerIn):
    actor = require(request, "caseworker", "admin")
    citizen = selectors.citizen_get(actor, citizen_id, purpose="persongruppemarkering")
    m = services.marker_register(actor=actor, citizen=citizen, marker=body.marker, valid_from=body.valid_from)
    return 201, {
        "marker": m.marker_type.code,
        "label": m.marker_type.label,
        "valid_from": m.valid_from,
        "valid_to": m.valid_to,
    }


# Citizen side -----------------------------------------------------------------------------------


class MeOut(Schema):
    id: UUID
    name: str
    contact_group: int | None
    jobcenter: str | None
    phone: str
    email: str
    sms_reminders: bool
    email_reminders: bool
    absences: list[AbsenceOut]


def me_actor(request) -> Actor:
    return require(request, "citizen")


@router.get("/me", response=MeOut, tags=["Borgerens egne data"])
def me(request):
    actor = me_actor(request)
    out = citizen_out(actor.citizen)
    return {k: out[k] for k in MeOut.model_fields}


@router.post(
    "/me/absences",
    response={201: AbsenceOut},
    tags=["Borgerens egne data"],
    summary="Mit fravær: ferie eller sygdom",
)
def me_absence_register(request, body: AbsenceIn):
    actor = me_actor(request)
    return 201, absence_out(services.absence_register(actor=actor, citizen=actor.citizen, **body.dict()))
