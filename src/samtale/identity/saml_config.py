"""The pysaml2 configuration of Samtale's service provider, from a few plain values (settings.py
reads them from the environment; the tests pass their own). OIOSAML 3: signed AuthnRequests over
HTTP-Redirect with SHA-256, assertions over HTTP-POST that must be signed and may be encrypted to our
certificate, persistent NameID, the NSIS level asked for in RequestedAuthnContext."""

from __future__ import annotations

import saml2
from saml2.saml import NAMEID_FORMAT_PERSISTENT
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

LOA_CONTEXT = "https://data.gov.dk/concept/core/nsis/loa/"


def sp_config(
    *,
    base_url: str,
    entity_id: str,
    key_file: str,
    cert_file: str,
    idp_metadata_file: str = "",
    idp_metadata_url: str = "",
    encryption_key_file: str = "",
    encryption_cert_file: str = "",
    min_loa: str = "Substantial",
    xmlsec_binary: str = "/usr/bin/xmlsec1",
) -> dict:
    base_url = base_url.rstrip("/")
    metadata = (
        {"local": [idp_metadata_file]} if idp_metadata_file else {"remote": [{"url": idp_metadata_url}]}
    )
    return {
        "xmlsec_binary": xmlsec_binary,
        "entityid": entity_id,
        "allow_unknown_attributes": True,  # OIOSAML's attributes are URIs pysaml2 has no map for
        "service": {
            "sp": {
                "name": "Samtale",
                "name_id_format": NAMEID_FORMAT_PERSISTENT,
                "endpoints": {
                    "assertion_consumer_service": [(f"{base_url}/saml2/acs/", saml2.BINDING_HTTP_POST)],
                    "single_logout_service": [
                        (f"{base_url}/saml2/ls/", saml2.BINDING_HTTP_REDIRECT),
                        (f"{base_url}/saml2/ls/post/", saml2.BINDING_HTTP_POST),
                    ],
                },
                "authn_requests_signed": True,
                "logout_requests_signed": True,
                "logout_responses_signed": True,
                "want_assertions_signed": True,
                "want_response_signed": False,
                "allow_unsolicited": False,
                "signing_algorithm": SIG_RSA_SHA256,
                "digest_algorithm": DIGEST_SHA256,
                "requested_authn_context": {
                    "authn_context_class_ref": [LOA_CONTEXT + min_loa],
                    "comparison": "minimum",
                },
            }
        },
        "metadata": metadata,
        "key_file": key_file,
        "cert_file": cert_file,
        "encryption_keypairs": [
            {"key_file": encryption_key_file or key_file, "cert_file": encryption_cert_file or cert_file}
        ],
        "accepted_time_diff": 60,
    }
