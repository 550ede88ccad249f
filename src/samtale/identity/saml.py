"""Citizens sign in with MitID through NemLog-in: a SAML 2.0 service provider shaped by OIOSAML 3
(djangosaml2 on pysaml2, which checks signatures with Debian's xmlsec1). Signed AuthnRequests
(HTTP-Redirect), signed and possibly encrypted assertions (HTTP-POST), no unsolicited responses (so an
assertion cannot be replayed), single logout both ways. The assertion names the citizen by CPR and
says the assurance level; we let in a citizen we know, at the configured level or higher."""

from __future__ import annotations

import logging

from django.conf import settings
from djangosaml2.views import AssertionConsumerServiceView, LoginView, _set_subject_id

from samtale.citizens.models import Citizen
from samtale.core.identity import actor_for, sign_in_citizen
from samtale.identity.services import SignInRefused
from samtale.identity.views import refused

log = logging.getLogger(__name__)

CPR_ATTRIBUTE = "https://data.gov.dk/model/core/eid/cprNumber"
LOA_ATTRIBUTE = "https://data.gov.dk/concept/core/nsis/loa"
LOA_ORDER = ["Low", "Substantial", "High"]  # NSIS assurance levels, lowest first


def _single(ava: dict, name: str) -> str:
    values = ava.get(name) or []
    return str(values[0]).strip() if values else ""


def loa_sufficient(loa: str) -> bool:
    return loa in LOA_ORDER and LOA_ORDER.index(loa) >= LOA_ORDER.index(settings.SAML_MIN_LOA)


def citizen_for_assertion(ava: dict) -> Citizen:
    """The citizen the assertion's attributes name, or SignInRefused (the CPR never leaves here)."""
    if not loa_sufficient(_single(ava, LOA_ATTRIBUTE)):
        raise SignInRefused(
            "loa_too_low",
            "Dit login er ikke sikkert nok",
            "Du skal logge ind med MitID på mindst betydeligt sikringsniveau for at se dine møder. "
            "Log ind igen med MitID-appen eller en MitID-kodeviser.",
        )
    cpr = _single(ava, CPR_ATTRIBUTE).replace("-", "")
    citizen = Citizen.objects.filter(cpr=cpr).first() if len(cpr) == 10 and cpr.isdigit() else None
    if citizen is None:
        raise SignInRefused(
            "unknown_citizen",
            "Jobcentret har ingen oplysninger om dig",
            "Du er logget ind med MitID, men jobcentret har ingen sag om dig i denne selvbetjening. "
            "Har du fået et brev om en samtale, så kontakt jobcentret på det telefonnummer, der står i brevet.",
        )
    return citizen


class CitizenLoginView(LoginView):
    """Someone signed in as a citizen goes straight on; anyone else (a caseworker in the same browser)
    is sent to NemLog-in, instead of back to /borger/ which would send them here again."""

    def should_prevent_auth(self, request) -> bool:
        actor = actor_for(request)
        return actor is not None and actor.kind == "citizen"


class CitizenAcsView(AssertionConsumerServiceView):
    """djangosaml2's assertion consumer, ending in Samtale's own sign-in and Danish refusal pages."""

    def handle_acs_failure(self, request, exception=None, status=403, **kwargs):
        if isinstance(exception, SignInRefused):
            log.info("SAML sign-in refused: %s", exception.code)
            return refused(request, exception.heading, exception.text)
        log.info("SAML assertion refused: %s", type(exception).__name__)
        return refused(
            request,
            "Log ind mislykkedes",
            "Vi kunne ikke bekræfte dit login fra MitID. Prøv at logge ind igen.",
        )

    def authenticate_user(
        self, request, session_info, attribute_mapping, create_unknown_user, assertion_info
    ):
        citizen = citizen_for_assertion(session_info.get("ava") or {})
        sign_in_citizen(request, citizen, method="saml")
        _set_subject_id(request.saml_session, session_info["name_id"])
        return citizen.user

    def build_relay_state(self) -> str:
        relay = self.request.POST.get("RelayState", "")
        return relay if relay.startswith("/") and not relay.startswith("//") else "/borger/"
