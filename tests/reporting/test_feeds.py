import pytest

from samtale.citizens import services
from samtale.core import clock
from samtale.reporting.models import ReportEvent
from samtale.reporting.services import report, stamp_positions

pytestmark = pytest.mark.django_db


def test_positions_are_given_in_order_and_only_once(make_citizen):
    for _ in range(3):
        make_citizen()
    assert stamp_positions() == 3
    assert stamp_positions() == 0
    assert list(ReportEvent.objects.order_by("id").values_list("position", flat=True)) == [1, 2, 3]


def test_dfdg_pages_through_everything(api_as, make_citizen):
    """R-RP-1, R-RP-2: every registration is an event; paging by position reads each exactly once."""
    for _ in range(5):
        make_citizen()
    dfdg = api_as("dfdg")
    seen, after = [], 0
    while True:
        page = dfdg.get(f"/feeds/dfdg?after={after}&limit=2").json()
        if not page["events"]:
            break
        seen += [e["position"] for e in page["events"]]
        after = page["next"]
    assert seen == [1, 2, 3, 4, 5]
    assert page["next"] == 5


def test_akasse_sees_only_its_contact_group_1_members_and_shared_kinds(api_as, make_citizen, akasse, actor_a):
    """R-RP-3 and R-PC-8: only members in contact group 1, only kinds the law names."""
    member = make_citizen(contact_group=1, akasse=akasse.code)
    other_group = make_citizen(contact_group=2, akasse=akasse.code)
    with_other_fund = make_citizen(contact_group=1)
    for c in (member, other_group, with_other_fund):
        report("booking.created", citizen=c, payload={}, share_with_akasse=True)
    report("citizen.note", citizen=member, payload={}, share_with_akasse=False)
    events = api_as("akasse", akasse_code=akasse.code).get("/feeds/akasse").json()["events"]
    assert [(e["kind"], e["citizen"]) for e in events] == [("booking.created", str(member.public_id))]
    # Once the member leaves contact group 1, new events no longer go to the a-kasse.
    services.citizen_change_contact_group(actor=actor_a, citizen=member, contact_group=2)
    report("booking.created", citizen=member, payload={}, share_with_akasse=True)
    assert len(api_as("akasse", akasse_code=akasse.code).get("/feeds/akasse").json()["events"]) == 1


def test_feed_needs_the_right_token(api_a, api_as):
    assert api_a.get("/feeds/dfdg").status_code == 403
    assert api_as("dfdg").get("/feeds/akasse").status_code == 403


def test_event_time_is_the_clock(make_citizen):
    citizen = make_citizen()
    assert ReportEvent.objects.get(citizen=citizen).occurred_at <= clock.now()
