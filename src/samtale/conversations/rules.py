"""The rules of a held-conversation registration (SPEC.md § 7, R-HC-1 … R-HC-11), as pure functions:
no ORM, no clock. The service gathers the facts (code list flags, the citizen's contact group on the
day held, the latest resetting conversation) and calls these; each raises a Danish domain error with
the rule id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from samtale.core.errors import Conflict, InvalidInput

# The participation statuses that describe the a-kasse's participation (§ 27 nr. 7, seed 001); the
# two rehabilitation statuses do not answer "how did the a-kasse take part".
AKASSE_STATUSES = frozenset(
    {"akasse_deltog", "borger_onskede_ikke_akasse", "akasse_valgte_ikke_at_deltage", "akasse_udeblev"}
)

COURSE = "course"
LAB121 = "lab121"
PRACTICAL = "practical"


@dataclass(frozen=True)
class AgreementIn:
    text: str = ""
    binding: bool | None = None
    number: str = ""


@dataclass(frozen=True)
class Agreement:
    kind: str  # course, lab121, practical, or "" when none was given
    text: str
    binding: bool
    number: str


def check_held_at(held_at: datetime, now: datetime) -> None:
    """R-HC-1: the time held is a real, past (or present) moment."""
    if held_at is None:
        raise InvalidInput(
            "Tidspunktet for samtalen skal udfyldes.", code="missing_field", field="held_at", rule="R-HC-1"
        )
    if held_at.tzinfo is None:
        raise InvalidInput(
            "Tidspunktet for samtalen skal have en tidszone.",
            code="naive_datetime",
            field="held_at",
            rule="R-HC-1",
        )
    if held_at > now:
        raise InvalidInput(
            "En samtale kan ikke registreres som afholdt på et tidspunkt i fremtiden.",
            code="held_in_future",
            field="held_at",
            rule="R-HC-1",
        )


def agreement_for(*, binding_agreement: str, type_label: str, given: AgreementIn | None) -> Agreement:
    """R-HC-2, R-HC-3, R-HC-5: what agreement a conversation of this type carries.

    `binding_agreement` is the conversation type's flag: "course" (Jobsamtale, Jobsamtale med
    a-kasse, Integrationssamtale: the agreement on the continued contact course is required),
    "lab121" (Fleksjobopfølgningssamtale: the LAB § 121 agreement is required) or "" (other types:
    practical agreements only, never binding)."""
    text = (given.text if given else "") or ""
    text = text.strip()
    number = ((given.number if given else "") or "").strip()
    if binding_agreement == COURSE:
        if not text:
            raise InvalidInput(
                f"En {type_label.lower()} skal have en aftale om det fortsatte kontaktforløb (§ 27 nr. 5).",
                code="agreement_required",
                field="agreement",
                rule="R-HC-2",
            )
        binding = True if given is None or given.binding is None else bool(given.binding)
        return Agreement(COURSE, text, binding, number)
    if binding_agreement == LAB121:
        if not text:
            raise InvalidInput(
                "En fleksjobopfølgningssamtale skal have en aftale efter LAB § 121 (§ 27 nr. 6).",
                code="agreement_required",
                field="agreement",
                rule="R-HC-3",
            )
        binding = True if given is None or given.binding is None else bool(given.binding)
        return Agreement(LAB121, text, binding, number)
    if given is not None and given.binding:
        raise InvalidInput(
            f"Ved en {type_label.lower()} må der kun registreres praktiske aftaler; aftaler, der er "
            "forpligtende for borgeren, må ikke fremgå (§ 27 nr. 8).",
            code="binding_agreement_not_allowed",
            field="agreement.binding",
            rule="R-HC-5",
        )
    return Agreement(PRACTICAL if text else "", text, False, number)


def check_participation(
    *, requires_akasse_status: bool, status_code: str | None, several_authorities: bool
) -> None:
    """R-HC-4: Jobsamtale med deltagelse af a-kasse needs the a-kasse's participation status.
    R-HC-11 (DFDG): "samtale med flere myndigheder" needs a participation status."""
    if requires_akasse_status:
        if not status_code:
            raise InvalidInput(
                "Ved en jobsamtale med deltagelse af a-kasse skal status for a-kassens deltagelse udfyldes "
                "(§ 27 nr. 7).",
                code="akasse_status_required",
                field="participation_status",
                rule="R-HC-4",
            )
        if status_code not in AKASSE_STATUSES:
            raise InvalidInput(
                "Status på deltagelse skal angive a-kassens deltagelse ved en jobsamtale med deltagelse af "
                "a-kasse (§ 27 nr. 7).",
                code="akasse_status_required",
                field="participation_status",
                rule="R-HC-4",
            )
    if several_authorities and not status_code:
        raise InvalidInput(
            "Når samtalen er holdt med flere myndigheder, skal status på deltagelse udfyldes.",
            code="participation_status_required",
            field="participation_status",
            rule="R-HC-11",
        )


def check_type_allowed(
    *, allowed_group_codes: frozenset[int] | None, group_code: int | None, type_label: str
) -> None:
    """R-HC-11: the conversation type must be allowed for the citizen's contact group on the day held.
    `allowed_group_codes` None means the type is open to every group."""
    if allowed_group_codes is None:
        return
    if group_code is None or group_code not in allowed_group_codes:
        raise InvalidInput(
            f"Samtaletypen {type_label} kan ikke registreres for en borger i kontaktgruppe {group_code}.",
            code="type_not_allowed_for_contact_group",
            field="conversation_type",
            rule="R-HC-11",
        )


def check_not_before_latest_resetting(*, held_at: datetime, latest_resetting: datetime | None) -> None:
    """R-HC-11: a conversation is not registered earlier than the latest held resetting one."""
    if latest_resetting is not None and held_at < latest_resetting:
        raise Conflict(
            "Samtalen kan ikke registreres på et tidspunkt før borgerens senest registrerede nulstillende "
            "samtale.",
            code="before_latest_resetting",
            field="held_at",
            rule="R-HC-11",
        )


def check_resetting_time_free(*, resets: bool, same_time_resetting_exists: bool) -> None:
    """R-HC-11: two resetting conversations of a citizen never have the same time."""
    if resets and same_time_resetting_exists:
        raise Conflict(
            "Borgeren har allerede en nulstillende samtale registreret på præcis det tidspunkt.",
            code="resetting_time_taken",
            field="held_at",
            rule="R-HC-11",
        )


def check_visitation(*, visitation_applies: bool, group_code: int | None, given: bool) -> None:
    """R-HC-6: a visitation group is registered only for the contact groups § 27 nr. 9 names."""
    if given and not visitation_applies:
        raise InvalidInput(
            f"Visitationsgruppe registreres ikke for borgere i kontaktgruppe {group_code} (§ 27 nr. 9 gælder "
            "kontaktgruppe 2, 3, 12, 17 og 26–29).",
            code="visitation_not_applicable",
            field="visitation_group",
            rule="R-HC-6",
        )


def check_cv_flag(*, akasse_sharing: bool, group_code: int | None, flagged: bool) -> None:
    """R-HC-8: "cv-oplysningerne er ikke længere fyldestgørende" is registered for contact group 1."""
    if flagged and not akasse_sharing:
        raise InvalidInput(
            f"Vurderingen af cv-oplysningerne registreres kun for dagpengemodtagere (kontaktgruppe 1), ikke "
            f"for kontaktgruppe {group_code} (§ 27 stk. 4).",
            code="cv_flag_not_applicable",
            field="cv_not_adequate",
            rule="R-HC-8",
        )


def check_participant_name(name: str | None, index: int) -> str:
    """R-HC-7: every participant has a name (role and form are checked against the code lists)."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput(
            f"Deltager nr. {index + 1} skal have et navn.",
            code="participant_name_missing",
            field=f"participants.{index}.name",
            rule="R-HC-7",
        )
    return name
