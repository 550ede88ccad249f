"""Issue 10 on planned conversations: R-PC-2 completeness (§ 20 nr. 5, 6, 9, video link, type 17 only
for contact group 1), R-PC-7 "change" without moving (service and `PATCH /bookings/{id}`), the report
payload's caseworker name, code system and held conversation (R-RP-1, seed 000), and impossible
times (weekends, public holidays, outside the jobcenter's opening hours)."""

from datetime import time, timedelta

import pytest
from icalendar import Calendar

from samtale.bookings import services
from samtale.bookings.models import Booking, BookingChange
from samtale.core.errors import InvalidInput
from samtale.organisations import services as org
from samtale.reporting.models import ReportEvent
from tests.bookings.conftest import local

pytestmark = pytest.mark.django_db

TUESDAY = local(2026, 3, 10, 10)


def summon(actor, citizen, start=TUESDAY, **kw):
    fields = dict(
        conversation_type=7,
        contact_form="personligt",
        title="Jobsamtale",
        description="Vi taler om din jobsøgning.",
        location="Jobcentret, mødelokale 2",
        address="Vesterbrogade 1, 1620 København V",
        start=start,
        end=start + timedelta(minutes=45),
    )
    fields.update(kw)
    return services.booking_summon(actor=actor, citizen=citizen, **fields)


def problem(r, status, rule, code=None):
    assert r.status_code == status, r.content
    body = r.json()
    assert body["rule"] == rule, body
    if code:
        assert body["code"] == code, body
    return body


# R-PC-2 -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["location", "description"])
def test_r_pc_2_summons_without_location_or_description_is_refused(actor_a, citizen, field):
    with pytest.raises(InvalidInput) as e:
        summon(actor_a, citizen, **{field: ""})
    assert e.value.rule == "R-PC-2" and e.value.code == f"{field}_required" and e.value.field == field
    assert not Booking.objects.exists()


def test_r_pc_2_summons_title_defaults_to_the_conversation_type(actor_a, citizen):
    """§ 20 nr. 9: a summons always has a title — the conversation type's label unless given."""
    assert summon(actor_a, citizen, title="", conversation_type=4).title == "Opfølgningssamtale"


def test_r_pc_2_summons_without_location_through_the_api(api_a, citizen):
    body = {
        "citizen": str(citizen.public_id),
        "conversation_type": 7,
        "contact_form": "personligt",
        "title": "Jobsamtale",
        "description": "Vi taler om din jobsøgning.",
        "address": "Vesterbrogade 1",
        "start": "2026-03-10T10:00:00+01:00",
        "end": "2026-03-10T10:45:00+01:00",
    }
    problem(api_a.post("/bookings", body), 422, "R-PC-2", "location_required")
    r = api_a.post("/bookings", {**body, "location": "Jobcentret, lokale 2"})
    assert r.status_code == 201, r.content
    assert r.json()["location"] == "Jobcentret, lokale 2"


def test_r_pc_2_no_contact_options_refused_unless_in_person(actor_a, make_citizen):
    """§ 20 nr. 6: a meeting that is not in person needs a way to reach the citizen."""
    unreachable = make_citizen(contact_group=6)  # neither phone nor e-mail
    with pytest.raises(InvalidInput) as e:
        summon(actor_a, unreachable, contact_form="telefonisk", address="", who_calls="jobcenter")
    assert e.value.rule == "R-PC-2" and e.value.code == "contact_options_required"
    assert summon(actor_a, unreachable).contact_form.code == "personligt"  # in person is fine
    reachable = make_citizen(contact_group=6, phone="+4520304050")
    b = summon(
        actor_a,
        reachable,
        start=local(2026, 3, 11, 10),
        contact_form="telefonisk",
        address="",
        who_calls="jobcenter",
    )
    assert b.citizen_contact == "+4520304050"


