from datetime import date, timedelta

import pytest
import time_machine

from samtale.citizens import selectors, services
from samtale.citizens.models import Citizen
from samtale.core import clock
from samtale.core.actors import Actor
from samtale.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from samtale.core.models import AuditRecord
from samtale.reporting.models import ReportEvent
from tests.conftest import make_cpr

pytestmark = pytest.mark.django_db


def test_create_writes_history_audit_and_event(actor_a, jc_a):
    citizen, created = services.citizen_upsert(
        actor=actor_a,
        cpr=make_cpr(),
        name="Ida Andersen",
        contact_group=2,
        jobcenter=jc_a.code,
        phone="21 30 40 50",
    )
    assert created
    assert citizen.phone == "+4521304050"
    assert selectors.contact_group_on(citizen, clock.today()).code == 2
    assert selectors.jobcenter_on(citizen, clock.today()) == jc_a
    assert ReportEvent.objects.filter(kind="citizen.created", citizen=citizen).count() == 1
    assert AuditRecord.objects.filter(action="citizen.create", citizen=citizen, actor="kbh-ah").exists()


def test_upsert_by_cpr_updates_instead_of_duplicating(actor_a, jc_a):
    cpr = make_cpr()
    first, _ = services.citizen_upsert(actor=actor_a, cpr=cpr, name="A", contact_group=2, jobcenter=jc_a.code)
    again, created = services.citizen_upsert(
        actor=actor_a, cpr=cpr, name="B", contact_group=6, jobcenter=jc_a.code
    )
    assert not created and again.pk == first.pk and again.name == "B"
    assert Citizen.objects.count() == 1
    assert ReportEvent.objects.filter(kind="citizen.contact_group_changed").count() == 1


def test_contact_group_history_keeps_old_periods(make_citizen, actor_a):
    with time_machine.travel(date(2026, 1, 5)):
        citizen = make_citizen(contact_group=2)
    with time_machine.travel(date(2026, 3, 1)):
        services.citizen_change_contact_group(actor=actor_a, citizen=citizen, contact_group=6)
        assert selectors.contact_group_on(citizen, date(2026, 2, 1)).code == 2
        assert selectors.contact_group_on(citizen, date(2026, 3, 1)).code == 6
        event = ReportEvent.objects.get(kind="citizen.contact_group_changed")
        assert event.payload == {"contact_group": 6, "previous": 2, "valid_from": "2026-03-01"}


def test_backdated_change_allowed_but_not_future(make_citizen, actor_a):
    citizen = make_citizen(contact_group=2)
    with pytest.raises(InvalidInput) as exc:
        services.citizen_change_contact_group(
            actor=actor_a, citizen=citizen, contact_group=6, valid_from=clock.today() + timedelta(days=1)
        )
    assert exc.value.code == "valid_from_in_future"


def test_unknown_contact_group_is_refused(actor_a, jc_a):
    with pytest.raises(InvalidInput) as exc:
        services.citizen_upsert(actor=actor_a, cpr=make_cpr(), name="X", contact_group=9, jobcenter=jc_a.code)
    assert exc.value.code == "unknown_contactgroup"
    assert Citizen.objects.count() == 0


def test_cpr_change_keeps_everything(make_citizen, actor_a):
    citizen = make_citizen()
    services.absence_register(actor=actor_a, citizen=citizen, absence_type=10, start_date=clock.today())
    new_cpr = make_cpr(date(1990, 6, 1))
    services.citizen_change_cpr(actor=actor_a, citizen=citizen, cpr=new_cpr)
    citizen.refresh_from_db()
    assert citizen.cpr == new_cpr
    assert citizen.absences.count() == 1 and citizen.contact_group_periods.count() == 1
    assert ReportEvent.objects.filter(citizen=citizen).count() == 3  # created, absence, cpr change


def test_cpr_change_to_a_taken_number_conflicts(make_citizen, actor_a):
    one, two = make_citizen(), make_citizen()
    with pytest.raises(Conflict):
        services.citizen_change_cpr(actor=actor_a, citizen=two, cpr=one.cpr)


def test_absence_cannot_end_before_it_starts(make_citizen, actor_a):
    citizen = make_citizen()
    with pytest.raises(InvalidInput) as exc:
        services.absence_register(
            actor=actor_a,
            citizen=citizen,
            absence_type=10,
            start_date=date(2026, 7, 10),
            end_date=date(2026, 7, 1),
        )
    assert exc.value.code == "absence_end_before_start"


