"""Pure rules for planned conversations (SPEC.md § 4): no ORM, no clock."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from samtale.core import clock
from samtale.core.clock import TZ
from samtale.core.errors import Conflict, InvalidInput
from samtale.scheduling.rules import check_times

__all__ = ["check_times", "check_contact_details", "check_one_planned", "check_citizen_may_change", "cutoff"]


def check_contact_details(
    *,
    personal_attendance: bool,
    by_phone: bool,
    address: str,
    who_calls: str,
    phone_to_call: str,
    requires_akasse_status: bool,
    akasse_expected: bool | None,
) -> None:
    """R-PC-2: personal attendance needs an address; a telephone meeting where the citizen calls needs
    the number to call; Jobsamtale med deltagelse af a-kasse needs the a-kasse participation."""
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
    if requires_akasse_status and akasse_expected is None:
        raise InvalidInput(
            "Jobsamtale med deltagelse af a-kasse kræver, at det angives, om a-kassen forventes at deltage.",
            code="akasse_participation_required",
            rule="R-PC-2",
            field="akasse_expected",
        )


@dataclass(frozen=True)
class PlannedFamily:
    """Another planned conversation of the citizen with a family (Jobsamtale/Opfølgningssamtale)."""

    start: datetime
    number: str


def check_one_planned(*, family: str, others: Iterable[PlannedFamily], today: date) -> None:
    """R-PC-4: at most one planned Jobsamtale (incl. med a-kasse) or Opfølgningssamtale at a time —
    except that on the (Copenhagen) day such a conversation takes place, a new one may be made."""
    if not family:
        return
    for other in others:
        if clock.local_date(other.start) != today:
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
