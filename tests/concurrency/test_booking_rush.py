"""R-PC-5 on PostgreSQL with real parallel connections: a free time is never booked beyond its
capacity, whatever the concurrency, and a citizen holds it at most once. One thread per booker, each
with its own database connection, all released at once by a barrier."""

import threading
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, connections, transaction

from samtale.bookings import services
from samtale.bookings.models import Booking
from samtale.citizens.services import citizen_upsert
from samtale.core import clock
from samtale.core.actors import Actor
from samtale.core.errors import Conflict
from samtale.scheduling import services as scheduling
from samtale.scheduling.models import Slot
from samtale.scheduling.rules import next_meeting_day
from tests.conftest import make_cpr

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SYSTEM = Actor.system("test")


@pytest.fixture
def citizens(jc_a):
    def make(n):
        return [
            citizen_upsert(
                actor=SYSTEM, cpr=make_cpr(), name=f"Borger {i}", contact_group=6, jobcenter=jc_a.code
            )[0]
            for i in range(n)
        ]

    return make


def make_offer(jc_a, **kw):
    args = dict(
        actor=SYSTEM,
        jobcenter=jc_a,
        title="Informationsmøde",
        description="Fællesmøde om dine rettigheder og pligter.",
        location="Jobcentret, salen",
        conversation_type=9,
        contact_forms=["personligt"],
        contact_groups=[6],
        address="Kalvebod Brygge 45",
        meeting_form="joint",
    )
    args.update(kw)
    return scheduling.offer_create(**args)


def make_slot(offer, cw, capacity, days=3, hour=0):
    # A weekday that is not a holiday: free times are only published then (R-PC-2).
    start = clock.at(next_meeting_day(clock.today() + timedelta(days=days)), 9 + hour)
    return scheduling.slot_create(
        actor=SYSTEM,
        offer=offer,
        start=start,
        end=start + timedelta(minutes=45),
        capacity=capacity,
        caseworker=cw,
    )


def race(calls):
    """Run the callables in parallel threads, released together; return (results, errors)."""
    barrier = threading.Barrier(len(calls))
    results, errors, unexpected = [], [], []
    lock = threading.Lock()

    def run(fn):
        try:
            barrier.wait(20)
            value = fn()
            with lock:
                results.append(value)
        except Conflict as exc:
            with lock:
                errors.append(exc)
        except Exception as exc:  # anything else is a failure of the test
            with lock:
                unexpected.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(fn,)) for fn in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not unexpected, unexpected[:3]
    return results, errors


def test_r_pc_5_fifty_bookers_for_the_last_place_exactly_one_wins(jc_a, cw_a, citizens):
    assert connection.vendor == "postgresql"
    people = citizens(50)
    offer = make_offer(jc_a, title="Jobsamtale", conversation_type=12, meeting_form="individual")
    for round_ in range(4):
        slot = make_slot(offer, cw_a, capacity=1, hour=round_)
        calls = [
            (lambda c=c, s=slot: services.booking_self_book(actor=Actor.for_citizen(c), slot=s))
            for c in people
        ]
        won, lost = race(calls)
        assert len(won) == 1, f"round {round_}"
        assert len(lost) == 49
        assert all(e.status == 409 and e.rule == "R-PC-5" and e.code == "slot_full" for e in lost)
        assert all("optaget" in e.message for e in lost)
        slot.refresh_from_db()
        assert slot.booked == 1
        assert Booking.objects.filter(slot=slot, status="planned").count() == 1


def test_r_pc_5_joint_meeting_capacity_10_with_40_bookers_gets_exactly_10(jc_a, cw_a, citizens):
    people = citizens(40)
    slot = make_slot(make_offer(jc_a), cw_a, capacity=10)
    won, lost = race(
        [(lambda c=c: services.booking_self_book(actor=Actor.for_citizen(c), slot=slot)) for c in people]
    )
    assert len(won) == 10 and len(lost) == 30
    assert {e.rule for e in lost} == {"R-PC-5"}
    slot.refresh_from_db()
    assert slot.booked == 10
    assert Booking.objects.filter(slot=slot, status="planned").count() == 10
    assert len({b.booking_number for b in won}) == 10


def test_r_pc_5_a_citizen_double_submitting_gets_one_booking(jc_a, cw_a, citizens):
    (person,) = citizens(1)
    slot = make_slot(make_offer(jc_a), cw_a, capacity=10)
    me = Actor.for_citizen(person)
    won, lost = race([lambda: services.booking_self_book(actor=me, slot=slot) for _ in range(12)])
    assert len(won) == 1 and len(lost) == 11
    assert {e.code for e in lost} == {"already_booked"}
    slot.refresh_from_db()
    assert slot.booked == 1
    assert Booking.objects.filter(citizen=person).count() == 1


