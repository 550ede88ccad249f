"""Reads: the trail of what a citizen was sent (GET /citizens/{id}/messages)."""

from __future__ import annotations

from django.db.models import Prefetch

from samtale.citizens.selectors import citizen_get
from samtale.core.actors import Actor
from samtale.messaging.models import Message, MessageEvent


def citizen_messages(actor: Actor, citizen_public_id) -> list[Message]:
    """Every message to the citizen, oldest first, each with its history. Scoped and audited through
    `citizen_get` (a caseworker outside the citizen's jobcenters gets NotFound)."""
    citizen = citizen_get(actor, citizen_public_id, purpose="beskedspor (SMS og e-mail)")
    return message_trail(citizen)


def message_trail(citizen) -> list[Message]:
    """Every message to an already scoped citizen, oldest first, each with its delivery history."""
    return list(
        Message.objects.filter(citizen=citizen)
        .select_related("booking")
        .prefetch_related(Prefetch("events", queryset=MessageEvent.objects.order_by("at", "id")))
        .order_by("created_at", "id")
    )
