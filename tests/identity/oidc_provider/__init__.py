"""A real OpenID Connect provider for the sign-in tests: django-oauth-toolkit's OIDC support in a tiny
Django project of its own, run by `serve.py` as a separate process on 127.0.0.1 (tests/identity/
conftest.py starts it once per test session). It plays the municipality's IdP (Entra ID, AD FS,
Keycloak …): authorization code + PKCE with a login form, a `groups` claim, RP-initiated logout, and
client-credentials access tokens that are JWTs signed with its OIDC key (like Entra ID's)."""
