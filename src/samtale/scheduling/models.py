"""Meeting offers (mødetilbud) and their free times (ledige tider)."""

from django.db import models

from samtale.core.models import BaseModel


class MeetingForm(models.TextChoices):
    INDIVIDUAL = "individual", "Individuelt møde"
    JOINT = "joint", "Fællesmøde"


class MeetingOffer(BaseModel):
    """A kind of meeting the jobcenter lets citizens book: what, how, where, and who may book it."""

    jobcenter = models.ForeignKey("organisations.Jobcenter", on_delete=models.PROTECT, related_name="offers")
    title = models.CharField("titel", max_length=200)
    description = models.TextField("beskrivelse", blank=True)
    conversation_type = models.ForeignKey(
        "codes.ConversationType", on_delete=models.PROTECT, verbose_name="samtaletype"
    )
    contact_forms = models.ManyToManyField("codes.ContactForm", verbose_name="mulige kontaktformer")
    meeting_form = models.CharField(
        "mødeform", max_length=20, choices=MeetingForm.choices, default=MeetingForm.INDIVIDUAL
    )
    location = models.CharField("lokation", max_length=200, blank=True)
    address = models.CharField(
        "adresse", max_length=300, blank=True, help_text="Ved personligt fremmøde (§ 20 nr. 7)"
    )
    phone_to_call = models.CharField(
        "telefonnummer borgeren ringer til", max_length=20, blank=True, help_text="§ 20 nr. 8"
    )
    video_link = models.URLField(
        "link til videomøde", max_length=500, blank=True, help_text="Ved digitalt møde (R-PC-2)"
    )
    contact_groups = models.ManyToManyField("codes.ContactGroup", verbose_name="kan bookes af kontaktgrupper")
    fulfils_deadline = models.BooleanField("indfrier frist af samme samtaletype", default=True)
    rebooking_allowed = models.BooleanField("ombooking mulig", default=True)
    rebooking_cutoff_hours = models.PositiveIntegerField("frist for ombooking (timer før start)", default=24)
    cancellation_allowed = models.BooleanField("aflysning mulig", default=True)
    cancellation_cutoff_hours = models.PositiveIntegerField(
        "frist for aflysning (timer før start)", default=24
    )
    min_notice_hours = models.PositiveIntegerField("varsel for booking (timer før start)", default=2)
    caseworker_visible = models.BooleanField("sagsbehandler synlig for borger", default=True)
    active = models.BooleanField("udstillet", default=True)

    class Meta:
        verbose_name = "mødetilbud"
        verbose_name_plural = "mødetilbud"
        ordering = ["jobcenter", "title"]

    def __str__(self) -> str:
        return self.title


class WeeklySchedule(BaseModel):
    """A rule that made slots: weekdays (0 = Monday), times, duration, date range."""

    offer = models.ForeignKey(MeetingOffer, on_delete=models.CASCADE, related_name="schedules")
    caseworker = models.ForeignKey("organisations.Caseworker", on_delete=models.PROTECT)
    weekdays = models.JSONField(default=list)
    day_start = models.TimeField()
    day_end = models.TimeField()
    duration_minutes = models.PositiveIntegerField()
    capacity = models.PositiveIntegerField(default=1)
    date_from = models.DateField()
    date_to = models.DateField()
    created_by = models.CharField(max_length=200)


class SlotStatus(models.TextChoices):
    PUBLISHED = "published", "Udstillet"
    WITHDRAWN = "withdrawn", "Trukket tilbage"


class Slot(BaseModel):
    """A free time of an offer. `booked` is changed only by a conditional UPDATE (booked < capacity),
    and a check constraint holds it there whatever the concurrency (R-PC-5)."""

    offer = models.ForeignKey(MeetingOffer, on_delete=models.PROTECT, related_name="slots")
    caseworker = models.ForeignKey("organisations.Caseworker", on_delete=models.PROTECT, related_name="slots")
    schedule = models.ForeignKey(
        WeeklySchedule, null=True, blank=True, on_delete=models.SET_NULL, related_name="slots"
    )
    start = models.DateTimeField(db_index=True)
    end = models.DateTimeField()
    capacity = models.PositiveIntegerField(default=1)
    booked = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=20, choices=SlotStatus.choices, default=SlotStatus.PUBLISHED)

    class Meta:
        verbose_name = "ledig tid"
        verbose_name_plural = "ledige tider"
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="slot_end_after_start"
            ),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="slot_capacity_positive"),
            models.CheckConstraint(
                condition=models.Q(booked__lte=models.F("capacity")), name="slot_booked_within_capacity"
            ),
        ]
        indexes = [models.Index(fields=["offer", "status", "start"])]

    def __str__(self) -> str:
        return f"{self.offer} {self.start:%Y-%m-%d %H:%M}"

    @property
    def free(self) -> int:
        return self.capacity - self.booked
