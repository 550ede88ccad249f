"""Reads of held conversations: scoped through the citizen, current versions unless history is asked
for, and the contact-course facts (latest resetting contact, Jobsamtaler since a date)."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Max, QuerySet

from samtale.citizens.models import Citizen
from samtale.citizens.selectors import citizens_visible_to
from samtale.codes.models import ConversationType
from samtale.conversations.models import (
    ConversationTypeContactGroups,
    HeldConversation,
    VisitationRegistration,
)
from samtale.core import audit, clock
from samtale.core.actors import Actor
from samtale.core.errors import NotFound

_RELATED = (
    "citizen",
    "conversation_type",
    "contact_form",
    "participation_status",
    "booking",
    "caseworker",
    "jobcenter",
    "authority",
    "visitation_group",
)


def _with_related(qs: QuerySet) -> QuerySet:
    return qs.select_related(*_RELATED).prefetch_related("participants__role", "participants__form")


def citizen_held_conversations(actor: Actor, citizen: Citizen) -> list[HeldConversation]:
    """The citizen's held conversations (current versions), newest first. The caller has already
    resolved `citizen` through `citizen_get`/the citizen's own token, which scopes and audits."""
    if actor.kind == "citizen" and (actor.citizen is None or actor.citizen.pk != citizen.pk):
        raise NotFound("Borgeren findes ikke.", code="citizen_not_found")
    qs = HeldConversation.objects.current().filter(citizen=citizen).order_by("-held_at", "-id")
    return list(_with_related(qs))


def held_conversation_get(actor: Actor, public_id, *, purpose: str = "afholdt samtale") -> HeldConversation:
    """One version by its id, or NotFound when unknown or the citizen is outside the actor's reach."""
    try:
        hc = _with_related(HeldConversation.objects.all()).get(public_id=public_id)
    except (HeldConversation.DoesNotExist, ValueError, TypeError):
        raise NotFound("Den afholdte samtale findes ikke.", code="held_conversation_not_found") from None
    if not citizens_visible_to(actor).filter(pk=hc.citizen_id).exists():
        raise NotFound("Den afholdte samtale findes ikke.", code="held_conversation_not_found")
    audit.record(
        actor, "held_conversation.read", hc.citizen, purpose=purpose, contact_number=hc.contact_number
    )
    return hc


def held_conversation_versions(hc: HeldConversation) -> list[HeldConversation]:
    """Every version registered under the contact number, oldest first."""
    return list(
        _with_related(HeldConversation.objects.filter(contact_number=hc.contact_number)).order_by("version")
    )


def binding_agreements_in_force(citizen: Citizen) -> list[HeldConversation]:
    """R-HC-2 / § 27 nr. 5: the binding agreements in force are those of the latest held conversation of
    the types that carry them — one per kind of binding agreement (the contact-course agreement of the
    latest Jobsamtale / Jobsamtale med a-kasse / Integrationssamtale, and the LAB § 121 agreement of the
    latest Fleksjobopfølgningssamtale). Returns those held conversations (current versions)."""
    found = []
    kinds = (
        ConversationType.objects.exclude(binding_agreement="")
        .values_list("binding_agreement", flat=True)
        .distinct()
    )
    for kind in sorted(set(kinds)):
        latest = (
            _with_related(HeldConversation.objects.current())
            .filter(citizen=citizen, conversation_type__binding_agreement=kind)
            .order_by("-held_at", "-id")
            .first()
        )
        if latest is not None and latest.agreement_binding and latest.agreement_text:
            found.append(latest)
    return found


def allowed_group_codes(conversation_type: ConversationType) -> frozenset[int] | None:
    """R-HC-11 configuration: the contact groups the type may be registered for; None = every group."""
    rule = ConversationTypeContactGroups.objects.filter(conversation_type=conversation_type).first()
    if rule is None:
        return None
    return frozenset(rule.contact_groups.values_list("code", flat=True))


def latest_resetting_at(citizen: Citizen, *, exclude_contact_number: str | None = None) -> datetime | None:
    """The time of the citizen's latest held resetting (nulstillende) conversation."""
    qs = HeldConversation.objects.current().filter(citizen=citizen, resets=True)
    if exclude_contact_number:
        qs = qs.exclude(contact_number=exclude_contact_number)
    return qs.aggregate(latest=Max("held_at"))["latest"]


def latest_resetting_contact(citizen: Citizen) -> date | None:
    """Contact-course fact: the (Danish) date of the citizen's latest resetting contact."""
    moment = latest_resetting_at(citizen)
    return clock.local_date(moment) if moment else None


def latest_resetting_contacts(citizens=None) -> dict[int, date]:
    """Contact-course fact per citizen: citizen id → date of the latest resetting contact. `citizens`
    is a queryset or list of citizens (or ids) to limit to; None = every citizen."""
    qs = HeldConversation.objects.current().filter(resets=True)
    if citizens is not None:
        qs = qs.filter(citizen__in=citizens)
    rows = qs.values("citizen_id").annotate(latest=Max("held_at"))
    return {row["citizen_id"]: clock.local_date(row["latest"]) for row in rows}


def jobsamtaler_held_since(citizen: Citizen, since: date, *, resetting_only: bool = False) -> int:
    """Contact-course fact: how many Jobsamtaler (family "jobsamtale": Jobsamtale and Jobsamtale med
    deltagelse af a-kasse) the citizen has held from `since` (a Danish date) on."""
    qs = HeldConversation.objects.current().filter(
        citizen=citizen,
        conversation_type__family=ConversationType.FAMILY_JOB,
        held_at__gte=clock.start_of_day(since),
    )
    if resetting_only:
        qs = qs.filter(resets=True)
    return qs.count()


def visitation_group_on(citizen: Citizen, day: date) -> VisitationRegistration | None:
    """R-HC-6: the visitation group in force on a day (the latest registered from on or before it)."""
    return (
        VisitationRegistration.objects.filter(citizen=citizen, valid_from__lte=day)
        .select_related("visitation_group")
        .order_by("-valid_from", "-id")
        .first()
    )


def latest_visitation(citizen: Citizen) -> VisitationRegistration | None:
    return (
        VisitationRegistration.objects.filter(citizen=citizen)
        .select_related("visitation_group")
        .order_by("-valid_from", "-id")
        .first()
    )


def visitation_history(citizen: Citizen) -> list[VisitationRegistration]:
    return list(
        VisitationRegistration.objects.filter(citizen=citizen)
        .select_related("visitation_group")
        .order_by("valid_from", "id")
    )
