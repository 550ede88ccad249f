from django.db import models


class IdempotencyKey(models.Model):
    """The first answer to a POST or PATCH sent with an `Idempotency-Key` (API.md § Idempotency).

    The row is inserted in the same transaction as the request's work, so it becomes visible only
    together with what the request did: a crash leaves neither, and a concurrent duplicate waits on
    the unique index until the first commits (then replays its answer) or rolls back (then does the
    work itself)."""

    scope = models.CharField(max_length=64)  # which API client: the SHA-256 of its credential
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # method, path and body the key was first used with
    status = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=100)
    location = models.CharField(max_length=500, blank=True)
    body = models.BinaryField()
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "idempotensnøgle"
        verbose_name_plural = "idempotensnøgler"
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="idempotency_scope_key")]

    def __str__(self) -> str:
        return f"{self.key} → {self.status}"
