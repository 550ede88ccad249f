"""The registration service and its rules (SPEC.md § 7, R-HC-1 … R-HC-11, R-PC-10)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from samtale.citizens.models import PersonGroupMarker
from samtale.conversations import selectors
from samtale.conversations.models import HeldConversation, Participant, VisitationRegistration
from samtale.conversations.services import held_conversation_correct
from samtale.core.actors import Actor
from samtale.core.errors import Conflict, DomainError, InvalidInput, NotFound
from samtale.reporting.models import ReportEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

H = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)


def refused(fn, rule, exc=DomainError):
    """Call fn, expect a domain error naming `rule`, and check that nothing was stored."""
    before = (
        HeldConversation.objects.count(),
        ReportEvent.objects.count(),
        VisitationRegistration.objects.count(),
    )
    with pytest.raises(exc) as info:
        fn()
    assert info.value.rule == rule, info.value.message
    after = (
        HeldConversation.objects.count(),
        ReportEvent.objects.count(),
        VisitationRegistration.objects.count(),
    )
    assert after == before
    return info.value


def test_registration_stores_every_field(make_citizen, register, cw_a):
    citizen = make_citizen(contact_group=2)
    hc = register(
        citizen,
        information="Samtale om jobsøgning inden for lager.",
        several_authorities=True,
        participation_status="borger_deltog_rehabilitering",
        agreement={"text": "Søger 5 job om ugen", "number": "AFT-7"},
        consent_number="S-12",
        participants=[{"name": "Jens Mentor", "role": "mentor", "form": "personligt"}],
    ).held_conversation
    hc.refresh_from_db()
    assert hc.contact_number.startswith("AS-") and hc.version == 1 and hc.is_current
    assert hc.held_at == H and hc.registered_at == datetime(2026, 3, 4, 13, 0, tzinfo=UTC)
    assert hc.conversation_type.code == 7 and hc.contact_form.code == "personligt" and hc.resets
    assert hc.caseworker == cw_a and hc.jobcenter.code == "101" and hc.authority == hc.jobcenter.authority
    assert (hc.agreement_kind, hc.agreement_binding, hc.agreement_number) == ("course", True, "AFT-7")
    assert hc.consent_number == "S-12" and hc.several_authorities
    event = ReportEvent.objects.get(kind="held_conversation.registered")
    assert event.payload["contact_number"] == hc.contact_number
    assert event.payload["participants"] == [{"name": "Jens Mentor", "role": "mentor", "form": "personligt"}]


def test_contact_numbers_are_unique(make_citizen, register):
    citizen = make_citizen()
    a = register(citizen, held_at=H - timedelta(days=2)).held_conversation
    b = register(citizen).held_conversation
    assert a.contact_number != b.contact_number


# R-HC-1 --------------------------------------------------------------------------------------------


def test_r_hc_1_future_time_is_refused(make_citizen, register):
    citizen = make_citizen()
    refused(
        lambda: register(citizen, held_at=datetime(2026, 3, 4, 13, 1, tzinfo=UTC)), "R-HC-1", InvalidInput
    )


def test_r_hc_1_registration_time_is_the_systems(make_citizen, register, frozen):
    citizen = make_citizen()
    frozen.shift(timedelta(hours=2))
    hc = register(citizen, held_at=H).held_conversation
    assert hc.registered_at == datetime(2026, 3, 4, 15, 0, tzinfo=UTC) != hc.held_at


# R-HC-2, R-HC-3, R-HC-5 ------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "group"), [(7, 2), (17, 1), (902, 3)])
def test_r_hc_2_course_agreement_required(make_citizen, register, kind, group):
    citizen = make_citizen(contact_group=group)
    extra = {"participation_status": "akasse_deltog"} if kind == 17 else {}
    refused(
        lambda: register(citizen, conversation_type=kind, agreement=None, **extra), "R-HC-2", InvalidInput
    )
    refused(lambda: register(citizen, conversation_type=kind, agreement={"text": "  "}, **extra), "R-HC-2")
    hc = register(citizen, conversation_type=kind, agreement={"text": "Aftale"}, **extra).held_conversation
    assert (hc.agreement_kind, hc.agreement_binding) == ("course", True)


def test_r_hc_2_binding_agreements_in_force_are_those_of_the_latest(make_citizen, register):
    citizen = make_citizen(contact_group=2)
    register(citizen, held_at=H - timedelta(days=30), agreement={"text": "Gammel aftale"})
    latest = register(
        citizen, held_at=H - timedelta(days=2), agreement={"text": "Ny aftale"}
    ).held_conversation
    # A later conversation of another type does not replace the binding agreements.
    register(citizen, held_at=H, conversation_type=12, agreement={"text": "Praktisk: medbring cv"})
    in_force = selectors.binding_agreements_in_force(citizen)
    assert [(hc.pk, hc.agreement_text) for hc in in_force] == [(latest.pk, "Ny aftale")]


def test_r_hc_3_fleksjob_follow_up_requires_lab_121_agreement(make_citizen, register):
    citizen = make_citizen(contact_group=7)
    refused(lambda: register(citizen, conversation_type=901, agreement=None), "R-HC-3", InvalidInput)
    hc = register(
        citizen, conversation_type=901, agreement={"text": "Opfølgning om 6 måneder"}
    ).held_conversation
    assert hc.agreement_kind == "lab121" and hc.agreement_binding
    assert [h.agreement_kind for h in selectors.binding_agreements_in_force(citizen)] == ["lab121"]


@pytest.mark.parametrize("kind", [9, 10, 12, 13, 4])
def test_r_hc_5_other_types_refuse_binding_agreements(make_citizen, register, kind):
    citizen = make_citizen(contact_group=2)
    refused(
        lambda: register(citizen, conversation_type=kind, agreement={"text": "Du skal", "binding": True}),
        "R-HC-5",
        InvalidInput,
    )
    hc = register(
        citizen, conversation_type=kind, agreement={"text": "Medbring cv næste gang"}
    ).held_conversation
    assert (hc.agreement_kind, hc.agreement_binding) == ("practical", False)
    assert selectors.binding_agreements_in_force(citizen) == []


# R-HC-4 -------------------------------------------------------------------------------------------


def test_r_hc_4_jobsamtale_with_akasse_needs_akasse_status(make_citizen, register, akasse):
    citizen = make_citizen(contact_group=1, akasse=akasse.code)
    refused(lambda: register(citizen, conversation_type=17), "R-HC-4", InvalidInput)
    refused(
        lambda: register(citizen, conversation_type=17, participation_status="borger_deltog_rehabilitering"),
        "R-HC-4",
    )
    hc = register(citizen, conversation_type=17, participation_status="akasse_udeblev").held_conversation
    assert hc.participation_status.code == "akasse_udeblev"


# R-HC-6 -------------------------------------------------------------------------------------------


def test_r_hc_6_visitation_registered_when_it_differs(make_citizen, register, frozen):
    citizen = make_citizen(contact_group=2)
    first = register(citizen, held_at=H - timedelta(days=5), visitation_group="jobparat")
    assert first.visitation is not None and first.visitation.valid_from == date(2026, 3, 4)
    same = register(citizen, held_at=H - timedelta(days=4), visitation_group="jobparat")
    assert same.visitation is None and same.held_conversation.visitation_group is None
    frozen.shift(timedelta(days=1))
    changed = register(citizen, held_at=H, visitation_group="aktivitetsparat")
    # In force from the registration date (5 March), not from the day held (3 March).
    assert changed.visitation.valid_from == date(2026, 3, 5)
    assert selectors.visitation_group_on(citizen, date(2026, 3, 4)).visitation_group.code == "jobparat"
    assert selectors.visitation_group_on(citizen, date(2026, 3, 5)).visitation_group.code == "aktivitetsparat"
    assert [v.visitation_group.code for v in selectors.visitation_history(citizen)] == [
        "jobparat",
        "aktivitetsparat",
    ]
    assert ReportEvent.objects.filter(kind="visitation.registered").count() == 2


def test_r_hc_6_no_visitation_for_other_contact_groups(make_citizen, register):
    citizen = make_citizen(contact_group=6)
    refused(
        lambda: register(citizen, conversation_type=4, visitation_group="jobparat"), "R-HC-6", InvalidInput
    )


# R-HC-7 -------------------------------------------------------------------------------------------


def test_r_hc_7_participants_with_name_role_form(make_citizen, register):
    citizen = make_citizen()
    hc = register(
        citizen,
        participants=[
            {"name": "Ali Tolk", "role": "tolk", "form": "telefonisk"},
            {"name": "Berit", "role": "bisidder", "form": "personligt"},
        ],
    ).held_conversation
    assert [(p.name, p.role.code, p.form.code) for p in hc.participants.all()] == [
        ("Ali Tolk", "tolk", "telefonisk"),
        ("Berit", "bisidder", "personligt"),
    ]


@pytest.mark.parametrize(
    "participant",
    [
        {"name": "X", "role": "chauffoer", "form": "personligt"},
        {"name": "X", "role": "tolk", "form": "brevdue"},
        {"name": " ", "role": "tolk", "form": "personligt"},
        {"name": "X", "form": "personligt"},
    ],
)
def test_r_hc_7_bad_participants_refused(make_citizen, register, participant):
    citizen = make_citizen()
    refused(lambda: register(citizen, participants=[participant]), "R-HC-7", InvalidInput)
    assert Participant.objects.count() == 0


# R-HC-8 -------------------------------------------------------------------------------------------


def test_r_hc_8_cv_flag_for_contact_group_1(make_citizen, register, akasse):
    citizen = make_citizen(contact_group=1, akasse=akasse.code)
    hc = register(citizen, cv_not_adequate=True).held_conversation
    assert hc.cv_not_adequate
    assert ReportEvent.objects.filter(kind="cv.not_adequate", citizen=citizen).count() == 1
    other = make_citizen(contact_group=2)
    refused(lambda: register(other, cv_not_adequate=True), "R-HC-8", InvalidInput)


@pytest.mark.parametrize(
    ("kind", "shared"), [(7, True), (12, True), (9, True), (13, True), (10, False), (11, False)]
)
def test_r_hc_8_akasse_receives_the_types_of_27_stk_5(make_citizen, register, akasse, kind, shared):
    citizen = make_citizen(contact_group=1, akasse=akasse.code)
    register(citizen, conversation_type=kind, agreement={"text": "Aftale"} if kind == 7 else None)
    event = ReportEvent.objects.get(kind="held_conversation.registered", citizen=citizen)
    assert (event.akasse_id == akasse.pk) is shared


def test_r_hc_8_not_shared_outside_contact_group_1(make_citizen, register, akasse):
    citizen = make_citizen(contact_group=2, akasse=akasse.code)
    register(citizen)
    assert ReportEvent.objects.get(kind="held_conversation.registered").akasse_id is None


# R-PC-10 ------------------------------------------------------------------------------------------


def test_r_pc_10_early_follow_up_is_the_fast_track_marker(make_citizen, register):
    citizen = make_citizen(contact_group=1)
    hc = register(citizen, early_follow_up=True).held_conversation
    assert hc.early_follow_up
    marker = PersonGroupMarker.objects.get(citizen=citizen)
    assert marker.marker_type.code == "tidlig_opfoelgning" and marker.valid_from == date(2026, 3, 4)
    assert ReportEvent.objects.filter(kind="marker.registered", citizen=citizen).count() == 1


# R-HC-9: corrections ------------------------------------------------------------------------------


def test_r_hc_9_correction_is_a_new_version_with_its_own_event(make_citizen, register, actor_a):
    citizen = make_citizen()
    hc = register(
        citizen,
        information="Første udgave",
        participants=[{"name": "A", "role": "tolk", "form": "personligt"}],
    ).held_conversation
    new = held_conversation_correct(
        actor=actor_a, held_conversation=hc, reason="Forkert kontaktform", contact_form="telefonisk"
    )
    hc.refresh_from_db()
    assert not hc.is_current and hc.contact_form.code == "personligt"  # the old version is kept as it was
    assert (
        new.is_current and new.version == 2 and new.replaces == hc and new.contact_number == hc.contact_number
    )
    assert new.contact_form.code == "telefonisk" and new.information == "Første udgave"
    assert [p.name for p in new.participants.all()] == ["A"]
    event = ReportEvent.objects.get(kind="held_conversation.corrected")
    assert event.payload["version"] == 2 and event.payload["correction"]["changed"] == ["contact_form"]
    assert [v.version for v in selectors.held_conversation_versions(new)] == [1, 2]
    assert selectors.citizen_held_conversations(actor_a, citizen) == [new]
    with pytest.raises(Conflict):
        held_conversation_correct(actor=actor_a, held_conversation=hc, reason="igen", information="x")


def test_r_hc_9_correction_is_checked_by_the_same_rules(make_citizen, register, actor_a):
    citizen = make_citizen()
    hc = register(citizen).held_conversation
    refused(
        lambda: held_conversation_correct(
            actor=actor_a, held_conversation=hc, reason="r", held_at=datetime(2026, 3, 5, tzinfo=UTC)
        ),
        "R-HC-1",
    )
    refused(
        lambda: held_conversation_correct(
            actor=actor_a, held_conversation=hc, reason="r", conversation_type=17
        ),
        "R-HC-11",
    )
    with pytest.raises(InvalidInput):
        held_conversation_correct(actor=actor_a, held_conversation=hc, reason=" ", information="x")
    # Correcting its own time does not collide with itself (R-HC-11 excludes the corrected one).
    new = held_conversation_correct(actor=actor_a, held_conversation=hc, reason="r", information="præciseret")
    assert new.held_at == hc.held_at


# R-HC-11 ------------------------------------------------------------------------------------------


def test_r_hc_11_not_earlier_than_latest_resetting(make_citizen, register):
    citizen = make_citizen()
    register(citizen, held_at=H)
    refused(lambda: register(citizen, held_at=H - timedelta(minutes=1)), "R-HC-11", Conflict)
    # Later is fine, and a non-resetting contact does not move the limit.
    register(citizen, held_at=H + timedelta(hours=1), conversation_type=12, contact_form="brev")
    register(citizen, held_at=H + timedelta(minutes=30), conversation_type=12, contact_form="telefonisk")


def test_r_hc_11_two_resetting_conversations_never_at_the_same_time(make_citizen, register):
    citizen = make_citizen()
    register(citizen, held_at=H)
    refused(
        lambda: register(citizen, held_at=H, conversation_type=12, contact_form="telefonisk"),
        "R-HC-11",
        Conflict,
    )
    # A non-resetting contact at the same moment is allowed.
    register(citizen, held_at=H, conversation_type=12, contact_form="email")


def test_r_hc_11_type_must_be_allowed_for_the_contact_group(make_citizen, register):
    citizen = make_citizen(contact_group=2)
    refused(
        lambda: register(citizen, conversation_type=17, participation_status="akasse_deltog"),
        "R-HC-11",
        InvalidInput,
    )
    refused(lambda: register(citizen, conversation_type=901), "R-HC-11")
    refused(lambda: register(citizen, conversation_type=902), "R-HC-11")


def test_r_hc_11_type_judged_by_the_contact_group_on_the_day_held(make_citizen, register, frozen, actor_a):
    from samtale.citizens.services import citizen_change_contact_group

    citizen = make_citizen(contact_group=7)
    frozen.move_to(datetime(2026, 3, 10, 12, tzinfo=UTC))
    citizen_change_contact_group(actor=actor_a, citizen=citizen, contact_group=2)
    # Held on 9 March, when the citizen was still fleksjobvisiteret: allowed.
    register(citizen, held_at=datetime(2026, 3, 9, 9, tzinfo=UTC), conversation_type=901)
    refused(
        lambda: register(citizen, held_at=datetime(2026, 3, 10, 9, tzinfo=UTC), conversation_type=901),
        "R-HC-11",
    )


def test_r_hc_11_several_authorities_need_participation_status(make_citizen, register):
    citizen = make_citizen()
    refused(lambda: register(citizen, several_authorities=True), "R-HC-11", InvalidInput)
    register(citizen, several_authorities=True, participation_status="borger_deltog_rehabilitering")


def test_r_hc_11_only_own_citizens(make_citizen, register, jc_b, actor_b):
    citizen = make_citizen(jobcenter=jc_b)
    refused(lambda: register(citizen), "R-HC-11", NotFound)
    register(citizen, actor=actor_b)


def test_citizens_cannot_register(make_citizen, register):
    citizen = make_citizen()
    refused(lambda: register(citizen, actor=Actor.for_citizen(citizen)), "R-HC-11")


# Contact-course facts -----------------------------------------------------------------------------


def test_contact_course_facts(make_citizen, register, actor_a):
    a, b = make_citizen(), make_citizen()
    register(a, held_at=datetime(2026, 1, 10, 9, tzinfo=UTC))
    register(a, held_at=datetime(2026, 2, 10, 9, tzinfo=UTC))
    register(a, held_at=datetime(2026, 2, 20, 9, tzinfo=UTC), conversation_type=12, contact_form="brev")
    register(a, held_at=datetime(2026, 2, 28, 23, 30, tzinfo=UTC), conversation_type=10)  # 1 March in Denmark
    register(b, held_at=datetime(2026, 2, 1, 9, tzinfo=UTC), contact_form="email")
    assert selectors.latest_resetting_contact(a) == date(2026, 3, 1)
    assert selectors.latest_resetting_contact(b) is None
    assert selectors.latest_resetting_contacts([a, b]) == {a.pk: date(2026, 3, 1)}
    assert selectors.jobsamtaler_held_since(a, date(2026, 1, 1)) == 2
    assert selectors.jobsamtaler_held_since(a, date(2026, 2, 1)) == 1
    assert selectors.jobsamtaler_held_since(b, date(2026, 1, 1)) == 1
    assert selectors.jobsamtaler_held_since(b, date(2026, 1, 1), resetting_only=True) == 0
    # A corrected conversation counts once, as its current version.
    hc = HeldConversation.objects.current().get(citizen=a, held_at=datetime(2026, 2, 10, 9, tzinfo=UTC))
    held_conversation_correct(actor=actor_a, held_conversation=hc, reason="r", information="x")
    assert selectors.jobsamtaler_held_since(a, date(2026, 1, 1)) == 2


def test_r_hc_11_correction_moving_time_before_latest_resetting_refused(make_citizen, register, actor_a):
    citizen = make_citizen()
    first = register(citizen, held_at=H - timedelta(days=3)).held_conversation
    register(citizen, held_at=H)
    # Text corrections of the older one are fine; moving the newer one before the older is not.
    held_conversation_correct(actor=actor_a, held_conversation=first, reason="r", information="x")
    latest = HeldConversation.objects.current().get(citizen=citizen, held_at=H)
    refused(
        lambda: held_conversation_correct(
            actor=actor_a, held_conversation=latest, reason="r", held_at=H - timedelta(days=4)
        ),
        "R-HC-11",
        Conflict,
    )
