"""I dag: the caseworker's start page."""

from __future__ import annotations

from samtale.workbench.views.common import page, workbench_view


@workbench_view
def today(request):
    return page(request, "workbench/today.html", "today")
