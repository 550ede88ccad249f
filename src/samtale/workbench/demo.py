"""Demo data for the caseworker's workbench: a realistic working week on top of the other apps' demo.
Two jobcenters, six caseworkers, 300 citizens in all, and full calendars for this week and the next
(weekdays only, public holidays skipped by the schedules): free times for every caseworker, most of
them summoned into, conversations held and registered earlier in the week (some setting the next
deadline), deadlines closing in a few days with nothing booked, and some absences.

Everything goes through the services, so histories, messages and report events are real. Idempotent:
the week is made once (its last citizen is the marker) and a second run only says what is there."""

from __future__ import annotations

from datetime import time, timedelta

from samtale.citizens.models import Citizen
from samtale.citizens.selectors import contact_group_on, jobcenter_on
from samtale.citizens.services import absence_register, citizen_upsert
from samtale.core import clock
from samtale.core.actors import Actor
from samtale.core.errors import DomainError
from samtale.organisations.services import caseworker_upsert
from samtale.scheduling.models import MeetingOffer, Slot, SlotStatus
from samtale.scheduling.services import schedule_create

TOTAL_CITIZENS = 300
SIXTH_CASEWORKER = ("aar-ml", "Maria Lund", ["751"])
FIRST = [
    "Anders", "Birgitte", "Camilla", "Dennis", "Emma", "Frederik", "Gitte", "Henrik", "Isabella", "Jakob",
    "Kasper", "Lene", "Mathias", "Nanna", "Ole", "Pernille", "Rasmus", "Signe", "Thomas", "Ulla",
    "Vibeke", "Yasmin", "Zainab", "Ahmed", "Bo", "Cecilie", "Ditte", "Erik", "Fatima", "Gustav",
    "Hanne", "Ibrahim", "Jonas", "Katrine", "Lars", "Maja", "Niels", "Omar", "Peter", "Rikke",
]  # fmt: skip
LAST = [
    "Nielsen", "Jensen", "Larsen", "Andersen", "Frederiksen", "Mortensen", "Jakobsen", "Knudsen", "Mikkelsen",
    "Lund", "Holm", "Schmidt", "Eriksen", "Clausen", "Simonsen", "Svendsen", "Lauridsen", "Østergaard",
    "Dahl", "Winther", "Bak", "Kjær", "Iversen", "Jeppesen", "Vestergaard",
]  # fmt: skip
GROUPS = [2, 2, 2, 3, 3, 1, 1, 6, 6, 2, 12, 7, 13, 24, 2, 3, 1, 25, 26, 2]
# Per caseworker (ident): extra weekly Jobsamtale / Opfølgningssamtale times for the fortnight, so
# every calendar is full: (offer title, weekdays, from, to).
EXTRA_SCHEDULES = {
    "kbh-ah": ("Jobsamtale", [1, 3], time(9), time(12)),
    "kbh-mj": ("Opfølgningssamtale", [1, 3], time(9), time(11)),
    "fleks-kr": ("Jobsamtale", [0, 2, 4], time(13), time(15, 30)),
    "aar-sl": ("Jobsamtale", [1, 3], time(9), time(12)),
    "aar-pn": ("Opfølgningssamtale", [1, 3], time(9), time(11)),
    "aar-ml": ("Jobsamtale", [0, 1, 2, 3, 4], time(10), time(14)),
}
AGREEMENT = "Du søger mindst fem relevante stillinger om ugen og noterer dem i din joblog."


