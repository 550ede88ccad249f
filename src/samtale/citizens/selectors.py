"""Reads of citizens, scoped to what the actor may see and written to the access log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from stdnum.dk import cpr as stdnum_cpr

from samtale.citizens.models import Citizen, ContactGroupPeriod, JobcenterPeriod
from samtale.codes.models import ContactGroup
from samtale.core import audit, clock
from samtale.core.actors import Actor
from samtale.core.errors import InvalidInput, NotFound
from samtale.organisations.models import Jobcenter


def normalise_cpr(value: str) -> str:
    """Ten digits with a valid date of birth. No modulus 11 check: CPR numbers issued since 2007
    may fail it. The number never goes into the error text."""
    digits = stdnum_cpr.compact(str(value or ""))
    if len(digits) != 10 or not digits.isdigit():
        raise InvalidInput(
            "Ugyldigt CPR-nummer: det skal være 10 cifre (DDMMÅÅ-XXXX).", code="invalid_cpr", field="cpr"
        )
    try:
        born = stdnum_cpr.get_birth_date(digits)
    except Exception:
        raise InvalidInput(
            "Ugyldigt CPR-nummer: de første seks cifre er ikke en gyldig fødselsdato.",
            code="invalid_cpr",
            field="cpr",
        ) from None
    if born > clock.today():
        raise InvalidInput(
            "Ugyldigt CPR-nummer: fødselsdatoen ligger i fremtiden.", code="invalid_cpr", field="cpr"
        )
    return digits


def contact_group_on(citizen: Citizen, day: date) -> ContactGroup | None:
    period = (
        ContactGroupPeriod.objects.filter(citizen=citizen, valid_from__lte=day)
        .select_related("contact_group")
        .order_by("-valid_from", "-id")
        .first()
    )
    return period.contact_group if period else None


def jobcenter_on(citizen: Citizen, day: date) -> Jobcenter | None:
    period = (
        JobcenterPeriod.objects.filter(citizen=citizen, valid_from__lte=day)
        .select_related("jobcenter")
        .order_by("-valid_from", "-id")
        .first()
    )
    return period.jobcenter if period else None


def citizens_visible_to(actor: Actor, day: date | None = None):
    """Citizens the actor may see today, annotated with current contact group and jobcenter."""
    qs = Citizen.objects.with_current(day or clock.today())
    if actor.sees_all_jobcenters:
        return qs
    if actor.kind == "caseworker":
        return qs.filter(current_jobcenter_id__in=actor.jobcenter_ids)
    if actor.kind == "citizen" and actor.citizen is not None:
        return qs.filter(pk=actor.citizen.pk)
    return qs.none()


def citizen_get(actor: Actor, public_id, *, purpose: str = "sagsbehandling") -> Citizen:
    """One citizen, or NotFound when unknown or outside the actor's reach (we never say which)."""
    try:
        citizen = citizens_visible_to(actor).select_related("akasse").get(public_id=public_id)
    except (Citizen.DoesNotExist, ValueError, TypeError):
        raise NotFound("Borgeren findes ikke.", code="citizen_not_found") from None
    audit.record(actor, "citizen.read", citizen, purpose=purpose)
    return citizen


SEARCH_PAGE_SIZE = 25


@dataclass(frozen=True)
class CitizenPage:
    """One page of a name search: the citizens on it (annotated like citizens_visible_to), how many
    match in all, and the page number (1-based)."""

    items: list
    count: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def citizens_search(
    actor: Actor, q: str = "", *, page: int = 1, page_size: int = SEARCH_PAGE_SIZE, purpose: str = "søgning"
) -> CitizenPage:
    """The actor's jobcenters' citizens whose name contains every word of `q` (any case), by name;
    all of them when `q` is empty. Each carries `current_jobcenter`. Every citizen on the page is
    written to the access log."""
    qs = citizens_visible_to(actor)
    for word in (q or "").split():
        qs = qs.filter(name__icontains=word)
    count = qs.count()
    page = max(1, page)
    items = list(qs.order_by("name", "id")[(page - 1) * page_size : page * page_size])
    jobcenters = Jobcenter.objects.in_bulk({c.current_jobcenter_id for c in items})
    for citizen in items:
        citizen.current_jobcenter = jobcenters.get(citizen.current_jobcenter_id)
    audit.record_many(actor, "citizen.search", items, purpose=purpose)
    return CitizenPage(items=items, count=count, page=page, page_size=page_size)


def citizen_find_by_cpr(actor: Actor, cpr: str, *, purpose: str = "opslag på CPR-nummer") -> Citizen:
    digits = normalise_cpr(cpr)
    try:
        citizen = citizens_visible_to(actor).select_related("akasse").get(cpr=digits)
    except Citizen.DoesNotExist:
        # A failed search is a look too (issue 12, item 5); the number itself is not logged.
        audit.record(actor, "citizen.search", None, purpose=purpose, found=False)
        raise NotFound(
            "Ingen borger med det CPR-nummer i dine jobcentre.", code="citizen_not_found"
        ) from None
    audit.record(actor, "citizen.search", citizen, purpose=purpose)
    return citizen


def citizen_profile(citizen: Citizen, day: date | None = None) -> dict:
    """What the citizen record looks like today, for API and UIs."""
    day = day or clock.today()
    group = contact_group_on(citizen, day)
    jobcenter = jobcenter_on(citizen, day)
    return {
        "contact_group": group,
        "jobcenter": jobcenter,
        "contact_group_history": list(
            citizen.contact_group_periods.select_related("contact_group").order_by("valid_from", "id")
        ),
        "jobcenter_history": list(
            citizen.jobcenter_periods.select_related("jobcenter").order_by("valid_from", "id")
        ),
        "absences": list(citizen.absences.select_related("absence_type").order_by("start_date")),
        "markers": list(citizen.markers.select_related("marker_type").order_by("valid_from")),
    }


def absences_on(citizen: Citizen, day: date):
    from django.db.models import Q

    return citizen.absences.filter(Q(end_date__isnull=True) | Q(end_date__gte=day), start_date__lte=day)
