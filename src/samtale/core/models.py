import uuid

from django.db import models


class BaseModel(models.Model):
    """Public id (UUID, what URLs and the API show), plus created/updated. The integer primary key
    stays internal."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuditRecord(models.Model):
    """Access log: who read or changed which citizen's data, when, and why. Append-only."""

    at = models.DateTimeField(db_index=True)
    actor_kind = models.CharField(max_length=20)
    actor = models.CharField(max_length=200, help_text="Sagsbehandlerident eller klientnavn")
    action = models.CharField(max_length=100)
    citizen = models.ForeignKey(
        "citizens.Citizen", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.CharField(max_length=200, blank=True)
    endpoint = models.CharField(
        max_length=300, blank=True, help_text="Metode og sti, fx GET /api/v1/calendar"
    )
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "adgangslog"
        verbose_name_plural = "adgangslog"
        indexes = [models.Index(fields=["citizen", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action}"
