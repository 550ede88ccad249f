import datetime

from django.conf import settings
from django.db import models

from samtale.core.models import BaseModel


class Authority(BaseModel):
    """A body that can hold conversations or be responsible for a registration (§ 27)."""

    KOMMUNE = "kommune"
    STAT = "stat"
    ANDEN_AKTOER = "anden_aktoer"
    AKASSE = "akasse"
    KINDS = [(KOMMUNE, "Kommune"), (STAT, "Stat"), (ANDEN_AKTOER, "Anden aktør"), (AKASSE, "A-kasse")]

    kind = models.CharField("art", max_length=20, choices=KINDS)
    code = models.CharField("kode", max_length=20)
    name = models.CharField("navn", max_length=200)

    class Meta:
        verbose_name = "myndighed"
        verbose_name_plural = "myndigheder"
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="authority_kind_code_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class Jobcenter(BaseModel):
    """The tenant: a municipality's jobcenter, identified by the municipality code."""

    code = models.CharField("kommunekode", max_length=10, unique=True)
    name = models.CharField("navn", max_length=200)
    authority = models.OneToOneField(Authority, on_delete=models.PROTECT, related_name="jobcenter")
    contact_url = models.URLField("kontaktside", blank=True)
    phone = models.CharField("telefon", max_length=30, blank=True)
    # Shown wherever a citizen is told to contact the jobcenter (seed 004 § 2.5 "Kontakt dit jobcenter").
    email = models.EmailField("e-mail", blank=True)
    address = models.CharField("adresse", max_length=300, blank=True)
    opening_hours_text = models.CharField(
        "åbningstider (tekst til borgeren)",
        max_length=300,
        blank=True,
        help_text="F.eks. Man–tor 8–15, fre 8–13",
    )
    # Meetings are held on weekdays inside these hours; other times are refused for free times and need
    # the caseworker's confirmation for a summons.
    opens_at = models.TimeField("åbner", default=datetime.time(8, 0))
    closes_at = models.TimeField("lukker", default=datetime.time(17, 0))

    class Meta:
        verbose_name = "jobcenter"
        verbose_name_plural = "jobcentre"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class AKasse(BaseModel):
    code = models.CharField("kode", max_length=20, unique=True)
    name = models.CharField("navn", max_length=200)
    authority = models.OneToOneField(Authority, on_delete=models.PROTECT, related_name="akasse")

    class Meta:
        verbose_name = "a-kasse"
        verbose_name_plural = "a-kasser"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Caseworker(BaseModel):
    """Ident unique across every organisation (seed 000: "Entydig identifikation af medarbejdere …
    på tværs af de organisatoriske rammer")."""

    ident = models.CharField("medarbejderident", max_length=50, unique=True)
    name = models.CharField("navn", max_length=200)
    authority = models.ForeignKey(
        Authority, on_delete=models.PROTECT, null=True, blank=True, related_name="caseworkers"
    )
    jobcenters = models.ManyToManyField(
        Jobcenter, related_name="caseworkers", blank=True, verbose_name="jobcentre"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="caseworker"
    )
    active = models.BooleanField("aktiv", default=True)

    class Meta:
        verbose_name = "sagsbehandler"
        verbose_name_plural = "sagsbehandlere"
        ordering = ["ident"]

    def __str__(self) -> str:
        return f"{self.name} ({self.ident})"


class ApiClient(BaseModel):
    """A bearer token holder. Only the SHA-256 of the token is stored."""

    ADMIN = "admin"
    CASEWORKER = "caseworker"
    CITIZEN = "citizen"
    DFDG = "dfdg"
    AKASSE = "akasse"
    ROLES = [
        (ADMIN, "Operatør"),
        (CASEWORKER, "Sagsbehandler"),
        (CITIZEN, "Borger"),
        (DFDG, "DFDG"),
        (AKASSE, "A-kasse"),
    ]

    name = models.CharField("navn", max_length=200)
    role = models.CharField("rolle", max_length=20, choices=ROLES)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    caseworker = models.ForeignKey(Caseworker, null=True, blank=True, on_delete=models.CASCADE)
    citizen = models.ForeignKey(
        "citizens.Citizen", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    akasse = models.ForeignKey(AKasse, null=True, blank=True, on_delete=models.CASCADE)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField("udløber", null=True, blank=True)

    class Meta:
        verbose_name = "API-klient"
        verbose_name_plural = "API-klienter"

    def __str__(self) -> str:
        return f"{self.name} ({self.role})"
