"""Deadlines (frister), seed 004 and SPEC.md § 3.5 / § 5."""

from django.db import models

from samtale.core.models import BaseModel


class DeadlineStatus(models.TextChoices):
    NOT_ACTIVATED = "not_activated", "Ikke aktiveret frist"
    ACTIVE = "active", "Aktiv frist"
    FULFILLED = "fulfilled", "Indfriet frist"
    CLOSED_OVERDUE = "closed_overdue", "Lukket overskredet frist"
    CLOSED_FULFILLED = "closed_fulfilled", "Lukket indfriet frist"
    CLOSED_ADMIN = "closed_admin", "Administrativt lukket frist"


OPEN_STATUSES = (DeadlineStatus.NOT_ACTIVATED, DeadlineStatus.ACTIVE, DeadlineStatus.FULFILLED)


class Deadline(BaseModel):
    """A frist: the latest date by which the citizen must have booked the next conversation of a type.

    At most one open (not_activated / active / fulfilled) deadline per citizen, whatever its type
    (R-DL-1): held by a partial unique index, not only by the service."""

    citizen = models.ForeignKey("citizens.Citizen", on_delete=models.PROTECT, related_name="deadlines")
    conversation_type = models.ForeignKey(
        "codes.ConversationType", on_delete=models.PROTECT, verbose_name="samtaletype"
    )
    deadline_date = models.DateField("fristdato")
    activation_date = models.DateField("aktiveringsdato")
    status = models.CharField(
        "status", max_length=20, choices=DeadlineStatus.choices, default=DeadlineStatus.NOT_ACTIVATED
    )
    jobcenter = models.ForeignKey(
        "organisations.Jobcenter",
        on_delete=models.PROTECT,
        related_name="deadlines",
        verbose_name="jobcenter",
    )
    caseworker = models.ForeignKey(
        "organisations.Caseworker",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="oprettet af sagsbehandler",
    )
    created_by = models.CharField(max_length=200)
    created_on = models.DateField(
        "oprettelsesdato", help_text="Dansk dato for oprettelsen (R-DL-10: 90 dage)"
    )
    fulfilled_by = models.ForeignKey(
        "bookings.Booking",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fulfilled_deadlines",
        verbose_name="indfriet af",
    )
    meeting_date = models.DateField(
        "mødedato", null=True, blank=True, help_text="Den indfriende samtales danske dato (R-DL-5)"
    )
    expires_on = models.DateField(
        "udløber", help_text="Første dag, hvor mere end 90 dage er gået siden oprettelsen (R-DL-10)"
    )
    closed_on = models.DateField("lukket", null=True, blank=True)
    status_since = models.DateField(
        "status siden",
        help_text="Dagen den nuværende status blev nået; en senere transition dateres tidligst hertil",
    )
    self_booking_obligatory = models.BooleanField(
        "selvbooking obligatorisk",
        default=False,
        help_text="Kontaktgruppe 1: overskridelse giver afmelding (R-DL-15)",
    )

    class Meta:
        verbose_name = "frist"
        verbose_name_plural = "frister"
        ordering = ["citizen", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["citizen"],
                condition=models.Q(status__in=["not_activated", "active", "fulfilled"]),
                name="deadline_one_open_per_citizen",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in DeadlineStatus]), name="deadline_status_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="fulfilled")
                | models.Q(fulfilled_by__isnull=False, meeting_date__isnull=False),
                name="deadline_fulfilled_has_booking",
            ),
            models.CheckConstraint(
                condition=models.Q(activation_date__lte=models.F("deadline_date")),
                name="deadline_activation_not_after_date",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "activation_date"], name="deadline_status_activation"),
            models.Index(fields=["status", "deadline_date"], name="deadline_status_date"),
            models.Index(fields=["status", "meeting_date"], name="deadline_status_meeting"),
            models.Index(fields=["status", "expires_on"], name="deadline_status_expires"),
        ]

    def __str__(self) -> str:
        return f"Frist {self.deadline_date:%d-%m-%Y} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class DeadlineChange(models.Model):
    """One row per status transition, also the momentary closed_overdue / closed_fulfilled."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="history")
    at = models.DateTimeField()
    day = models.DateField("dato", help_text="Den danske dato transitionen gælder for")
    event = models.CharField(max_length=40)
    old_status = models.CharField(max_length=20, blank=True)
    new_status = models.CharField(max_length=20)
    actor = models.CharField(max_length=200)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "fristhistorik"
        verbose_name_plural = "fristhistorik"
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["deadline", "id"])]

    def __str__(self) -> str:
        return f"{self.day} {self.old_status or '–'} → {self.new_status} ({self.event})"


class BatchRun(models.Model):
    """One row per day the daily batch has completed (R-DL-13: the next run catches up from here)."""

    day = models.DateField(unique=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "dagskørsel"
        verbose_name_plural = "dagskørsler"
        ordering = ["-day"]
