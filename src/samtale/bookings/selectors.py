"""Reads of planned conversations and of the free times a citizen may book (R-PC-11)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache

from django.db.models import F, Model, Q, QuerySet

from samtale.bookings.models import BOOKING_RELATED, Booking, BookingStatus
from samtale.citizens.models import Citizen
from samtale.core import audit, clock, prepared, throttle
from samtale.core.actors import Actor
from samtale.core.errors import Conflict, NotFound
from samtale.core.prejoin import Columns, Prejoined
from samtale.scheduling.models import MeetingOffer, Slot, SlotStatus

DEFAULT_WINDOW_DAYS = 92


def _booking_scope(actor: Actor):
    qs = Booking.objects.all()
    if actor.sees_all_jobcenters:
        return qs
    if actor.kind == "caseworker":
        from samtale.citizens.selectors import citizens_visible_to

        return qs.filter(citizen__in=citizens_visible_to(actor).values("pk"))
    if actor.kind == "citizen" and actor.citizen is not None:
        return qs.filter(citizen_id=actor.citizen.pk)
    return qs.none()


def booking_get(actor: Actor, public_id) -> Booking:
    """One planned conversation the actor may reach: a caseworker's jobcenters' citizens, a citizen's
    own. Anything else is NotFound (we never reveal that it exists)."""
    try:
        booking = _booking_scope(actor).select_related(*BOOKING_RELATED).get(public_id=public_id)
    except (Booking.DoesNotExist, ValueError, TypeError):
        raise NotFound("Samtalen findes ikke.", code="booking_not_found") from None
    audit.record(
        actor, "booking.read", booking.citizen, purpose="planlagt samtale", booking=booking.booking_number
    )
    return booking


def citizen_bookings(actor: Actor, citizen: Citizen, *, status: str | None = None) -> list[Booking]:
    """A citizen's planned conversations (all statuses unless asked), by start. The caller has scoped
    the citizen; a citizen actor only ever gets their own."""
    if actor.kind == "citizen" and (actor.citizen is None or actor.citizen.pk != citizen.pk):
        raise NotFound("Borgeren findes ikke.", code="citizen_not_found")
    qs = (
        Booking.objects.filter(citizen=citizen)
        .select_related(
            "jobcenter",
            "offer",
            "slot",
            "conversation_type",
            "contact_form",
            "caseworker",
            "cancellation_reason",
        )
        .prefetch_related("changes")
        .order_by("start", "id")
    )
    if status:
        qs = qs.filter(status=status)
    return list(qs)


def unregistered_bookings(actor: Actor, *, caseworker, before: datetime) -> list[Booking]:
    """The caseworker's planned conversations that ended before `before` and are neither registered
    as held nor as a no-show (seed 004 § 2.1: the registration should happen the same day)."""
    return list(
        _booking_scope(actor)
        .filter(caseworker=caseworker, status=BookingStatus.PLANNED, end__lte=before)
        .select_related("citizen", "conversation_type", "contact_form")
        .order_by("start", "id")
    )


def planned_family_bookings(citizen: Citizen, *, exclude: Booking | None = None):
    qs = Booking.objects.filter(citizen=citizen, status=BookingStatus.PLANNED).exclude(
        conversation_type__family=""
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs


def _open_deadline_family(citizen: Citizen, today: date) -> str:
    from samtale.deadlines.selectors import deadline_open_for

    deadline = deadline_open_for(citizen, today)
    return deadline.conversation_type.family if deadline is not None else ""


def self_booking_refusal(*, blocked: bool, group, has_open_deadline) -> Conflict | None:
    """Why the citizen may not self-book at all today, or None (R-DL-18): an absence of a type that
    takes self-booking away (R-DL-16), or neither a contact group that books freely (§ 3.6) nor an
    open deadline (not_activated, active or fulfilled). `group` is the contact group in force (or
    None), or whether it allows self-booking; `has_open_deadline` a callable, asked only when needed."""
    if blocked:
        return Conflict(
            "Du kan ikke selv booke møder i øjeblikket. Kontakt dit jobcenter.",
            code="self_booking_blocked",
            rule="R-DL-16",
        )
    allowed = group if isinstance(group, bool) or group is None else group.self_booking_allowed
    if group is None or (not allowed and not has_open_deadline()):
        return Conflict(
            "Du kan ikke selv booke møder, når du ikke har fået en frist. Kontakt dit jobcenter.",
            code="self_booking_not_allowed",
            rule="R-DL-18",
        )
    return None


def _self_booking_group(citizen: Citizen, today: date):
    """The citizen's contact group if they may self-book today, else the Conflict saying why not."""
    from samtale.citizens.selectors import absences_on, contact_group_on

    if absences_on(citizen, today).filter(absence_type__blocks_self_booking=True).exists():
        return self_booking_refusal(blocked=True, group=None, has_open_deadline=None)
    group = contact_group_on(citizen, today)
    refusal = self_booking_refusal(
        blocked=False, group=group, has_open_deadline=lambda: bool(_open_deadline_family(citizen, today))
    )
    return refusal or group


