"""The message outbox (ARCHITECTURE.md "Transactional outbox"): one row per SMS or e-mail, written in
the same transaction as the change that causes it, delivered by `samtale worker`, with a history row
per status change so a caseworker can show what the citizen was sent and when (R-NT-6)."""

from django.db import models

from samtale.core.models import BaseModel


class Channel(models.TextChoices):
    SMS = "sms", "SMS"
    EMAIL = "email", "E-mail"


class MessageKind(models.TextChoices):
    DEADLINE_NEW = "deadline_new", "Ny frist"
    DEADLINE_8_DAYS = "deadline_8_days", "Frist om 8 dage"
    DEADLINE_3_DAYS = "deadline_3_days", "Frist om 3 dage"
    BOOKING_SUMMONS = "booking_summons", "Indkaldelse"
    BOOKING_CONFIRMED = "booking_confirmed", "Bookingbekræftelse"
    BOOKING_MOVED = "booking_moved", "Mødet er flyttet"
    BOOKING_CHANGED = "booking_changed", "Mødet er ændret"
    BOOKING_CANCELLED = "booking_cancelled", "Mødet er aflyst"
    BOOKING_REMINDER = "booking_reminder", "Påmindelse dagen før"


DEADLINE_KINDS = (MessageKind.DEADLINE_NEW, MessageKind.DEADLINE_8_DAYS, MessageKind.DEADLINE_3_DAYS)


class MessageStatus(models.TextChoices):
    QUEUED = "queued", "I kø"
    SENDING = "sending", "Sendes"
    SENT = "sent", "Sendt"
    DELIVERED = "delivered", "Leveret"
    FAILED = "failed", "Fejlet, prøves igen"
    DEAD = "dead", "Opgivet"
    CANCELLED = "cancelled", "Annulleret"


class Message(BaseModel):
    citizen = models.ForeignKey("citizens.Citizen", on_delete=models.PROTECT, related_name="messages")
    kind = models.CharField("type", max_length=30, choices=MessageKind.choices)
    channel = models.CharField("kanal", max_length=10, choices=Channel.choices)
    recipient = models.CharField("modtager", max_length=254, help_text="Mobilnummer (E.164) eller e-mail")
    # What the message must say, as it was when it was queued (messaging.content); the worker renders
    # subject, text and attachment from it just before sending and keeps them here as sent. Rows
    # queued before this field carry their text already and an empty snapshot.
    snapshot = models.JSONField("indhold ved oprettelse", default=dict, blank=True)
    subject = models.CharField("emne", max_length=200, blank=True)
    text = models.TextField("tekst", blank=True, help_text="Tom indtil arbejderen har dannet beskeden")
    attachment = models.TextField("kalenderfil (.ics)", blank=True)
    deadline_ref = models.UUIDField("frist", null=True, blank=True, db_index=True)
    booking = models.ForeignKey(
        "bookings.Booking", null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    idempotency_key = models.CharField(max_length=200, unique=True)
    status = models.CharField(max_length=20, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    attempts = models.PositiveIntegerField("forsøg", default=0)
    next_attempt_at = models.DateTimeField("næste forsøg", null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    locked_by = models.CharField(max_length=100, blank=True)
    claim_token = models.UUIDField(null=True, blank=True)
    provider_reference = models.CharField("udbyderens reference", max_length=200, blank=True, db_index=True)
    last_error = models.TextField("seneste fejl", blank=True)
    sent_at = models.DateTimeField("sendt", null=True, blank=True)
    delivered_at = models.DateTimeField("leveret", null=True, blank=True)

    class Meta:
        verbose_name = "besked"
        verbose_name_plural = "beskeder"
        ordering = ["citizen", "created_at", "id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="message_due"),
            models.Index(fields=["status", "locked_until"], name="message_lease"),
            models.Index(fields=["citizen", "created_at"], name="message_citizen"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in MessageStatus]), name="message_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_channel_display()}, {self.get_status_display()})"


class MessageEvent(models.Model):
    """The trail: every status change and every delivery attempt, append-only."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=MessageStatus.choices)
    attempt = models.PositiveIntegerField(default=0)
    worker = models.CharField(max_length=100, blank=True)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["message", "at", "id"]
        indexes = [models.Index(fields=["message", "id"])]
