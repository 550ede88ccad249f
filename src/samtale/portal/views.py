from django.shortcuts import render
from django.views.decorators.cache import never_cache

from samtale.citizens.selectors import citizen_profile
from samtale.core.identity import citizen_required


@never_cache
@citizen_required
def home(request):
    citizen = request.actor.citizen
    return render(request, "portal/home.html", {"citizen": citizen, "profile": citizen_profile(citizen)})
