import pytest

from samtale.codes import models as m

pytestmark = pytest.mark.django_db


def test_contact_groups_are_dfdg_1_to_29_without_9():
    codes = set(m.ContactGroup.objects.values_list("code", flat=True))
    assert codes == set(range(1, 30)) - {9}


def test_contact_group_sets_follow_seed_004():
    def codes(**flt):
        return set(m.ContactGroup.objects.filter(**flt).values_list("code", flat=True))

    assert codes(self_booking_allowed=True) == {1, 3, 4, 5, 6, 7, 10, 11, 13, 27}
    assert codes(deadline_types__code=7) == {1, 2, 3, 4, 5, 7, 10, 11, 12, 13, 26, 27, 28}
    assert codes(deadline_types__code=4) == {6, 24, 25}
    assert codes(visitation_applies=True) == {2, 3, 12, 17, 26, 27, 28, 29}
    assert codes(akasse_sharing=True) == {1}


def test_contact_forms_carry_resets_flag_as_data():
    resets = dict(m.ContactForm.objects.values_list("label", "resets"))
    assert resets == {
        "Personligt fremmøde": True,
        "Telefonisk": True,
        "Digitalt møde": True,
        "Brev": False,
        "Email": False,
        "Ingen direkte borgerkontakt": False,
    }


# Seed 001 (Afholdt samtale), the lists under "Samtaletype", "Kontaktformtype" and "Status på deltagelse",
# and seed 003 (BEK 442 § 20 stk. 4) for the marker: the official labels, spelled as the seeds spell them.
SEED_LABELS = {
    "ConversationType": {
        4: "Opfølgningssamtale",
        7: "Jobsamtale",
        9: "Informationsmøde",
        10: "CV samtale",
        12: "Anden samtale",
        13: "Informationsmøde uden mødepligt",
        15: "Rådighedssamtale",
        17: "Jobsamtale med deltagelse af a-kasse",
        901: "Fleksjobopfølgningssamtale",
        902: "Integrationssamtale",
        903: "Samtale i rehabiliteringsteam",
    },
    "ContactForm": {
        "personligt": "Personligt fremmøde",
        "telefonisk": "Telefonisk",
        "brev": "Brev",
        "email": "Email",
        "digitalt": "Digitalt møde",
        "ingen_kontakt": "Ingen direkte borgerkontakt",
    },
    "ParticipationStatus": {
        "akasse_deltog": "A-kassen deltog",
        "borger_onskede_ikke_akasse": "Borger ønskede ikke a-kassens deltagelse",
        "akasse_valgte_ikke_at_deltage": "A-kassen har valgt ikke at deltage",
        "akasse_udeblev": "A-kassen udeblev",
        "borger_deltog_rehabilitering": "Borger deltog i Rehabiliteringssamtale",
        "borger_deltog_ikke_rehabilitering": "Borger deltog ikke i Rehabiliteringssamtale",
    },
    "PersonGroupMarkerType": {"tidlig_opfoelgning": "Tidlig opfølgning - fast track"},
}


@pytest.mark.parametrize("model", sorted(SEED_LABELS))
def test_labels_are_spelled_as_the_seeds_spell_them(model):
    """Issue 10 point 9: the official labels exactly as seeds 001 and 003 spell them; a longer text
    lives in `description` (Informationsmøde: med mødepligt; Digitalt møde: video)."""
    labels = dict(getattr(m, model).objects.values_list("code", "label"))
    for code, label in SEED_LABELS[model].items():
        assert labels[code] == label
    assert m.ConversationType.objects.get(code=9).description == "Informationsmøde med mødepligt"
    assert m.ContactForm.objects.get(code="digitalt").video is True


def test_conversation_types_have_dfdg_codes_and_local_ones():
    types = {t.code: t for t in m.ConversationType.objects.all()}
    assert types[7].label == "Jobsamtale" and types[4].label == "Opfølgningssamtale"
    assert types[17].family == types[7].family == "jobsamtale"
    assert {c for c, t in types.items() if t.deadline_allowed} == {4, 7, 17}
    assert {t.label for t in types.values() if not t.dfdg_code} == {
        "Fleksjobopfølgningssamtale",
        "Integrationssamtale",
        "Samtale i rehabiliteringsteam",
    }


def test_absence_types_that_close_deadlines():
    closing = set(m.AbsenceType.objects.filter(closes_deadline=True).values_list("code", flat=True))
    assert closing == {56, 57, 75}


def test_codes_endpoint_serves_every_list(api_as):
    body = api_as("dfdg").get("/codes").json()
    for key in [
        "contact_groups",
        "conversation_types",
        "contact_forms",
        "participation_statuses",
        "participant_roles",
        "participation_forms",
        "absence_types",
        "cancellation_reasons",
    ]:
        assert body[key], key
        assert {"code", "label"} <= set(body[key][0])
    assert any(f["resets"] for f in body["contact_forms"])
    assert len(body["participant_roles"]) == 8 and len(body["participation_forms"]) == 6


def test_codes_need_a_token(client):
    r = client.get("/api/v1/codes")
    assert r.status_code == 401
    assert r["Content-Type"] == "application/problem+json"