def test_r_pc_2_video_meeting_carries_its_link(actor_a, citizen, api_a):
    with pytest.raises(InvalidInput) as e:
        summon(actor_a, citizen, contact_form="digitalt", address="", citizen_contact="+4520304050")
    assert e.value.rule == "R-PC-2" and e.value.code == "video_link_required"
    b = summon(
        actor_a,
        citizen,
        contact_form="digitalt",
        address="",
        citizen_contact="+4520304050",
        video_link="https://video.example/rum/42",
    )
    assert b.video_link == "https://video.example/rum/42"
    assert ReportEvent.objects.get(kind="booking.created").payload["video_link"] == b.video_link
    assert api_a.get(f"/bookings/{b.public_id}").json()["video_link"] == b.video_link


def test_r_pc_2_type_17_only_for_contact_group_1(actor_a, make_citizen, akasse, api_a):
    """Jobsamtale med deltagelse af a-kasse: only for contact group 1, in summons as in registration."""
    group_2 = make_citizen(contact_group=2, phone="+4520304050")
    with pytest.raises(InvalidInput) as e:
        summon(actor_a, group_2, conversation_type=17, akasse_expected=True)
    assert e.value.rule == "R-PC-2" and e.value.code == "type_not_allowed_for_contact_group"
    r = api_a.post(
        "/bookings",
        {
            "citizen": str(group_2.public_id),
            "conversation_type": 17,
            "contact_form": "personligt",
            "title": "Fælles jobsamtale",
            "description": "Med din a-kasse.",
            "location": "Jobcentret",
            "address": "Vesterbrogade 1",
            "akasse_expected": True,
            "start": "2026-03-10T10:00:00+01:00",
            "end": "2026-03-10T10:45:00+01:00",
        },
    )
    problem(r, 422, "R-PC-2", "type_not_allowed_for_contact_group")
    group_1 = make_citizen(contact_group=1, akasse=akasse.code, phone="+4520304051")
    assert summon(actor_a, group_1, conversation_type=17, akasse_expected=True).conversation_type.code == 17


def test_r_pc_2_offers_need_location_and_description(make_offer):
    for field in ("location", "description"):
        with pytest.raises(InvalidInput) as e:
            make_offer(**{field: ""})
        assert e.value.rule == "R-PC-2" and e.value.field == field
    with pytest.raises(InvalidInput) as e:
        make_offer(contact_forms=["digitalt"])
    assert e.value.code == "video_link_required"
    offer = make_offer(contact_forms=["digitalt"], video_link="https://video.example/jobsamtale")
    assert offer.video_link == "https://video.example/jobsamtale"


def test_r_pc_2_self_booked_video_meeting_gets_the_offers_link(make_offer, make_slot, citizen, me):
    offer = make_offer(contact_forms=["digitalt"], video_link="https://video.example/jobsamtale")
    booking = services.booking_self_book(actor=me, slot=make_slot(offer, local(2026, 3, 5, 10)))
    assert booking.video_link == "https://video.example/jobsamtale" and booking.address == ""


# R-PC-7: change without moving -----------------------------------------------------------------


def test_r_pc_7_change_keeps_number_and_time_writes_history_event_and_tells_the_citizen(
    actor_a, make_citizen, jc_a
):
    from samtale.messaging.models import Message
    from samtale.messaging.services import messages_deliver_due

    citizen = make_citizen(
        contact_group=6, phone="+4520304050", email="bo@example.dk", sms_reminders=True, email_reminders=True
    )
    other = org.caseworker_upsert(ident="kbh-mj", name="Mads Jensen", jobcenters=[jc_a.code])
    b = summon(actor_a, citizen)
    number, start = b.booking_number, b.start
    changed = services.booking_change(
        actor=actor_a, booking=b, caseworker=other.ident, location="Jobcentret, lokale 7"
    )
    assert changed.booking_number == number and changed.start == start
    assert changed.caseworker == other and changed.location == "Jobcentret, lokale 7"
    row = BookingChange.objects.get(booking=b, kind="changed")
    assert row.old["caseworker"] == "kbh-ah" and row.new == {
        "caseworker": "kbh-mj",
        "location": "Jobcentret, lokale 7",
    }
    event = ReportEvent.objects.get(kind="booking.changed")
    assert event.payload["caseworker"] == "kbh-mj" and event.payload["caseworker_name"] == "Mads Jensen"
    assert event.payload["previous"]["caseworker"] == "kbh-ah"
    while messages_deliver_due(worker_id="t"):  # the worker renders the texts and the .ics
        pass
    sms, email = Message.objects.filter(booking=b, kind="booking_changed").order_by("channel")[::-1]
    assert sms.channel == "sms" and "stedet og sagsbehandleren" in sms.text and "Mads Jensen" in sms.text
    first = Message.objects.get(booking=b, kind="booking_summons", channel="email")
    [old_event] = Calendar.from_ical(first.attachment).walk("VEVENT")
    [new_event] = Calendar.from_ical(email.attachment).walk("VEVENT")
    assert str(new_event["uid"]) == str(old_event["uid"])  # the same meeting in the calendar …
    assert int(new_event["sequence"]) == int(old_event["sequence"]) + 1  # … in a newer version


