"""Mine møder: the choices of R-NT-9, the booking flow (Trin 1 offer → Trin 2 how → Trin 3 a month
calendar and the day's times → Trin 4 confirm → receipt with .ics), the citizen's meeting page with
rebook and cancel (R-PC-6) and "booking confirmed" (R-PC-9).

The flow keeps its state in the query string (plain GET forms), so it works without JavaScript, with
the back button and with bookmarks; htmx only swaps the calendar in place. Which times may be booked
is decided by bookings.selectors.bookable_slots (R-PC-11, R-DL-9) and, at the moment of booking, by
bookings.services — the portal never decides it itself."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Count, Max, Min
from django.db.models.functions import TruncDate
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from samtale.bookings import rules as booking_rules
from samtale.bookings.models import BookingStatus
from samtale.bookings.selectors import bookable, bookable_facts, booking_get
from samtale.bookings.services import booking_cancel, booking_mark_seen, booking_rebook, booking_self_book
from samtale.citizens.selectors import jobcenter_on
from samtale.core import clock
from samtale.core.errors import DomainError, NotFound
from samtale.core.identity import citizen_required
from samtale.messaging.ics import booking_ics
from samtale.portal import presenters
from samtale.portal.forms import CancelForm
from samtale.scheduling.models import Slot


def _ctx(request, jobcenter=None, **extra) -> dict:
    """What every page shows; `jobcenter`: the citizen's today, when the caller has read it."""
    citizen = request.actor.citizen
    return {
        "citizen": citizen,
        "section": "meetings",
        "jobcenter": jobcenter or jobcenter_on(citizen, clock.today()),
        **extra,
    }


def _own_booking(request, booking_id):
    """The citizen's own booking, or 404 (another citizen's id looks exactly like an unknown one)."""
    try:
        return booking_get(request.actor, booking_id)
    except NotFound:
        raise Http404(_("Mødet findes ikke.")) from None


def _may(what: str, booking, now) -> tuple[bool, str | None]:
    """Whether the citizen may rebook/cancel now (R-PC-6, the bookings rule itself) and why not."""
    if booking.status != BookingStatus.PLANNED:
        return False, None
    allowed = booking.rebooking_allowed if what == "rebook" else booking.cancellation_allowed
    cutoff = booking.rebooking_deadline if what == "rebook" else booking.cancellation_deadline
    try:
        booking_rules.check_citizen_may_change(what=what, allowed=allowed, deadline=cutoff, now=now)
    except DomainError as error:
        return False, error.message
    return True, None


def _cutoff_text(moment) -> str:
    local = clock.local(moment)
    return f"{presenters.long_date(local.date())} kl. {local:%H.%M}"


# --- Mine møder --------------------------------------------------------------------------------------


@never_cache
@citizen_required
@require_GET
def meetings(request):
    """Mine møder: the citizen's coming meetings and, when there is an active deadline, the choices
    "Book {jobsamtale} med frist" (default) and — when the jobcenter has other offers too —
    "Book møde med jobcentret" (R-NT-9)."""
    citizen, now, today = request.actor.citizen, clock.now(), clock.today()
    deadline = presenters.active_deadline(citizen, today)
    info = presenters.DeadlineInfo.of(deadline)
    other_offers = bookable(citizen, now=now, fulfils_deadline=False).slots.exists() if deadline else False
    block_reason = presenters.booking_block_reason(citizen, today)
    return render(
        request,
        "portal/meetings.html",
        _ctx(
            request,
            deadline=deadline,
            info=info,
            deadline_long=presenters.long_date(deadline.deadline_date) if deadline else None,
            other_offers=other_offers,
            may_book=block_reason is None,
            block_reason=block_reason,
            upcoming=presenters.upcoming_bookings(request.actor, citizen, now),
        ),
    )


# --- The booking flow ---------------------------------------------------------------------------------


