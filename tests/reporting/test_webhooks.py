"""Webhooks (API.md § Webhooks): an admin registers receivers; the worker pushes the feed's own
events to them in position order, signed, with the a-kasse filter of R-RP-3 and the kinds asked
for; failures back off, a receiver failing too long is paused (log + admin), resume replays from the
acknowledged position. A real local HTTP receiver (tests/reporting/receiver.py) checks signatures.
The crash and concurrency proof is tests/concurrency/test_webhook_delivery.py."""

import logging
from datetime import timedelta

import pytest
import time_machine

from samtale.core import clock
from samtale.core.audit import AuditRecord
from samtale.reporting import webhooks
from samtale.reporting.models import WebhookAttempt, WebhookSubscriber
from samtale.reporting.services import report

pytestmark = pytest.mark.django_db
SECRET = "hemmelig-noegle-til-test"


def subscribe(admin_api, receiver, path, feed="dfdg", **extra):
    receiver.secrets[path] = SECRET
    r = admin_api.post("/webhooks", {"url": receiver.url(path), "feed": feed, "secret": SECRET, **extra})
    assert r.status_code == 201, r.content
    return r.json()


def run_worker(rounds=5):
    done = 0
    for _ in range(rounds):
        done += webhooks.deliver_due(worker_id="test")
    return done


def test_pushes_the_feeds_own_events_signed_in_position_order(admin_api, api_as, receiver, make_citizen):
    hook = subscribe(admin_api, receiver, "/dfdg")
    assert hook["secret"] == SECRET and hook["status"] == "active" and hook["position"] == 0
    citizens = [make_citizen() for _ in range(3)]
    report("booking.created", citizen=citizens[0], payload={"booking_number": "B1"})
    assert run_worker() == 4
    feed = api_as("dfdg").get("/feeds/dfdg").json()["events"]
    assert receiver.events("/dfdg") == feed  # same id, position, kind, time, citizen, payload
    assert [e["position"] for e in feed] == [1, 2, 3, 4]
    assert receiver.bad_signatures == 0
    batch = receiver.batches["/dfdg"][0]
    assert batch["id"] == f"{hook['id']}:1-4"
    # acknowledged: nothing is sent again; new events follow
    assert run_worker() == 0
    report("citizen.changed", citizen=citizens[1], payload={})
    run_worker()
    assert [e["position"] for e in receiver.events("/dfdg")] == [1, 2, 3, 4, 5]
    detail = admin_api.get(f"/webhooks/{hook['id']}").json()
    assert detail["position"] == 5 and detail["lag_events"] == 0 and detail["last_error"] == ""
    assert "secret" not in detail
    assert [d["ok"] for d in detail["recent_deliveries"]] == [True, True]
    # each push is a read of the feed, in the access log like a reader's
    assert AuditRecord.objects.filter(action="feed.read", actor__startswith="webhook").count() >= 2


def test_small_batches(admin_api, receiver, make_citizen, settings):
    settings.WEBHOOK_BATCH_SIZE = 2
    subscribe(admin_api, receiver, "/dfdg")
    for _ in range(5):
        make_citizen()
    run_worker(1)
    assert [len(b["events"]) for b in receiver.batches["/dfdg"]] == [2, 2, 1]


def test_akasse_receiver_gets_exactly_its_feed_and_kinds_filter(admin_api, receiver, make_citizen, akasse):
    subscribe(admin_api, receiver, "/3f", feed=f"akasse:{akasse.code}")
    subscribe(admin_api, receiver, "/kinds", kinds=["booking.created"])
    member = make_citizen(contact_group=1, akasse=akasse.code)
    other_group = make_citizen(contact_group=2, akasse=akasse.code)
    for c in (member, other_group):
        report("booking.created", citizen=c, payload={}, share_with_akasse=True)
        report("booking.cancelled", citizen=c, payload={}, share_with_akasse=True)
    run_worker()
    got = [(e["kind"], e["citizen"]) for e in receiver.events("/3f")]
    assert got == [("booking.created", str(member.public_id)), ("booking.cancelled", str(member.public_id))]
    assert [e["kind"] for e in receiver.events("/kinds")] == ["booking.created"] * 2
    # a filtered receiver's acknowledged position moves past what is not for it: no lag, no re-claims
    for hook in admin_api.get("/webhooks").json():
        assert hook["lag_events"] == 0
    assert WebhookSubscriber.objects.filter(position__lt=6).count() == 0