def test_r_pc_7_change_that_changes_nothing_writes_nothing(actor_a, citizen):
    b = summon(actor_a, citizen)
    before = ReportEvent.objects.count()
    services.booking_change(actor=actor_a, booking=b, location="Jobcentret, mødelokale 2")
    assert ReportEvent.objects.count() == before
    assert not BookingChange.objects.filter(kind="changed").exists()


def test_r_pc_7_change_is_checked_like_a_summons(actor_a, citizen, me):
    b = summon(actor_a, citizen)
    with pytest.raises(InvalidInput) as e:
        services.booking_change(actor=actor_a, booking=b, location="")
    assert e.value.rule == "R-PC-2"
    with pytest.raises(InvalidInput) as e:
        services.booking_change(actor=actor_a, booking=b, contact_form="digitalt", citizen_contact="x@y.dk")
    assert e.value.code == "video_link_required"
    with pytest.raises(InvalidInput) as e:
        services.booking_change(actor=actor_a, booking=b, start=local(2026, 3, 11, 10))
    assert e.value.code == "unknown_field"  # moving is booking_move's job
    with pytest.raises(Exception) as e:
        services.booking_change(actor=me, booking=b, title="Min titel")
    assert e.value.code == "jobcenter_only"
    b.refresh_from_db()
    assert b.location == "Jobcentret, mødelokale 2" and b.contact_form.code == "personligt"


def test_r_pc_7_change_cut_offs_and_akasse_participation(actor_a, make_citizen, akasse):
    citizen = make_citizen(contact_group=1, akasse=akasse.code, phone="+4520304050")
    b = summon(actor_a, citizen, conversation_type=17, akasse_expected=True, akasse_invited=True)
    services.booking_change(
        actor=actor_a,
        booking=b,
        rebooking_allowed=True,
        rebooking_cutoff_hours=48,
        akasse_expected=False,
    )
    b.refresh_from_db()
    assert b.rebooking_allowed and b.rebooking_deadline == TUESDAY - timedelta(hours=48)
    assert b.akasse_expected is False
    event = ReportEvent.objects.filter(kind="booking.changed").get()
    assert event.payload["akasse_expected"] is False
    assert set(event.payload["previous"]) >= {"rebooking_allowed", "rebooking_deadline", "akasse_expected"}