class _Flow:
    """The state of one pass through the flow, read from GET (or POST) parameters."""

    def __init__(self, request):
        params = request.POST if request.method == "POST" else request.GET
        self.citizen = request.actor.citizen
        self.now = clock.now()
        self.today = clock.local_date(self.now)
        # The citizen's facts (and so the open deadline) once, for both reads of `bookable`.
        facts = bookable_facts(self.citizen, now=self.now)
        self.deadline = presenters.deadline_if_active(facts.open_deadline())
        self.with_deadline = params.get("frist") == "1" and self.deadline is not None
        # R-NT-9: "med frist" offers only what fulfils the deadline; "Book møde med jobcentret" only
        # what does not; without an active deadline, everything the citizen may book.
        fulfils = True if self.with_deadline else (False if self.deadline else None)
        self.bookable = bookable(self.citizen, now=self.now, fulfils_deadline=fulfils, facts=facts)
        if self.bookable.only_family and self.deadline is not None and not self.with_deadline:
            # R-DL-18: a citizen who books only because of the deadline always books "med frist".
            self.with_deadline = True
            self.bookable = bookable(self.citizen, now=self.now, fulfils_deadline=True, facts=facts)
        # Which offers have a free time at all, and the first and last of each (the calendar's
        # months): one small query of index look-ups, not every free time of every offer.
        spans = self.bookable.spans()
        self.offers = sorted(
            (o for pk, o in self.bookable.offers.items() if pk in spans), key=lambda o: (o.title, o.pk)
        )
        self.offer = next((o for o in self.offers if str(o.public_id) == params.get("tilbud", "")), None)
        self.offer_span = spans.get(self.offer.pk) if self.offer else None
        self.contact_forms = (
            sorted(self.offer.contact_forms.all(), key=lambda f: f.label) if self.offer else []
        )
        code = params.get("kontakt", "")
        self.contact_form = next((f for f in self.contact_forms if f.code == code), None)
        if self.contact_form is None and len(self.contact_forms) == 1:
            self.contact_form = self.contact_forms[0]
        self.offer_slots = self.bookable.of_offer(self.offer.pk) if self.offer else self.bookable.slots.none()
        self.month = presenters.parse_month(params.get("maaned"))
        self.day = presenters.parse_day(params.get("dag"))
        self.slot_id = params.get("tid", "")
        self.info = presenters.DeadlineInfo.of(self.deadline) if self.with_deadline else None

    def params(self, **override) -> dict:
        base = {
            "frist": "1" if self.with_deadline else "0",
            "tilbud": str(self.offer.public_id) if self.offer else None,
            "kontakt": self.contact_form.code if self.contact_form else None,
            "maaned": self.month.strftime("%Y-%m") if self.month else None,
            "dag": self.day.isoformat() if self.day else None,
        }
        base.update(override)
        return {k: v for k, v in base.items() if v}

    def url(self, **override) -> str:
        return f"{reverse('portal:book')}?{urlencode(self.params(**override))}"

    def chosen_slot(self):
        slot = (
            self.offer_slots.filter(public_id=_uuid_or_none(self.slot_id))
            .select_related("caseworker")
            .first()
        )
        if slot is not None:
            slot.offer = self.offer
        return slot


def _calendar_context(slots, *, today, month, day, horizon_text, span=None) -> dict:
    """Trin 3: the month calendar (Monday–Friday) with "Ledige tider" per day and the chosen day's
    times. `slots` is a query of only what the citizen may book (R-PC-11, R-DL-9); the database
    counts the shown month's free times per day and returns only the chosen day's. `span`: the
    first and last start of `slots`, when the caller has read them."""
    if span is None:
        found = slots.order_by().aggregate(first=Min("start"), last=Max("start"))
        span = found["first"], found["last"]
    first = clock.local_date(span[0]) if span[0] else None
    last = clock.local_date(span[1]) if span[1] else None
    times = []
    if day is not None:
        times = list(
            slots.filter(start__gte=clock.start_of_day(day), start__lt=clock.end_of_day(day)).only(
                "public_id", "start", "end"
            )
        )
        if not times:
            day = None
    if month is None:
        month = presenters.month_start(day or first or today)
    month = presenters.month_start(month)
    month_end = presenters.add_months(month, 1)
    by_day = dict(
        slots.filter(start__gte=clock.start_of_day(month), start__lt=clock.start_of_day(month_end))
        .order_by()
        .annotate(day=TruncDate("start", tzinfo=clock.TZ))
        .values_list("day")
        .annotate(n=Count("id"))
    )
    cal = presenters.month_calendar(month, by_day, first=today, last=last, selected=day)
    return {
        "calendar": cal,
        "day": day,
        "day_label": presenters.long_date(day) if day else None,
        "times": [(s, f"{clock.local(s.start):%H.%M}–{clock.local(s.end):%H.%M}") for s in times],
        "horizon_text": horizon_text,
    }


