"""Writes for citizens. Every change locks the citizen row first (ARCHITECTURE.md "One citizen at a
time"), writes the access log and a report event in the same transaction."""

from __future__ import annotations

from datetime import date, timedelta

import phonenumbers
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import connections, router, transaction
from django.db.transaction import TransactionManagementError

from samtale.citizens.models import Absence, Citizen, ContactGroupPeriod, JobcenterPeriod, PersonGroupMarker
from samtale.citizens.selectors import contact_group_on, jobcenter_on, normalise_cpr
from samtale.codes.models import AbsenceType, ContactGroup, PersonGroupMarkerType
from samtale.codes.selectors import get_code
from samtale.core import audit, clock, prepared
from samtale.core.actors import Actor
from samtale.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from samtale.core.validation import check_date
from samtale.organisations.models import AKasse, Jobcenter
from samtale.reporting.services import report


def citizen_lock(citizen: Citizen | int, *, read: bool = True) -> Citizen | None:
    """Lock the citizen row for the rest of the transaction. Every service that changes a citizen's
    bookings or deadlines calls this first, so rules spanning the citizen's records hold under
    concurrency (SQLite serialises writers by itself). `read=False` when the caller has the citizen's
    facts already (the self-booking's hot path): only the id is read, and None returned."""
    pk = citizen.pk if isinstance(citizen, Citizen) else citizen
    if not read:
        _lock_id(pk)
        return None
    return Citizen.objects.select_for_update().filter(pk=pk).get()


def _lock_id(pk: int) -> None:
    """`select_for_update().filter(pk=pk).values_list("pk").get()` as SQL written once: it runs in
    every self-booking of a rush, and the ORM spent more CPU building it than PostgreSQL answering."""
    connection = connections[router.db_for_write(Citizen)]
    if not connection.in_atomic_block:
        raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
    qn = connection.ops.quote_name
    column = qn(Citizen._meta.pk.column)
    sql = f"SELECT {column} FROM {qn(Citizen._meta.db_table)} WHERE {column} = %s"  # noqa: S608
    if connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    with connection.cursor() as cursor:
        prepared.execute(connection, cursor, sql, [pk])
        if cursor.fetchone() is None:
            raise Citizen.DoesNotExist("Citizen matching query does not exist.")


