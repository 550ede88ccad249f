"""Demo data: a history of held conversations for the demo citizens, registered through the real
service (so every rule, version and report event is as in production). Idempotent: a citizen who
already has held conversations is left alone."""

from __future__ import annotations

from datetime import timedelta

from samtale.citizens.selectors import contact_group_on, jobcenter_on
from samtale.conversations.models import HeldConversation
from samtale.conversations.services import held_conversation_register
from samtale.core import clock
from samtale.core.actors import Actor
from samtale.core.demo import working_day

COURSE = [
    "Du søger mindst fem relevante stillinger om ugen og noterer dem i din joblog.",
    "Du opdaterer dit cv inden næste samtale og søger job inden for lager og logistik.",
    "Du deltager i virksomhedspraktik hos en lokal detailkæde i fire uger.",
    "Du booker næste jobsamtale på Mine møder inden fristen.",
]
PRACTICAL = [
    "Medbring dit opdaterede cv til næste møde.",
    "Du sender lægeerklæringen til jobcentret senest fredag.",
    "Vi ringer til dig, når der er nyt om forløbet.",
]
INFO = [
    "Samtale om jobsøgning og ønsker til brancher.",
    "Gennemgang af helbredssituationen og muligheder for delvis raskmelding.",
    "Opfølgning på praktikforløb; borgeren er motiveret.",
    "Drøftelse af uddannelsesmuligheder og opkvalificering.",
]

# Per contact group: the conversations of a plausible course, oldest first:
# (type, contact form, extra fields).
PLANS = {
    1: [
        (9, "personligt", {}),
        (7, "personligt", {"agreement": 0}),
        (
            17,
            "personligt",
            {"agreement": 1, "participation_status": "akasse_deltog", "akasse_participant": True},
        ),
        (10, "digitalt", {"cv_not_adequate": True}),
    ],
    2: [
        (7, "personligt", {"agreement": 0, "visitation_group": "jobparat"}),
        (7, "telefonisk", {"agreement": 3}),
    ],
    3: [
        (902, "personligt", {"agreement": 2, "visitation_group": "aktivitetsparat", "interpreter": True}),
        (7, "personligt", {"agreement": 0}),
    ],
    6: [(4, "personligt", {"practical": 1}), (4, "telefonisk", {"practical": 2})],
    7: [(901, "personligt", {"lab121": True}), (12, "email", {"practical": 0})],
    12: [(7, "personligt", {"agreement": 1, "visitation_group": "uddannelsesparat", "mentor": True})],
    13: [(4, "personligt", {"practical": 1}), (12, "telefonisk", {})],
    24: [(4, "telefonisk", {"practical": 1})],
    25: [(4, "personligt", {"practical": 0}), (4, "digitalt", {"practical": 2})],
    26: [
        (902, "personligt", {"agreement": 2, "visitation_group": "jobparat"}),
        (7, "personligt", {"agreement": 3}),
    ],
}


def load(ctx) -> None:
    citizens = ctx.data.get("citizens") or []
    caseworkers = ctx.data.get("caseworkers") or []
    system = Actor.system("demo")
    now = clock.now()
    made = 0
    for i, citizen in enumerate(citizens):
        if HeldConversation.objects.filter(citizen=citizen).exists():
            continue
        group = contact_group_on(citizen, ctx.today)
        jobcenter = jobcenter_on(citizen, ctx.today)
        plan = PLANS.get(group.code if group else 0, [])
        own = [cw for cw in caseworkers if jobcenter and cw.jobcenters.filter(pk=jobcenter.pk).exists()]
        if not plan or not own:
            continue
        caseworker = own[i % len(own)]
        # Spread over the last months, every 4–6 weeks, the latest at least a few days ago.
        day = ctx.today - timedelta(days=3 + (i % 5) + 36 * len(plan))
        for n, (kind, form, extra) in enumerate(plan):
            day += timedelta(days=28 + ctx.rng.randint(0, 7))
            # Held on a working day, as real conversations are (the spread itself may land on a weekend).
            held_at = clock.at(working_day(day), 9 + (i + n) % 6, 30 if n % 2 else 0)
            if held_at >= now:
                break
            fields = {}
            if "agreement" in extra:
                fields["agreement"] = {"text": COURSE[extra["agreement"]], "number": f"AFT-{i:03d}-{n + 1}"}
            elif extra.get("lab121"):
                fields["agreement"] = {
                    "text": "Opfølgning på fleksjobbet hver 6. måned; næste gang i efteråret."
                }
            elif "practical" in extra:
                fields["agreement"] = {"text": PRACTICAL[extra["practical"]]}
            participants = []
            if extra.get("akasse_participant"):
                participants.append({"name": "Lone Ravn", "role": "akassekonsulent", "form": "personligt"})
            if extra.get("interpreter"):
                participants.append({"name": "Amir Haddad", "role": "tolk", "form": "telefonisk"})
            if extra.get("mentor"):
                participants.append({"name": "Kasper Lund", "role": "mentor", "form": "personligt"})
            held_conversation_register(
                actor=system,
                citizen=citizen,
                caseworker=caseworker,
                held_at=held_at,
                conversation_type=kind,
                contact_form=form,
                information=INFO[(i + n) % len(INFO)],
                participation_status=extra.get("participation_status"),
                participants=participants,
                visitation_group=extra.get("visitation_group"),
                cv_not_adequate=bool(extra.get("cv_not_adequate")),
                **fields,
            )
            made += 1
    if made:
        ctx.say(f"Afholdte samtaler: {made} registreret for demoborgerne")