@never_cache
@citizen_required
@require_http_methods(["GET", "POST"])
def book(request):
    flow = _Flow(request)
    base = _ctx(request, jobcenter=flow.bookable.jobcenter, flow=flow, info=flow.info)
    if not flow.offers:
        # R-NT-8: nothing to book (no free times, or none matching the citizen's profile); R-DL-18: a
        # citizen who may not self-book is told why and to contact the jobcenter.
        block_reason = presenters.booking_block_reason(flow.citizen, flow.today)
        return render(request, "portal/no_times.html", {**base, "block_reason": block_reason})
    if request.method == "POST":
        return _book_post(request, flow)
    if flow.offer is None:
        return render(request, "portal/book_step1.html", {**base, "offers": flow.offers})
    if flow.contact_form is None:
        return render(request, "portal/book_step2.html", base)
    horizon_text = presenters.horizon_text(flow.citizen, flow.offer.conversation_type, flow.today)
    slot = flow.chosen_slot() if flow.slot_id else None
    if flow.slot_id and slot is None:
        messages.error(request, _("Tiden er desværre ikke længere ledig. Vælg en anden tid."))
    if slot is not None:
        return render(
            request,
            "portal/book_step4.html",
            {
                **base,
                "slot": slot,
                "when": presenters.time_range(slot.start, slot.end),
                "back": flow.url(),
                "cutoff_warnings": presenters.cutoff_warnings(flow.offer, slot.start, flow.now),
            },
        )
    cal = _calendar_context(
        flow.offer_slots,
        today=flow.today,
        month=flow.month,
        day=flow.day,
        horizon_text=horizon_text,
        span=flow.offer_span,
    )
    flow.month = cal["calendar"].month
    return render(
        request,
        "portal/book_step3.html",
        {
            **base,
            **cal,
            "hidden": flow.params(dag=None),
            "time_hidden": flow.params(),
            "form_url": reverse("portal:book"),
        },
    )


def _book_post(request, flow: _Flow):
    slot = Slot.objects.filter(public_id=_uuid_or_none(request.POST.get("tid"))).first()
    if slot is None or flow.offer is None or flow.contact_form is None:
        messages.error(request, _("Vælg en ledig tid."))
        return redirect(flow.url())
    try:
        booking = booking_self_book(actor=request.actor, slot=slot, contact_form=flow.contact_form)
    except DomainError as error:
        # E.g. another citizen took the last place a moment ago (R-PC-5): say so, show the calendar.
        messages.error(request, error.message)
        day = clock.local_date(slot.start)
        return redirect(flow.url(maaned=day.strftime("%Y-%m"), dag=day.isoformat()))
    return redirect("portal:receipt", booking_id=booking.public_id)


def _uuid_or_none(value):
    import uuid

    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


# --- One meeting ------------------------------------------------------------------------------------


def _meeting_context(request, booking) -> dict:
    now = clock.now()
    may_rebook, rebook_reason = _may("rebook", booking, now)
    may_cancel, cancel_reason = _may("cancel", booking, now)
    return _ctx(
        request,
        booking=booking,
        when=presenters.time_range(booking.start, booking.end),
        may_rebook=may_rebook,
        rebook_reason=rebook_reason,
        may_cancel=may_cancel,
        cancel_reason=cancel_reason,
        rebook_cutoff=_cutoff_text(booking.rebooking_deadline) if booking.rebooking_deadline else None,
        cancel_cutoff=_cutoff_text(booking.cancellation_deadline) if booking.cancellation_deadline else None,
        planned=booking.status == BookingStatus.PLANNED,
    )


def _seen(request, booking):
    """R-PC-9: opening a planned conversation on the portal sets "booking confirmed" (first time)."""
    if booking.status == BookingStatus.PLANNED and booking.confirmed_at is None:
        return booking_mark_seen(actor=request.actor, booking=booking)
    return booking


@never_cache
@citizen_required
@require_GET
def meeting(request, booking_id):
    booking = _seen(request, _own_booking(request, booking_id))
    return render(request, "portal/meeting.html", _meeting_context(request, booking))


