from datetime import UTC, datetime

import pytest
import time_machine

from samtale.core import clock

NOW = datetime(2026, 3, 4, 13, 0, tzinfo=UTC)  # Wednesday 4 March 2026, 14:00 in Copenhagen


@pytest.fixture
def frozen():
    """A fixed 'now' for the service and API tests (scenario tests travel on their own)."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def at():
    """A Danish wall-clock time on a day, as an aware datetime."""
    return clock.at


@pytest.fixture
def register(actor_a):
    """Register through the service with sensible defaults for a Jobsamtale."""
    from samtale.conversations.services import held_conversation_register

    def do(citizen, **kwargs):
        kwargs.setdefault("held_at", datetime(2026, 3, 3, 9, 0, tzinfo=UTC))
        kwargs.setdefault("conversation_type", 7)
        kwargs.setdefault("contact_form", "personligt")
        if kwargs["conversation_type"] in (7, 17, 902, 901) and "agreement" not in kwargs:
            kwargs["agreement"] = {"text": "Borgeren søger mindst fem stillinger om ugen."}
        return held_conversation_register(actor=kwargs.pop("actor", actor_a), citizen=citizen, **kwargs)

    return do
