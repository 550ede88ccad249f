"""Demo deadlines: every status, the notices R-NT-1…4, and some due for the batch tomorrow. Idempotent:
a citizen who already has a deadline is left alone. Runs after the bookings demo (core.demo.APPS).

The earlier lives of closed deadlines are written with the one service function (`_apply`) dated on
the days they happened, so history and report feed look as if the batch had run on those days."""

from __future__ import annotations

from datetime import timedelta

from samtale.citizens.selectors import contact_group_on
from samtale.core import clock
from samtale.core.actors import Actor
from samtale.core.demo import working_day
from samtale.core.errors import DomainError
from samtale.deadlines import rules
from samtale.deadlines.models import Deadline
from samtale.deadlines.services import _apply, deadline_close, deadline_create


def _eligible(citizens, today):
    """Citizens whose contact group allows a deadline type, in the demo's fixed order, each with the type
    to use. Slot i of the demo always goes to the i-th of them, so a second run finds its deadline and
    leaves it alone (idempotent)."""
    for citizen in citizens:
        group = contact_group_on(citizen, today)
        codes = list(group.deadline_types.values_list("code", flat=True)) if group else []
        if codes:
            yield citizen, (7 if 7 in codes else codes[0])


def _past(actor, citizen, code, today, *, created_ago, deadline_ago, booking=None):
    """A deadline whose whole life lies in the past: overdue (no booking) or closed on its meeting date."""
    from samtale.citizens.selectors import jobcenter_on
    from samtale.codes.models import ConversationType

    created = today - timedelta(days=created_ago)
    deadline = Deadline(
        citizen=citizen,
        conversation_type=ConversationType.objects.get(code=code),
        deadline_date=today - timedelta(days=deadline_ago),
        activation_date=created,
        jobcenter=jobcenter_on(citizen, today),
        caseworker=actor.caseworker,
        created_by=actor.label,
        created_on=created,
        expires_on=rules.expires_on(created),
        status_since=created,
    )
    _apply(deadline, rules.CREATED, actor=actor, day=created)
    _apply(deadline, rules.ACTIVATION_DATE_REACHED, actor=actor, day=created)
    batch = Actor.system("batch")
    if booking is None:
        _apply(
            deadline, rules.DEADLINE_DATE_PASSED, actor=batch, day=deadline.deadline_date + timedelta(days=1)
        )
    return deadline


def load(ctx) -> None:
    today = ctx.today
    citizens = ctx.data.get("citizens") or []
    caseworkers = ctx.data.get("caseworkers") or []
    if not citizens or not caseworkers:
        return
    by_jobcenter = {}
    for cw in caseworkers:
        for jc in cw.jobcenters.all():
            by_jobcenter.setdefault(jc.pk, Actor.for_caseworker(cw))
    free = _eligible(citizens, today)
    made = {}

    def actor_for(citizen):
        from samtale.citizens.selectors import jobcenter_on

        return by_jobcenter.get(jobcenter_on(citizen, today).pk)

    def create(label, days, activation=0):
        for citizen, code in free:
            if days - activation < 8 and contact_group_on(citizen, today).self_booking_obligatory:
                continue  # R-DL-17 refuses it for contact group 1: the next citizen takes the slot
            actor = actor_for(citizen)
            if actor is None or Deadline.objects.filter(citizen=citizen).exists():
                return None
            try:
                deadline, _ = deadline_create(
                    actor=actor,
                    citizen=citizen,
                    conversation_type=code,
                    deadline_date=today + timedelta(days=days),
                    activation_date=today + timedelta(days=activation),
                )
            except DomainError:
                return None
            made[label] = deadline
            return deadline
        return None

    create("aktiv, Ny frist (R-NT-1)", 20)
    create("aktiv, 6 dage tilbage (R-NT-2)", 6)
    create("aktiv, 2 dage tilbage (R-NT-3)", 2)
    create("aktiv, sidste frist i dag (R-NT-4) — lukkes overskredet i morgen", 0)
    create("ikke aktiveret, aktiveres om 10 dage", 30, activation=10)
    create("ikke aktiveret, aktiveres i morgen", 25, activation=1)
    superseded = create("erstattet af ny frist (R-DL-1)", 15)
    if superseded is not None:
        try:
            deadline_create(
                actor=actor_for(superseded.citizen),
                citizen=superseded.citizen,
                conversation_type=superseded.conversation_type,
                deadline_date=today + timedelta(days=25),
            )
        except DomainError:
            pass
    closed = create("lukket af sagsbehandler", 15)
    if closed is not None:
        deadline_close(actor=actor_for(closed.citizen), deadline=closed)
    try:
        from samtale.bookings.services import booking_summon
    except ImportError:
        booking_summon = None
    if booking_summon is not None:
        for label, meeting_in in [
            ("indfriet, møde næste arbejdsdag", 1),
            ("indfriet, møde om 5 dage", 5),
        ]:
            deadline = create(label, 10)
            if deadline is None:
                continue
            start = clock.at(working_day(today + timedelta(days=meeting_in)), 10 + meeting_in)
            try:
                booking_summon(
                    actor=actor_for(deadline.citizen),
                    citizen=deadline.citizen,
                    conversation_type=deadline.conversation_type.code,
                    contact_form="personligt",
                    start=start,
                    end=start + timedelta(minutes=45),
                    title=deadline.conversation_type.label,
                    description="Vi taler om, hvordan det går, og om dine næste skridt.",
                    location=f"{deadline.jobcenter.name}, mødelokale 1",
                    address="Jobcentret, Borgerservice, indgang B",
                )
            except DomainError:
                continue
    for citizen, code in free:
        actor = actor_for(citizen)
        if actor is not None and not Deadline.objects.filter(citizen=citizen).exists():
            made["lukket overskredet (historik)"] = _past(
                actor, citizen, code, today, created_ago=40, deadline_ago=12
            )
        break
    counts = {}
    for deadline in Deadline.objects.all():
        counts[deadline.status] = counts.get(deadline.status, 0) + 1
    ctx.say("Frister: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + f" ({len(made)} nye)")