def week_cpr(i: int) -> str:
    """Made-up CPR numbers with serials 2200–2499 (born 1900–1999 by the CPR rules); the other demo
    citizens' serials stay below 2200, so they never collide."""
    born = (1966 + i % 34, 1 + (i // 34) % 12, 1 + (i * 5) % 28)
    return f"{born[2]:02d}{born[1]:02d}{born[0] % 100:02d}{2200 + i:04d}"


def _ascii(name: str) -> str:
    return name.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")


def _citizens(ctx, system, jobcenters, count: int) -> list[Citizen]:
    made = []
    for i in range(count):
        first, last = FIRST[i % len(FIRST)], LAST[(i * 7 + i // len(FIRST)) % len(LAST)]
        group = GROUPS[i % len(GROUPS)]
        citizen, _ = citizen_upsert(
            actor=system,
            cpr=week_cpr(i),
            name=f"{first} {last}",
            contact_group=group,
            jobcenter=jobcenters[i % 2].code,
            akasse=ctx.data["akasser"][i % len(ctx.data["akasser"])].code if group == 1 else None,
            phone=f"+45 2{i % 10} {10 + i % 89:02d} {1000 + (i * 37) % 9000}",
            email=f"{_ascii(first)}.{_ascii(last)}{i}@example.dk",
            sms_reminders=i % 4 != 3,
            email_reminders=i % 3 == 0,
        )
        made.append(citizen)
    return made


def _schedules(ctx, system, caseworkers) -> int:
    """The extra weekly times that fill every caseworker's calendar this week and next."""
    made = 0
    first, last = ctx.today, ctx.today + timedelta(days=13)
    for cw in caseworkers:
        title, days, start, end = EXTRA_SCHEDULES[cw.ident]
        for jobcenter in cw.jobcenters.all()[:1]:
            offer = MeetingOffer.objects.filter(jobcenter=jobcenter, title=title).first()
            if offer is None:
                continue
            try:
                _, slots, _ = schedule_create(
                    actor=system,
                    offer=offer,
                    caseworker=cw,
                    weekdays=days,
                    day_start=start,
                    day_end=end,
                    duration_minutes=30,
                    date_from=first,
                    date_to=last,
                )
            except DomainError:
                continue
            made += len(slots)
    return made


def _summon_into_free_times(ctx, citizens, caseworker_actor) -> int:
    """Summon about two in three citizens into a free time of the right kind in the next fortnight
    (Opfølgningssamtale for the sick-pay groups), so the calendars are full but not all booked."""
    now = clock.now()
    horizon = clock.end_of_day(ctx.today + timedelta(days=13))
    free = {}
    for slot in (
        Slot.objects.filter(
            status=SlotStatus.PUBLISHED, booked=0, start__gt=now + timedelta(hours=3), start__lt=horizon
        )
        .select_related("offer", "caseworker")
        .order_by("start")
    ):
        free.setdefault((slot.offer.jobcenter_id, slot.offer.title), []).append(slot)
    made = 0
    for i, citizen in enumerate(citizens):
        if i % 3 == 2:
            continue
        group = contact_group_on(citizen, ctx.today)
        jobcenter = jobcenter_on(citizen, ctx.today)
        title = "Opfølgningssamtale" if group.code in (6, 24, 25) else "Jobsamtale"
        slots = free.get((jobcenter.pk, title)) or []
        # Spread over the fortnight rather than filling the first mornings only.
        while slots:
            slot = slots.pop(ctx.rng.randrange(len(slots)))
            try:
                from samtale.bookings.services import booking_summon

                booking_summon(
                    actor=caseworker_actor(slot.caseworker),
                    citizen=citizen,
                    slot=slot,
                    caseworker=slot.caseworker,
                )
            except DomainError:
                continue
            made += 1
            break
    return made


def _held_this_week(ctx, citizens, actor_for) -> int:
    """Conversations held earlier this week and registered; every other one sets the next deadline."""
    from samtale.conversations.services import held_conversation_register

    made = 0
    days = [ctx.today - timedelta(days=n) for n in range(1, 8)]
    days = [d for d in days if d.weekday() < 5][:4]
    for i, citizen in enumerate(citizens[:60]):
        if not days or contact_group_on(citizen, ctx.today).code not in (2, 3):
            continue
        held_at = clock.at(days[i % len(days)], 9 + i % 6)
        next_deadline = None
        if i % 2 == 0:
            next_deadline = {"conversation_type": 7, "deadline_date": ctx.today + timedelta(days=20 + i % 20)}
        try:
            held_conversation_register(
                actor=actor_for(citizen),
                citizen=citizen,
                held_at=held_at,
                conversation_type=7,
                contact_form="personligt" if i % 3 else "telefonisk",
                agreement={"text": AGREEMENT},
                next_deadline=next_deadline,
            )
        except DomainError:
            continue
        made += 1
    return made


def _deadlines_and_absences(ctx, citizens, actor_for) -> tuple[int, int]:
    """Deadlines for citizens with nothing booked — a few closing within three days, so I dag has
    something to show — and holidays and sickness for some."""
    from samtale.bookings.models import Booking
    from samtale.deadlines.models import Deadline
    from samtale.deadlines.services import deadline_create

    deadlines = absences = 0
    unbooked = [
        c
        for c in citizens[60:]
        if not Booking.objects.filter(citizen=c).exists() and not Deadline.objects.filter(citizen=c).exists()
    ]
    for i, citizen in enumerate(unbooked):
        group = contact_group_on(citizen, ctx.today)
        codes = list(group.deadline_types.values_list("code", flat=True))
        if i % 5 == 4 and not group.self_booking_obligatory:
            try:
                absence_register(
                    actor=actor_for(citizen),
                    citizen=citizen,
                    absence_type=1 if i % 2 else 2,
                    start_date=ctx.today + timedelta(days=3 + i % 10),
                    end_date=ctx.today + timedelta(days=10 + i % 10),
                )
                absences += 1
            except DomainError:
                pass
            continue
        if not codes:
            continue
        days = 1 + i % 3 if i % 4 == 0 else 9 + i % 15
        if group.self_booking_obligatory and days < 8:
            days += 8  # R-DL-17: contact group 1 gets at least 8 days
        try:
            deadline_create(
                actor=actor_for(citizen),
                citizen=citizen,
                conversation_type=7 if 7 in codes else codes[0],
                deadline_date=ctx.today + timedelta(days=days),
            )
            deadlines += 1
        except DomainError:
            continue
    return deadlines, absences


def load(ctx) -> None:
    system = Actor.system("demo")
    jobcenters = ctx.data["jobcenters"]
    ident, name, jcs = SIXTH_CASEWORKER
    sixth = caseworker_upsert(ident=ident, name=name, jobcenters=jcs)
    caseworkers = [*ctx.data["caseworkers"], sixth]
    ctx.data["caseworkers"] = caseworkers
    count = TOTAL_CITIZENS - len(ctx.data.get("citizens") or [])
    if count <= 0 or Citizen.objects.filter(cpr=week_cpr(count - 1)).exists():
        ctx.say(
            f"Ugens kalender: {Citizen.objects.count()} borgere, {len(caseworkers)} sagsbehandlere "
            f"(også {name}, {ident}) — findes allerede"
        )
        return
    actors = {cw.pk: Actor.for_caseworker(cw) for cw in caseworkers}
    by_jobcenter = {}
    for cw in caseworkers:
        for jc in cw.jobcenters.all():
            by_jobcenter.setdefault(jc.pk, actors[cw.pk])

    def actor_for(citizen):
        return by_jobcenter[jobcenter_on(citizen, ctx.today).pk]

    citizens = _citizens(ctx, system, jobcenters, count)
    slots = _schedules(ctx, system, caseworkers)
    held = _held_this_week(ctx, citizens, actor_for)
    summoned = _summon_into_free_times(ctx, citizens[60:], lambda cw: actors[cw.pk])
    deadlines, absences = _deadlines_and_absences(ctx, citizens, actor_for)
    ctx.say(
        f"Ugens kalender: {len(citizens)} borgere mere ({Citizen.objects.count()} i alt), sjette sagsbehandler "
        f"{name} ({ident}), {slots} ledige tider mere, {summoned} indkaldelser, {held} registrerede samtaler, "
        f"{deadlines} frister, {absences} fravær"
    )
