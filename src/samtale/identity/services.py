"""Who a provider's assertion or token names, in our terms. Pure lookups and the one write a sign-in
makes (a caseworker's jobcenters and admin role follow the provider's group claim at every login)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction

from samtale.organisations.models import Caseworker, Jobcenter


class SignInRefused(PermissionDenied):
    """The provider said who the person is, but we do not let them in. `heading`/`text` are Danish
    and safe to show (no CPR, no token content). A PermissionDenied, which djangosaml2 hands to our
    assertion consumer's failure page."""

    def __init__(self, code: str, heading: str, text: str):
        super().__init__(code)
        self.code, self.heading, self.text = code, heading, text


@dataclass(frozen=True)
class StaffClaims:
    ident: str
    jobcenter_codes: tuple[str, ...]
    is_admin: bool


def _groups(claims: dict) -> list[str]:
    value = claims.get(settings.OIDC_GROUPS_CLAIM) or []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def staff_claims(claims: dict) -> StaffClaims:
    """Reads the configured claims: the caseworker's ident, and from the group/role claim the
    jobcenters (an explicit group → kommunekode map, else groups named <prefix><kommunekode>) and the
    admin role."""
    ident = str(claims.get(settings.OIDC_USER_CLAIM) or "").strip()
    codes = []
    for group in _groups(claims):
        if group in settings.OIDC_JOBCENTER_GROUPS:
            codes.append(settings.OIDC_JOBCENTER_GROUPS[group])
        elif settings.OIDC_JOBCENTER_GROUP_PREFIX and group.startswith(settings.OIDC_JOBCENTER_GROUP_PREFIX):
            codes.append(group[len(settings.OIDC_JOBCENTER_GROUP_PREFIX) :])
    return StaffClaims(
        ident=ident,
        jobcenter_codes=tuple(sorted(set(codes))),
        is_admin=settings.OIDC_ADMIN_GROUP in _groups(claims),
    )


@transaction.atomic
def caseworker_sign_in(claims: StaffClaims) -> Caseworker:
    """The caseworker the claims name, with jobcenters and admin role updated from this login."""
    caseworker = (
        Caseworker.objects.select_for_update().filter(ident=claims.ident).first() if claims.ident else None
    )
    if caseworker is None:
        raise SignInRefused(
            "unknown_caseworker",
            "Du er ikke oprettet i Samtale",
            "Kommunens login kender dig, men Samtale har ingen medarbejder med din brugeridentitet. "
            "Bed jobcentrets administrator om at oprette dig.",
        )
    if not caseworker.active:
        raise SignInRefused(
            "deactivated_caseworker",
            "Din adgang er lukket",
            "Din adgang til Samtale er lukket. Kontakt jobcentrets administrator, hvis det er en fejl.",
        )
    jobcenters = list(Jobcenter.objects.filter(code__in=claims.jobcenter_codes))
    if not jobcenters and not claims.is_admin:
        raise SignInRefused(
            "no_jobcenter",
            "Du er ikke tilknyttet et jobcenter",
            "Kommunens login siger ikke, hvilket jobcenter du arbejder for i Samtale. "
            "Bed kommunens it-afdeling om at give dig den rigtige gruppe.",
        )
    caseworker.jobcenters.set(jobcenters)
    return caseworker


def admin_role_sync(user, is_admin: bool) -> None:
    """The Django admin (/admin/) is for those the provider gives the admin group, and only while it does."""
    if (user.is_staff, user.is_superuser) != (is_admin, is_admin):
        user.is_staff = user.is_superuser = is_admin
        user.save(update_fields=["is_staff", "is_superuser"])
