"""Issue 12, item 2: every date and time a client can send is bounded (samtale.core.validation):
planned conversations, free times and schedules within today − 1 year … today + 2 years, dates of
record sane, query dates sane and ranges at most a year — refused with a Danish 422 naming the field.
`samtale check_dates` finds rows stored before the bounds existed."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command

from samtale.bookings import services as bookings
from samtale.bookings.models import Booking
from samtale.core.errors import InvalidInput
from tests.bookings.conftest import NOW


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def citizen(make_citizen):
    return make_citizen(contact_group=2, phone="+4540404040")


def assert_out_of_range(r, field):
    assert r.status_code == 422, r.content
    body = r.json()
    assert r["Content-Type"] == "application/problem+json"
    assert field in body["detail"] and ("mellem" in body["detail"] or "år" in body["detail"])


def test_summons_in_year_9999_is_422_naming_start(api_a, citizen):
    before = Booking.objects.count()
    r = api_a.post(
        "/bookings",
        {
            "citizen": str(citizen.public_id),
            "conversation_type": 7,
            "contact_form": "telefonisk",
            "start": "9999-12-31T22:00:00Z",
            "end": "9999-12-31T23:00:00Z",
        },
    )
    assert_out_of_range(r, "start")
    assert Booking.objects.count() == before


def test_summons_three_years_ahead_is_refused_by_the_service_too(actor_a, citizen):
    start = NOW + timedelta(days=3 * 365)
    with pytest.raises(InvalidInput) as e:
        bookings.booking_summon(
            actor=actor_a,
            citizen=citizen,
            conversation_type=7,
            contact_form="telefonisk",
            location="Jobcentret, telefonmøde",
            description="Vi ringer dig op.",
            start=start,
            end=start + timedelta(minutes=30),
        )
    assert e.value.code == "date_out_of_range" and e.value.field == "start"


@pytest.mark.parametrize(
    "path_body",
    [
        ("/offers/{offer}/slots", {"start": "10000-01-01T10:00:00Z", "end": "10000-01-01T11:00:00Z"}),
        ("/offers/{offer}/slots", {"start": "2031-01-01T10:00:00Z", "end": "2031-01-01T11:00:00Z"}),
        (
            "/offers/{offer}/slots",
            {
                "weekdays": [0],
                "day_start": "09:00",
                "day_end": "10:00",
                "duration_minutes": 30,
                "date_from": "2026-03-03",
                "date_to": "9999-12-31",
            },
        ),
    ],
)
def test_slots_and_schedules_out_of_range(api_a, path_body):
    offer = api_a.post(
        "/offers",
        {
            "title": "Jobsamtale",
            "conversation_type": 7,
            "contact_forms": ["telefonisk"],
            "contact_groups": [2],
            "jobcenter": "101",
            "phone_to_call": "+4533333333",
            "location": "Jobcentret, telefonmøde",
            "description": "Vi ringer dig op.",
        },
    )
    assert offer.status_code == 201, offer.content
    path, body = path_body
    r = api_a.post(path.format(offer=offer.json()["id"]), body)
    assert r.status_code == 422, r.content


def test_absence_and_deadline_dates_are_bounded(api_a, citizen):
    r = api_a.post(
        f"/citizens/{citizen.public_id}/absences", {"absence_type": 10, "start_date": "1066-10-14"}
    )
    assert_out_of_range(r, "start_date")
    r = api_a.post(
        f"/citizens/{citizen.public_id}/deadlines", {"conversation_type": 7, "deadline_date": "9999-12-31"}
    )
    assert_out_of_range(r, "deadline_date")


@pytest.mark.parametrize(
    "query",
    [
        "/citizens/{c}/notice?on=9999-12-31",
        "/citizens/{c}/notice?on=0001-01-01",
        "/calendar?from=9999-12-31",
        "/calendar?from=0001-01-01&to=0001-01-02",
    ],
)
def test_query_dates_never_overflow(api_a, citizen, query):
    r = api_a.get(query.format(c=citizen.public_id))
    assert r.status_code == 422, r.content


def test_portal_month_far_away_falls_back_to_a_valid_month(citizen):
    from samtale.portal.presenters import parse_day, parse_month

    assert parse_month("9999-12") is None and parse_day("9999-12-31") is None
    assert parse_month("2026-04").month == 4


def test_check_dates_finds_rows_stored_out_of_range(actor_a, citizen, capsys):
    call_command("check_dates")
    start = NOW + timedelta(days=30)
    booking = bookings.booking_summon(
        actor=actor_a,
        citizen=citizen,
        conversation_type=7,
        contact_form="telefonisk",
        location="Jobcentret, telefonmøde",
        description="Vi ringer dig op.",
        start=start,
        end=start + timedelta(minutes=30),
    )
    Booking.objects.filter(pk=booking.pk).update(
        start=datetime(9999, 12, 31, 22, tzinfo=UTC), end=datetime(9999, 12, 31, 23, tzinfo=UTC)
    )
    with pytest.raises(CommandError):
        call_command("check_dates")
    out = capsys.readouterr().out
    assert f"bookings.Booking.start: 1 række(r) uden for grænserne (id {booking.pk})" in out
