"""I dag: my meetings today and this week, conversations held but not registered, deadlines about to
close with nothing booked, and offers that have run out of free times."""

from __future__ import annotations

from django.views.decorators.http import require_GET

from samtale.core import clock, danish
from samtale.workbench.presenters.today import today_page
from samtale.workbench.views.common import page, workbench_view


@workbench_view
@require_GET
def today(request):
    day = clock.today()
    return page(
        request,
        "workbench/today.html",
        "today",
        day_label=danish.danish_long_date(day).capitalize(),
        **today_page(request.actor, today=day, now=clock.now()),
    )
