"""Fixtures for deadlines: planned conversations written with the ORM (the bookings services are built
in parallel; the hook is called the way bookings.services calls it)."""

import itertools
from datetime import date

import pytest

from samtale.bookings.models import Booking
from samtale.codes.models import ContactForm, ConversationType
from samtale.core import clock
from samtale.core.actors import Actor
from samtale.deadlines import services

_numbers = itertools.count(1)


@pytest.fixture
def make_booking(db):
    def make(
        citizen,
        day: date,
        *,
        code: int = 7,
        self_booked: bool = False,
        offer=None,
        hour: int = 10,
        notify=True,
    ):
        start = clock.at(day, hour)
        booking = Booking.objects.create(
            booking_number=f"T{next(_numbers):07d}",
            citizen=citizen,
            jobcenter=citizen.jobcenter_periods.last().jobcenter,
            offer=offer,
            self_booked=self_booked,
            start=start,
            end=clock.at(day, hour, 30),
            title="Samtale",
            conversation_type=ConversationType.objects.get(code=code),
            contact_form=ContactForm.objects.get(code="personligt"),
            address="Jobcentervej 1",
            created_by="test",
        )
        if notify:
            booking_changed(booking, "created")
        return booking

    return make


def booking_changed(booking, kind, old=None):
    """What bookings.services does after each change, inside its transaction."""
    from django.db import transaction

    with transaction.atomic():
        hooks = _booking_hooks()
        for hook in hooks:
            hook(actor=Actor.system("test"), booking=booking, kind=kind, old=old)


def _booking_hooks():
    try:
        from samtale.bookings.services import BOOKING_CHANGED
    except ImportError:
        return [services.on_booking_changed]
    return (
        BOOKING_CHANGED if services.on_booking_changed in BOOKING_CHANGED else [services.on_booking_changed]
    )


@pytest.fixture
def make_offer(db, jc_a):
    from samtale.codes.models import ContactGroup
    from samtale.scheduling.models import MeetingOffer

    def make(*, code: int = 7, fulfils: bool = True, groups=(1, 2, 3, 6)):
        offer = MeetingOffer.objects.create(
            jobcenter=jc_a,
            title="Jobsamtale med frist" if fulfils else "Møde med jobcentret",
            conversation_type=ConversationType.objects.get(code=code),
            fulfils_deadline=fulfils,
            address="Jobcentervej 1",
        )
        offer.contact_groups.set(ContactGroup.objects.filter(code__in=groups))
        offer.contact_forms.set(ContactForm.objects.filter(code="personligt"))
        return offer

    return make


def history(deadline):
    return [(h.day, h.old_status or None, h.new_status, h.event) for h in deadline.history.order_by("id")]


def statuses(deadline):
    return [h.new_status for h in deadline.history.order_by("id")]
