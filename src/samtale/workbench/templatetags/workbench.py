from django import template

from samtale.workbench.presenters.navigation import navigation

register = template.Library()


@register.simple_tag
def workbench_navigation():
    return navigation()
