import uuid

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


class WebhookSubscriber(models.Model):
    """A receiver the worker pushes feed events to (API.md § Webhooks): the DFDG feed or one a-kasse's
    (R-RP-3 applies exactly as for reads), optionally only some kinds. `position` is the last
    position the receiver acknowledged; delivery always continues after it, so a crash or a pause
    never skips an event."""

    ACTIVE = "active"
    PAUSED = "paused"
    STATUSES = [(ACTIVE, "Aktiv"), (PAUSED, "Sat på pause")]

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    url = models.URLField("adresse", max_length=500)
    # Kept in clear: the worker needs it to sign. Never shown by the API after creation.
    secret = models.CharField(
        "hemmelighed", max_length=200, blank=True, help_text="Mindst 16 tegn. Tom: der laves en."
    )
    akasse = models.ForeignKey(
        "organisations.AKasse",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Tom: DFDG-feedet (alle hændelser). Ellers kun denne a-kasses hændelser.",
    )
    kinds = models.JSONField("hændelsestyper", default=list, blank=True, help_text="Tom: alle typer.")
    status = models.CharField(max_length=10, choices=STATUSES, default=ACTIVE)
    paused_reason = models.CharField("årsag til pause", max_length=300, blank=True)
    position = models.BigIntegerField("kvitteret position", default=0)
    created_at = models.DateTimeField()
    # Delivery state: consecutive failures, when they began, when to try next, who holds the lease.
    attempts = models.PositiveIntegerField(default=0)
    failing_since = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField()
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField("seneste fejl", max_length=300, blank=True)
    leased_by = models.CharField(max_length=100, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True)

    class Meta:
        verbose_name = "webhook"
        verbose_name_plural = "webhooks"

    def __str__(self) -> str:
        return f"{self.feed} → {self.url}"

    @property
    def feed(self) -> str:
        return f"akasse:{self.akasse.code}" if self.akasse_id else "dfdg"


class WebhookAttempt(models.Model):
    """One push to a subscriber and how it went (the admin's delivery log)."""

    subscriber = models.ForeignKey(WebhookSubscriber, on_delete=models.CASCADE, related_name="delivery_log")
    at = models.DateTimeField(db_index=True)
    first_position = models.BigIntegerField()
    last_position = models.BigIntegerField()
    events = models.PositiveIntegerField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    ok = models.BooleanField()
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField()
    worker = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = "webhook-levering"
        verbose_name_plural = "webhook-leveringer"
        indexes = [models.Index(fields=["subscriber", "-at"], name="webhookattempt_sub_at")]
