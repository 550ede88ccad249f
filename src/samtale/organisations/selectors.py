"""Reads of the organisation an actor works in: their jobcenters and their colleagues."""

from __future__ import annotations

from samtale.core.actors import Actor
from samtale.organisations.models import Caseworker, Jobcenter


def jobcenters_of(actor: Actor) -> list[Jobcenter]:
    qs = (
        Jobcenter.objects.all()
        if actor.sees_all_jobcenters
        else Jobcenter.objects.filter(pk__in=actor.jobcenter_ids)
    )
    return list(qs.order_by("name"))


def colleagues(actor: Actor) -> list[Caseworker]:
    """The active caseworkers of the actor's jobcenters (the actor included), by name."""
    qs = Caseworker.objects.filter(active=True)
    if not actor.sees_all_jobcenters:
        qs = qs.filter(jobcenters__in=actor.jobcenter_ids).distinct()
    return list(qs.order_by("name", "ident"))
