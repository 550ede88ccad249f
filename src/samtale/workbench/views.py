from django.shortcuts import render
from django.views.decorators.cache import never_cache

from samtale.citizens.selectors import citizens_visible_to
from samtale.core import audit
from samtale.core.identity import caseworker_required


@never_cache
@caseworker_required
def home(request):
    actor = request.actor
    citizens = list(citizens_visible_to(actor).order_by("name")[:200])
    audit.record(actor, "citizen.list", purpose="oversigt", count=len(citizens))
    return render(
        request,
        "workbench/home.html",
        {
            "caseworker": actor.caseworker,
            "jobcenters": actor.caseworker.jobcenters.all(),
            "citizens": citizens,
        },
    )