def self_booking_block(citizen: Citizen, today: date) -> Conflict | None:
    """Why the citizen may not self-book at all today, or None (R-DL-16, R-DL-18)."""
    group = _self_booking_group(citizen, today)
    return group if isinstance(group, Conflict) else None


@dataclass
class SelfBookingState:
    """What a self-booking checks about the citizen, read in one statement: the contact group and
    jobcenter in force, absences (today's blocking ones, any on the slot's day), whether they hold
    the slot already. `citizen` is the row as read under the lock (`self_booking_state`), or the
    actor's own when read with the free time before any lock (`self_booking_attempt`)."""

    citizen: Citizen
    group_id: int | None
    group_may_self_book: bool
    group_in_offer: bool
    jobcenter_id: int | None
    blocked: bool
    away: bool | None  # an absence on the free time's day; None: not read (`self_booking_attempt`)
    holding: bool

    @classmethod
    def of(cls, row: Model, citizen: Citizen) -> SelfBookingState:
        """From the `s_*` columns `_self_booking_facts` put on `row`."""
        return cls(
            citizen=citizen,
            group_id=row.s_group_id,
            group_may_self_book=bool(row.s_group_may),
            group_in_offer=bool(row.s_in_offer),
            jobcenter_id=row.s_jobcenter_id,
            blocked=bool(row.s_blocked),
            away=None if row.s_away is None else bool(row.s_away),
            holding=bool(row.s_holding),
        )


# What a booking copies from its free time: the offer, its jobcenter and type, the caseworker.
_SLOT_RELATED = ["offer", "offer__jobcenter", "offer__conversation_type", "caseworker"]
_SLOT_BY_PUBLIC_ID = Prejoined(Slot, _SLOT_RELATED, "t0.public_id = %s", ["public_id"])


def slot_for_booking(*, public_id) -> Slot | None:
    """A free time (any status) with what a booking copies from it, by its public id; None when there
    is none. One prebuilt statement: it is read on every rebooking."""
    return _SLOT_BY_PUBLIC_ID.get([public_id])


def self_booking_state(citizen_id: int, slot: Slot, *, today: date) -> SelfBookingState:
    """The citizen row with the facts of R-PC-11 and R-DL-16 for `slot`, in one statement: what
    `booking_self_book` checks under the citizen's lock. Not itself the lock: a statement that waits
    for a row lock still sees the other tables as they were when it began, so the caller locks first,
    then reads this.

    Written as SQL: it runs on every booking of a rush, and building it with the ORM cost more than a
    millisecond of CPU each time for a statement PostgreSQL answers in a tenth of that. Read as a
    `Prejoined` statement, not `Citizen.objects.raw`: the raw query set worked out its columns' order
    and the model's init order again on every read (a third of the read's CPU)."""
    params = {
        "today": today.isoformat(),
        "day": clock.local_date(slot.start).isoformat(),
        "slot": slot.pk,
        "offer": slot.offer_id,
        "citizen": citizen_id,
        "planned": BookingStatus.PLANNED,
    }
    citizen = _self_booking_statement().get_named(params)
    if citizen is None:
        raise Citizen.DoesNotExist
    return SelfBookingState.of(citizen, citizen)


