from datetime import date

import pytest
from django.db import IntegrityError, transaction

from samtale.codes.models import ConversationType
from samtale.deadlines import rules
from samtale.deadlines.models import Deadline
from samtale.deadlines.selectors import booking_horizon, deadline_open_for


def _raw_deadline(citizen, jc, code=7, status="active", deadline_date=date(2026, 3, 20), **kw):
    created = kw.pop("created_on", date(2026, 3, 1))
    return Deadline.objects.create(
        citizen=citizen,
        conversation_type=ConversationType.objects.get(code=code),
        deadline_date=deadline_date,
        activation_date=kw.pop("activation_date", created),
        status=status,
        jobcenter=jc,
        created_by="test",
        created_on=created,
        expires_on=rules.expires_on(created),
        status_since=created,
        **kw,
    )


def test_r_dl_9_horizon_is_deadline_plus_7_for_same_family_only(make_citizen, jc_a):
    citizen = make_citizen(contact_group=2)
    _raw_deadline(citizen, jc_a, code=7, status="not_activated", activation_date=date(2026, 3, 10))
    job17 = ConversationType.objects.get(code=17)
    follow_up = ConversationType.objects.get(code=4)
    other = ConversationType.objects.get(code=12)
    day = date(2026, 3, 2)
    assert booking_horizon(citizen, job17, day) == date(2026, 3, 27)  # also while not_activated
    assert booking_horizon(citizen, follow_up, day) is None
    assert booking_horizon(citizen, other, day) is None
    # From the day after the deadline date the (effective) deadline is closed: no limit any more.
    assert booking_horizon(citizen, job17, date(2026, 3, 21)) is None
    assert deadline_open_for(citizen, date(2026, 3, 21)) is None


def test_r_dl_1_partial_unique_index_one_open_deadline(make_citizen, jc_a):
    citizen = make_citizen(contact_group=2)
    _raw_deadline(citizen, jc_a)
    _raw_deadline(citizen, jc_a, status="closed_admin")
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw_deadline(citizen, jc_a, status="not_activated")
