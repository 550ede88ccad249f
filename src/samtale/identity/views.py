"""Where sign-in starts and ends. `/borger/` and `/sagsbehandler/` send an anonymous visitor here
(samtale.core.identity.LOGIN_PATHS); these views pick the configured identity provider, or the
development login when that is on and no provider is configured."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST

from samtale.core.identity import SESSION_METHOD
from samtale.identity.sessions import renew


def safe_next(request, default: str) -> str:
    nxt = request.GET.get("next") or request.POST.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return nxt
    return default


def refused(request, heading: str, text: str, *, status: int = 403):
    """A Danish page saying why sign-in did not succeed (never a stack trace, never the CPR)."""
    return render(request, "identity/refused.html", {"heading": heading, "text": text}, status=status)


def not_configured(request):
    return refused(
        request,
        "Log ind er ikke sat op",
        "Jobcentret har endnu ikke sat log ind op for denne side. Kontakt jobcentret.",
        status=503,
    )


def _with_next(path: str, nxt: str) -> str:
    return f"{path}?{urlencode({'next': nxt})}"


def _login(request, *, home: str, provider_on: bool, provider_start: str):
    """The configured provider first; the development login only when no provider is configured."""
    nxt = safe_next(request, home)
    if provider_on:
        return redirect(_with_next(reverse(provider_start), nxt))
    if settings.DEV_LOGIN:
        return redirect(_with_next(reverse("core:login"), nxt))
    return not_configured(request)


def citizen_login(request):
    return _login(request, home="/borger/", provider_on=settings.SAML_ENABLED, provider_start="saml2_login")


def staff_login(request):
    return _login(
        request,
        home="/sagsbehandler/",
        provider_on=settings.OIDC_ENABLED,
        provider_start="identity:oidc_start",
    )


def admin_login(request):
    """/admin/login/: staff sign in through the municipality's provider when one is configured (the
    admin role comes from its group claim); Django's own password form otherwise."""
    if settings.OIDC_ENABLED:
        return redirect(_with_next(reverse("identity:oidc_start"), safe_next(request, "/admin/")))
    from django.contrib import admin

    return admin.site.login(request)


def signed_out(request):
    return render(request, "identity/signed_out.html", {"timeout": request.GET.get("grund") == "tid"})


@require_POST
def session_renew(request):
    """The portal's "Bliv logget ind" button."""
    if not request.user.is_authenticated:
        return JsonResponse({"seconds_left": 0}, status=401)
    return JsonResponse({"seconds_left": renew(request.session)})


def provider_sign_out(request):
    """core.identity.SIGN_OUT_HANDLERS: a provider's sign-in also ends at the provider (single logout)."""
    method = request.session.get(SESSION_METHOD)
    if method == "saml" and settings.SAML_ENABLED:
        return redirect("saml2_logout")
    if method == "oidc" and settings.OIDC_ENABLED:
        from samtale.identity.oidc import end_session_url

        target = end_session_url(request)
        logout(request)
        return redirect(target)
    return None
