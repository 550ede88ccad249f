from django.conf import settings
from django.contrib.auth import logout
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from samtale.citizens.models import Citizen
from samtale.core import clock
from samtale.core.identity import SIGN_OUT_HANDLERS, actor_for, sign_in_caseworker, sign_in_citizen
from samtale.organisations.models import Caseworker


def home(request):
    actor = actor_for(request)
    if actor is not None:
        return redirect("portal:home" if actor.kind == "citizen" else "workbench:today")
    return render(request, "core/home.html")


@require_http_methods(["GET", "POST"])
def dev_login(request):
    """Development login: pick a demo person. Only with SAMTALE_DEV_LOGIN=1 (the run command)."""
    if not settings.DEV_LOGIN:
        raise Http404
    if request.method == "POST":
        if request.POST.get("citizen"):
            sign_in_citizen(request, get_object_or_404(Citizen, public_id=request.POST["citizen"]))
            target = "/borger/"
        else:
            sign_in_caseworker(
                request, get_object_or_404(Caseworker, ident=request.POST.get("caseworker", ""), active=True)
            )
            target = "/sagsbehandler/"
        nxt = request.POST.get("next", "")
        if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
            target = nxt
        return redirect(target)
    citizens = Citizen.objects.with_current(clock.today()).order_by("name")
    groups = {}
    for c in citizens:
        groups.setdefault(c.current_contact_group, []).append(c)
    return render(
        request,
        "core/dev_login.html",
        {
            "caseworkers": Caseworker.objects.filter(active=True)
            .prefetch_related("jobcenters")
            .order_by("ident"),
            "citizens": citizens,
            "next": request.GET.get("next", ""),
        },
    )


@require_POST
def sign_out(request):
    for handler in SIGN_OUT_HANDLERS:
        response = handler(request)
        if response is not None:
            return response
    logout(request)
    return redirect("identity:signed_out")


def csrf_failure(request, reason=""):
    """Django's CSRF refusal, in Danish and without technical details (settings.CSRF_FAILURE_VIEW)."""
    return render(request, "core/csrf_failure.html", status=403)


def page_not_found(request, exception=None):
    """The 404 page of the part of the site asked for: the workbench's for /sagsbehandler/, the
    portal's otherwise (settings' handler404)."""
    workbench = request.path.startswith("/sagsbehandler/")
    return render(request, "workbench/404.html" if workbench else "404.html", status=404)
