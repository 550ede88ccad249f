"""The demo's realistic week for the workbench: 2 jobcenters, 6 caseworkers, 300 citizens, full
calendars this week and the next on weekdays only; made through the services; loading twice adds
nothing; `samtale demo` says who to log in as."""

from datetime import timedelta

from samtale.bookings.models import Booking, BookingStatus
from samtale.citizens.models import Citizen
from samtale.core import clock, demo
from samtale.organisations.models import Caseworker, Jobcenter
from samtale.scheduling.models import Slot


def test_demo_week(db, settings):
    settings.DEMO_WEEK = True
    ctx = demo.load()
    assert Jobcenter.objects.count() == 2 and Caseworker.objects.count() == 6
    assert Citizen.objects.count() == 300
    fortnight = clock.end_of_day(clock.today() + timedelta(days=13))
    for cw in Caseworker.objects.all():
        slots = Slot.objects.filter(caseworker=cw, start__lt=fortnight).count()
        assert slots >= 10, f"{cw.ident} has {slots} free times in the fortnight"
    planned = Booking.objects.filter(status=BookingStatus.PLANNED)
    assert planned.count() >= 100
    assert all(clock.local(b.start).weekday() < 5 for b in planned)
    assert all(clock.local(s.start).weekday() < 5 for s in Slot.objects.all())
    assert any("Ugens kalender: 270 borgere mere (300 i alt)" in line for line in ctx.out)
    counts = (Citizen.objects.count(), Booking.objects.count(), Slot.objects.count())
    again = demo.load()
    assert (Citizen.objects.count(), Booking.objects.count(), Slot.objects.count()) == counts
    assert any("Sagsbehandlere:" in line for line in again.out)
