from django import template

from samtale.core import clock, danish
from samtale.workbench.presenters.navigation import navigation

register = template.Library()


@register.simple_tag
def workbench_navigation():
    return navigation()


@register.filter
def dk_date(day):
    """ "10. juli 2017" (empty for none)."""
    return danish.danish_date(day) if day else ""


@register.filter
def dk_datetime(moment):
    """ "man. 10. juli 2017 kl. 10.00" in Copenhagen time (empty for none)."""
    if not moment:
        return ""
    local = clock.local(moment)
    return f"{danish.WEEKDAYS[local.weekday()][:3]}. {danish.danish_date(local.date())} kl. {local:%H.%M}"


@register.filter
def dk_time(moment):
    return f"{clock.local(moment):%H.%M}" if moment else ""