def test_r_pc_4_parallel_bookings_of_two_jobsamtaler_give_one(jc_a, cw_a, cw_b, citizens):
    (person,) = citizens(1)
    offer = make_offer(jc_a, title="Jobsamtale", conversation_type=7, meeting_form="individual")
    # Days that fall on a weekend move to the Monday: a different hour each keeps them apart.
    slots = [make_slot(offer, cw_a, capacity=1, days=3 + i, hour=i % 3) for i in range(6)]
    me = Actor.for_citizen(person)
    won, lost = race([(lambda s=s: services.booking_self_book(actor=me, slot=s)) for s in slots])
    assert len(won) == 1 and {e.rule for e in lost} == {"R-PC-4"}
    assert sum(Slot.objects.filter(pk__in=[s.pk for s in slots]).values_list("booked", flat=True)) == 1


def test_one_caseworkers_individual_meetings_never_overlap_in_the_database(jc_a, cw_a, citizens):
    a, b = citizens(2)
    first_day = next_meeting_day(clock.today() + timedelta(days=3))
    start = clock.at(first_day, 10)
    first = services.booking_summon(
        actor=SYSTEM,
        citizen=a,
        conversation_type=12,
        contact_form="telefonisk",
        location="Jobcentret, mødelokale 1",
        description="Vi taler om din situation og dine næste skridt.",
        start=start,
        end=start + timedelta(hours=1),
        caseworker=cw_a.ident,
        citizen_contact="+4512345678",  # R-PC-2: how to reach them by phone
    )
    clash = Booking(
        booking_number="B-TEST-1",
        citizen=b,
        jobcenter=jc_a,
        start=start + timedelta(minutes=30),
        end=start + timedelta(minutes=90),
        title="x",
        conversation_type=first.conversation_type,
        contact_form=first.contact_form,
        caseworker=cw_a,
        created_by="test",
    )
    with pytest.raises(IntegrityError, match="booking_caseworker_no_overlap"), transaction.atomic():
        clash.save()  # past the service: the exclusion constraint itself refuses it
    clash.meeting_form = "joint"
    with transaction.atomic():
        clash.save()  # joint meetings are not covered
    # and in parallel through the service: only one summons at a time for the same caseworker
    people = citizens(8)
    later = clock.at(next_meeting_day(first_day + timedelta(days=1)), 10)
    calls = [
        (
            lambda c=c: services.booking_summon(
                actor=SYSTEM,
                citizen=c,
                conversation_type=12,
                contact_form="telefonisk",
                location="Jobcentret, mødelokale 1",
                description="Vi taler om din situation og dine næste skridt.",
                start=later,
                end=later + timedelta(minutes=45),
                caseworker=cw_a.ident,
                citizen_contact="+4512345678",  # R-PC-2: how to reach them by phone
            )
        )
        for c in people
    ]
    won, lost = race(calls)
    assert len(won) == 1 and {e.code for e in lost} == {"caseworker_busy"}


def test_an_exclusion_violation_becomes_a_danish_409(jc_a, cw_a, citizens):
    """Should a race slip past the service check, the constraint's IntegrityError is turned into the
    same Danish Conflict (never a 500)."""
    a, b = citizens(2)
    first_day = next_meeting_day(clock.today() + timedelta(days=3))
    start = clock.at(first_day, 10)
    first = services.booking_summon(
        actor=SYSTEM,
        citizen=a,
        conversation_type=12,
        contact_form="telefonisk",
        location="Jobcentret, mødelokale 1",
        description="Vi taler om din situation og dine næste skridt.",
        start=start,
        end=start + timedelta(hours=1),
        caseworker=cw_a.ident,
        citizen_contact="+4512345678",  # R-PC-2: how to reach them by phone
    )
    clash = Booking(
        citizen=b,
        jobcenter=jc_a,
        start=start,
        end=start + timedelta(minutes=30),
        title="x",
        conversation_type=first.conversation_type,
        contact_form=first.contact_form,
        caseworker=cw_a,
        created_by="test",
    )
    with pytest.raises(Conflict) as e, transaction.atomic():
        services._save(clash, create=True)
    assert (
        e.value.status == 409 and e.value.code == "caseworker_busy" and "Sagsbehandleren" in e.value.message
    )
    assert Booking.objects.count() == 1