def self_booking_attempt(
    citizen: Citizen,
    *,
    today: date,
    public_id=None,
    pk: int | None = None,
    count: throttle.Counted | None = None,
) -> tuple[Slot, SelfBookingState] | None:
    """The free time (by its public id or its id, any status, with what a booking copies from it)
    and the citizen's facts for it, in one statement read before any lock; None when there is no
    such free time. `count`, the citizen's booking attempt, is counted in the same statement where
    the database can (`throttle.counting_sql`) and checked — only when the free time exists, as the
    API answered 404 before counting — else by a statement of its own.

    A booking rush is mostly refusals of times already taken, each answered from this one statement
    (the free time as `slot_for_booking` reads it, the facts as `self_booking_state` reads them). A
    time that looks free is booked under the citizen's lock, where the facts are read again."""
    from django.db import connections, router

    connection = connections[router.db_for_read(Slot)]
    by_public_id = public_id is not None
    counting = count is not None and throttle.counts_in_statement(connection)
    statement = _self_booking_attempt_statement(connection.alias, by_public_id, counting=counting)
    key = Slot._meta.get_field("public_id" if by_public_id else "id")
    params = {
        "key": key.get_db_prep_value(public_id if by_public_id else pk, connection),
        "today": today.isoformat(),
        "citizen": citizen.pk,
        "planned": BookingStatus.PLANNED,
    }
    if counting:
        params.update(count.params)
    slot = statement.get_named(params)
    if slot is None:
        return None
    if counting:
        count.check(slot.s_attempts)
    elif count is not None:
        count.hit()
    return slot, SelfBookingState.of(slot, citizen)


# Pieces of the citizen's facts the self-booking's and the month view's statements share; every value
# is a parameter (%(today)s), table names come from the models (hence the noqa: S608).


def _in_force_sql(period_model, column: str, citizen: str) -> str:
    """The citizen's `column` of the period in force today: the latest that has started (as
    citizens.selectors). `citizen` is the SQL of the citizen's id (a column or a parameter)."""
    return (
        f"SELECT p.{column} FROM {period_model._meta.db_table} p WHERE p.citizen_id = {citizen} "  # noqa: S608
        "AND p.valid_from <= %(today)s ORDER BY p.valid_from DESC, p.id DESC LIMIT 1"
    )


def _group_sql(citizen: str) -> str:
    from samtale.citizens.models import ContactGroupPeriod

    return _in_force_sql(ContactGroupPeriod, "contact_group_id", citizen)


def _group_may_sql(citizen: str) -> str:
    """Whether the contact group in force allows self-booking."""
    from samtale.codes.models import ContactGroup

    return f"SELECT g.self_booking_allowed FROM {ContactGroup._meta.db_table} g WHERE g.id = ({_group_sql(citizen)})"  # noqa: S608


def _blocked_sql(citizen: str) -> str:
    """An absence today of a type that takes self-booking away (R-DL-16)."""
    from samtale.citizens.models import Absence
    from samtale.codes.models import AbsenceType

    return (
        f"EXISTS (SELECT 1 FROM {Absence._meta.db_table} x JOIN {AbsenceType._meta.db_table} k "  # noqa: S608
        f"ON k.id = x.absence_type_id WHERE x.citizen_id = {citizen} AND x.start_date <= %(today)s "
        "AND (x.end_date IS NULL OR x.end_date >= %(today)s) AND k.blocks_self_booking)"
    )


