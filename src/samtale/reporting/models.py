from django.db import models


class ReportEvent(models.Model):
    """Indberetning: one row per registration or change, written in the same transaction as the
    change (R-RP-1). `position` is given later, only to committed events and in commit order, by
    the sequencer (services.stamp_positions) — so a reader paging by position never skips one that
    commits late with a lower id (R-RP-2)."""

    position = models.BigIntegerField(null=True, blank=True, unique=True)
    kind = models.CharField(max_length=60, db_index=True)
    occurred_at = models.DateTimeField()
    citizen = models.ForeignKey(
        "citizens.Citizen", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payload = models.JSONField(default=dict)
    # The a-kasse that also receives this event (§ 20 stk. 5, § 27 stk. 5), set when the law says so.
    akasse = models.ForeignKey(
        "organisations.AKasse", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "indberetning"
        verbose_name_plural = "indberetninger"
        indexes = [
            models.Index(
                fields=["id"], condition=models.Q(position__isnull=True), name="reportevent_unstamped"
            ),
            models.Index(fields=["akasse", "position"], name="reportevent_akasse_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.position or '–'} {self.kind}"


class Sequencer(models.Model):
    """A single row holding the last position given out. Locking it serialises stampers."""

    name = models.CharField(max_length=30, unique=True)
    last_position = models.BigIntegerField(default=0)
