"""Demo meeting offers and free times: per jobcenter a Jobsamtale, an Opfølgningssamtale, an
Informationsmøde (joint, 10 places) and an Anden samtale, with weekly schedules filling the next six
weeks on weekdays (public holidays skipped). Idempotent: an offer is found by jobcenter and title, and
an offer that already has a schedule gets no new one."""

from datetime import time, timedelta

from samtale.core.actors import Actor
from samtale.scheduling.models import MeetingOffer
from samtale.scheduling.services import offer_create, schedule_create

SELF_BOOKING_AND_SUMMONS = [1, 2, 3, 4, 5, 7, 10, 11, 12, 13, 26, 27, 28]
SICK_PAY = [6, 24, 25]

# title, type, contact forms, meeting form, groups, fulfils deadline, which caseworker (0/1),
# weekdays, day start, day end, minutes, capacity
OFFERS = [
    (
        "Jobsamtale",
        7,
        ["personligt", "telefonisk", "digitalt"],
        "individual",
        SELF_BOOKING_AND_SUMMONS,
        True,
        1,
        [0, 1, 2, 3],
        time(9),
        time(12),
        30,
        1,
    ),
    (
        "Opfølgningssamtale",
        4,
        ["personligt", "telefonisk"],
        "individual",
        SICK_PAY,
        True,
        0,
        [0, 2, 4],
        time(13),
        time(15),
        30,
        1,
    ),
    (
        "Informationsmøde",
        9,
        ["personligt"],
        "joint",
        SELF_BOOKING_AND_SUMMONS + SICK_PAY,
        False,
        0,
        [4],
        time(9),
        time(10, 30),
        90,
        10,
    ),
    (
        "Anden samtale",
        12,
        ["telefonisk", "digitalt"],
        "individual",
        SELF_BOOKING_AND_SUMMONS + SICK_PAY,
        False,
        1,
        [1, 3],
        time(13),
        time(15),
        30,
        1,
    ),
]
DESCRIPTIONS = {
    "Jobsamtale": "Vi taler om din jobsøgning og dine næste skridt.",
    "Opfølgningssamtale": "Opfølgning på din sygemelding og din vej tilbage til arbejde.",
    "Informationsmøde": "Fællesmøde om dine rettigheder og pligter og om jobcentrets tilbud.",
    "Anden samtale": "En kort samtale om det, du har brug for hjælp til.",
}


def load(ctx) -> None:
    system = Actor.system("demo")
    offers, made = [], 0
    for jobcenter in ctx.data["jobcenters"]:
        staff = [cw for cw in ctx.data["caseworkers"] if cw.jobcenters.filter(pk=jobcenter.pk).exists()][:2]
        if not staff:
            continue
        for (
            title,
            ctype,
            forms,
            meeting_form,
            groups,
            fulfils,
            who,
            days,
            start,
            end,
            minutes,
            capacity,
        ) in OFFERS:
            offer = MeetingOffer.objects.filter(jobcenter=jobcenter, title=title).first()
            if offer is None:
                offer = offer_create(
                    actor=system,
                    jobcenter=jobcenter,
                    title=title,
                    description=DESCRIPTIONS[title],
                    conversation_type=ctype,
                    contact_forms=forms,
                    meeting_form=meeting_form,
                    contact_groups=groups,
                    location=f"{jobcenter.name}, mødelokale {2 + len(offers) % 4}",
                    address=f"{jobcenter.name}, Borgerservice, indgang B",
                    phone_to_call="+4570101010",
                    video_link=(
                        f"https://video.samtale.example/{jobcenter.code}/{title.lower().replace(' ', '-')}"
                        if "digitalt" in forms
                        else ""
                    ),
                    fulfils_deadline=fulfils,
                )
            offers.append(offer)
            if not offer.schedules.exists():
                _, slots, _ = schedule_create(
                    actor=system,
                    offer=offer,
                    caseworker=staff[min(who, len(staff) - 1)],
                    weekdays=days,
                    day_start=start,
                    day_end=end,
                    duration_minutes=minutes,
                    capacity=capacity,
                    date_from=ctx.today,
                    date_to=ctx.today + timedelta(days=41),
                )
                made += len(slots)
    ctx.data["offers"] = offers
    ctx.say(
        f"Mødetilbud: {len(offers)} (Jobsamtale, Opfølgningssamtale, Informationsmøde, Anden samtale); {made} nye ledige tider"
    )