def _self_booking_facts(*, citizen: str, slot: str, offer: str, day: str | None) -> list[tuple[str, str]]:
    """The facts a self-booking checks, as `(name, sql)` columns for `Prejoined`: each argument is the
    SQL of that value (a column of the statement or a parameter), `day` the free time's Danish date
    (None: no absence on that day is read)."""
    from samtale.citizens.models import Absence, JobcenterPeriod

    t = {
        "absence": Absence._meta.db_table,
        "booking": Booking._meta.db_table,
        "offer_groups": MeetingOffer.contact_groups.through._meta.db_table,
    }
    group = _group_sql(citizen)
    away = (
        "NULL"
        if day is None
        else f"EXISTS (SELECT 1 FROM {t['absence']} a WHERE a.citizen_id = {citizen} "  # noqa: S608
        f"AND a.start_date <= {day} AND (a.end_date IS NULL OR a.end_date >= {day}))"
    )
    return [
        ("s_group_id", group),
        ("s_group_may", _group_may_sql(citizen)),
        ("s_jobcenter_id", _in_force_sql(JobcenterPeriod, "jobcenter_id", citizen)),
        ("s_blocked", _blocked_sql(citizen)),
        ("s_away", away),
        (
            "s_holding",
            f"EXISTS (SELECT 1 FROM {t['booking']} b WHERE b.citizen_id = {citizen} "  # noqa: S608
            f"AND b.slot_id = {slot} AND b.status = %(planned)s)",
        ),
        (
            "s_in_offer",
            f"EXISTS (SELECT 1 FROM {t['offer_groups']} o WHERE o.meetingoffer_id = {offer} "  # noqa: S608
            f"AND o.contactgroup_id = ({group}))",
        ),
    ]


@cache
def _self_booking_statement() -> Prejoined:
    facts = _self_booking_facts(citizen="t0.id", slot="%(slot)s", offer="%(offer)s", day="%(day)s")
    return Prejoined(Citizen, [], "t0.id = %(citizen)s", extra=facts)


@cache
def _self_booking_attempt_statement(alias: str, by_public_id: bool, *, counting: bool) -> Prejoined:
    from django.db import connections

    where = "t0.public_id = %(key)s" if by_public_id else "t0.id = %(key)s"
    # No absence on the free time's day: only a free time reaches that check, and a free time's facts
    # are read again under the lock.
    facts = _self_booking_facts(citizen="%(citizen)s", slot="t0.id", offer="t0.offer_id", day=None)
    if not counting:
        return Prejoined(Slot, _SLOT_RELATED, where, extra=facts)
    exists = f"EXISTS (SELECT 1 FROM {Slot._meta.db_table} t0 WHERE {where})"  # noqa: S608
    upsert = throttle.counting_sql(connections[alias], when=exists)
    facts.append(("s_attempts", "SELECT value FROM attempt"))
    return Prejoined(Slot, _SLOT_RELATED, where, extra=facts, with_=f"WITH attempt AS ({upsert})")


def may_self_book(citizen: Citizen, today: date) -> bool:
    return self_booking_block(citizen, today) is None


def deadline_only_family(citizen: Citizen, today: date) -> str:
    """R-DL-18: the conversation family ("jobsamtale"/"opfoelgning") a citizen whose contact group does
    not book freely may self-book — their open deadline's ("Book … med frist") — or "" when the
    citizen books freely (or may not book at all)."""
    from samtale.citizens.selectors import contact_group_on

    group = contact_group_on(citizen, today)
    if group is None or group.self_booking_allowed:
        return ""
    return _open_deadline_family(citizen, today)


def _absence_days(citizen: Citizen, lo: date, hi: date) -> list[tuple[date, date]]:
    rows = citizen.absences.filter(Q(end_date__isnull=True) | Q(end_date__gte=lo), start_date__lte=hi)
    return [(a.start_date, a.end_date or date.max) for a in rows]


@dataclass
class BookableFacts:
    """What `bookable` needs to know about the citizen, read in one statement (`bookable_facts`)."""

    today: date
    group_id: int | None  # the contact group in force
    group_may_self_book: bool
    blocked: bool  # an absence today of a type that takes self-booking away (R-DL-16)
    jobcenter: object | None  # the jobcenter in force
    deadline: object | None  # the deadline in an open status as stored (`open_deadline()` applies today)
    absences: list[tuple[date, date]]  # absences overlapping the asked days, open ends as date.max
    window: tuple = ()  # (date_from, date_to) as `bookable_facts` was asked

    def open_deadline(self):
        """The open deadline as it stands today, as `deadlines.selectors.deadline_open_for` answers."""
        from samtale.deadlines.selectors import open_on

        return open_on(self.deadline, self.today)


