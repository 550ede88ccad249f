"""Planned conversations (planlagt samtale — booking or summons), seed 000 and BEK 442 § 20."""

from django.db import models

from samtale.core.models import BaseModel
from samtale.scheduling.models import MeetingForm


class BookingStatus(models.TextChoices):
    PLANNED = "planned", "Planlagt"
    HELD = "held", "Afholdt"
    CANCELLED = "cancelled", "Aflyst"
    NO_SHOW = "no_show", "Udeblevet"


class WhoCalls(models.TextChoices):
    JOBCENTER = "jobcenter", "Jobcentret ringer til borgeren"
    CITIZEN = "citizen", "Borgeren ringer til jobcentret"


class Booking(BaseModel):
    booking_number = models.CharField("bookingnummer", max_length=20, unique=True)
    citizen = models.ForeignKey("citizens.Citizen", on_delete=models.PROTECT, related_name="bookings")
    jobcenter = models.ForeignKey(
        "organisations.Jobcenter", on_delete=models.PROTECT, related_name="bookings"
    )
    offer = models.ForeignKey(
        "scheduling.MeetingOffer", null=True, blank=True, on_delete=models.PROTECT, related_name="bookings"
    )
    slot = models.ForeignKey(
        "scheduling.Slot", null=True, blank=True, on_delete=models.PROTECT, related_name="bookings"
    )
    self_booked = models.BooleanField("selvbooket", default=False)
    status = models.CharField(
        "status", max_length=20, choices=BookingStatus.choices, default=BookingStatus.PLANNED
    )
    start = models.DateTimeField("starttidspunkt", db_index=True)
    end = models.DateTimeField("sluttidspunkt")
    title = models.CharField("mødetitel", max_length=200)
    description = models.TextField("mødebeskrivelse", blank=True)
    conversation_type = models.ForeignKey(
        "codes.ConversationType", on_delete=models.PROTECT, verbose_name="samtaletype"
    )
    contact_form = models.ForeignKey(
        "codes.ContactForm", on_delete=models.PROTECT, verbose_name="kontaktform"
    )
    meeting_form = models.CharField(
        "mødeform", max_length=20, choices=MeetingForm.choices, default=MeetingForm.INDIVIDUAL
    )
    caseworker = models.ForeignKey(
        "organisations.Caseworker",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name="afholdende sagsbehandler",
    )
    caseworker_visible = models.BooleanField("sagsbehandler synlig", default=True)
    location = models.CharField("indkaldelseslokation", max_length=200, blank=True)
    address = models.CharField("adresse", max_length=300, blank=True)
    video_link = models.URLField(
        "link til videomøde",
        max_length=500,
        blank=True,
        help_text="Digitalt møde: vises i stedet for et lokale",
    )
    citizen_contact = models.CharField(
        "borgerens kontaktmuligheder", max_length=200, blank=True, help_text="§ 20 nr. 6"
    )
    phone_to_call = models.CharField(
        "nummer borgeren ringer til", max_length=20, blank=True, help_text="§ 20 nr. 8"
    )
    who_calls = models.CharField("hvem ringer", max_length=20, choices=WhoCalls.choices, blank=True)
    akasse_expected = models.BooleanField("a-kassen forventes at deltage", null=True, blank=True)
    akasse_invited = models.BooleanField("a-kassen skal inviteres", null=True, blank=True)
    other_authority_summoned = models.BooleanField("anden myndighed indkaldt", default=False)
    rebooking_allowed = models.BooleanField("ombooking mulig", default=False)
    rebooking_deadline = models.DateTimeField("frist for ombooking", null=True, blank=True)
    cancellation_allowed = models.BooleanField("aflysning mulig", default=False)
    cancellation_deadline = models.DateTimeField("frist for aflysning", null=True, blank=True)
    confirmed_at = models.DateTimeField("booking bekræftet", null=True, blank=True)
    cancellation_reason = models.ForeignKey(
        "codes.CancellationReason", null=True, blank=True, on_delete=models.PROTECT
    )
    created_by = models.CharField(max_length=200)

    class Meta:
        verbose_name = "planlagt samtale"
        verbose_name_plural = "planlagte samtaler"
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="booking_end_after_start"
            ),
            models.UniqueConstraint(
                fields=["slot", "citizen"],
                condition=models.Q(status="planned"),
                name="booking_one_place_per_citizen_per_slot",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="cancelled") | models.Q(cancellation_reason__isnull=False),
                name="booking_cancelled_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["citizen", "status", "start"]),
            models.Index(fields=["caseworker", "start"]),
        ]

    def __str__(self) -> str:
        return f"{self.booking_number} {self.title}"


# What a booking is shown and checked with; loaded in one query wherever a booking is read for work.
BOOKING_RELATED = (
    "citizen",
    "jobcenter",
    "offer",
    "slot",
    "conversation_type",
    "contact_form",
    "caseworker",
    "cancellation_reason",
)


class BookingChange(models.Model):
    """The history of a planned conversation: who did what, when, with old and new values."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField()
    actor = models.CharField(max_length=200)
    kind = models.CharField(
        max_length=30
    )  # created, moved, rebooked, changed, cancelled, no_show, held, confirmed
    old = models.JSONField(default=dict, blank=True)
    new = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["booking", "at", "id"]