def normalise_phone(value: str | None) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "DK")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise InvalidInput("Ugyldigt telefonnummer.", code="invalid_phone", field="phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(value: str | None) -> str:
    value = (value or "").strip()
    if value:
        try:
            validate_email(value)
        except DjangoValidationError:
            raise InvalidInput("Ugyldig e-mailadresse.", code="invalid_email", field="email") from None
    return value


def _jobcenter(code: str) -> Jobcenter:
    jobcenter = Jobcenter.objects.filter(code=str(code or "")).first()
    if jobcenter is None:
        raise InvalidInput(f"Ukendt jobcenter: {code!s:.20}.", code="unknown_jobcenter", field="jobcenter")
    return jobcenter


def _akasse(code: str | None) -> AKasse | None:
    if not code:
        return None
    akasse = AKasse.objects.filter(code=code).first()
    if akasse is None:
        raise InvalidInput(f"Ukendt a-kasse: {code!s:.20}.", code="unknown_akasse", field="akasse")
    return akasse


def _check_may_act_for(actor: Actor, jobcenter: Jobcenter) -> None:
    if actor.kind == "caseworker" and jobcenter.pk not in actor.jobcenter_ids:
        raise Forbidden("Du arbejder ikke for det jobcenter.", code="jobcenter_not_yours")


def _check_changeable(actor: Actor, citizen: Citizen) -> None:
    """A caseworker may change only citizens of their own jobcenters (404 outside them)."""
    if actor.kind == "caseworker":
        current = jobcenter_on(citizen, clock.today())
        if current is None or current.pk not in actor.jobcenter_ids:
            raise NotFound("Borgeren findes ikke.", code="citizen_not_found")
    elif actor.kind == "citizen" and (actor.citizen is None or actor.citizen.pk != citizen.pk):
        raise NotFound("Borgeren findes ikke.", code="citizen_not_found")


def _valid_from(value: date | None) -> date:
    today = clock.today()
    value = check_date(value or today, "valid_from", "record")
    if value > today:
        raise InvalidInput(
            "Ændringen kan ikke gælde fra en fremtidig dato.", code="valid_from_in_future", field="valid_from"
        )
    return value


class CitizenInOtherJobcenter(Conflict):
    """POST /citizens with the CPR of a citizen who belongs to another jobcenter: a create or update
    never moves a citizen and never shows one outside the caller's jobcenters (issue 12, item 1)."""

    default_code = "citizen_in_other_jobcenter"

    def __init__(self):
        super().__init__(
            "Der findes allerede en borger med det CPR-nummer i et andet jobcenter. Intet er ændret. "
            "Er borgeren flyttet kommune, flytter administrationen borgeren "
            "(POST /api/v1/citizens/{id}/move-jobcenter)."
        )


def citizen_upsert(*, actor: Actor, cpr: str, **fields) -> tuple[Citizen, bool]:
    """Create a citizen, or update the one with this CPR within the jobcenter it belongs to. The
    refused attempt on another jobcenter's citizen is written to the access log after the rollback,
    so the other jobcenter can see who tried."""
    try:
        return _citizen_upsert(actor=actor, cpr=cpr, **fields)
    except CitizenInOtherJobcenter:
        existing = Citizen.objects.filter(cpr=normalise_cpr(cpr)).first()
        audit.record(
            actor,
            "citizen.upsert_refused",
            existing,
            purpose="oprettelse afvist: borgeren hører til et andet jobcenter",
            jobcenter=str(fields.get("jobcenter") or "")[:20],
        )
        raise


@transaction.atomic
def _citizen_upsert(
    *,
    actor: Actor,
    cpr: str,
    name: str,
    contact_group: int,
    jobcenter: str,
    akasse: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    sms_reminders: bool | None = None,
    email_reminders: bool | None = None,
) -> tuple[Citizen, bool]:
    digits = normalise_cpr(cpr)
    name = (name or "").strip()
    if not name:
        raise InvalidInput("Navn skal udfyldes.", code="missing_field", field="name")
    group = get_code(ContactGroup, contact_group, field="contact_group")
    target = _jobcenter(jobcenter)
    _check_may_act_for(actor, target)
    # None means "not given": on an update it leaves the stored value alone.
    fields: dict = {"name": name}
    if akasse is not None:
        fields["akasse"] = _akasse(akasse)
    if phone is not None:
        fields["phone"] = normalise_phone(phone)
    if email is not None:
        fields["email"] = normalise_email(email)
    if sms_reminders is not None:
        fields["sms_reminders"] = sms_reminders
    if email_reminders is not None:
        fields["email_reminders"] = email_reminders

    existing = Citizen.objects.filter(cpr=digits).first()
    if existing is None:
        _check_subscriptions(fields.get("phone"), fields.get("email"), sms_reminders, email_reminders)
        citizen = Citizen.objects.create(cpr=digits, **fields)
        now, today = clock.now(), clock.today()
        ContactGroupPeriod.objects.create(
            citizen=citizen, contact_group=group, valid_from=today, registered_at=now
        )
        JobcenterPeriod.objects.create(citizen=citizen, jobcenter=target, valid_from=today, registered_at=now)
        audit.record(actor, "citizen.create", citizen, purpose="oprettelse")
        report(
            "citizen.created",
            citizen=citizen,
            payload={"contact_group": group.code, "jobcenter": target.code, "valid_from": today.isoformat()},
        )
        return citizen, True

    citizen = citizen_lock(existing)
    # Updating is allowed only within the jobcenter the citizen belongs to today; a different
    # jobcenter (the caller's own or not) is a move, which is its own operation for the administration.
    if jobcenter_on(citizen, clock.today()) != target:
        raise CitizenInOtherJobcenter()
    for key, value in fields.items():
        setattr(citizen, key, value)
    _check_subscriptions(citizen.phone, citizen.email, sms_reminders, email_reminders)
    citizen.save()
    audit.record(actor, "citizen.update", citizen, purpose="opdatering", fields=sorted(fields))
    if contact_group_on(citizen, clock.today()) != group:
        citizen_change_contact_group(actor=actor, citizen=citizen, contact_group=group.code)
    return citizen, False


def _check_subscriptions(phone, email, sms, mail) -> None:
    if sms and not phone:
        raise InvalidInput(
            "SMS-påmindelser kræver et mobilnummer.", code="sms_without_phone", field="sms_reminders"
        )
    if mail and not email:
        raise InvalidInput(
            "E-mailpåmindelser kræver en e-mailadresse.",
            code="email_without_address",
            field="email_reminders",
        )


@transaction.atomic
def citizen_update_contact_details(
    *,
    actor: Actor,
    citizen: Citizen,
    name: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    akasse: str | None = None,
    sms_reminders: bool | None = None,
    email_reminders: bool | None = None,
) -> Citizen:
    """Change the fields given (None = leave as is; "" clears phone/e-mail)."""
    _check_changeable(actor, citizen)
    citizen = citizen_lock(citizen)
    changed = []
    if name is not None:
        if not name.strip():
            raise InvalidInput("Navn skal udfyldes.", code="missing_field", field="name")
        citizen.name, changed = name.strip(), [*changed, "name"]
    if phone is not None:
        citizen.phone, changed = normalise_phone(phone), [*changed, "phone"]
    if email is not None:
        citizen.email, changed = normalise_email(email), [*changed, "email"]
    if akasse is not None:
        citizen.akasse, changed = _akasse(akasse), [*changed, "akasse"]
    if sms_reminders is not None:
        citizen.sms_reminders, changed = sms_reminders, [*changed, "sms_reminders"]
    if email_reminders is not None:
        citizen.email_reminders, changed = email_reminders, [*changed, "email_reminders"]
    if not citizen.phone:
        citizen.sms_reminders = False
    if not citizen.email:
        citizen.email_reminders = False
    _check_subscriptions(citizen.phone, citizen.email, sms_reminders, email_reminders)
    citizen.save()
    audit.record(actor, "citizen.update", citizen, purpose="kontaktoplysninger", fields=changed)
    return citizen


@transaction.atomic
def citizen_change_cpr(*, actor: Actor, citizen: Citizen, cpr: str) -> Citizen:
    """A new CPR number (e.g. after a correction in the CPR register). The UUID stays, and with it
    every booking, deadline, conversation and event."""
    _check_changeable(actor, citizen)
    digits = normalise_cpr(cpr)
    citizen = citizen_lock(citizen)
    if digits == citizen.cpr:
        return citizen
    if Citizen.objects.filter(cpr=digits).exclude(pk=citizen.pk).exists():
        raise Conflict("Der findes allerede en borger med det CPR-nummer.", code="cpr_taken", field="cpr")
    citizen.cpr = digits
    citizen.save(update_fields=["cpr", "updated_at"])
    audit.record(actor, "citizen.cpr_change", citizen, purpose="CPR-ændring")
    report("citizen.cpr_changed", citizen=citizen, payload={})
    return citizen


@transaction.atomic
def citizen_change_contact_group(
    *, actor: Actor, citizen: Citizen, contact_group: int, valid_from: date | None = None
) -> Citizen:
    _check_changeable(actor, citizen)
    group = get_code(ContactGroup, contact_group, field="contact_group")
    valid_from = _valid_from(valid_from)
    citizen = citizen_lock(citizen)
    previous = contact_group_on(citizen, valid_from)
    if previous == group:
        return citizen
    ContactGroupPeriod.objects.create(
        citizen=citizen, contact_group=group, valid_from=valid_from, registered_at=clock.now()
    )
    audit.record(
        actor, "citizen.contact_group_change", citizen, purpose="kontaktgruppeskift", contact_group=group.code
    )
    report(
        "citizen.contact_group_changed",
        citizen=citizen,
        payload={
            "contact_group": group.code,
            "previous": previous.code if previous else None,
            "valid_from": valid_from.isoformat(),
        },
    )
    for hook in CONTACT_GROUP_CHANGED:
        hook(actor=actor, citizen=citizen, contact_group=group)
    return citizen


MOVE_KINDS = ("admin", "system")


@transaction.atomic
def citizen_move_jobcenter(
    *, actor: Actor, citizen: Citizen, jobcenter: str, reason: str = "", valid_from: date | None = None
) -> Citizen:
    """The citizen has moved municipality: from `valid_from` (default today) they belong to another
    jobcenter. Only the administration or an integration does this, never a caseworker (a caseworker
    of the new jobcenter would otherwise take over another jobcenter's citizen). The hooks apply
    R-DL-10 (the open deadline is closed) and cancel the old jobcenter's planned conversations with
    reason "borger flyttet", telling the citizen."""
    if actor.kind not in MOVE_KINDS:
        raise Forbidden(
            "Kun administrationen kan flytte en borger til et andet jobcenter.", code="move_not_allowed"
        )
    target = _jobcenter(jobcenter)
    valid_from = _valid_from(valid_from)
    citizen = citizen_lock(citizen)
    previous = jobcenter_on(citizen, valid_from)
    if previous == target:
        return citizen
    JobcenterPeriod.objects.create(
        citizen=citizen, jobcenter=target, valid_from=valid_from, registered_at=clock.now()
    )
    reason = (reason or "").strip()
    audit.record(
        actor,
        "citizen.jobcenter_change",
        citizen,
        purpose="jobcenterskift",
        jobcenter=target.code,
        previous=previous.code if previous else None,
        reason=reason,
    )
    report(
        "citizen.jobcenter_changed",
        citizen=citizen,
        payload={
            "jobcenter": target.code,
            "previous": previous.code if previous else None,
            "valid_from": valid_from.isoformat(),
        },
    )
    for hook in JOBCENTER_CHANGED:
        hook(actor=actor, citizen=citizen, jobcenter=target)
    return citizen


@transaction.atomic
def absence_register(
    *, actor: Actor, citizen: Citizen, absence_type: int, start_date: date, end_date: date | None = None
) -> Absence:
    _check_changeable(actor, citizen)
    kind = get_code(AbsenceType, absence_type, field="absence_type")
    if actor.kind == "citizen" and not kind.citizen_may_register:
        raise InvalidInput(
            "Den fraværstype kan kun registreres af jobcentret.",
            code="absence_type_not_for_citizen",
            field="absence_type",
        )
    if start_date is None:
        raise InvalidInput("Startdato skal udfyldes.", code="missing_field", field="start_date")
    check_date(start_date, "start_date", "record")
    check_date(end_date, "end_date", "record")
    if end_date is not None and end_date < start_date:
        raise InvalidInput(
            "Fraværet kan ikke slutte før det begynder.", code="absence_end_before_start", field="end_date"
        )
    if actor.kind == "citizen" and (end_date or start_date) < clock.today():
        raise InvalidInput(
            "Du kan ikke registrere fravær, der allerede er slut.", code="absence_in_past", field="end_date"
        )
    citizen = citizen_lock(citizen)
    absence = Absence.objects.create(
        citizen=citizen,
        absence_type=kind,
        start_date=start_date,
        end_date=end_date,
        registered_by=actor.label,
    )
    audit.record(actor, "citizen.absence_register", citizen, purpose="fravær", absence_type=kind.code)
    report(
        "absence.registered",
        citizen=citizen,
        payload={
            "absence": str(absence.public_id),
            "absence_type": kind.code,
            "start_date": start_date.isoformat(),
            "end_date": end_date.isoformat() if end_date else None,
        },
    )
    for hook in ABSENCE_REGISTERED:
        hook(actor=actor, citizen=citizen, absence=absence)
    return absence


@transaction.atomic
def absence_end(*, actor: Actor, citizen: Citizen, absence_id, end_date: date) -> Absence:
    """End a registered absence on `end_date` (the last day of it): the citizen is available again
    from the day after, so free times from then on are offered again (R-PC-11)."""
    _check_changeable(actor, citizen)
    if end_date is None:
        raise InvalidInput("Slutdato skal udfyldes.", code="missing_field", field="end_date")
    citizen = citizen_lock(citizen)
    absence = citizen.absences.select_related("absence_type").filter(public_id=absence_id).first()
    if absence is None:
        raise NotFound("Fraværet findes ikke.", code="absence_not_found")
    if end_date < absence.start_date:
        raise InvalidInput(
            "Fraværet kan ikke slutte før det begynder.", code="absence_end_before_start", field="end_date"
        )
    if absence.end_date is not None and absence.end_date <= end_date:
        raise InvalidInput(
            "Fraværet slutter allerede den dag eller før.", code="absence_already_ended", field="end_date"
        )
    absence.end_date = end_date
    absence.save(update_fields=["end_date", "updated_at"])
    audit.record(
        actor, "citizen.absence_end", citizen, purpose="fravær", absence_type=absence.absence_type.code
    )
    report(
        "absence.ended",
        citizen=citizen,
        payload={
            "absence": str(absence.public_id),
            "absence_type": absence.absence_type.code,
            "end_date": end_date.isoformat(),
        },
    )
    return absence


@transaction.atomic
def absence_withdraw(*, actor: Actor, citizen: Citizen, absence_id) -> Absence | None:
    """The citizen takes back an absence they registered themselves (Mit fravær): one that has not
    begun is removed; one that has begun ends yesterday, so the citizen is available from today.
    Returns the ended absence, or None when it was removed. A citizen may not touch an absence the
    jobcenter registered (e.g. 56/57, R-DL-16)."""
    _check_changeable(actor, citizen)
    citizen = citizen_lock(citizen)
    absence = citizen.absences.select_related("absence_type").filter(public_id=absence_id).first()
    if absence is None:
        raise NotFound("Fraværet findes ikke.", code="absence_not_found")
    if actor.kind == "citizen" and (
        absence.registered_by != actor.label or not absence.absence_type.citizen_may_register
    ):
        raise Forbidden(
            "Fraværet er registreret af jobcentret. Kontakt dit jobcenter, hvis det skal ændres.",
            code="absence_not_yours",
        )
    today = clock.today()
    if absence.end_date is not None and absence.end_date < today:
        raise InvalidInput("Fraværet er allerede slut.", code="absence_already_ended", field="absence")
    if absence.start_date < today:
        return absence_end(
            actor=actor, citizen=citizen, absence_id=absence_id, end_date=today - timedelta(days=1)
        )
    payload = {
        "absence": str(absence.public_id),
        "absence_type": absence.absence_type.code,
        "start_date": absence.start_date.isoformat(),
    }
    absence.delete()
    audit.record(
        actor, "citizen.absence_remove", citizen, purpose="fravær", absence_type=payload["absence_type"]
    )
    report("absence.removed", citizen=citizen, payload=payload)
    return None


@transaction.atomic
def marker_register(
    *, actor: Actor, citizen: Citizen, marker: str, valid_from: date | None = None
) -> PersonGroupMarker:
    """Persongruppemarkering, e.g. a request for early follow-up (R-PC-10)."""
    _check_changeable(actor, citizen)
    kind = get_code(PersonGroupMarkerType, marker, field="marker")
    citizen = citizen_lock(citizen)
    valid_from = valid_from or clock.today()
    existing = citizen.markers.filter(marker_type=kind, valid_to__isnull=True).first()
    if existing:
        return existing
    row = PersonGroupMarker.objects.create(
        citizen=citizen, marker_type=kind, valid_from=valid_from, registered_by=actor.label
    )
    audit.record(actor, "citizen.marker_register", citizen, purpose="persongruppemarkering", marker=kind.code)
    report(
        "marker.registered",
        citizen=citizen,
        payload={"marker": kind.code, "label": kind.label, "valid_from": valid_from.isoformat()},
    )
    return row


# Later rules attach here (R-DL-10, R-DL-16) without signals: each hook is a plain function called
# inside the same transaction, registered by its app's AppConfig.ready().
CONTACT_GROUP_CHANGED: list = []
JOBCENTER_CHANGED: list = []
ABSENCE_REGISTERED: list = []