def _citizen_facts(citizen_id: int, *, today: date, lo: date, hi: date) -> BookableFacts:
    """The citizen's facts for `bookable` as one statement built once per process (issue 15: as the
    ORM's seven small queries, their compilation cost more than the month's free times). One row per
    absence overlapping [lo, hi], at least one."""
    from django.db import connections, router

    from samtale.deadlines.models import OPEN_STATUSES

    connection = connections[router.db_for_read(Citizen)]
    sql, parts = _citizen_facts_sql(connection.alias)
    params = {
        "citizen": citizen_id,
        "today": today.isoformat(),
        "lo": lo.isoformat(),
        "hi": hi.isoformat(),
        **{f"open{i}": str(status) for i, status in enumerate(OPEN_STATUSES)},
    }
    with connection.cursor() as cursor:
        prepared.execute(connection, cursor, sql, params)
        rows = cursor.fetchall()
    if not rows:
        raise Citizen.DoesNotExist
    jobcenter, deadline, kind, absence = parts
    first, absences = rows[0], []
    cut = [3, 3 + len(jobcenter), 3 + len(jobcenter) + len(deadline), len(first) - len(absence)]
    deadline_row = deadline.instance(first[cut[1] : cut[2]], connection)
    if deadline_row is not None:
        deadline_row.conversation_type = kind.instance(first[cut[2] : cut[3]], connection)
    for row in rows:
        a, b = absence.values(row[cut[3] :], connection)
        if a is not None:
            absences.append((a, b or date.max))
    return BookableFacts(
        today=today,
        group_id=first[0],
        group_may_self_book=bool(first[1]),
        blocked=bool(first[2]),
        jobcenter=jobcenter.instance(first[cut[0] : cut[1]], connection),
        deadline=deadline_row,
        absences=absences,
    )


@cache
def _citizen_facts_sql(alias: str):
    from django.db import connections

    from samtale.citizens.models import Absence, JobcenterPeriod
    from samtale.codes.models import ConversationType
    from samtale.deadlines.models import OPEN_STATUSES, Deadline
    from samtale.organisations.models import Jobcenter

    connection = connections[alias]
    parts = (
        Columns(Jobcenter, "j"),
        Columns(Deadline, "d"),
        Columns(ConversationType, "t"),
        Columns(Absence, "a", ["start_date", "end_date"]),
    )
    # The deadline in an open status (at most one per citizen, a constraint), as
    # deadlines.selectors.deadline_open_for reads it. Table names come from the models, every value is
    # a parameter (hence the noqa: S608).
    statuses = ", ".join(f"%(open{i})s" for i in range(len(OPEN_STATUSES)))
    sql = (
        f"SELECT ({_group_sql('c.id')}) AS f_group_id, ({_group_may_sql('c.id')}) AS f_group_may, "  # noqa: S608
        f"{_blocked_sql('c.id')} AS f_blocked, "
        f"{', '.join(part.sql(connection) for part in parts)} "
        f"FROM {Citizen._meta.db_table} c "
        f"LEFT JOIN {Jobcenter._meta.db_table} j ON j.id = ({_in_force_sql(JobcenterPeriod, 'jobcenter_id', 'c.id')}) "
        f"LEFT JOIN {Deadline._meta.db_table} d ON d.citizen_id = c.id AND d.status IN ({statuses}) "
        f"LEFT JOIN {ConversationType._meta.db_table} t ON t.id = d.conversation_type_id "
        f"LEFT JOIN {Absence._meta.db_table} a ON a.citizen_id = c.id AND a.start_date <= %(hi)s "
        "AND (a.end_date IS NULL OR a.end_date >= %(lo)s) "
        "WHERE c.id = %(citizen)s"
    )
    return sql, parts