def test_r_pc_7_patch_changes_the_caseworker_through_the_api(api_a, api_b, actor_a, citizen, jc_a):
    org.caseworker_upsert(ident="kbh-mj", name="Mads Jensen", jobcenters=[jc_a.code])
    b = summon(actor_a, citizen)
    r = api_a.patch(f"/bookings/{b.public_id}", {"caseworker": "kbh-mj", "title": "Jobsamtale – opfølgning"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["booking_number"] == b.booking_number and body["caseworker"] == "kbh-mj"
    assert body["caseworker_name"] == "Mads Jensen" and body["title"] == "Jobsamtale – opfølgning"
    assert body["history"][-1]["kind"] == "changed"
    problem(api_a.patch(f"/bookings/{b.public_id}", {"location": ""}), 422, "R-PC-2", "location_required")
    assert api_b.patch(f"/bookings/{b.public_id}", {"title": "x"}).status_code == 404  # other jobcenter


# R-RP-1 and seed 000 in the report payload ------------------------------------------------------


def test_r_rp_1_code_system_says_local_or_dfdg(actor_a, citizen, make_citizen):
    summon(actor_a, citizen)
    fleks = make_citizen(contact_group=7, phone="+4520304050")
    summon(actor_a, fleks, conversation_type=901, start=local(2026, 3, 11, 10))
    systems = {
        e.payload["conversation_type"]: e.payload["code_system"]
        for e in ReportEvent.objects.filter(kind="booking.created")
    }
    assert systems == {7: "dfdg", 901: "local"}


def test_seed_000_held_booking_carries_the_held_conversations_contact_number(actor_a, citizen):
    import time_machine

    from samtale.conversations.services import held_conversation_register

    b = summon(actor_a, citizen)
    with time_machine.travel(TUESDAY + timedelta(hours=1), tick=False):
        result = held_conversation_register(
            actor=actor_a,
            citizen=citizen,
            booking=b,
            held_at=TUESDAY,
            conversation_type=7,
            contact_form="personligt",
            agreement={"text": "Borgeren søger fem stillinger om ugen."},
        )
    event = ReportEvent.objects.get(kind="booking.held")
    assert event.payload["held_conversation"] == result.held_conversation.contact_number
    assert event.payload["caseworker_name"] == "Anne Holm"  # § 20 nr. 10


# Impossible times -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, why",
    [
        (local(2026, 3, 14, 10), "lørdag"),
        (local(2026, 3, 15, 10), "søndag"),
        (local(2026, 4, 6, 10), "helligdag (anden påskedag)"),
        (local(2026, 3, 10, 7, 30), "åbningstid (08.00–17.00)"),
        (local(2026, 3, 10, 16, 30), "åbningstid (08.00–17.00)"),  # ends 17.15
    ],
)
def test_unusual_time_summons_needs_confirmation(actor_a, citizen, start, why):
    with pytest.raises(InvalidInput) as e:
        summon(actor_a, citizen, start=start)
    assert e.value.code == "unusual_time" and e.value.rule == "R-PC-2" and why in e.value.message
    assert not Booking.objects.exists()
    assert summon(actor_a, citizen, start=start, confirm_unusual_time=True).start == start


def test_unusual_time_through_the_api_and_per_jobcenter_opening_hours(api_a, citizen, jc_a):
    body = {
        "citizen": str(citizen.public_id),
        "conversation_type": 7,
        "contact_form": "personligt",
        "title": "Jobsamtale",
        "description": "Vi taler om din jobsøgning.",
        "location": "Jobcentret",
        "address": "Vesterbrogade 1",
        "start": "2026-03-10T17:30:00+01:00",
        "end": "2026-03-10T18:00:00+01:00",
    }
    problem(api_a.post("/bookings", body), 422, "R-PC-2", "unusual_time")
    org.jobcenter_upsert(code=jc_a.code, name=jc_a.name, closes_at=time(19))  # open late on this one
    assert api_a.post("/bookings", body).status_code == 201


def test_unusual_time_move_needs_confirmation(actor_a, citizen):
    b = summon(actor_a, citizen)
    with pytest.raises(InvalidInput) as e:
        services.booking_move(actor=actor_a, booking=b, start=local(2026, 3, 14, 10))
    assert e.value.code == "unusual_time"
    services.booking_move(actor=actor_a, booking=b, start=local(2026, 3, 14, 10), confirm_unusual_time=True)


def test_unusual_time_free_times_are_refused(make_offer, make_slot, system, cw_a):
    from samtale.scheduling import services as scheduling

    offer = make_offer()
    for start in (local(2026, 3, 14, 10), local(2026, 4, 3, 10), local(2026, 3, 10, 17)):
        with pytest.raises(InvalidInput) as e:
            make_slot(offer, start)
        assert e.value.code == "unusual_time"
    for bad in (dict(weekdays=[5]), dict(day_start=time(7))):
        args = {**dict(weekdays=[0], day_start=time(9), day_end=time(12)), **bad}
        with pytest.raises(InvalidInput) as e:
            scheduling.schedule_create(
                actor=system,
                offer=offer,
                duration_minutes=30,
                date_from=local(2026, 3, 9).date(),
                date_to=local(2026, 3, 20).date(),
                caseworker=cw_a,
                **args,
            )
        assert e.value.code == "unusual_time"
