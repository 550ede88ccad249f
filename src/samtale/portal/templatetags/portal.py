from django import template

from samtale.core import clock
from samtale.portal import presenters

register = template.Library()


@register.simple_tag
def time_range(start, end):
    return presenters.time_range(start, end)


@register.simple_tag
def long_datetime(moment):
    local = clock.local(moment)
    return f"{presenters.long_date(local.date())} kl. {local:%H.%M}"


@register.simple_tag
def long_date(day):
    return presenters.long_date(day)


@register.simple_tag
def phone(number):
    """ "+4533663366" → "33 66 33 66" (Danish numbers the way Danes write them)."""
    from samtale.messaging.texts import format_phone

    return format_phone(number)