def _bookable_offers(
    *, jobcenter_id: int, group_id: int, fulfils_deadline: bool | None, family: str
) -> dict[int, MeetingOffer]:
    """The active offers of the jobcenter for the contact group, by id, each with its conversation
    type and its contact forms (as `select_related`/`prefetch_related` leave them), in one statement
    built once per process: one row per offer and contact form. `fulfils_deadline` True: only what
    fulfils a deadline (of `family`, when given); False: only what does not; None: all (R-NT-9)."""
    from django.db import connections, router

    connection = connections[router.db_for_read(MeetingOffer)]
    variant = "all" if fulfils_deadline is None else ("other" if not fulfils_deadline else "deadline")
    if variant == "deadline" and family:
        variant = "family"
    sql, (offer_columns, kind_columns, form_columns) = _bookable_offers_sql(connection.alias, variant)
    with connection.cursor() as cursor:
        params = {"jobcenter": jobcenter_id, "group": group_id, "family": family}
        prepared.execute(connection, cursor, sql, params)
        rows = cursor.fetchall()
    cut = [len(offer_columns), len(offer_columns) + len(kind_columns)]
    offers: dict[int, MeetingOffer] = {}
    forms: dict[int, list] = {}
    for row in rows:
        offer_id = row[0]
        if offer_id not in offers:
            offer = offer_columns.instance(row[: cut[0]], connection)
            offer.conversation_type = kind_columns.instance(row[cut[0] : cut[1]], connection)
            offers[offer_id], forms[offer_id] = offer, []
        form = form_columns.instance(row[cut[1] :], connection)
        if form is not None:
            forms[offer_id].append(form)
    for offer_id, offer in offers.items():
        # What prefetch_related("contact_forms") leaves on the instance (Django's prefetch_one_level).
        cached = offer.contact_forms.all()
        cached._result_cache, cached._prefetch_done = forms[offer_id], True
        offer._prefetched_objects_cache = {"contact_forms": cached}
    return offers


@cache
def _bookable_offers_sql(alias: str, variant: str):
    from django.db import connections

    from samtale.codes.models import ContactForm, ConversationType

    connection = connections[alias]
    parts = (Columns(MeetingOffer, "o"), Columns(ConversationType, "t"), Columns(ContactForm, "f"))
    groups = MeetingOffer.contact_groups.through._meta.db_table
    forms = MeetingOffer.contact_forms.through._meta.db_table
    where = {
        "all": "",
        "deadline": "AND o.fulfils_deadline AND t.family <> '' ",
        "family": "AND o.fulfils_deadline AND t.family <> '' AND t.family = %(family)s ",
        "other": "AND (NOT o.fulfils_deadline OR t.family = '') ",
    }[variant]
    # Table names come from the models, every value is a parameter (hence the noqa: S608).
    sql = (
        f"SELECT {', '.join(part.sql(connection) for part in parts)} "  # noqa: S608
        f"FROM {MeetingOffer._meta.db_table} o "
        f"JOIN {ConversationType._meta.db_table} t ON t.id = o.conversation_type_id "
        f"JOIN {groups} g ON g.meetingoffer_id = o.id AND g.contactgroup_id = %(group)s "
        f"LEFT JOIN {forms} m ON m.meetingoffer_id = o.id "
        f"LEFT JOIN {ContactForm._meta.db_table} f ON f.id = m.contactform_id "
        f"WHERE o.active AND o.jobcenter_id = %(jobcenter)s {where}"
        "ORDER BY o.title, o.id, f.code, f.id"
    )
    return sql, parts


@dataclass
class Bookable:
    """What a citizen may book now: `offers` by id (each read once, with its conversation type and
    contact forms) and `slots`, a query that already applies every rule of R-PC-11 and R-DL-9."""

    offers: dict[int, MeetingOffer]
    slots: QuerySet
    # R-DL-18: the family a citizen who does not book freely is limited to (their deadline's), or "".
    only_family: str = ""
    # The citizen's jobcenter today (callers that show it need not read it again).
    jobcenter: object | None = None
    # Each offer's range of moments its free times may start in (after, before): notice and horizon.
    ranges: dict = field(default_factory=dict)
    _slots_in: object = None  # the query of `slots` for some of these ranges (`of_offer`)

    def of_offer(self, offer_id: int) -> QuerySet:
        """`slots` of one offer: the same rules with only that offer's range (a smaller statement
        than `slots.filter(offer_id=…)`, which carries every offer's range)."""
        if offer_id not in self.ranges:
            return Slot.objects.none()
        return self._slots_in(_when({offer_id: self.ranges[offer_id]}))

    def spans(self) -> dict[int, tuple[datetime, datetime]]:
        """The first and last bookable start of each offer that has a free time at all, in one
        statement: per offer, the first free time in start order and the last (index look-ups, not
        an aggregate over every free time of every offer)."""
        if not self.ranges:
            return {}
        from django.db.models import OuterRef, Subquery

        theirs = self.slots.filter(offer_id=OuterRef("pk"))
        rows = (
            MeetingOffer.objects.filter(pk__in=list(self.ranges))
            .order_by()
            .annotate(
                first=Subquery(theirs.order_by("start").values("start")[:1]),
                last=Subquery(theirs.order_by("-start").values("start")[:1]),
            )
            .values_list("pk", "first", "last")
        )
        return {pk: (first, last) for pk, first, last in rows if first is not None}