@never_cache
@citizen_required
@require_GET
def receipt(request, booking_id):
    booking = _seen(request, _own_booking(request, booking_id))
    # One success box: the receipt itself says whether the meeting was booked or moved.
    rebooked = request.GET.get("ombooket") == "1"
    return render(
        request, "portal/receipt.html", {**_meeting_context(request, booking), "rebooked": rebooked}
    )


@never_cache
@citizen_required
@require_GET
def meeting_ics(request, booking_id):
    """ "Tilføj til kalender": the meeting as an iCalendar file."""
    booking = _own_booking(request, booking_id)
    response = HttpResponse(booking_ics(booking), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="moede-{booking.booking_number}.ics"'
    return response


@never_cache
@citizen_required
@require_http_methods(["GET", "POST"])
def rebook(request, booking_id):
    """Ombooking (R-PC-6): the same calendar, with the times of the same conversation type inside
    the same horizon (R-DL-9); the booking keeps its number."""
    booking = _own_booking(request, booking_id)
    now, today, citizen = clock.now(), clock.today(), request.actor.citizen
    allowed, reason = _may("rebook", booking, now)
    if not allowed:
        messages.error(request, reason or _("Mødet kan ikke ombookes."))
        return redirect("portal:meeting", booking_id=booking.public_id)
    slots = (
        bookable(citizen, now=now)
        .slots.filter(offer__conversation_type_id=booking.conversation_type_id)
        .exclude(pk=booking.slot_id)
    )
    here = reverse("portal:rebook", args=[booking.public_id])
    if request.method == "POST":
        slot = next((s for s in Slot.objects.filter(public_id=_uuid_or_none(request.POST.get("tid")))), None)
        if slot is None:
            messages.error(request, _("Vælg en ledig tid."))
            return redirect(here)
        try:
            booking_rebook(actor=request.actor, booking=booking, slot=slot)
        except DomainError as error:
            messages.error(request, error.message)
            day = clock.local_date(slot.start)
            return redirect(f"{here}?{urlencode({'maaned': day.strftime('%Y-%m'), 'dag': day.isoformat()})}")
        return redirect(f"{reverse('portal:receipt', args=[booking.public_id])}?ombooket=1")
    month = presenters.parse_month(request.GET.get("maaned"))
    day = presenters.parse_day(request.GET.get("dag"))
    tid = _uuid_or_none(request.GET.get("tid"))
    chosen = slots.filter(public_id=tid).first() if tid else None
    ctx = _meeting_context(request, booking)
    if chosen is not None:
        return render(
            request,
            "portal/rebook_confirm.html",
            {
                **ctx,
                "slot": chosen,
                "new_when": presenters.time_range(chosen.start, chosen.end),
                "back": here,
                "cutoff_warnings": presenters.cutoff_warnings(chosen.offer, chosen.start, now),
            },
        )
    if not slots.exists():
        return render(request, "portal/no_times.html", {**ctx, "rebooking": True})
    horizon_text = presenters.horizon_text(citizen, booking.conversation_type, today)
    cal = _calendar_context(slots, today=today, month=month, day=day, horizon_text=horizon_text)
    month = cal["calendar"].month
    params = {"maaned": month.strftime("%Y-%m")}
    return render(
        request,
        "portal/rebook.html",
        {
            **ctx,
            **cal,
            "hidden": params,
            "time_hidden": {**params, **({"dag": cal["day"].isoformat()} if cal["day"] else {})},
            "form_url": here,
        },
    )


@never_cache
@citizen_required
@require_http_methods(["GET", "POST"])
def cancel(request, booking_id):
    """Aflysning (R-PC-6) with a reason the citizen may give."""
    booking = _own_booking(request, booking_id)
    allowed, reason = _may("cancel", booking, clock.now())
    if not allowed:
        messages.error(request, reason or _("Mødet kan ikke aflyses."))
        return redirect("portal:meeting", booking_id=booking.public_id)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            booking_cancel(actor=request.actor, booking=booking, reason=form.cleaned_data["reason"])
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Dit møde er aflyst."))
            return redirect("portal:meetings")
    return render(request, "portal/cancel.html", {**_meeting_context(request, booking), "form": form})
