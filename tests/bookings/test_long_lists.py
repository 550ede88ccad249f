"""The month of free times (`GET /me/bookable-slots`) and the calendar (`GET /calendar`) are written
straight to JSON (samtale.api.render, issue 15) instead of through their response schemas. These tests
hold the answers to the schemas: validated by the schema and rendered again the way Ninja renders a
schema's answer, the JSON must come out the same — same keys, same values, same nulls, the same text
for every time — so the shape can never drift from what OpenAPI documents."""

import json
from datetime import timedelta

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from pydantic import TypeAdapter

from samtale.api.main import api
from samtale.bookings.api import BookableCompactOut, BookableOut, BookableSlotOut
from samtale.core import clock
from samtale.core.actors import Actor
from samtale.scheduling.api import CalendarEntryOut
from samtale.scheduling.models import Slot
from tests.bookings.conftest import local

pytestmark = pytest.mark.django_db


def _as_ninja_renders(adapter: TypeAdapter, body):
    """`body` validated by the response schema and rendered as Ninja renders a view's result."""
    validated = adapter.validate_python(body)
    dumped = adapter.dump_python(validated)
    return json.loads(api.renderer.render(None, dumped, response_status=200))


def _text(moment) -> str:
    """How the API writes a stored moment: Copenhagen time with its offset, as Ninja's encoder does."""
    return DjangoJSONEncoder().default(clock.local(moment))


@pytest.fixture
def times(make_offer, make_slot, make_citizen, cw_a):
    """Free times of two offers around the switch to summer time (29 March 2026), one with
    microseconds, one with an invisible caseworker, one half booked; names with Danish letters."""
    from samtale.bookings.services import booking_self_book

    seen = make_offer(title="Møde om jobsøgning", contact_forms=["telefonisk"])
    hidden = make_offer(
        title="Vejledning på Ærø", caseworker_visible=False, conversation_type=12, meeting_form="joint"
    )
    slots = [
        make_slot(seen, local(2026, 3, 5, 10)),
        make_slot(seen, local(2026, 3, 5, 10) + timedelta(minutes=45, microseconds=123_456)),
        make_slot(hidden, local(2026, 3, 27, 9), capacity=2),
        make_slot(hidden, local(2026, 3, 30, 9)),
    ]
    booking_self_book(
        actor=Actor.for_citizen(make_citizen(contact_group=6, name="Åse Ødegård")), slot=slots[2]
    )
    return slots


def test_the_month_of_free_times_is_what_its_schema_writes(api_as, citizen, times):
    me = api_as("citizen", citizen_public_id=citizen.public_id)
    r = me.get("/me/bookable-slots?from=2026-03-01&to=2026-03-31")
    assert r.status_code == 200 and r["Content-Type"] == "application/json; charset=utf-8"
    body = json.loads(r.content)
    assert body == _as_ninja_renders(TypeAdapter(BookableOut), body)
    # The same times, each once, in Copenhagen time with the day's offset, milliseconds as Ninja cuts them.
    by_id = {str(s.public_id): s for s in Slot.objects.all()}
    assert [s["id"] for s in body["slots"]] == [str(s.public_id) for s in times]
    for shown in body["slots"]:
        slot = by_id[shown["id"]]
        assert (shown["start"], shown["end"]) == (_text(slot.start), _text(slot.end))
        assert shown["free"] == slot.capacity - slot.booked
    assert [s["start"] for s in body["slots"]][1:] == [
        "2026-03-05T10:45:00.123+01:00",
        "2026-03-27T09:00:00+01:00",
        "2026-03-30T09:00:00+02:00",
    ]
    assert [s["caseworker_name"] for s in body["slots"]] == ["Anne Holm", "Anne Holm", None, None]
    assert [s["free"] for s in body["slots"]] == [1, 1, 1, 1]
    assert body["days"] == [
        {"date": "2026-03-05", "count": 2},
        {"date": "2026-03-27", "count": 1},
        {"date": "2026-03-30", "count": 1},
    ]
    assert [o["title"] for o in body["offers"]] == ["Møde om jobsøgning", "Vejledning på Ærø"]
    offers = {o["id"]: o for o in body["offers"]}
    for shown in body["slots"]:
        offer = offers[shown["offer"]]
        assert {k: shown[k] for k in offer if k != "id"} == {k: v for k, v in offer.items() if k != "id"}


@pytest.mark.parametrize(
    "query",
    ["?from=2026-03-01&to=2026-03-31", "?from=2026-03-20&to=2026-03-31", "", "?fulfils_deadline=false"],
)
def test_the_compact_month_carries_exactly_what_the_full_one_does(api_as, citizen, times, query):
    """`/me/bookable-slots/compact` (issue 15): each free time without its offer's fields, which are
    in `offers` once. Put back from its offer, every free time is the full answer's, key for key and
    in the same order; the days and offers are the same."""
    me = api_as("citizen", citizen_public_id=citizen.public_id)
    full = json.loads(me.get(f"/me/bookable-slots{query}").content)
    r = me.get(f"/me/bookable-slots/compact{query}")
    assert r.status_code == 200 and r["Content-Type"] == "application/json; charset=utf-8"
    compact = json.loads(r.content)
    assert compact == _as_ninja_renders(TypeAdapter(BookableCompactOut), compact)
    assert full["slots"] and compact["days"] == full["days"] and compact["offers"] == full["offers"]
    offers = {o["id"]: o for o in compact["offers"]}
    expanded = [
        {key: {**offers[s["offer"]], **s}[key] for key in BookableSlotOut.model_fields}
        for s in compact["slots"]
    ]
    assert expanded == full["slots"]
    assert [list(s) for s in expanded] == [list(s) for s in full["slots"]]
    assert list(compact["slots"][0]) == ["id", "offer", "start", "end", "free", "caseworker_name"]


def test_the_compact_month_refuses_what_the_full_one_refuses(api_as, citizen):
    me = api_as("citizen", citizen_public_id=citizen.public_id)
    for query in ("?from=2026-03-10&to=2026-03-01", "?from=2026-03-01&to=2027-06-01", "?from=mandag"):
        full, compact = me.get(f"/me/bookable-slots{query}"), me.get(f"/me/bookable-slots/compact{query}")
        assert full.status_code == compact.status_code == 422
        assert full.json() == compact.json()


def test_the_calendar_week_is_what_its_schema_writes(api_a, times):
    r = api_a.get("/calendar?jobcenter=101&from=2026-03-02&to=2026-03-31")
    assert r.status_code == 200 and r["Content-Type"] == "application/json; charset=utf-8"
    body = json.loads(r.content)
    assert body == _as_ninja_renders(TypeAdapter(list[CalendarEntryOut]), body)
    # By start; the booking before the free time it was booked in.
    assert [(e["kind"], e["start"]) for e in body] == [
        ("slot", "2026-03-05T10:00:00+01:00"),
        ("slot", "2026-03-05T10:45:00.123+01:00"),
        ("booking", "2026-03-27T09:00:00+01:00"),
        ("slot", "2026-03-27T09:00:00+01:00"),
        ("slot", "2026-03-30T09:00:00+02:00"),
    ]
    booking, slot = body[2], body[3]
    assert booking["citizen_name"] == "Åse Ødegård" and booking["booking_number"]
    assert (booking["capacity"], booking["booked"], booking["caseworker"]) == (None, None, "kbh-ah")
    assert (slot["capacity"], slot["booked"], slot["citizen"], slot["booking_number"]) == (2, 1, None, None)
    assert slot["title"] == "Vejledning på Ærø" and slot["status"] == "published"
    assert body[-1]["end"] == _text(times[-1].end)
