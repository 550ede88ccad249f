"""Security headers that Django's SecurityMiddleware does not set (it sets HSTS when the request is
secure, nosniff, Referrer-Policy and Cross-Origin-Opener-Policy).

- Content-Security-Policy: scripts, styles, fonts and images only from our own origin. No inline
  script and no inline event handlers anywhere: the templates load htmx and our small scripts as
  static files (no CDN), so a policy without 'unsafe-inline' holds.
- Permissions-Policy: the portal needs no camera, microphone, geolocation or payment.
- Cache-Control: no-store on every page shown to a signed-in person and on every API response
  (personal data must not stay in a shared browser's or a proxy's cache), unless the view already
  said something stricter.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.cache import add_never_cache_headers

DEFAULT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        csp = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        self.csp = DEFAULT_CSP if csp is None else csp

    def __call__(self, request):
        response = self.get_response(request)
        if self.csp and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.csp
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            cache = response.get("Cache-Control", "")
            if "no-store" not in cache:
                add_never_cache_headers(response)
        return response
