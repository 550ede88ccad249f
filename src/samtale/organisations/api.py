from datetime import time

from ninja import Router, Schema

from samtale.api.auth import require
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
