"""Writes for held conversations (§ 27). One registration service does everything a registration
implies in ONE transaction: it locks the citizen, checks R-HC-1 … R-HC-11, stores the conversation with
its participants, registers the visitation group, the CV flag and the fast-track marker, sets the
planned conversation held, creates the next deadline through the deadlines service (all its rules
apply; if it is refused, nothing is stored) and writes the report events. A correction is a new
version with its own report event; the earlier version stays."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction

from samtale.citizens.models import Citizen, ContactGroupPeriod
from samtale.citizens.selectors import contact_group_on, jobcenter_on
from samtale.citizens.services import citizen_lock, marker_register
from samtale.codes.models import (
    ContactForm,
    ContactGroup,
    ConversationType,
    ParticipantRole,
    ParticipationForm,
    ParticipationStatus,
    VisitationGroup,
)
from samtale.codes.selectors import get_code
from samtale.conversations import rules, selectors
from samtale.conversations.models import HeldConversation, Participant, VisitationRegistration
from samtale.core import audit, clock
from samtale.core.actors import Actor
from samtale.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from samtale.core.validation import check_event_times
from samtale.organisations.models import Caseworker, Jobcenter
from samtale.reporting.services import report

FAST_TRACK_MARKER = "tidlig_opfoelgning"
CORRECTABLE = (
    "held_at",
    "conversation_type",
    "contact_form",
    "information",
    "several_authorities",
    "participation_status",
    "participants",
    "agreement",
    "agreement_number",
    "consent_number",
)


@dataclass
class Registration:
    """What a registration produced: the held conversation, and the next deadline with its warnings
    (R-DL-12) when one was asked for."""

    held_conversation: HeldConversation
    deadline: Any = None
    deadline_warnings: list[str] = field(default_factory=list)
    visitation: VisitationRegistration | None = None


@dataclass
class _Clean:
    held_at: datetime
    conversation_type: ConversationType
    contact_form: ContactForm
    information: str
    several_authorities: bool
    participation_status: ParticipationStatus | None
    participants: list[tuple[str, ParticipantRole, ParticipationForm]]
    agreement: rules.Agreement
    agreement_number: str
    consent_number: str
    group: ContactGroup | None


def _code(model, value, *, field_name: str):
    if value is None or value == "":
        return None
    if isinstance(value, model):
        return value
    return get_code(model, value, field=field_name)


def _as_agreement(value) -> rules.AgreementIn | None:
    if value is None:
        return None
    if isinstance(value, rules.AgreementIn):
        return value
    if isinstance(value, rules.Agreement):
        return rules.AgreementIn(text=value.text, binding=value.binding, number=value.number)
    if isinstance(value, dict):
        return rules.AgreementIn(
            text=value.get("text") or "", binding=value.get("binding"), number=value.get("number") or ""
        )
    raise InvalidInput("Aftalen skal være et objekt med tekst.", code="invalid_agreement", field="agreement")


def group_on_day_held(citizen: Citizen, day: date) -> ContactGroup | None:
    """The contact group on the day the conversation was held. A conversation held before the citizen
    was registered here (e.g. registered late, or from an earlier system) is judged by the first
    contact group we know."""
    group = contact_group_on(citizen, day)
    if group is not None:
        return group
    first = (
        ContactGroupPeriod.objects.filter(citizen=citizen)
        .select_related("contact_group")
        .order_by("valid_from", "id")
        .first()
    )
    return first.contact_group if first else None


# A conversation with more people than this is not a conversation (issue 12: 10,000 were accepted).
MAX_PARTICIPANTS = 20


def _participants(items) -> list[tuple[str, ParticipantRole, ParticipationForm]]:
    """R-HC-7: name, role and form of every participant, the role and form from the code lists."""
    if len(items or []) > MAX_PARTICIPANTS:
        raise InvalidInput(
            f"Ugyldige oplysninger: participants må højst have {MAX_PARTICIPANTS} deltagere.",
            code="too_many_participants",
            field="participants",
        )
    out = []
    for i, item in enumerate(items or []):
        if not isinstance(item, dict):
            raise InvalidInput(
                f"Deltager nr. {i + 1} skal have navn, rolle og deltagelsesform.",
                code="invalid_participant",
                field=f"participants.{i}",
                rule="R-HC-7",
            )
        name = rules.check_participant_name(item.get("name"), i)
        role_value, form_value = item.get("role"), item.get("form")
        if isinstance(role_value, ParticipantRole):
            role = role_value
        else:
            role = ParticipantRole.objects.filter(code=str(role_value or ""), active=True).first()
        if role is None:
            raise InvalidInput(
                f"Ukendt rolle for deltager nr. {i + 1}: {role_value!s:.40}. Rollen skal være en af "
                "§ 27 nr. 10's (a-kassekonsulent, mentor, støtte-/kontaktperson, bisidder, partsrepræsentant, "
                "handicaphjælper, tolk eller anden deltager).",
                code="unknown_participantrole",
                field=f"participants.{i}.role",
                rule="R-HC-7",
            )
        if isinstance(form_value, ParticipationForm):
            form = form_value
        else:
            form = ParticipationForm.objects.filter(code=str(form_value or ""), active=True).first()
        if form is None:
            raise InvalidInput(
                f"Ukendt deltagelsesform for deltager nr. {i + 1}: {form_value!s:.40}.",
                code="unknown_participationform",
                field=f"participants.{i}.form",
                rule="R-HC-7",
            )
        out.append((name, role, form))
    return out


def _clean(
    *,
    citizen: Citizen,
    held_at: datetime,
    conversation_type,
    contact_form,
    information: str,
    several_authorities: bool,
    participation_status,
    participants,
    agreement,
    agreement_number: str,
    consent_number: str,
) -> _Clean:
    """Every check that needs only the request and the code lists (R-HC-1 … R-HC-5, R-HC-7, and
    DFDG's type/contact group and several-authorities rules of R-HC-11)."""
    rules.check_held_at(held_at, clock.now())
    kind = _code(ConversationType, conversation_type, field_name="conversation_type")
    if kind is None:
        raise InvalidInput("Samtaletypen skal udfyldes.", code="missing_field", field="conversation_type")
    form = _code(ContactForm, contact_form, field_name="contact_form")
    if form is None:
        raise InvalidInput("Kontaktformen skal udfyldes.", code="missing_field", field="contact_form")
    status = _code(ParticipationStatus, participation_status, field_name="participation_status")
    group = group_on_day_held(citizen, clock.local_date(held_at))
    rules.check_type_allowed(
        allowed_group_codes=selectors.allowed_group_codes(kind),
        group_code=group.code if group else None,
        type_label=kind.label,
    )
    clean_agreement = rules.agreement_for(
        binding_agreement=kind.binding_agreement, type_label=kind.label, given=_as_agreement(agreement)
    )
    rules.check_participation(
        requires_akasse_status=kind.requires_akasse_status,
        status_code=status.code if status else None,
        several_authorities=bool(several_authorities),
    )
    return _Clean(
        held_at=held_at,
        conversation_type=kind,
        contact_form=form,
        information=(information or "").strip(),
        several_authorities=bool(several_authorities),
        participation_status=status,
        participants=_participants(participants),
        agreement=clean_agreement,
        agreement_number=(agreement_number or clean_agreement.number or "").strip()[:50],
        consent_number=(consent_number or "").strip()[:50],
        group=group,
    )


def _check_held_order(
    citizen: Citizen, clean: _Clean, *, exclude_contact_number: str | None = None, time_changed: bool = True
) -> None:
    """R-HC-11 against the citizen's other registrations (called with the citizen locked). The order
    rule is about registering a time: a correction that keeps the time of an older conversation (a
    typo in the text, a participant) is not refused because later conversations exist."""
    if time_changed:
        rules.check_not_before_latest_resetting(
            held_at=clean.held_at,
            latest_resetting=selectors.latest_resetting_at(
                citizen, exclude_contact_number=exclude_contact_number
            ),
        )
    same_time = HeldConversation.objects.current().filter(citizen=citizen, resets=True, held_at=clean.held_at)
    if exclude_contact_number:
        same_time = same_time.exclude(contact_number=exclude_contact_number)
    rules.check_resetting_time_free(
        resets=clean.contact_form.resets, same_time_resetting_exists=same_time.exists()
    )


def _registering_jobcenter(actor: Actor, citizen: Citizen) -> Jobcenter:
    """R-HC-11: a jobcenter registers only for its own citizens (404 outside them: we do not reveal
    whether the citizen exists)."""
    if actor.kind not in ("caseworker", "admin", "system"):
        raise Forbidden("Kun jobcentret kan registrere afholdte samtaler.", code="wrong_role", rule="R-HC-11")
    jobcenter = jobcenter_on(citizen, clock.today())
    if actor.kind == "caseworker" and (jobcenter is None or jobcenter.pk not in actor.jobcenter_ids):
        raise NotFound("Borgeren findes ikke i dine jobcentre.", code="citizen_not_found", rule="R-HC-11")
    if jobcenter is None:
        raise InvalidInput("Borgeren er ikke tilknyttet et jobcenter.", code="citizen_without_jobcenter")
    return jobcenter


def _responsible(actor: Actor, caseworker) -> Caseworker | None:
    if actor.kind == "caseworker":
        return actor.caseworker
    if caseworker is None or isinstance(caseworker, Caseworker):
        return caseworker
    found = Caseworker.objects.filter(ident=str(caseworker)).first()
    if found is None:
        raise InvalidInput(
            f"Ukendt sagsbehandler: {caseworker!s:.50}.", code="unknown_caseworker", field="caseworker"
        )
    return found


def _payload(hc: HeldConversation, participants: list[Participant]) -> dict:
    return {
        "held_conversation": str(hc.public_id),
        "contact_number": hc.contact_number,
        "version": hc.version,
        "held_at": hc.held_at.isoformat(),
        "registered_at": hc.registered_at.isoformat(),
        "conversation_type": hc.conversation_type.code,
        # R-RP-1: a local code (no DFDG code, SPEC § 3.1) is never passed off as a DFDG code.
        "code_system": "dfdg" if hc.conversation_type.dfdg_code else "local",
        "contact_form": hc.contact_form.code,
        "resets": hc.resets,
        "information": hc.information,
        "several_authorities": hc.several_authorities,
        "participation_status": hc.participation_status.code if hc.participation_status else None,
        "booking": hc.booking.booking_number if hc.booking_id else None,
        "caseworker": hc.caseworker.ident if hc.caseworker_id else None,
        "jobcenter": hc.jobcenter.code,
        "authority": {"kind": hc.authority.kind, "code": hc.authority.code},
        "agreement": {
            "kind": hc.agreement_kind,
            "text": hc.agreement_text,
            "binding": hc.agreement_binding,
            "number": hc.agreement_number,
        },
        "consent_number": hc.consent_number,
        "participants": [{"name": p.name, "role": p.role.code, "form": p.form.code} for p in participants],
        "visitation_group": hc.visitation_group.code if hc.visitation_group_id else None,
        "cv_not_adequate": hc.cv_not_adequate,
        "early_follow_up": hc.early_follow_up,
    }


def _store(
    *,
    citizen: Citizen,
    clean: _Clean,
    actor: Actor,
    jobcenter: Jobcenter,
    caseworker: Caseworker | None,
    booking,
    contact_number: str,
    version: int,
    replaces: HeldConversation | None = None,
    correction_reason: str = "",
    visitation_group: VisitationGroup | None = None,
    cv_not_adequate: bool = False,
    early_follow_up: bool = False,
) -> tuple[HeldConversation, list[Participant]]:
    authority = caseworker.authority if caseworker and caseworker.authority_id else jobcenter.authority
    hc = HeldConversation.objects.create(
        # A unique placeholder until the row has its id: a shared "" would make parallel registrations
        # of different citizens wait on each other in the unique index.
        contact_number=contact_number or f"tmp-{uuid.uuid4().hex[:16]}",
        version=version,
        is_current=True,
        replaces=replaces,
        correction_reason=correction_reason,
        citizen=citizen,
        held_at=clean.held_at,
        registered_at=clock.now(),
        registered_by=actor.label,
        conversation_type=clean.conversation_type,
        contact_form=clean.contact_form,
        resets=clean.contact_form.resets,
        information=clean.information,
        several_authorities=clean.several_authorities,
        participation_status=clean.participation_status,
        booking=booking,
        caseworker=caseworker,
        jobcenter=jobcenter,
        authority=authority,
        agreement_kind=clean.agreement.kind,
        agreement_text=clean.agreement.text,
        agreement_binding=clean.agreement.binding,
        agreement_number=clean.agreement_number,
        consent_number=clean.consent_number,
        visitation_group=visitation_group,
        cv_not_adequate=cv_not_adequate,
        early_follow_up=early_follow_up,
    )
    if not contact_number:
        # Human-readable and unique: from the row's own id (no shared counter to serialise on).
        hc.contact_number = f"AS-{hc.pk:08d}"
        hc.save(update_fields=["contact_number"])
    participants = [
        Participant.objects.create(held_conversation=hc, name=name, role=role, form=form)
        for name, role, form in clean.participants
    ]
    return hc, participants


@transaction.atomic
def held_conversation_register(
    *,
    actor: Actor,
    citizen: Citizen,
    held_at: datetime,
    conversation_type=None,
    contact_form=None,
    information: str = "",
    several_authorities: bool = False,
    participation_status=None,
    participants=(),
    agreement=None,
    agreement_number: str = "",
    consent_number: str = "",
    visitation_group=None,
    cv_not_adequate: bool = False,
    early_follow_up: bool = False,
    caseworker=None,
    booking=None,
    next_deadline: dict | None = None,
) -> Registration:
    """Register a held conversation (§ 27). `booking` is the planned conversation it came from (its
    type and contact form are the defaults); `next_deadline` = {conversation_type, deadline_date,
    activation_date?} creates the next deadline in the same transaction (R-HC-10)."""
    check_event_times(held_at=held_at)
    jobcenter = _registering_jobcenter(actor, citizen)
    responsible = _responsible(actor, caseworker)
    if booking is not None:
        if booking.citizen_id != citizen.pk:
            raise InvalidInput(
                "Den planlagte samtale tilhører en anden borger.",
                code="booking_other_citizen",
                field="booking",
                rule="R-HC-9",
            )
        conversation_type = (
            conversation_type if conversation_type not in (None, "") else booking.conversation_type
        )
        contact_form = contact_form if contact_form not in (None, "") else booking.contact_form
    clean = _clean(
        citizen=citizen,
        held_at=held_at,
        conversation_type=conversation_type,
        contact_form=contact_form,
        information=information,
        several_authorities=several_authorities,
        participation_status=participation_status,
        participants=participants,
        agreement=agreement,
        agreement_number=agreement_number,
        consent_number=consent_number,
    )
    group = clean.group
    visitation = _code(VisitationGroup, visitation_group, field_name="visitation_group")
    rules.check_visitation(
        visitation_applies=bool(group and group.visitation_applies),
        group_code=group.code if group else None,
        given=visitation is not None,
    )
    rules.check_cv_flag(
        akasse_sharing=bool(group and group.akasse_sharing),
        group_code=group.code if group else None,
        flagged=bool(cv_not_adequate),
    )

    citizen = citizen_lock(citizen)
    _check_held_order(citizen, clean)
    if booking is not None:
        booking.refresh_from_db()
        # A planned conversation becomes held; one marked no-show by mistake may still become held
        # (booking_mark_held decides, R-PC-3). A held or cancelled one cannot get a second registration.
        if booking.status not in ("planned", "no_show"):
            raise Conflict(
                f"Den planlagte samtale er {booking.get_status_display().lower()} og kan ikke registreres som "
                "afholdt.",
                code="booking_not_planned",
                field="booking",
                rule="R-HC-9",
            )

    # § 27 nr. 9: registered only when it differs from the latest; in force from the registration date.
    latest = selectors.latest_visitation(citizen) if visitation is not None else None
    new_visitation = (
        visitation
        if visitation is not None and (latest is None or latest.visitation_group_id != visitation.pk)
        else None
    )

    hc, people = _store(
        citizen=citizen,
        clean=clean,
        actor=actor,
        jobcenter=jobcenter,
        caseworker=responsible,
        booking=booking,
        contact_number="",
        version=1,
        visitation_group=new_visitation,
        cv_not_adequate=bool(cv_not_adequate),
        early_follow_up=bool(early_follow_up),
    )
    result = Registration(held_conversation=hc)
    audit.record(
        actor,
        "held_conversation.register",
        citizen,
        purpose="afholdt samtale",
        contact_number=hc.contact_number,
    )
    report(
        "held_conversation.registered",
        citizen=citizen,
        payload=_payload(hc, people),
        share_with_akasse=clean.conversation_type.shared_with_akasse,
    )
    if new_visitation is not None:
        today = clock.today()
        result.visitation = VisitationRegistration.objects.create(
            citizen=citizen,
            visitation_group=new_visitation,
            valid_from=today,
            registered_at=clock.now(),
            registered_by=actor.label,
            held_conversation=hc,
        )
        report(
            "visitation.registered",
            citizen=citizen,
            payload={
                "visitation_group": new_visitation.code,
                "previous": latest.visitation_group.code if latest else None,
                "valid_from": today.isoformat(),
                "contact_number": hc.contact_number,
            },
        )
    if cv_not_adequate:
        report(
            "cv.not_adequate",
            citizen=citizen,
            payload={"contact_number": hc.contact_number, "registered_on": clock.today().isoformat()},
        )
    if early_follow_up:
        marker_register(actor=actor, citizen=citizen, marker=FAST_TRACK_MARKER)
    if booking is not None:
        from samtale.bookings.services import booking_mark_held

        booking_mark_held(actor=actor, booking=booking)
    if next_deadline:
        result.deadline, result.deadline_warnings = _create_next_deadline(actor, citizen, next_deadline)
    return result


def _create_next_deadline(actor: Actor, citizen: Citizen, spec: dict):
    """R-HC-10: the next deadline, through the deadlines service so every deadline rule applies. An
    error there propagates and rolls the whole registration back."""
    from samtale.deadlines.services import deadline_create

    kind = _code(
        ConversationType, spec.get("conversation_type"), field_name="next_deadline.conversation_type"
    )
    if kind is None or not spec.get("deadline_date"):
        raise InvalidInput(
            "Den næste frist skal have samtaletype og fristdato.",
            code="missing_field",
            field="next_deadline",
            rule="R-HC-10",
        )
    deadline, warnings = deadline_create(
        actor=actor,
        citizen=citizen,
        conversation_type=kind,
        deadline_date=spec["deadline_date"],
        activation_date=spec.get("activation_date"),
    )
    return deadline, list(warnings or [])


@transaction.atomic
def held_conversation_correct(
    *, actor: Actor, held_conversation: HeldConversation, reason: str, **changes
) -> HeldConversation:
    """A correction: a new version under the same contact number with the changed fields, checked by
    the same rules; the earlier version stays (no longer current), and the correction is reported.
    Only the registration's own fields can be corrected (`CORRECTABLE`); the visitation group, the CV
    flag and the fast-track marker have their own histories."""
    unknown = sorted(set(changes) - set(CORRECTABLE))
    if unknown:
        raise InvalidInput(
            f"Kan ikke rettes: {', '.join(unknown)}.", code="not_correctable", field=unknown[0]
        )
    check_event_times(held_at=changes.get("held_at"))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            "En rettelse skal have en begrundelse.",
            code="correction_reason_missing",
            field="reason",
            rule="R-HC-9",
        )
    old = held_conversation
    citizen = old.citizen
    _registering_jobcenter(actor, citizen)
    citizen = citizen_lock(citizen)
    old = HeldConversation.objects.select_related(
        "conversation_type",
        "contact_form",
        "participation_status",
        "booking",
        "caseworker__authority",
        "jobcenter__authority",
        "visitation_group",
    ).get(pk=old.pk)
    if not old.is_current:
        raise Conflict(
            "Der er registreret en nyere version af samtalen. Ret den gældende version.",
            code="outdated_version",
            rule="R-HC-9",
        )
    current_participants = [
        {"name": p.name, "role": p.role, "form": p.form}
        for p in old.participants.select_related("role", "form")
    ]
    merged = {
        "held_at": old.held_at,
        "conversation_type": old.conversation_type,
        "contact_form": old.contact_form,
        "information": old.information,
        "several_authorities": old.several_authorities,
        "participation_status": old.participation_status,
        "participants": current_participants,
        "agreement": rules.AgreementIn(
            text=old.agreement_text, binding=old.agreement_binding, number=old.agreement_number
        )
        if old.agreement_text
        else None,
        "agreement_number": old.agreement_number,
        "consent_number": old.consent_number,
    }
    if "conversation_type" in changes and "agreement" not in changes and merged["agreement"] is not None:
        # A new type decides anew whether the agreement may be binding (R-HC-2/R-HC-5): keep the text.
        merged["agreement"] = rules.AgreementIn(
            text=old.agreement_text, binding=None, number=old.agreement_number
        )
    merged.update(changes)
    clean = _clean(citizen=citizen, **merged)
    _check_held_order(
        citizen, clean, exclude_contact_number=old.contact_number, time_changed=clean.held_at != old.held_at
    )

    old.is_current = False
    old.save(update_fields=["is_current", "updated_at"])
    # The responsible caseworker and authority stay those of the conversation; `registered_by` on the
    # new version records who corrected it.
    new, people = _store(
        citizen=citizen,
        clean=clean,
        actor=actor,
        jobcenter=old.jobcenter,
        caseworker=old.caseworker,
        booking=old.booking,
        contact_number=old.contact_number,
        version=old.version + 1,
        replaces=old,
        correction_reason=reason,
        visitation_group=old.visitation_group,
        cv_not_adequate=old.cv_not_adequate,
        early_follow_up=old.early_follow_up,
    )
    audit.record(
        actor,
        "held_conversation.correct",
        citizen,
        purpose="rettelse af afholdt samtale",
        contact_number=new.contact_number,
        version=new.version,
    )
    payload = _payload(new, people)
    payload["correction"] = {"reason": reason, "replaces_version": old.version, "changed": sorted(changes)}
    report(
        "held_conversation.corrected",
        citizen=citizen,
        payload=payload,
        share_with_akasse=new.conversation_type.shared_with_akasse
        or old.conversation_type.shared_with_akasse,
    )
    return new
