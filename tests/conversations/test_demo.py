import pytest

from samtale.conversations.models import HeldConversation
from samtale.core import demo

pytestmark = pytest.mark.django_db


def test_demo_history_is_realistic_and_idempotent():
    demo.load()
    count = HeldConversation.objects.count()
    assert count > 30
    kinds = set(HeldConversation.objects.values_list("conversation_type__code", flat=True))
    assert {4, 7, 17, 901, 902} <= kinds
    assert HeldConversation.objects.filter(participants__role__code="tolk").exists()
    demo.load()
    assert HeldConversation.objects.count() == count


def test_demo_conversations_were_held_on_working_days():
    # A caseworker browsing the demo should not find conversations held on a Saturday or a holiday.
    from samtale.core import clock
    from samtale.scheduling.rules import next_meeting_day

    demo.load()
    days = {clock.local_date(at) for at in HeldConversation.objects.values_list("held_at", flat=True)}
    assert days
    assert [d for d in days if next_meeting_day(d) != d] == []
