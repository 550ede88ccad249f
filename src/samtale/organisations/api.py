from datetime import datetime, time
from uuid import UUID

from ninja import Router, Schema

from samtale.api.auth import require
from samtale.core import clock
from samtale.organisations import services
from samtale.organisations.models import AKasse, Caseworker, Jobcenter

router = Router(tags=["Organisationer"])


class OrgIn(Schema):
    code: str
    name: str


class OrgOut(Schema):
    code: str
    name: str


class JobcenterIn(OrgIn):
    """Contact details are shown to citizens wherever they are told to contact the jobcenter; opening
    hours bound the times meetings are held (weekdays, default 08:00–17:00)."""

    phone: str | None = None
    email: str | None = None
    address: str | None = None
    opening_hours_text: str | None = None
    contact_url: str | None = None
    opens_at: time | None = None
    closes_at: time | None = None


class JobcenterOut(OrgOut):
    phone: str
    email: str
    address: str
    opening_hours_text: str
    contact_url: str
    opens_at: time
    closes_at: time


class CaseworkerIn(Schema):
    ident: str
    name: str
    jobcenters: list[str] = []


class CaseworkerOut(Schema):
    ident: str
    name: str
    jobcenters: list[str]


def _caseworker_out(c: Caseworker) -> dict:
    return {"ident": c.ident, "name": c.name, "jobcenters": sorted(j.code for j in c.jobcenters.all())}


@router.post(
    "/jobcenters", response=JobcenterOut, summary="Opret eller opdater jobcenter (idempotent på kode)"
)
def jobcenter_upsert(request, body: JobcenterIn):
    require(request, "admin")
    return services.jobcenter_upsert(**body.dict(exclude_unset=True))


@router.get("/jobcenters", response=list[JobcenterOut])
def jobcenter_list(request):
    require(request, "admin", "caseworker")
    return Jobcenter.objects.order_by("code")


@router.post("/akasser", response=OrgOut, summary="Opret eller opdater a-kasse (idempotent på kode)")
def akasse_upsert(request, body: OrgIn):
    require(request, "admin")
    return services.akasse_upsert(code=body.code, name=body.name)


@router.get("/akasser", response=list[OrgOut])
def akasse_list(request):
    require(request, "admin", "caseworker")
    return AKasse.objects.order_by("code")


@router.post(
    "/caseworkers", response=CaseworkerOut, summary="Opret eller opdater sagsbehandler (idempotent på ident)"
)
def caseworker_upsert(request, body: CaseworkerIn):
    require(request, "admin")
    return _caseworker_out(
        services.caseworker_upsert(ident=body.ident, name=body.name, jobcenters=body.jobcenters)
    )


@router.get("/caseworkers", response=list[CaseworkerOut])
def caseworker_list(request):
    require(request, "admin")
    return [_caseworker_out(c) for c in Caseworker.objects.prefetch_related("jobcenters").order_by("ident")]


# API tokens (issue 12): the operator lists and revokes them (they are made with `samtale token create`).


class TokenOut(Schema):
    id: UUID
    role: str
    name: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None
    status: str


def _token_out(c, now) -> dict:
    return {
        "id": c.public_id,
        "role": c.role,
        "name": c.name,
        "created_at": c.created_at,
        "expires_at": c.expires_at,
        "last_used_at": c.last_used_at,
        "revoked_at": c.revoked_at,
        "status": services.token_status(c, now),
    }


@router.get("/tokens", response=list[TokenOut], summary="API-adgangsnøgler (kun drift)")
def tokens_list(request):
    require(request, "admin")
    now = clock.now()
    return [_token_out(c, now) for c in services.api_tokens_list()]


@router.post("/tokens/{token_id}/revoke", response=TokenOut, summary="Spær en API-adgangsnøgle (kun drift)")
def token_revoke(request, token_id: UUID):
    require(request, "admin")
    return _token_out(services.api_token_revoke(token_id), clock.now())
