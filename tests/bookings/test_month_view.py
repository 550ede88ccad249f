"""The month of free times reads the citizen's facts and the offers as two hand-written statements
(issue 15). They must read exactly what the ORM selectors that define those facts read: the contact
group and jobcenter in force (the latest period that has started), the open deadline as it stands
today, the absences overlapping the asked days, whether an absence takes self-booking away today;
the active offers for the contact group with their conversation type and contact forms."""

from datetime import date, timedelta

import pytest

from samtale.bookings.selectors import _bookable_offers, _citizen_facts
from samtale.citizens.selectors import absences_on, contact_group_on, jobcenter_on
from samtale.core import clock
from samtale.core.actors import Actor
from samtale.deadlines.selectors import deadline_open_for, open_on
from samtale.scheduling.models import MeetingOffer

pytestmark = pytest.mark.django_db


def _as_the_orm_reads(citizen, today: date, lo: date, hi: date) -> dict:
    from samtale.citizens.models import Absence

    group = contact_group_on(citizen, today)
    deadline = deadline_open_for(citizen, today)
    absences = Absence.objects.filter(citizen=citizen, start_date__lte=hi).exclude(end_date__lt=lo)
    return {
        "group": (group.pk, group.self_booking_allowed) if group else (None, False),
        "blocked": absences_on(citizen, today).filter(absence_type__blocks_self_booking=True).exists(),
        "jobcenter": jobcenter_on(citizen, today),
        "deadline": (deadline.pk, deadline.effective, deadline.conversation_type.family)
        if deadline
        else None,
        "absences": sorted((a.start_date, a.end_date or date.max) for a in absences),
    }


def _as_read_in_one_statement(citizen, today: date, lo: date, hi: date) -> dict:
    facts = _citizen_facts(citizen.pk, today=today, lo=lo, hi=hi)
    deadline = open_on(facts.deadline, today)
    return {
        "group": (facts.group_id, facts.group_may_self_book),
        "blocked": facts.blocked,
        "jobcenter": facts.jobcenter,
        "deadline": (deadline.pk, deadline.effective, deadline.conversation_type.family)
        if deadline
        else None,
        "absences": sorted(facts.absences),
    }


def test_the_citizens_facts_are_what_the_selectors_read(make_citizen, make_deadline, jc_b, frozen_now):
    from samtale.citizens.services import (
        absence_register,
        citizen_change_contact_group,
        citizen_move_jobcenter,
    )

    system = Actor.system("test")
    start = clock.today()
    plain = make_citizen(contact_group=6)
    busy = make_citizen(contact_group=6)
    make_deadline(plain, 4, start + timedelta(days=20))
    make_deadline(busy, 4, start + timedelta(days=20))  # closed when the contact group changes
    # Absences: one ended before the asked days, one across their start, one inside, one open-ended.
    for first, last in [
        (start + timedelta(days=1), start + timedelta(days=2)),
        (start + timedelta(days=8), start + timedelta(days=12)),
        (start + timedelta(days=15), start + timedelta(days=15)),
        (start + timedelta(days=30), None),
    ]:
        absence_register(actor=system, citizen=busy, absence_type=10, start_date=first, end_date=last)
    # Later periods: on each day, the latest period that has started is the one in force.
    frozen_now.shift(timedelta(days=3))
    citizen_move_jobcenter(actor=system, citizen=busy, jobcenter=jc_b.code)
    frozen_now.shift(timedelta(days=2))
    citizen_change_contact_group(actor=system, citizen=busy, contact_group=2)
    lo, hi = start + timedelta(days=10), start + timedelta(days=40)
    for day in (start, start + timedelta(days=3), start + timedelta(days=5), start + timedelta(days=25)):
        for citizen in (plain, busy):
            assert _as_read_in_one_statement(citizen, day, lo, hi) == _as_the_orm_reads(citizen, day, lo, hi)
    assert _as_read_in_one_statement(plain, start, lo, hi)["deadline"] is not None
    assert len(_as_read_in_one_statement(busy, start, lo, hi)["absences"]) == 3
    assert _citizen_facts(busy.pk, today=start, lo=lo, hi=hi).jobcenter != jc_b
    assert _citizen_facts(busy.pk, today=start + timedelta(days=3), lo=lo, hi=hi).jobcenter == jc_b
    # An absence that takes self-booking away (R-DL-16) today.
    today = clock.today()
    absence_register(actor=system, citizen=plain, absence_type=57, start_date=today)
    assert _as_read_in_one_statement(plain, today, lo, hi) == _as_the_orm_reads(plain, today, lo, hi)
    assert _citizen_facts(plain.pk, today=today, lo=lo, hi=hi).blocked


@pytest.mark.parametrize(
    "fulfils_deadline, family", [(None, ""), (True, ""), (True, "opfoelgning"), (False, "")]
)
def test_the_offers_are_what_the_orm_reads(make_offer, jc_a, fulfils_deadline, family):
    from django.db.models import Q

    from samtale.codes.models import ContactGroup

    make_offer(title="Opfølgning", conversation_type=4, contact_forms=["telefonisk", "personligt"])
    make_offer(title="Jobsamtale", conversation_type=7, contact_forms=["personligt"])
    make_offer(title="Anden samtale", conversation_type=12, fulfils_deadline=False)
    make_offer(title="Kun gruppe 2", contact_groups=[2])
    make_offer(title="Lukket", active=False)
    group = ContactGroup.objects.get(code=6)
    qs = MeetingOffer.objects.filter(active=True, jobcenter=jc_a, contact_groups=group)
    if fulfils_deadline is True:
        qs = qs.filter(fulfils_deadline=True).exclude(conversation_type__family="")
        if family:
            qs = qs.filter(conversation_type__family=family)
    elif fulfils_deadline is False:
        qs = qs.filter(Q(fulfils_deadline=False) | Q(conversation_type__family=""))
    expected = {o.pk: o for o in qs.select_related("conversation_type").prefetch_related("contact_forms")}
    found = _bookable_offers(
        jobcenter_id=jc_a.pk, group_id=group.pk, fulfils_deadline=fulfils_deadline, family=family
    )
    assert found and sorted(found) == sorted(expected)
    for pk, offer in found.items():
        want = expected[pk]
        assert [(f.name, f.value_from_object(offer)) for f in MeetingOffer._meta.concrete_fields] == [
            (f.name, f.value_from_object(want)) for f in MeetingOffer._meta.concrete_fields
        ]
        assert offer.conversation_type == want.conversation_type
        assert offer.conversation_type.family == want.conversation_type.family
        assert list(offer.contact_forms.all()) == list(want.contact_forms.all())
