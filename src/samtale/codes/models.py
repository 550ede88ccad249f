"""Reference code lists (SPEC.md § 3) as data, with DFDG's codes. A change of law is a data change
(in the admin or by a migration), not a code change."""

from django.db import models


class CodeBase(models.Model):
    label = models.CharField("betegnelse", max_length=200)
    # The official label is spelled as the seed spells it; a longer explanation goes here.
    description = models.CharField("forklaring", max_length=300, blank=True)
    active = models.BooleanField("aktiv", default=True)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class ConversationType(CodeBase):
    FAMILY_JOB = "jobsamtale"
    FAMILY_FOLLOW_UP = "opfoelgning"
    FAMILIES = [(FAMILY_JOB, "Jobsamtale"), (FAMILY_FOLLOW_UP, "Opfølgningssamtale")]
    AGREEMENT_COURSE = "course"
    AGREEMENT_LAB121 = "lab121"
    AGREEMENTS = [
        (AGREEMENT_COURSE, "Aftale om det fortsatte kontaktforløb (§ 27 nr. 5)"),
        (AGREEMENT_LAB121, "Aftale efter LAB § 121 (§ 27 nr. 6)"),
    ]

    code = models.PositiveIntegerField(
        "kode", unique=True, help_text="DFDG InterviewTypeIdentifier; 900+ er lokale koder"
    )
    dfdg_code = models.BooleanField(
        "DFDG-kode", default=True, help_text="Falsk for lokale koder uden DFDG-kode"
    )
    family = models.CharField(
        "familie",
        max_length=20,
        choices=FAMILIES,
        blank=True,
        help_text="Jobsamtale/Opfølgningssamtale: højst én planlagt ad gangen (R-PC-4) og kan indfri en frist af samme familie",
    )
    deadline_allowed = models.BooleanField("frist kan gives", default=False)
    binding_agreement = models.CharField("forpligtende aftale", max_length=10, choices=AGREEMENTS, blank=True)
    requires_akasse_status = models.BooleanField("kræver a-kassedeltagelse", default=False)
    shared_with_akasse = models.BooleanField("videregives til a-kasse (§ 27 stk. 5)", default=False)

    class Meta(CodeBase.Meta):
        verbose_name = "samtaletype"
        verbose_name_plural = "samtaletyper"


class ContactGroup(CodeBase):
    code = models.PositiveIntegerField("kontaktgruppe", unique=True)
    self_booking_allowed = models.BooleanField("selvbooking på Mine møder", default=False)
    self_booking_obligatory = models.BooleanField("selvbooking obligatorisk (R-DL-15)", default=False)
    deadline_types = models.ManyToManyField(
        ConversationType,
        blank=True,
        related_name="deadline_contact_groups",
        verbose_name="frist kan gives for",
    )
    visitation_applies = models.BooleanField("visitationsgruppe registreres (§ 27 nr. 9)", default=False)
    akasse_sharing = models.BooleanField("deles med a-kasse (§ 20 stk. 5, § 27 stk. 4–5)", default=False)

    class Meta(CodeBase.Meta):
        verbose_name = "kontaktgruppe"
        verbose_name_plural = "kontaktgrupper"


class ContactForm(CodeBase):
    code = models.CharField("kode", max_length=30, unique=True)
    resets = models.BooleanField(
        "nulstillende", default=False, help_text="Tæller som kontakt i ret og pligt-forstand"
    )
    personal_attendance = models.BooleanField("personligt fremmøde", default=False)
    by_phone = models.BooleanField("telefonisk", default=False)
    video = models.BooleanField("videomøde", default=False, help_text="Mødet holdes via et link (R-PC-2)")

    class Meta(CodeBase.Meta):
        verbose_name = "kontaktform"
        verbose_name_plural = "kontaktformer"


class ParticipationStatus(CodeBase):
    code = models.CharField("kode", max_length=40, unique=True)

    class Meta(CodeBase.Meta):
        verbose_name = "status på deltagelse"
        verbose_name_plural = "status på deltagelse"


class ParticipantRole(CodeBase):
    code = models.CharField("kode", max_length=40, unique=True)

    class Meta(CodeBase.Meta):
        verbose_name = "deltagerrolle"
        verbose_name_plural = "deltagerroller"


class ParticipationForm(CodeBase):
    code = models.CharField("kode", max_length=40, unique=True)

    class Meta(CodeBase.Meta):
        verbose_name = "deltagelsesform"
        verbose_name_plural = "deltagelsesformer"


class AbsenceType(CodeBase):
    code = models.PositiveIntegerField("DFDG-kode", unique=True)
    closes_deadline = models.BooleanField("lukker åben frist (R-DL-16)", default=False)
    blocks_self_booking = models.BooleanField("borgeren kan ikke selvbooke (R-DL-16)", default=False)
    citizen_may_register = models.BooleanField("borgeren kan selv registrere", default=False)

    class Meta(CodeBase.Meta):
        verbose_name = "fraværstype"
        verbose_name_plural = "fraværstyper"


class CancellationReason(CodeBase):
    code = models.CharField("kode", max_length=40, unique=True)
    citizen_may_use = models.BooleanField("borgeren kan vælge den", default=False)

    class Meta(CodeBase.Meta):
        verbose_name = "aflysningsårsag"
        verbose_name_plural = "aflysningsårsager"


class PersonGroupMarkerType(CodeBase):
    code = models.CharField("kode", max_length=40, unique=True)

    class Meta(CodeBase.Meta):
        verbose_name = "persongruppemarkering"
        verbose_name_plural = "persongruppemarkeringer"


class VisitationGroup(CodeBase):
    code = models.CharField("kode", max_length=40, unique=True)

    class Meta(CodeBase.Meta):
        verbose_name = "visitationsgruppe"
        verbose_name_plural = "visitationsgrupper"
