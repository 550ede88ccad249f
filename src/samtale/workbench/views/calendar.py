"""Kalender: my calendar, a colleague's or a jobcenter's, a day or a week."""

from __future__ import annotations

from urllib.parse import urlencode

from django.views.decorators.http import require_GET

from samtale.core import clock
from samtale.organisations.selectors import colleagues, jobcenters_of
from samtale.scheduling.selectors import calendar as calendar_of
from samtale.workbench.presenters import calendar as presenter
from samtale.workbench.views.common import page, workbench_view


@workbench_view
@require_GET
def calendar(request):
    actor, today = request.actor, clock.today()
    query = presenter.CalendarQuery.parse(request.GET, today)
    data = calendar_of(
        actor,
        caseworker_ident=query.caseworker or None,
        jobcenter_code=query.jobcenter or None,
        date_from=query.first,
        date_to=query.last,
    )
    # scheduling.selectors.calendar writes the access log (one row per citizen shown).
    days = presenter.lay_out(data, query.first, query.last, today)
    for day in days:
        day.params = urlencode(query.params(dag=day.day.isoformat(), visning=presenter.DAY))
    return page(
        request,
        "workbench/calendar.html",
        "calendar",
        query=query,
        days=days,
        period=presenter.period_label(query),
        current_caseworker="" if query.jobcenter else (query.caseworker or actor.caseworker.ident),
        colleagues=colleagues(actor),
        jobcenters=jobcenters_of(actor),
        previous=urlencode(query.step(-1)),
        next=urlencode(query.step(1)),
        this_period=urlencode(query.params(dag=today.isoformat())),
        as_week=urlencode(query.params(visning=presenter.WEEK)),
        total_bookings=sum(d.bookings for d in days),
        total_free=sum(d.free for d in days),
        show_caseworker=bool(query.jobcenter),
    )