def test_failures_back_off_then_pause_and_resume_replays(admin_api, receiver, make_citizen, settings, caplog):
    settings.WEBHOOK_BACKOFF_SECONDS = 10
    settings.WEBHOOK_PAUSE_AFTER_SECONDS = 3600
    hook = subscribe(admin_api, receiver, "/dfdg")
    make_citizen()
    receiver.mode = "fail"
    start = clock.now()
    waits = []
    s = WebhookSubscriber.objects.get()
    with time_machine.travel(start, tick=False) as traveller:
        for n in range(6):
            if n:
                traveller.move_to(s.next_attempt_at)
            run_worker(1)
            s = WebhookSubscriber.objects.get()
            waits.append((s.next_attempt_at - clock.now()).total_seconds())
        s = WebhookSubscriber.objects.get()
        assert s.status == "active" and s.attempts == 6 and "HTTP 503" in s.last_error
        # exponential with jitter in the upper half: 5–10, 10–20, 20–40 … seconds
        for n, wait in enumerate(waits):
            assert 10 * 2**n / 2 <= wait <= 10 * 2**n
        assert run_worker(1) == 0  # not due before its time
        detail = admin_api.get(f"/webhooks/{hook['id']}").json()
        assert detail["lag_events"] == 1 and detail["lag_seconds"] > 0 and detail["failing_since"]
        # failing longer than WEBHOOK_PAUSE_AFTER_SECONDS: paused, the admin is told
        traveller.move_to(start + timedelta(hours=2))
        with caplog.at_level(logging.ERROR, logger="samtale.reporting.webhooks"):
            run_worker(1)
        s = WebhookSubscriber.objects.get()
        assert s.status == "paused" and "HTTP 503" in s.paused_reason
        assert any("sat på pause" in r.getMessage() for r in caplog.records if r.levelno == logging.ERROR)
        receiver.mode = "ok"
        traveller.move_to(start + timedelta(days=1))
        assert run_worker() == 0  # paused: nothing goes out
        make_citizen()
        r = admin_api.post(f"/webhooks/{hook['id']}/resume")
        assert r.status_code == 200 and r.json()["status"] == "active"
        assert run_worker() == 2
    assert [e["position"] for e in receiver.events("/dfdg")] == [1, 2]
    assert WebhookAttempt.objects.filter(ok=False).count() == 7


def test_the_admin_manages_receivers(admin_api, api_a, receiver, akasse):
    assert api_a.post("/webhooks", {"url": receiver.url("/x")}).status_code == 403
    for body, field in (
        ({"url": "ftp://example.dk/x"}, "url"),
        ({"url": receiver.url("/x"), "feed": "akasse:UKENDT"}, "feed"),
        ({"url": receiver.url("/x"), "secret": "kort"}, "secret"),
    ):
        r = admin_api.post("/webhooks", body)
        assert r.status_code == 422 and r.json()["field"] == field, r.content
    made = admin_api.post("/webhooks", {"url": receiver.url("/x")}).json()
    assert made["secret"].startswith("whsec_") and made["feed"] == "dfdg"
    assert admin_api.post(f"/webhooks/{made['id']}/pause").json()["status"] == "paused"
    assert [h["status"] for h in admin_api.get("/webhooks").json()] == ["paused"]
    assert admin_api._call("delete", f"/webhooks/{made['id']}").status_code == 204
    assert admin_api.get(f"/webhooks/{made['id']}").status_code == 404


def test_admin_page_shows_status_lag_and_tells_about_paused(
    client, django_user_model, receiver, make_citizen
):
    user = django_user_model.objects.create_superuser("drift", "drift@example.dk", "en-lang-adgangskode")
    client.force_login(user)
    r = client.post(
        "/admin/reporting/webhooksubscriber/add/",
        {
            "url": receiver.url("/a"),
            "secret": SECRET,
            "akasse": "",
            "kinds": "[]",
            "delivery_log-TOTAL_FORMS": "0",
            "delivery_log-INITIAL_FORMS": "0",
        },
    )
    assert r.status_code == 302, [line for line in r.content.decode().splitlines() if "error" in line]
    make_citizen()
    WebhookSubscriber.objects.update(status="paused", paused_reason="Fejlet siden i går")
    hook = WebhookSubscriber.objects.get()
    assert hook.secret == SECRET
    assert SECRET not in client.get(f"/admin/reporting/webhooksubscriber/{hook.pk}/change/").content.decode()
    page = client.get("/admin/reporting/webhooksubscriber/").content.decode()
    assert "sat på pause og får intet leveret" in page, page
    assert "1 hændelser" in page


def test_the_daily_batch_prunes_the_delivery_log(admin_api, receiver, make_citizen, settings):
    from samtale.deadlines import jobs

    settings.WEBHOOK_LOG_DAYS = 30
    subscribe(admin_api, receiver, "/dfdg")
    make_citizen()
    run_worker()
    assert WebhookAttempt.objects.count() == 1
    assert webhooks.attempts_purge in jobs.DAILY_STEPS
    with time_machine.travel(clock.now() + timedelta(days=29), tick=False):
        assert webhooks.attempts_purge() == 0
    with time_machine.travel(clock.now() + timedelta(days=31), tick=False):
        jobs.daily()
    assert WebhookAttempt.objects.count() == 0


def test_a_booking_made_on_the_portal_is_pushed_signed(
    admin_api, receiver, make_citizen, jc_a, cw_a, settings
):
    """The issue's "done when": a receiver gets the booking a citizen makes on the portal (Min side)."""
    from samtale.bookings.models import Booking
    from tests.portal.conftest import login_client
    from tests.portal.test_pages import book_first
    from tests.portal.world import NOW, make_world

    settings.DEV_LOGIN = True
    with time_machine.travel(NOW, tick=False):
        world = make_world(make_citizen, jc_a, cw_a)
        subscribe(admin_api, receiver, "/dfdg")
        assert book_first(login_client(world.citizen), world).status_code == 302
        run_worker()
    booking = Booking.objects.get(citizen=world.citizen)
    created = [e for e in receiver.events("/dfdg") if e["kind"] == "booking.created"]
    assert [e["payload"]["booking_number"] for e in created] == [booking.booking_number]
    assert created[0]["citizen"] == str(world.citizen.public_id) and receiver.bad_signatures == 0
