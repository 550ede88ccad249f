"""The reference data of SPEC.md § 3 (seeds 001, 002 and 004), loaded by a data migration.
Idempotent: running it again updates labels and flags by code.

Labels are the official ones, spelled as the seeds spell them (seed 001 "Afholdt samtale": the lists
under Samtaletype, Kontaktformtype and Status på deltagelse; seed 003 § 20 stk. 4 for the marker).
Where we want to say more, the extra words go in `DESCRIPTIONS`, never into the label."""

JOB = "jobsamtale"
FOLLOW_UP = "opfoelgning"

# code, label, family, deadline_allowed, binding_agreement, requires_akasse_status, shared_with_akasse, dfdg_code
CONVERSATION_TYPES = [
    (4, "Opfølgningssamtale", FOLLOW_UP, True, "", False, False, True),
    (7, "Jobsamtale", JOB, True, "course", False, True, True),
    (8, "Henvisning", "", False, "", False, False, True),
    (9, "Informationsmøde", "", False, "", False, True, True),
    (10, "CV samtale", "", False, "", False, False, True),
    (11, "Formidlingssamtale", "", False, "", False, False, True),
    (12, "Anden samtale", "", False, "", False, True, True),
    (13, "Informationsmøde uden mødepligt", "", False, "", False, True, True),
    (15, "Rådighedssamtale", "", False, "", False, False, True),
    (17, "Jobsamtale med deltagelse af a-kasse", JOB, True, "course", True, True, True),
    # No DFDG code found in the seeds: local codes from 900 (SPEC.md § 3.1).
    (901, "Fleksjobopfølgningssamtale", "", False, "lab121", False, False, False),
    (902, "Integrationssamtale", "", False, "course", False, False, False),
    (903, "Samtale i rehabiliteringsteam", "", False, "", False, False, False),
]

CONTACT_GROUP_NAMES = {
    1: "Dagpengemodtager",
    2: "Kontanthjælpsmodtager",
    3: "Kontanthjælpsmodtager omfattet af integrationsprogrammet",
    4: "Revalidering",
    5: "For-revalidering",
    6: "Sygedagpengemodtager",
    7: "Fleksjobvisiteret",
    10: "Fleksjobansat",
    11: "Rehabilitering (ressourceforløb)",
    12: "Modtager af uddannelseshjælp",
    13: "Jobafklaring",
    24: "Sygedagpengemodtager fra beskæftigelse",
    25: "Sygedagpengemodtager fra ledighed",
    26: "Integrationsydelsesmodtager",
    27: "Integrationsydelsesmodtager omfattet af integrationsprogrammet",
    28: "Integrationsydelsesmodtager med uddannelsespålæg",
}
CONTACT_GROUP_CODES = [*range(1, 9), *range(10, 30)]  # DFDG has no 9
SELF_BOOKING = {1, 3, 4, 5, 6, 7, 10, 11, 13, 27}
SELF_BOOKING_OBLIGATORY = {1}
# Deadline types per contact group (seed 004 § 2). Contact group 1 (dagpengemodtagere) is the group
# the obligatory self-booking guide is about; Jobsamtale med deltagelse af a-kasse only exists for them.
DEADLINE_TYPES = {
    **{g: [7] for g in (2, 3, 4, 5, 7, 10, 11, 12, 13, 26, 27, 28)},
    **{g: [4] for g in (6, 24, 25)},
    1: [7, 17],
}
VISITATION = {2, 3, 12, 17, 26, 27, 28, 29}
AKASSE_SHARING = {1}

# code, label, resets, personal_attendance, by_phone, video — [I-1] in SPEC.md § 3.2
CONTACT_FORMS = [
    ("personligt", "Personligt fremmøde", True, True, False, False),
    ("telefonisk", "Telefonisk", True, False, True, False),
    ("brev", "Brev", False, False, False, False),
    ("email", "Email", False, False, False, False),
    ("digitalt", "Digitalt møde", True, False, False, True),
    ("ingen_kontakt", "Ingen direkte borgerkontakt", False, False, False, False),
]

PARTICIPATION_STATUSES = [
    ("akasse_deltog", "A-kassen deltog"),
    ("borger_onskede_ikke_akasse", "Borger ønskede ikke a-kassens deltagelse"),
    ("akasse_valgte_ikke_at_deltage", "A-kassen har valgt ikke at deltage"),
    ("akasse_udeblev", "A-kassen udeblev"),
    ("borger_deltog_rehabilitering", "Borger deltog i Rehabiliteringssamtale"),
    ("borger_deltog_ikke_rehabilitering", "Borger deltog ikke i Rehabiliteringssamtale"),
]

PARTICIPANT_ROLES = [
    ("akassekonsulent", "A-kassekonsulent"),
    ("mentor", "Mentor"),
    ("stoette_kontaktperson", "Støtte-/kontaktperson"),
    ("bisidder", "Bisidder"),
    ("partsrepraesentant", "Partsrepræsentant"),
    ("handicaphjaelper", "Handicaphjælper"),
    ("tolk", "Tolk"),
    ("anden_deltager", "Anden deltager"),
]

