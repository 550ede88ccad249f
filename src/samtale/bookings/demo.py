"""Demo planned conversations: a handful of summonses (into a free time and at a free time of the
caseworker's calendar) and self-bookings, all through the services so history, report events and
hooks are real. Idempotent: a citizen who already has a planned conversation is left alone. Takes
citizens from the end of the list, so the deadlines demo (which takes them from the start) finds its
citizens free."""

from datetime import timedelta

from samtale.bookings.models import Booking
from samtale.bookings.selectors import bookable_slots
from samtale.bookings.services import booking_self_book, booking_summon
from samtale.citizens.selectors import contact_group_on, jobcenter_on
from samtale.core import clock
from samtale.core.actors import Actor
from samtale.core.demo import working_day
from samtale.core.errors import DomainError
from samtale.scheduling.models import MeetingOffer, Slot

SELF_BOOKERS = 4
SUMMONSES = 3


def _caseworker_actor(ctx, jobcenter) -> Actor | None:
    for cw in ctx.data["caseworkers"]:
        if cw.jobcenters.filter(pk=jobcenter.pk).exists():
            return Actor.for_caseworker(cw)
    return None


def _self_book(ctx, citizen, group, now, today):
    family = "opfoelgning" if group.code in (6, 24, 25) else "jobsamtale"
    choices = [
        s
        for s in bookable_slots(citizen, now=now, date_from=today + timedelta(days=2))
        if s.offer.conversation_type.family == family
    ][:20]
    if not choices:
        return None
    try:
        return booking_self_book(actor=Actor.for_citizen(citizen), slot=ctx.rng.choice(choices))
    except DomainError:
        return None


def _summon(ctx, citizen, group, i, now, today):
    jobcenter = jobcenter_on(citizen, today)
    actor = _caseworker_actor(ctx, jobcenter)
    if actor is None:
        return None
    try:
        if i % 2 == 0:
            title = "Opfølgningssamtale" if group.code in (6, 24, 25) else "Jobsamtale"
            offer = MeetingOffer.objects.filter(jobcenter=jobcenter, title=title).first()
            slot = (
                Slot.objects.filter(
                    offer=offer, status="published", booked=0, start__gt=now + timedelta(days=3)
                )
                .order_by("start")
                .first()
                if offer
                else None
            )
            return booking_summon(actor=actor, citizen=citizen, slot=slot) if slot else None
        start = clock.at(working_day(today + timedelta(days=4 + i)), 14)
        return booking_summon(
            actor=actor,
            citizen=citizen,
            conversation_type=12,
            contact_form="telefonisk",
            start=start,
            end=start + timedelta(minutes=30),
            title="Telefonsamtale om dit forløb",
            description="Vi ringer dig op og taler om, hvordan det går, og hvad du har brug for.",
            location=f"{jobcenter.name}, telefonmøde",
            who_calls="jobcenter",
        )
    except DomainError:
        return None


def load(ctx) -> None:
    now, today = clock.now(), ctx.today
    # The same citizens every run (from the end of the list, by contact group), so a second run finds
    # them booked and adds nothing.
    self_bookers, to_summon = [], []
    for citizen in reversed(ctx.data["citizens"]):
        group = contact_group_on(citizen, today)
        if group is None or jobcenter_on(citizen, today) is None:
            continue
        if group.self_booking_allowed and len(self_bookers) < SELF_BOOKERS:
            self_bookers.append((citizen, group))
        elif not group.self_booking_allowed and len(to_summon) < SUMMONSES:
            to_summon.append((citizen, group))
    booked = [
        _self_book(ctx, c, g, now, today)
        for c, g in self_bookers
        if not Booking.objects.filter(citizen=c).exists()
    ]
    summoned = [
        _summon(ctx, c, g, i, now, today)
        for i, (c, g) in enumerate(to_summon)
        if not Booking.objects.filter(citizen=c).exists()
    ]
    booked, summoned = [b for b in booked if b], [b for b in summoned if b]
    ctx.say(
        f"Planlagte samtaler: {len(summoned)} indkaldelser og {len(booked)} selvbookinger"
        + (f", fx {booked[0].booking_number}" if booked else "")
    )
