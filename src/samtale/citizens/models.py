from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Subquery

from samtale.core.models import BaseModel


class CitizenQuerySet(models.QuerySet):
    def with_current(self, day: date) -> "CitizenQuerySet":
        """Annotate the contact group code and jobcenter id in force on `day`, derived from the
        history tables (the latest period that started on or before that day)."""
        group = ContactGroupPeriod.objects.filter(citizen=OuterRef("pk"), valid_from__lte=day).order_by(
            "-valid_from", "-id"
        )
        jobcenter = JobcenterPeriod.objects.filter(citizen=OuterRef("pk"), valid_from__lte=day).order_by(
            "-valid_from", "-id"
        )
        return self.annotate(
            current_contact_group=Subquery(group.values("contact_group__code")[:1]),
            current_jobcenter_id=Subquery(jobcenter.values("jobcenter_id")[:1]),
        )


class Citizen(BaseModel):
    """A borger. The UUID is the key everything hangs on, so a CPR change keeps the history. The CPR
    is personal data: it never goes into a URL, a log line, a message or an error text."""

    cpr = models.CharField("CPR-nummer", max_length=10, unique=True)
    name = models.CharField("navn", max_length=200)
    akasse = models.ForeignKey(
        "organisations.AKasse", null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    phone = models.CharField("mobilnummer", max_length=20, blank=True, help_text="E.164")
    email = models.EmailField("e-mail", blank=True)
    sms_reminders = models.BooleanField("SMS-påmindelser", default=False)
    email_reminders = models.BooleanField("e-mailpåmindelser", default=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="citizen"
    )

    objects = CitizenQuerySet.as_manager()

    class Meta:
        verbose_name = "borger"
        verbose_name_plural = "borgere"

    def __str__(self) -> str:
        # Deliberately without the CPR: __str__ ends up in logs and admin messages.
        return self.name


class ContactGroupPeriod(models.Model):
    """The citizen's contact group from a date on; the current one is the latest that has started."""

    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="contact_group_periods")
    contact_group = models.ForeignKey("codes.ContactGroup", on_delete=models.PROTECT)
    valid_from = models.DateField("gælder fra")
    registered_at = models.DateTimeField()

    class Meta:
        ordering = ["citizen", "valid_from", "id"]
        indexes = [models.Index(fields=["citizen", "valid_from"])]


class JobcenterPeriod(models.Model):
    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="jobcenter_periods")
    jobcenter = models.ForeignKey("organisations.Jobcenter", on_delete=models.PROTECT)
    valid_from = models.DateField("gælder fra")
    registered_at = models.DateTimeField()

    class Meta:
        ordering = ["citizen", "valid_from", "id"]
        indexes = [
            models.Index(fields=["citizen", "valid_from"]),
            models.Index(fields=["jobcenter", "valid_from"]),
        ]


class Absence(BaseModel):
    """Fravær: a period the citizen is unavailable; open-ended when end_date is empty."""

    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="absences")
    absence_type = models.ForeignKey(
        "codes.AbsenceType", on_delete=models.PROTECT, verbose_name="fraværstype"
    )
    start_date = models.DateField("fra")
    end_date = models.DateField("til", null=True, blank=True)
    registered_by = models.CharField(max_length=200)

    class Meta:
        verbose_name = "fravær"
        verbose_name_plural = "fravær"
        ordering = ["citizen", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="absence_end_not_before_start",
            )
        ]

    def covers(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


class PersonGroupMarker(BaseModel):
    """Persongruppemarkering, e.g. "Tidlig opfølgning – fast track" (§ 20 stk. 4, § 27 stk. 3)."""

    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="markers")
    marker_type = models.ForeignKey("codes.PersonGroupMarkerType", on_delete=models.PROTECT)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    registered_by = models.CharField(max_length=200)

    class Meta:
        ordering = ["citizen", "valid_from"]
