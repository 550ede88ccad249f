"""R-PC-5 through HTTP against the production server with two worker processes (`samtale run
--workers 2`, as operators run it): bookers racing in different processes for the last place get
exactly one booking; a joint meeting is never filled beyond its capacity."""

import http.client
import json
import os
import signal
import subprocess
import sys
import threading

import pytest
from django.db import connection

from samtale.bookings.models import Booking
from samtale.organisations.services import api_token_create
from tests.concurrency.test_booking_rush import make_offer, make_slot
from tests.core.test_run_server import children, free_port, get, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tokens(jc_a):
    """n citizens in contact group 6 (may self-book), a citizen token each."""
    from tests.concurrency.test_booking_rush import SYSTEM, citizen_upsert, make_cpr

    def make(n: int) -> list[str]:
        people = [
            citizen_upsert(
                actor=SYSTEM, cpr=make_cpr(), name=f"Borger {i}", contact_group=6, jobcenter=jc_a.code
            )[0]
            for i in range(n)
        ]
        return [api_token_create(role="citizen", citizen_public_id=c.public_id)[1] for c in people]

    return make


@pytest.fixture
def server(tmp_path):
    """`samtale run --workers 2` on a free port against the test database."""
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "samtale.settings"}
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "samtale.cli", "run", "--no-demo", "--no-worker", "--port", str(port)]
        + ["--workers", "2", "--threads", "4"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until(lambda: proc.poll() is not None or get(port, "/api/v1/openapi.json") == 200, 120, "server")
        assert proc.poll() is None, (tmp_path / "server.log").read_text()[-3000:]
        wait_until(lambda: len(children(proc.pid)) == 2, 30, "two worker processes")
        yield port
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            for pid in children(proc.pid):
                os.kill(pid, signal.SIGKILL)
            proc.kill()
            proc.wait()
        log.close()


def http_race(port: int, tokens: list[str], slot) -> list[tuple[int, dict]]:
    """Every token POSTs the slot at once (a barrier), each on its own connection."""
    barrier = threading.Barrier(len(tokens))
    answers, lock = [], threading.Lock()

    def book(token: str) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.connect()
        barrier.wait(60)
        conn.request(
            "POST",
            "/api/v1/me/bookings",
            body=json.dumps({"slot": str(slot.public_id)}),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        r = conn.getresponse()
        answer = (r.status, json.loads(r.read()))
        conn.close()
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=book, args=(t,)) for t in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join(180)
    assert len(answers) == len(tokens)
    return answers


def test_r_pc_5_bookers_in_two_server_processes_one_wins_the_last_place(jc_a, cw_a, tokens, server):
    tokens = tokens(16)
    offer = make_offer(jc_a, title="Jobsamtale", conversation_type=12, meeting_form="individual")
    for round_ in range(3):
        slot = make_slot(offer, cw_a, capacity=1, hour=round_)
        answers = http_race(server, tokens, slot)
        assert sorted(status for status, _ in answers) == [201] + [409] * 15, answers
        assert {(body["code"], body["rule"]) for status, body in answers if status == 409} == {
            ("slot_full", "R-PC-5")
        }
        slot.refresh_from_db()
        assert slot.booked == 1
        assert Booking.objects.filter(slot=slot, status="planned").count() == 1


def test_r_pc_5_joint_meeting_of_10_raced_by_24_over_two_processes_gets_10(jc_a, cw_a, tokens, server):
    tokens = tokens(24)
    slot = make_slot(make_offer(jc_a), cw_a, capacity=10)
    answers = http_race(server, tokens, slot)
    assert sorted(status for status, _ in answers) == [201] * 10 + [409] * 14
    slot.refresh_from_db()
    assert slot.booked == 10
    assert Booking.objects.filter(slot=slot, status="planned").count() == 10
