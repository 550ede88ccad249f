import json
import os
import time
import uuid

from jwcrypto import jwk, jwt
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.settings import oauth2_settings


class Validator(OAuth2Validator):
    # Every claim in every ID token (no scope filtering): the RP decides what it reads.
    oidc_claim_scope = None

    def get_additional_claims(self, request):
        user = request.user
        return {
            "preferred_username": user.username,
            "name": user.get_full_name() or user.username,
            "groups": sorted(g.name for g in user.groups.all()),
        }


def jwt_access_token(request):
    """Access tokens as JWTs signed with the OIDC key, as Entra ID and Keycloak issue them. The
    audience, role and organisation of a machine client come from the seed (OIDC_PROVIDER_CLIENTS)."""
    clients = json.loads(os.environ.get("OIDC_PROVIDER_CLIENTS", "{}"))
    extra = clients.get(request.client_id, {})
    now = int(time.time())
    issuer = oauth2_settings.oidc_issuer(request)
    claims = {
        "iss": issuer,
        "sub": request.client_id,
        "azp": request.client_id,
        "iat": now,
        "exp": now + int(request.expires_in or 300),
        "jti": uuid.uuid4().hex,
        **extra,
    }
    key = jwk.JWK.from_pem(oauth2_settings.OIDC_RSA_PRIVATE_KEY.encode())
    token = jwt.JWT(header={"alg": "RS256", "kid": key.thumbprint(), "typ": "at+jwt"}, claims=claims)
    token.make_signed_token(key)
    return token.serialize()
