"""Pure rules for planned conversations (SPEC.md § 4): no ORM, no clock."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from samtale.core import clock
from samtale.core.clock import TZ
from samtale.core.errors import Conflict, InvalidInput
from samtale.scheduling.rules import check_times

__all__ = [
    "check_times",
    "check_contact_details",
    "check_summons_complete",
    "check_type_for_group",
    "check_one_planned",
    "check_citizen_may_change",
    "cutoff",
]


def check_contact_details(
    *,
    personal_attendance: bool,
    by_phone: bool,
    address: str,
    who_calls: str,
    phone_to_call: str,
    requires_akasse_status: bool,
    akasse_expected: bool | None,
    video: bool = False,
    video_link: str = "",
) -> None:
    """R-PC-2: personal attendance needs an address; a telephone meeting where the citizen calls needs
    the number to call; a video meeting needs its link; Jobsamtale med deltagelse af a-kasse needs the
    a-kasse participation."""
    if personal_attendance and not (address or "").strip():
        raise InvalidInput(
            "Personligt fremmøde kræver en adresse.", code="address_required", rule="R-PC-2", field="address"
        )
    if by_phone and who_calls == "citizen" and not (phone_to_call or "").strip():
        raise InvalidInput(
            "Når borgeren skal ringe op, skal nummeret, der ringes til, udfyldes.",
            code="phone_to_call_required",
            rule="R-PC-2",
            field="phone_to_call",
        )
    if video and not (video_link or "").strip():
        raise InvalidInput(
            "Et digitalt møde kræver et link til mødet.",
            code="video_link_required",
            rule="R-PC-2",
            field="video_link",
        )
    if requires_akasse_status and akasse_expected is None:
        raise InvalidInput(
            "Jobsamtale med deltagelse af a-kasse kræver, at det angives, om a-kassen forventes at deltage.",
            code="akasse_participation_required",
            rule="R-PC-2",
            field="akasse_expected",
        )


def check_summons_complete(
    *, location: str, title: str, description: str, personal_attendance: bool, citizen_contact: str
) -> None:
    """R-PC-2, BEK 442 § 20: every summons names where it is held (nr. 5), has a title and a
    description (nr. 9), and says how the citizen can be reached for it (nr. 6) — a meeting that is not
    in person cannot be held with a citizen who has neither phone nor e-mail."""
    for value, field, text in (
        (location, "location", "Indkaldelsen skal have en lokation (§ 20 nr. 5)."),
        (title, "title", "Indkaldelsen skal have en titel (§ 20 nr. 9)."),
        (description, "description", "Indkaldelsen skal have en beskrivelse (§ 20 nr. 9)."),
    ):
        if not (value or "").strip():
            raise InvalidInput(text, code=f"{field}_required", rule="R-PC-2", field=field)
    if not personal_attendance and not (citizen_contact or "").strip():
        raise InvalidInput(
            "Borgeren har hverken telefonnummer eller e-mail, så mødet kan ikke holdes uden fremmøde "
            "(§ 20 nr. 6). Angiv borgerens kontaktmuligheder eller vælg personligt fremmøde.",
            code="contact_options_required",
            rule="R-PC-2",
            field="citizen_contact",
        )


def check_type_for_group(
    *, allowed_group_codes: frozenset[int] | None, group_code: int | None, type_label: str
) -> None:
    """R-PC-2: a summons uses only a conversation type the citizen's contact group may have — the same
    configuration as registration (R-HC-11): Jobsamtale med deltagelse af a-kasse only for contact
    group 1. `allowed_group_codes` None means every group."""
    if allowed_group_codes is not None and group_code not in allowed_group_codes:
        raise InvalidInput(
            f"Samtaletypen {type_label} kan ikke bruges for en borger i kontaktgruppe {group_code}.",
            code="type_not_allowed_for_contact_group",
            rule="R-PC-2",
            field="conversation_type",
        )


@dataclass(frozen=True)
class PlannedFamily:
    """Another planned conversation of the citizen with a family (Jobsamtale/Opfølgningssamtale)."""

    start: datetime
    number: str


def check_one_planned(*, family: str, others: Iterable[PlannedFamily], today: date) -> None:
    """R-PC-4: at most one planned Jobsamtale (incl. med a-kasse) or Opfølgningssamtale at a time —
    except that on the (Copenhagen) day such a conversation takes place, a new one may be made. Only
    conversations dated today or later count: one whose day has passed but which is not yet registered
    held or no-show does not block (seed 004 Bilag 1, S-5: the jobcenter sets a new deadline or
    summons before it registers the no-show)."""
    if not family:
        return
    for other in others:
        if clock.local_date(other.start) > today:
            day = other.start.astimezone(TZ)
            raise Conflict(
                "Borgeren har allerede en planlagt jobsamtale eller opfølgningssamtale "
                f"({other.number}, {day:%d.%m.%Y kl. %H.%M}). Flyt den i stedet for at oprette en ny.",
                code="one_planned_conversation",
                rule="R-PC-4",
            )


def cutoff(start: datetime, hours: int) -> datetime:
    return start - timedelta(hours=hours)


def check_citizen_may_change(*, what: str, allowed: bool, deadline: datetime | None, now: datetime) -> None:
    """R-PC-6: the citizen may rebook/cancel only when it is allowed and before its deadline."""
    verb = {"rebook": "ombooke", "cancel": "aflyse"}[what]
    if not allowed:
        raise Conflict(
            f"Du kan ikke {verb} denne samtale. Kontakt jobcentret.",
            code=f"{what}_not_allowed",
            rule="R-PC-6",
        )
    if deadline is not None and now >= deadline:
        local = deadline.astimezone(TZ)
        raise Conflict(
            f"Fristen for at {verb} samtalen udløb {local:%d.%m.%Y kl. %H.%M}. Kontakt jobcentret.",
            code=f"{what}_deadline_passed",
            rule="R-PC-6",
        )
