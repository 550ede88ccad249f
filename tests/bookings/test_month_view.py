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


def test_each_offers_span_and_free_times_are_those_of_all_the_bookable_ones(
    citizen, make_offer, make_slot, make_deadline
):
    """The portal's calendar asks `bookable` for each offer's first and last free time (`spans`) and
    for one offer's free times (`of_offer`); they are what the query of every bookable free time
    answers, with each offer's own notice and horizon (R-PC-11, R-DL-9) and the absences applied."""
    from django.db.models import Max, Min

    from samtale.bookings.selectors import bookable
    from samtale.citizens.services import absence_register
    from tests.bookings.conftest import local

    follow_up = make_offer(title="Opfølgning", conversation_type=4)  # horizon: deadline + 7 days
    slow = make_offer(title="Lang varsel", conversation_type=12, min_notice_hours=72)
    empty = make_offer(title="Ingen tider", conversation_type=12)
    for day in (3, 4, 9, 16, 17, 18, 25):
        make_slot(follow_up, local(2026, 3, day, 10))
        make_slot(slow, local(2026, 3, day, 11))
    make_slot(empty, local(2026, 3, 11, 9))
    make_deadline(citizen, 4, local(2026, 3, 10).date())
    absence_register(
        actor=Actor.system("test"),
        citizen=citizen,
        absence_type=10,
        start_date=date(2026, 3, 9),
        end_date=date(2026, 3, 11),
    )
    found = bookable(citizen, now=clock.now())
    every = dict(
        (o, (first, last))
        for o, first, last in found.slots.order_by()
        .values_list("offer_id")
        .annotate(first=Min("start"), last=Max("start"))
    )
    assert found.spans() == every and empty.pk not in every and len(every) == 2
    for offer_id in found.offers:
        assert list(found.of_offer(offer_id)) == list(found.slots.filter(offer_id=offer_id))
    days = {pk: [clock.local_date(s.start).day for s in found.of_offer(pk)] for pk in (follow_up.pk, slow.pk)}
    assert days == {follow_up.pk: [3, 4, 16, 17], slow.pk: [16, 17, 18, 25]}
    assert not found.of_offer(0).exists()
