"""The scheduling and bookings demo data: offers per jobcenter, six weeks of weekday free times with
the public holidays left out, a handful of summonses and self-bookings; loading twice adds nothing."""

from samtale.bookings.models import Booking, BookingChange
from samtale.core import clock, demo
from samtale.reporting.models import ReportEvent
from samtale.scheduling.models import MeetingOffer, Slot
from samtale.scheduling.rules import is_public_holiday


def test_demo_offers_schedules_and_bookings_idempotent(db):
    ctx = demo.load()
    titles = sorted(MeetingOffer.objects.filter(jobcenter__code="101").values_list("title", flat=True))
    assert titles == ["Anden samtale", "Informationsmøde", "Jobsamtale", "Opfølgningssamtale"]
    assert MeetingOffer.objects.count() == 8
    info = MeetingOffer.objects.get(jobcenter__code="101", title="Informationsmøde")
    assert info.meeting_form == "joint" and set(info.slots.values_list("capacity", flat=True)) == {10}
    days = {clock.local_date(s) for s in Slot.objects.values_list("start", flat=True)}
    assert all(d.weekday() < 5 and not is_public_holiday(d) for d in days)
    assert max(days) - min(days) >= __import__("datetime").timedelta(days=30)
    summoned = Booking.objects.filter(self_booked=False).count()
    self_booked = Booking.objects.filter(self_booked=True).count()
    assert summoned >= 2 and self_booked >= 3
    assert all(b.slot is None or b.slot.booked >= 1 for b in Booking.objects.all())
    assert BookingChange.objects.filter(kind="created").count() == Booking.objects.count()
    assert ReportEvent.objects.filter(kind="booking.created").count() == Booking.objects.count()
    counts = (Slot.objects.count(), Booking.objects.count(), MeetingOffer.objects.count())
    demo.load()
    assert (Slot.objects.count(), Booking.objects.count(), MeetingOffer.objects.count()) == counts
    assert any("Planlagte samtaler" in line for line in ctx.out)
