"""Reads of the code lists, with clear Danish errors for unknown codes."""

from typing import TypeVar

from django.db import models

from samtale.codes import models as m
from samtale.core.errors import InvalidInput

_LABELS = {
    m.ContactGroup: "kontaktgruppe",
    m.ConversationType: "samtaletype",
    m.ContactForm: "kontaktform",
    m.ParticipationStatus: "status på deltagelse",
    m.ParticipantRole: "deltagerrolle",
    m.ParticipationForm: "deltagelsesform",
    m.AbsenceType: "fraværstype",
    m.CancellationReason: "aflysningsårsag",
    m.PersonGroupMarkerType: "persongruppemarkering",
    m.VisitationGroup: "visitationsgruppe",
}


T = TypeVar("T", bound=models.Model)


def get_code(model: type[T], code, *, field: str | None = None) -> T:
    """The active code list entry, or InvalidInput naming the list in Danish."""
    try:
        return model.objects.get(code=code, active=True)
    except (model.DoesNotExist, ValueError, TypeError):
        raise InvalidInput(
            f"Ukendt {_LABELS.get(model, 'kode')}: {code!s:.40}.",
            code=f"unknown_{model._meta.model_name}",
            field=field,
        ) from None


def all_code_lists() -> dict[str, list[dict]]:
    def rows(model, *flags):
        return [
            {"code": o.code, "label": o.label, **{f: getattr(o, f) for f in flags}}
            for o in model.objects.filter(active=True).order_by("code")
        ]

    groups = []
    for g in m.ContactGroup.objects.filter(active=True).prefetch_related("deadline_types").order_by("code"):
        groups.append(
            {
                "code": g.code,
                "label": g.label,
                "self_booking_allowed": g.self_booking_allowed,
                "self_booking_obligatory": g.self_booking_obligatory,
                "deadline_types": sorted(t.code for t in g.deadline_types.all()),
                "visitation_applies": g.visitation_applies,
                "akasse_sharing": g.akasse_sharing,
            }
        )
    return {
        "contact_groups": groups,
        "conversation_types": rows(
            m.ConversationType,
            "family",
            "deadline_allowed",
            "binding_agreement",
            "requires_akasse_status",
            "shared_with_akasse",
            "dfdg_code",
        ),
        "contact_forms": rows(m.ContactForm, "resets", "personal_attendance", "by_phone"),
        "participation_statuses": rows(m.ParticipationStatus),
        "participant_roles": rows(m.ParticipantRole),
        "participation_forms": rows(m.ParticipationForm),
        "absence_types": rows(
            m.AbsenceType, "closes_deadline", "blocks_self_booking", "citizen_may_register"
        ),
        "cancellation_reasons": rows(m.CancellationReason, "citizen_may_use"),
        "person_group_markers": rows(m.PersonGroupMarkerType),
        "visitation_groups": rows(m.VisitationGroup),
    }
