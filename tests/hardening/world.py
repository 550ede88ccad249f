"""A small world of two jobcenters for the issue-12 CI checks (authorisation matrix, audit, bad input,
schemathesis): jobcenter A (101) and B (751), a-kasse X and Y, caseworkers of A, of B and of both,
citizen A (A, a-kasse X) and citizen B (B, a-kasse Y), each with an offer, a free time, a planned
conversation, a deadline, a held conversation and an absence — and a token for every role.

Everything is made through the services, as a jobcenter would. Time is frozen at NOW (a Monday)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from samtale.bookings import services as bookings
from samtale.citizens import services as citizens
from samtale.conversations.services import held_conversation_register
from samtale.core.actors import Actor
from samtale.deadlines.services import deadline_create
from samtale.organisations import services as org
from samtale.reporting.services import webhook_create
from samtale.scheduling import services as scheduling
from tests.bookings.conftest import NOW, local
from tests.conftest import make_cpr

__all__ = ["NOW", "Side", "World", "make_world"]

ROLES = ["citizen_a", "citizen_b", "cw_a", "cw_b", "cw_ab", "dfdg", "akasse_x", "akasse_y", "anonymous"]


@dataclass
class Side:
    """One jobcenter's citizen and what hangs off them. `ids` maps path-parameter names to UUIDs."""

    key: str
    citizen: object
    cpr: str
    name: str
    ids: dict[str, str] = field(default_factory=dict)

    def secrets(self) -> list[str]:
        """Strings that must never reach anyone outside this side's reach."""
        return [self.cpr, self.name, *self.ids.values()]


@dataclass
class World:
    a: Side
    b: Side
    tokens: dict[str, str | None]
    admin_token: str
    # which sides each role may see
    reach: dict[str, set[str]]
    caseworkers: dict[str, object]

    def side(self, key: str) -> Side:
        return self.a if key == "a" else self.b


def _side(key: str, jobcenter, caseworker, akasse, name: str, hour: int) -> Side:
    system = Actor.system("verden")
    cw = Actor.for_caseworker(caseworker)
    cpr = make_cpr()
    citizen, _ = citizens.citizen_upsert(
        actor=system,
        cpr=cpr,
        name=name,
        contact_group=1,
        jobcenter=jobcenter.code,
        akasse=akasse.code,
        phone="+4540404040",
        sms_reminders=True,
    )
    offer = scheduling.offer_create(
        location="Jobcentret, telefonmøde",
        description="Vi ringer dig op.",
        actor=cw,
        jobcenter=jobcenter,
        title=f"Jobsamtale {key.upper()}",
        conversation_type=7,
        contact_forms=["telefonisk"],
        contact_groups=[1, 2],
        phone_to_call="+4533333333",
    )
    slot = scheduling.slot_create(
        actor=cw,
        offer=offer,
        start=local(2026, 3, 4, hour),
        end=local(2026, 3, 4, hour, 30),
        capacity=1,
        caseworker=caseworker,
    )
    deadline, _ = deadline_create(
        actor=cw, citizen=citizen, conversation_type=7, deadline_date=NOW.date() + timedelta(days=20)
    )
    booking = bookings.booking_summon(
        actor=cw,
        citizen=citizen,
        conversation_type=7,
        contact_form="telefonisk",
        location="Jobcentret, telefonmøde",
        description="Vi ringer dig op og taler om din jobsøgning.",
        start=local(2026, 3, 5, hour),
        end=local(2026, 3, 5, hour, 30),
    )
    held = held_conversation_register(
        actor=cw,
        citizen=citizen,
        held_at=datetime(2026, 2, 2, hour, tzinfo=UTC),
        conversation_type=7,
        contact_form="personligt",
        agreement={"text": "Aftale"},
    )
    held = getattr(held, "held_conversation", held)
    absence = citizens.absence_register(
        actor=cw, citizen=citizen, absence_type=10, start_date=NOW.date() + timedelta(days=40)
    )
    webhook = webhook_create(
        actor=Actor(kind="admin", label="drift"),
        url="http://127.0.0.1:9/modtager",
        feed=f"akasse:{akasse.code}",
    )
    ids = {
        "webhook_id": str(webhook.public_id),
        "citizen_id": str(citizen.public_id),
        "booking_id": str(booking.public_id),
        "deadline_id": str(deadline.public_id),
        "offer_id": str(offer.public_id),
        "slot_id": str(slot.public_id),
        "conversation_id": str(held.public_id),
        "held_id": str(held.public_id),
        "absence_id": str(absence.public_id),
    }
    return Side(key=key, citizen=citizen, cpr=cpr, name=name, ids=ids)


def make_world() -> World:
    jc_a = org.jobcenter_upsert(code="101", name="Jobcenter København")
    jc_b = org.jobcenter_upsert(code="751", name="Jobcenter Aarhus")
    x = org.akasse_upsert(code="AX", name="A-kasse X")
    y = org.akasse_upsert(code="AY", name="A-kasse Y")
    cw_a = org.caseworker_upsert(ident="kbh-ah", name="Anne Holm", jobcenters=["101"])
    cw_b = org.caseworker_upsert(ident="aar-sl", name="Sofie Larsen", jobcenters=["751"])
    cw_ab = org.caseworker_upsert(ident="beg-ab", name="Bo Begge", jobcenters=["101", "751"])
    a = _side("a", jc_a, cw_a, x, "Alma Aabenraa-Testesen", 10)
    b = _side("b", jc_b, cw_b, y, "Bent Bøgebjerg-Prøvesen", 13)

    def token(**kw) -> str:
        return org.api_token_create(**kw)[1]

    def side_token(side: Side) -> str:
        client, secret = org.api_token_create(role="citizen", citizen_public_id=side.citizen.public_id)
        side.ids["token_id"] = str(client.public_id)
        return secret

    tokens = {
        "citizen_a": side_token(a),
        "citizen_b": side_token(b),
        "cw_a": token(role="caseworker", caseworker_ident=cw_a.ident),
        "cw_b": token(role="caseworker", caseworker_ident=cw_b.ident),
        "cw_ab": token(role="caseworker", caseworker_ident=cw_ab.ident),
        "dfdg": token(role="dfdg"),
        "akasse_x": token(role="akasse", akasse_code="AX"),
        "akasse_y": token(role="akasse", akasse_code="AY"),
        "anonymous": None,
    }
    reach = {
        "citizen_a": {"a"},
        "citizen_b": {"b"},
        "cw_a": {"a"},
        "cw_b": {"b"},
        "cw_ab": {"a", "b"},
        "dfdg": {"a", "b"},
        "akasse_x": {"a"},
        "akasse_y": {"b"},
        "anonymous": set(),
    }
    return World(
        a=a,
        b=b,
        tokens=tokens,
        admin_token=token(role="admin"),
        reach=reach,
        caseworkers={"cw_a": cw_a, "cw_b": cw_b, "cw_ab": cw_ab},
    )