def test_citizen_may_register_holiday_but_not_exemption(make_citizen):
    citizen = make_citizen()
    me = Actor.for_citizen(citizen)
    services.absence_register(actor=me, citizen=citizen, absence_type=10, start_date=clock.today())
    with pytest.raises(InvalidInput):
        services.absence_register(actor=me, citizen=citizen, absence_type=56, start_date=clock.today())


def test_caseworker_cannot_change_citizen_of_other_jobcenter(make_citizen, actor_b):
    citizen = make_citizen()
    with pytest.raises(NotFound):
        services.citizen_change_contact_group(actor=actor_b, citizen=citizen, contact_group=6)
    with pytest.raises(NotFound):
        services.absence_register(actor=actor_b, citizen=citizen, absence_type=10, start_date=clock.today())


def test_caseworker_cannot_register_into_foreign_jobcenter(actor_a, jc_b):
    with pytest.raises(Forbidden):
        services.citizen_upsert(actor=actor_a, cpr=make_cpr(), name="X", contact_group=2, jobcenter=jc_b.code)


def test_move_to_new_municipality_changes_scope(make_citizen, actor_a, actor_b, jc_b):
    citizen = make_citizen()
    with pytest.raises(services.CitizenInOtherJobcenter):
        services.citizen_upsert(
            actor=actor_b, cpr=citizen.cpr, name=citizen.name, contact_group=2, jobcenter=jc_b.code
        )
    services.citizen_move_jobcenter(actor=Actor.system("flytning"), citizen=citizen, jobcenter=jc_b.code)
    assert selectors.citizen_get(actor_b, citizen.public_id) == citizen
    with pytest.raises(NotFound):
        selectors.citizen_get(actor_a, citizen.public_id)
    assert ReportEvent.objects.filter(kind="citizen.jobcenter_changed", citizen=citizen).count() == 1


def test_sms_reminders_need_a_phone(actor_a, jc_a):
    with pytest.raises(InvalidInput) as exc:
        services.citizen_upsert(
            actor=actor_a, cpr=make_cpr(), name="X", contact_group=2, jobcenter=jc_a.code, sms_reminders=True
        )
    assert exc.value.code == "sms_without_phone"


def test_early_follow_up_marker_is_reported(make_citizen, actor_a):
    """R-PC-10: a request for early follow-up is the person group marker "Tidlig opfølgning - fast track"
    (spelled as seed 003, BEK 442 § 20 stk. 4, spells it)."""
    citizen = make_citizen()
    marker = services.marker_register(actor=actor_a, citizen=citizen, marker="tidlig_opfoelgning")
    assert marker.marker_type.label == "Tidlig opfølgning - fast track"
    assert (
        ReportEvent.objects.get(kind="marker.registered").payload["label"] == "Tidlig opfølgning - fast track"
    )
    # Registering it again while in force is a no-op, not a second event.
    services.marker_register(actor=actor_a, citizen=citizen, marker="tidlig_opfoelgning")
    assert ReportEvent.objects.filter(kind="marker.registered").count() == 1


def test_reads_by_caseworker_are_audited(make_citizen, actor_a):
    citizen = make_citizen()
    selectors.citizen_get(actor_a, citizen.public_id, purpose="samtale")
    selectors.citizen_find_by_cpr(actor_a, citizen.cpr)
    actions = list(
        AuditRecord.objects.filter(citizen=citizen, actor="kbh-ah").values_list("action", flat=True)
    )
    assert "citizen.read" in actions and "citizen.search" in actions


def test_citizen_own_reads_are_not_access_log_entries(make_citizen):
    citizen = make_citizen()
    selectors.citizen_get(Actor.for_citizen(citizen), citizen.public_id)
    assert not AuditRecord.objects.filter(action="citizen.read").exists()


def test_upsert_without_contact_details_keeps_the_stored_ones(actor_a, jc_a):
    cpr = make_cpr()
    services.citizen_upsert(
        actor=actor_a,
        cpr=cpr,
        name="A",
        contact_group=2,
        jobcenter=jc_a.code,
        phone="21304050",
        sms_reminders=True,
    )
    again, _ = services.citizen_upsert(actor=actor_a, cpr=cpr, name="A", contact_group=2, jobcenter=jc_a.code)
    assert again.phone == "+4521304050" and again.sms_reminders
