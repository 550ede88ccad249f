"""R-DL-18: a deadline opens self-booking for every contact group that may be given one (seed 004
§ 2.1: "Selvbooking med frist betyder, at de nye kontaktgrupper har mulighed for selv at booke …");
without one only the § 3.6 "book freely" groups book; absence 56/57 takes it away (R-DL-16).
Through the services and through the API."""

import pytest

from samtale.bookings import services
from samtale.bookings.selectors import bookable_slots, may_self_book, self_booking_block
from samtale.core import clock
from samtale.core.actors import Actor
from samtale.core.errors import Conflict
from samtale.deadlines.models import Deadline
from tests.bookings.conftest import local

pytestmark = pytest.mark.django_db


@pytest.fixture
def kontanthjaelp(make_citizen):
    """Contact group 2: may be given a Jobsamtale deadline, does not book freely."""
    return make_citizen(contact_group=2, name="Karl Olsen", phone="+4520202021")


@pytest.fixture
def offers(make_offer, make_slot):
    job = make_offer(contact_groups=[2, 6])
    info = make_offer(
        title="Informationsmøde", conversation_type=13, contact_groups=[2, 6], fulfils_deadline=False
    )
    return {
        "job": make_slot(job, local(2026, 3, 5, 10)),
        "job_later": make_slot(job, local(2026, 3, 6, 10)),
        "info": make_slot(info, local(2026, 3, 5, 13)),
    }


def test_r_dl_18_without_a_deadline_group_2_may_not_self_book(kontanthjaelp, offers):
    me = Actor.for_citizen(kontanthjaelp)
    block = self_booking_block(kontanthjaelp, clock.today())
    assert block.rule == "R-DL-18" and "Kontakt dit jobcenter" in block.message
    assert bookable_slots(kontanthjaelp, now=clock.now()) == []
    with pytest.raises(Conflict) as e:
        services.booking_self_book(actor=me, slot=offers["job"])
    assert e.value.rule == "R-DL-18"


@pytest.mark.parametrize("activation_days", [0, 10])  # active, and not yet activated
def test_r_dl_18_with_an_open_deadline_group_2_books_the_deadlines_conversation(
    kontanthjaelp, offers, make_deadline, activation_days
):
    from datetime import timedelta

    from samtale.deadlines.services import deadline_create

    me = Actor.for_citizen(kontanthjaelp)
    deadline, _ = deadline_create(
        actor=Actor.system("test"),
        citizen=kontanthjaelp,
        conversation_type=7,
        deadline_date=clock.today() + timedelta(days=20),
        activation_date=clock.today() + timedelta(days=activation_days),
    )
    assert may_self_book(kontanthjaelp, clock.today())
    slots = bookable_slots(kontanthjaelp, now=clock.now())
    assert {s.pk for s in slots} == {offers["job"].pk, offers["job_later"].pk}  # not the info meeting
    assert bookable_slots(kontanthjaelp, now=clock.now(), fulfils_deadline=False) == []
    with pytest.raises(Conflict) as e:
        services.booking_self_book(actor=me, slot=offers["info"])
    assert e.value.rule == "R-DL-18" and e.value.code == "only_deadline_conversation"
    booking = services.booking_self_book(actor=me, slot=offers["job"])
    deadline.refresh_from_db()
    assert deadline.status == "fulfilled" and deadline.fulfilled_by == booking
    # Rebooking and cancelling follow (the deadline is fulfilled, still open).
    services.booking_rebook(actor=me, booking=booking, slot=offers["job_later"])
    services.booking_cancel(actor=me, booking=booking, reason="borger_sygdom")
    deadline.refresh_from_db()
    assert deadline.status == "active"


def test_r_dl_18_free_booking_groups_still_book_everything(citizen, offers):
    """Contact group 6 books freely (§ 3.6), deadline or not."""
    assert {s.pk for s in bookable_slots(citizen, now=clock.now())} == {s.pk for s in offers.values()}


def test_r_dl_18_absence_56_takes_self_booking_away(kontanthjaelp, offers, make_deadline, actor_a):
    from datetime import date

    from samtale.citizens.services import absence_register

    make_deadline(kontanthjaelp, 7, date(2026, 3, 20))
    absence_register(actor=actor_a, citizen=kontanthjaelp, absence_type=56, start_date=date(2026, 3, 2))
    block = self_booking_block(kontanthjaelp, clock.today())
    assert block.rule == "R-DL-16"
    assert not Deadline.objects.filter(citizen=kontanthjaelp, status="active").exists()


def test_r_dl_18_through_the_api(kontanthjaelp, offers, make_deadline, api_as):
    from datetime import date

    me_api = api_as("citizen", citizen_public_id=kontanthjaelp.public_id)
    r = me_api.get("/me/bookable-slots")
    assert r.status_code == 200 and r.json()["slots"] == []
    r = me_api.post("/me/bookings", {"slot": str(offers["job"].public_id)})
    assert r.status_code == 409 and r.json()["rule"] == "R-DL-18"
    make_deadline(kontanthjaelp, 7, date(2026, 3, 20))
    ids = {s["id"] for s in me_api.get("/me/bookable-slots").json()["slots"]}
    assert ids == {str(offers["job"].public_id), str(offers["job_later"].public_id)}
    r = me_api.post("/me/bookings", {"slot": str(offers["info"].public_id)})
    assert r.status_code == 409 and r.json()["code"] == "only_deadline_conversation"
    r = me_api.post("/me/bookings", {"slot": str(offers["job"].public_id)})
    assert r.status_code == 201, r.content
    notice = me_api.get("/me/notice")
    assert notice.status_code in (200, 204)
