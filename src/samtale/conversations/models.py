"""Held conversations (afholdt samtale) — DFDG concept seed 001 and BEK 442/2023 § 27 (seed 002).

A registration is never overwritten: a correction is a new row with the same contact number and the
next version number; the earlier row stays, marked as no longer current (`is_current=False`), so the
history of what was registered and reported is complete. Everything that reads "the held
conversations of a citizen" reads the current versions only (`HeldConversation.objects.current()`).
"""

from django.db import models

from samtale.core.models import BaseModel


class AgreementKind(models.TextChoices):
    COURSE = "course", "Aftale om det fortsatte kontaktforløb (§ 27 nr. 5)"
    LAB121 = "lab121", "Aftale efter LAB § 121 (§ 27 nr. 6)"
    PRACTICAL = "practical", "Praktiske aftaler om det videre forløb (§ 27 nr. 8)"


class HeldConversationQuerySet(models.QuerySet):
    def current(self) -> "HeldConversationQuerySet":
        return self.filter(is_current=True)


class HeldConversation(BaseModel):
    """One version of the registration of a held conversation (§ 27 nr. 1–10)."""

    contact_number = models.CharField(
        "kontaktnummer", max_length=20, db_index=True, help_text="Samme på tværs af rettelser"
    )
    version = models.PositiveIntegerField("version", default=1)
    is_current = models.BooleanField("gældende version", default=True)
    replaces = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
        verbose_name="retter version",
    )
    correction_reason = models.TextField("begrundelse for rettelse", blank=True)

    citizen = models.ForeignKey(
        "citizens.Citizen", on_delete=models.PROTECT, related_name="held_conversations"
    )
    held_at = models.DateTimeField("tidspunkt for afholdelse", help_text="§ 27 nr. 2")
    registered_at = models.DateTimeField("registreringstidspunkt", help_text="Sættes af systemet (R-HC-1)")
    registered_by = models.CharField("registreret af", max_length=200)
    conversation_type = models.ForeignKey(
        "codes.ConversationType", on_delete=models.PROTECT, verbose_name="samtaletype"
    )
    contact_form = models.ForeignKey(
        "codes.ContactForm", on_delete=models.PROTECT, verbose_name="kontaktform"
    )
    # Snapshot of the contact form's flag when registered: what was reported stays what it was, and the
    # database can refuse two resetting conversations at the same time (R-HC-11).
    resets = models.BooleanField("nulstillende")
    information = models.TextField("samtaleinformation", blank=True)
    several_authorities = models.BooleanField("samtale med flere myndigheder", default=False)
    participation_status = models.ForeignKey(
        "codes.ParticipationStatus",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name="status på deltagelse",
    )
    booking = models.ForeignKey(
        "bookings.Booking",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="held_conversations",
        verbose_name="planlagt samtale",
    )
    caseworker = models.ForeignKey(
        "organisations.Caseworker",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name="ansvarlig sagsbehandler",
    )
    jobcenter = models.ForeignKey(
        "organisations.Jobcenter", on_delete=models.PROTECT, related_name="held_conversations"
    )
    authority = models.ForeignKey(
        "organisations.Authority", on_delete=models.PROTECT, verbose_name="ansvarlig myndighed"
    )
    agreement_kind = models.CharField("aftaletype", max_length=10, choices=AgreementKind.choices, blank=True)
    agreement_text = models.TextField("aftale", blank=True)
    agreement_binding = models.BooleanField("forpligtende aftale", default=False)
    agreement_number = models.CharField("aftalenummer", max_length=50, blank=True)
    consent_number = models.CharField("samtykkeløbenummer", max_length=50, blank=True)
    # § 27 stk. 2–4: registered together with the conversation (each also has its own history/event).
    visitation_group = models.ForeignKey(
        "codes.VisitationGroup",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name="ny visitationsgruppe",
    )
    cv_not_adequate = models.BooleanField("cv-oplysninger ikke længere fyldestgørende", default=False)
    early_follow_up = models.BooleanField("anmodning om tidlig opfølgning", default=False)

    objects = HeldConversationQuerySet.as_manager()

    class Meta:
        verbose_name = "afholdt samtale"
        verbose_name_plural = "afholdte samtaler"
        ordering = ["citizen", "held_at", "contact_number", "version"]
        constraints = [
            models.UniqueConstraint(fields=["contact_number", "version"], name="held_contact_number_version"),
            models.UniqueConstraint(
                fields=["contact_number"],
                condition=models.Q(is_current=True),
                name="held_one_current_version",
            ),
            models.UniqueConstraint(
                fields=["booking"],
                condition=models.Q(is_current=True, booking__isnull=False),
                name="held_one_per_booking",
            ),
            # R-HC-11: two resetting conversations of a citizen never have the same time.
            models.UniqueConstraint(
                fields=["citizen", "held_at"],
                condition=models.Q(is_current=True, resets=True),
                name="held_resetting_time_unique",
            ),
        ]
        indexes = [models.Index(fields=["citizen", "is_current", "held_at"])]

    def __str__(self) -> str:
        return f"{self.contact_number} v{self.version}"


class Participant(models.Model):
    """Deltager i samtalen: name, role and form of participation (§ 27 nr. 10, R-HC-7)."""

    held_conversation = models.ForeignKey(
        HeldConversation, on_delete=models.CASCADE, related_name="participants"
    )
    name = models.CharField("navn", max_length=200)
    role = models.ForeignKey("codes.ParticipantRole", on_delete=models.PROTECT, verbose_name="rolle")
    form = models.ForeignKey(
        "codes.ParticipationForm", on_delete=models.PROTECT, verbose_name="deltagelsesform"
    )

    class Meta:
        verbose_name = "deltager"
        verbose_name_plural = "deltagere"
        ordering = ["held_conversation", "id"]


class VisitationRegistration(models.Model):
    """The citizen's visitation group from the registration date on (§ 27 nr. 9 and stk. 2, R-HC-6).
    A row exists only when the assessment differs from the latest one; rows are never changed."""

    citizen = models.ForeignKey("citizens.Citizen", on_delete=models.PROTECT, related_name="visitations")
    visitation_group = models.ForeignKey("codes.VisitationGroup", on_delete=models.PROTECT)
    valid_from = models.DateField("gælder fra")
    registered_at = models.DateTimeField()
    registered_by = models.CharField(max_length=200)
    held_conversation = models.ForeignKey(
        HeldConversation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "visitationsgruppe (historik)"
        verbose_name_plural = "visitationsgrupper (historik)"
        ordering = ["citizen", "valid_from", "id"]


class ConversationTypeContactGroups(models.Model):
    """Which contact groups a conversation type may be registered for (DFDG: "samtaletypen skal være
    tilladt for borgerens kontaktgruppe", R-HC-11). A type without a row here is allowed for every
    contact group; a type with a row only for the groups listed. Configuration (admin / migration),
    not code — see migration 0002 for the starting point and its reasons."""

    conversation_type = models.OneToOneField(
        "codes.ConversationType", on_delete=models.CASCADE, related_name="allowed_groups"
    )
    contact_groups = models.ManyToManyField(
        "codes.ContactGroup", related_name="+", verbose_name="kontaktgrupper"
    )
    reason = models.CharField("begrundelse", max_length=300, blank=True)

    class Meta:
        verbose_name = "samtaletype tilladt for kontaktgrupper"
        verbose_name_plural = "samtaletyper tilladt for kontaktgrupper"

    def __str__(self) -> str:
        return str(self.conversation_type)