PARTICIPATION_FORMS = [
    ("personligt", "Personligt"),
    ("telefonisk", "Telefonisk"),
    ("brev", "Brev"),
    ("digitalt", "Digitalt"),
    ("paa_arbejde", "Andet møde direkte på arbejde"),
    ("videokonference", "Videokonference"),
]

# code, label, closes_deadline, blocks_self_booking, citizen_may_register (SPEC.md § 3.7, R-DL-16)
ABSENCE_TYPES = [
    (10, "Ferie", False, False, True),
    (11, "Sygdom/sygemelding", False, False, True),
    (1, "Uddannelse", False, False, False),
    (2, "Midlertidigt arbejde", False, False, False),
    (3, "Borgerligt ombud", False, False, False),
    (8, "Barsel", False, False, False),
    (56, "Fritaget for pligt til selvbook", True, True, False),
    (57, "Frataget ret til selvbook", True, True, False),
    (75, "Kontaktforløb er hos a-kassen", True, False, False),
]

# code, label, citizen_may_use
CANCELLATION_REASONS = [
    ("borger_sygdom", "Sygdom", True),
    ("borger_job", "Jeg har fået arbejde", True),
    ("borger_andet", "Andet – afbud fra borger", True),
    ("jobcenter_aflyst", "Aflyst af jobcentret", False),
    ("sagsbehandler_fravaer", "Sagsbehandlers fravær", False),
    ("fejlindkaldelse", "Indkaldt ved en fejl", False),
    ("borger_ophoert", "Borgeren er ikke længere i målgruppen", False),
    ("tid_trukket_tilbage", "Mødetiden er trukket tilbage", False),
    ("borger_flyttet", "Borger flyttet til en anden kommune", False),
]

PERSON_GROUP_MARKERS = [("tidlig_opfoelgning", "Tidlig opfølgning - fast track")]

VISITATION_GROUPS = [
    ("jobparat", "Jobparat"),
    ("aktivitetsparat", "Aktivitetsparat"),
    ("uddannelsesparat", "Uddannelsesparat"),
    ("aabenlyst_uddannelsesparat", "Åbenlyst uddannelsesparat"),
]


# (model, code) -> the longer explanation kept beside the official label.
DESCRIPTIONS = {
    ("ConversationType", 9): "Informationsmøde med mødepligt",
    ("ConversationType", 17): "Fælles jobsamtale efter LAB § 31 stk. 2",
    ("ContactForm", "digitalt"): "Videomøde via et link",
    ("ContactForm", "email"): "Kontakt pr. e-mail",
}


def _upsert(model, code, **values):
    """update_or_create by code, with only the fields this (possibly historical) model has: an older
    migration's models lack later fields, which the migration that adds them fills in."""
    fields = {f.name for f in model._meta.get_fields()}
    if "description" in fields:
        values["description"] = DESCRIPTIONS.get((model.__name__, code), "")
    return model.objects.update_or_create(
        code=code, defaults={k: v for k, v in values.items() if k in fields}
    )[0]


def load(apps) -> None:
    """Create or update every code list. Takes an app registry so a migration can pass its own."""

    def model(name):
        return apps.get_model("codes", name)

    ConversationType = model("ConversationType")
    for code, label, family, deadline, agreement, akasse_status, shared, dfdg in CONVERSATION_TYPES:
        _upsert(
            ConversationType,
            code,
            label=label,
            family=family,
            deadline_allowed=deadline,
            binding_agreement=agreement,
            requires_akasse_status=akasse_status,
            shared_with_akasse=shared,
            dfdg_code=dfdg,
        )
    types = {t.code: t for t in ConversationType.objects.all()}
    ContactGroup = model("ContactGroup")
    for code in CONTACT_GROUP_CODES:
        group = _upsert(
            ContactGroup,
            code,
            label=CONTACT_GROUP_NAMES.get(code, f"Kontaktgruppe {code}"),
            self_booking_allowed=code in SELF_BOOKING,
            self_booking_obligatory=code in SELF_BOOKING_OBLIGATORY,
            visitation_applies=code in VISITATION,
            akasse_sharing=code in AKASSE_SHARING,
        )
        group.deadline_types.set([types[t] for t in DEADLINE_TYPES.get(code, [])])
    for code, label, resets, personal, phone, video in CONTACT_FORMS:
        _upsert(
            model("ContactForm"),
            code,
            label=label,
            resets=resets,
            personal_attendance=personal,
            by_phone=phone,
            video=video,
        )
    for name, rows in [
        ("ParticipationStatus", PARTICIPATION_STATUSES),
        ("ParticipantRole", PARTICIPANT_ROLES),
        ("ParticipationForm", PARTICIPATION_FORMS),
        ("PersonGroupMarkerType", PERSON_GROUP_MARKERS),
        ("VisitationGroup", VISITATION_GROUPS),
    ]:
        for code, label in rows:
            _upsert(model(name), code, label=label)
    for code, label, closes, blocks, citizen in ABSENCE_TYPES:
        _upsert(
            model("AbsenceType"),
            code,
            label=label,
            closes_deadline=closes,
            blocks_self_booking=blocks,
            citizen_may_register=citizen,
        )
    for code, label, citizen in CANCELLATION_REASONS:
        _upsert(model("CancellationReason"), code, label=label, citizen_may_use=citizen)
