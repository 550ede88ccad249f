"""About 30 demo citizens over contact groups 1, 2, 3, 6, 7, 12, 13, 24, 25, 26. CPR numbers are
made up from a birth date and a serial; none is a real person's by intent."""

from datetime import date

from samtale.citizens.models import Citizen
from samtale.citizens.services import citizen_upsert
from samtale.core.actors import Actor

FIRST = [
    "Ida",
    "Emil",
    "Freja",
    "Noah",
    "Clara",
    "William",
    "Alma",
    "Oscar",
    "Ella",
    "Lucas",
    "Agnes",
    "Karl",
    "Olivia",
    "Victor",
    "Asta",
    "Malthe",
    "Karla",
    "Magnus",
    "Frida",
    "Elias",
    "Sofie",
    "Aksel",
    "Laura",
    "Theo",
    "Josefine",
    "Arthur",
    "Nora",
    "Valdemar",
    "Liva",
    "Anton",
]
LAST = [
    "Andersen",
    "Hansen",
    "Pedersen",
    "Christensen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Petersen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
    "Poulsen",
    "Johansen",
    "Møller",
]
GROUPS = [1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 6, 6, 6, 7, 7, 12, 12, 13, 13, 24, 24, 25, 25, 26, 26, 1, 2, 6, 7, 13]


def demo_cpr(i: int) -> str:
    born = date(1960 + (i * 7) % 40, 1 + i % 12, 1 + (i * 3) % 28)
    serial = 1000 + i * 37  # 1000–2110: born 1900–1999 (7th digit 0–3) by the CPR rules
    return f"{born:%d%m%y}{serial:04d}"


def load(ctx) -> None:
    system = Actor.system("demo")
    jobcenters = ctx.data["jobcenters"]
    akasser = ctx.data["akasser"]
    citizens = []
    for i, group in enumerate(GROUPS):
        cpr = demo_cpr(i)
        existing = Citizen.objects.filter(cpr=cpr).first()
        if existing:
            citizens.append(existing)
            continue
        first = FIRST[i % len(FIRST)]
        last = LAST[(i * 7) % len(LAST)]
        citizen, _ = citizen_upsert(
            actor=system,
            cpr=cpr,
            name=f"{first} {last}",
            contact_group=group,
            jobcenter=jobcenters[i % 2].code,
            akasse=akasser[i % len(akasser)].code if group == 1 else None,
            phone=f"+45 {21 + i % 9}{10 + (i * 13) % 90} {1000 + (i * 71) % 9000}",
            email=f"{first.lower()}.{last.lower().replace('ø', 'oe')}@example.dk",
            sms_reminders=i % 3 != 2,
            email_reminders=i % 2 == 0,
        )
        citizens.append(citizen)
    ctx.data["citizens"] = citizens
    ctx.say(
        f"Borgere: {len(citizens)} demoborgere, fx {citizens[0].name} (kontaktgruppe 1) og {citizens[5].name} (kontaktgruppe 2)"
    )