def _window(now: datetime, date_from: date | None, date_to: date | None):
    """`bookable`'s days: today, the last day asked (default: 92 days on), and the moments the free
    times must start between."""
    today = clock.local_date(now)
    if date_to is None:
        date_to = (date_from or today) + timedelta(days=DEFAULT_WINDOW_DAYS)
    lo = max(now, clock.start_of_day(date_from)) if date_from else now
    return today, date_to, lo, clock.end_of_day(date_to)


def bookable_facts(
    citizen: Citizen, *, now: datetime, date_from: date | None = None, date_to: date | None = None
) -> BookableFacts:
    """What `bookable` reads about the citizen (one statement), for a caller that needs the open
    deadline before it asks `bookable` (and passes these facts on, with the same dates)."""
    today, last, lo, _ = _window(now, date_from, date_to)
    facts = _citizen_facts(citizen.pk, today=today, lo=clock.local_date(lo), hi=last)
    facts.window = (date_from, date_to)
    return facts


def bookable(
    citizen: Citizen,
    *,
    now: datetime,
    fulfils_deadline: bool | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    facts: BookableFacts | None = None,
) -> Bookable:
    """R-PC-11 in one query per page: published, not full, of an active offer of the citizen's current
    jobcenter for the citizen's current contact group, later than the offer's minimum notice, not on a
    day of the citizen's absence, not beyond the horizon of an open deadline (R-DL-9), not already held
    by the citizen, inside [date_from, date_to] (default: 92 days). Nothing when the citizen may not
    self-book (contact group, or an absence that takes it away — R-DL-16).

    The per-offer rules (notice, horizon) become one time range per offer; the absences, ranges the
    free times may not start in. The same rules answer a single free time in `slot_refusal`. A caller
    that has read `bookable_facts` (for the same dates) passes them as `facts`."""
    from samtale.deadlines import rules as deadline_rules

    if facts is not None and (facts.window != (date_from, date_to) or facts.today != clock.local_date(now)):
        raise ValueError("bookable(facts=…) needs the facts read for the same day and dates")
    today, date_to, lo, hi = _window(now, date_from, date_to)
    if facts is None:
        facts = _citizen_facts(citizen.pk, today=today, lo=clock.local_date(lo), hi=date_to)
    nothing = Bookable({}, Slot.objects.none(), jobcenter=facts.jobcenter)
    deadline = facts.open_deadline()
    family = deadline.conversation_type.family if deadline is not None else ""
    group = None if facts.group_id is None else facts.group_may_self_book
    if self_booking_refusal(blocked=facts.blocked, group=group, has_open_deadline=lambda: bool(family)):
        return nothing
    only_family = ""
    if not facts.group_may_self_book:
        # R-DL-18: booking only because of a deadline — only what fulfils it, never the other offers.
        only_family = nothing.only_family = family
        if fulfils_deadline is False:
            return nothing
        fulfils_deadline = True
    jobcenter = facts.jobcenter
    if jobcenter is None:
        return nothing
    offers = _bookable_offers(
        jobcenter_id=jobcenter.pk, group_id=facts.group_id, fulfils_deadline=fulfils_deadline, family=family
    )
    if not offers:
        return nothing
    horizon = deadline_rules.horizon(deadline.deadline_date) if family else None
    ranges = {}
    for offer in offers.values():
        last = hi
        if horizon is not None and offer.conversation_type.family == family:
            last = min(hi, clock.end_of_day(horizon))
        ranges[offer.pk] = (max(lo, now + timedelta(hours=offer.min_notice_hours)), last)
    away = Q()
    for a, b in facts.absences:
        away |= Q(start__gte=clock.start_of_day(a)) & (
            Q() if b >= date_to else Q(start__lt=clock.end_of_day(b))
        )
    mine = Booking.objects.filter(citizen=citizen, status=BookingStatus.PLANNED, slot__isnull=False).values(
        "slot_id"
    )

    def slots_in(when: Q) -> QuerySet:
        slots = Slot.objects.filter(when, status=SlotStatus.PUBLISHED, booked__lt=F("capacity")).exclude(
            pk__in=mine
        )
        if away:
            slots = slots.exclude(away)
        return slots.order_by("start", "id")

    return Bookable(
        offers, slots_in(_when(ranges)), only_family, jobcenter, ranges=ranges, _slots_in=slots_in
    )


def _when(ranges: dict) -> Q:
    """Each offer's free times between its first and last moment (notice and horizon applied)."""
    when = Q()
    for offer_id, (first, last) in ranges.items():
        when |= Q(offer_id=offer_id, start__gt=first, start__lt=last)
    return when


def slot_refusal(
    citizen: Citizen, slot: Slot, *, now: datetime, absences=None, horizons=None, only_family=None
) -> Conflict | None:
    """Why this citizen may not book this (already pre-filtered or single) slot now, or None.
    The per-slot part of R-PC-11: minimum notice, absence, horizon (R-DL-9); R-DL-18: a citizen who
    books only because of a deadline books only a time that fulfils it. Callers that have read the
    absences, horizons or `deadline_only_family` already pass them."""
    from samtale.deadlines.selectors import booking_horizon

    offer = slot.offer
    if only_family is None:
        only_family = deadline_only_family(citizen, clock.local_date(now))
    if only_family and (offer.conversation_type.family != only_family or not offer.fulfils_deadline):
        return Conflict(
            "Du kan kun selv booke den samtale, du har fået en frist for. Kontakt dit jobcenter om andre møder.",
            code="only_deadline_conversation",
            rule="R-DL-18",
        )
    if slot.start <= now + timedelta(hours=offer.min_notice_hours):
        return Conflict(
            f"Tiden kan ikke længere bookes: der skal bookes mindst {offer.min_notice_hours} timer før mødet.",
            code="slot_too_soon",
            rule="R-PC-11",
        )
    day = clock.local_date(slot.start)
    if absences is None:
        absences = _absence_days(citizen, day, day)
    if any(a <= day <= b for a, b in absences):
        return Conflict(
            "Du har registreret fravær den dag. Vælg en anden dag.", code="slot_in_absence", rule="R-PC-11"
        )
    today = clock.local_date(now)
    key = offer.conversation_type_id
    if horizons is not None and key in horizons:
        horizon = horizons[key]
    else:
        horizon = booking_horizon(citizen, offer.conversation_type, today)
        if horizons is not None:
            horizons[key] = horizon
    if horizon is not None and day > horizon:
        return Conflict(
            f"Samtalen skal være holdt senest {horizon:%d.%m.%Y}. Vælg en tidligere tid.",
            code="beyond_horizon",
            rule="R-DL-9",
        )
    return None


def bookable_slots(
    citizen: Citizen,
    *,
    now: datetime,
    fulfils_deadline: bool | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[Slot]:
    """R-PC-11: the free times the citizen may book now, as slots with their offer (see `bookable`)."""
    found = bookable(
        citizen, now=now, fulfils_deadline=fulfils_deadline, date_from=date_from, date_to=date_to
    )
    slots = list(found.slots.select_related("caseworker"))
    for slot in slots:
        slot.offer = found.offers[slot.offer_id]
    return slots


def bookable_slots_by_day(citizen: Citizen, **kwargs) -> dict[date, list[Slot]]:
    """The same, grouped by Copenhagen day (for a month calendar), days in order."""
    days: dict[date, list[Slot]] = defaultdict(list)
    for slot in bookable_slots(citizen, **kwargs):
        days[clock.local_date(slot.start)].append(slot)
    return dict(days)
