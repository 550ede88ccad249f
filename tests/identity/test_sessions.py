"""Issue 13 item 3: idle and absolute session timeouts by who signed in, a new session key at every
sign-in, the portal's "about to be signed out" notice, and the development login's gate."""

import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.test import Client

import samtale.identity
from samtale.core.identity import SESSION_LAST_SEEN

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def dev_login(settings):
    settings.DEV_LOGIN = True


def signed_in(**form) -> Client:
    client = Client()
    client.get("/login/")
    assert client.post("/login/", form).status_code == 302
    return client


def test_citizen_is_signed_out_after_30_idle_minutes(make_citizen):
    with time_machine.travel(T0, tick=False) as t:
        client = signed_in(citizen=str(make_citizen().public_id))
        t.shift(timedelta(minutes=29))
        assert client.get("/borger/").status_code == 200  # activity: the idle clock restarts
        t.shift(timedelta(minutes=29))
        assert client.get("/borger/").status_code == 200
        t.shift(timedelta(minutes=31))
        r = client.get("/borger/")
        assert r.status_code == 302 and r["Location"] == "/logget-ud/?grund=tid"
        page = client.get(r["Location"]).content.decode()
        assert "ikke havde brugt siden" in page
        assert client.get("/borger/")["Location"].startswith("/login/borger/")


def test_caseworker_idles_for_8_hours_and_an_htmx_request_is_told_where_to_go(cw_a):
    with time_machine.travel(T0, tick=False) as t:
        client = signed_in(caseworker=cw_a.ident)
        t.shift(timedelta(hours=7, minutes=50))
        assert client.get("/sagsbehandler/").status_code == 200
        t.shift(timedelta(hours=8, minutes=1))
        r = client.get("/sagsbehandler/", headers={"HX-Request": "true"})
        assert r.status_code == 204 and r["HX-Redirect"] == "/logget-ud/?grund=tid"


def _session_writes(client, path: str) -> int:
    """The statements a page view sends to the session table that change it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return sum(
        1
        for q in queries
        if "django_session" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
    )


def test_the_activity_stamp_is_written_at_most_once_a_minute(make_citizen):
    """Issue 15: a page view within the minute reads the session but does not save it."""
    with time_machine.travel(T0, tick=False) as t:
        client = signed_in(citizen=str(make_citizen().public_id))
        t.shift(timedelta(seconds=59))
        assert _session_writes(client, "/borger/") == 0
        assert client.session[SESSION_LAST_SEEN] == T0.timestamp()
        t.shift(timedelta(seconds=1))
        assert _session_writes(client, "/borger/") == 1
        assert client.session[SESSION_LAST_SEEN] == (T0 + timedelta(minutes=1)).timestamp()


def test_the_idle_time_counts_from_the_stamp_so_it_may_end_up_to_a_minute_early(make_citizen):
    """docs/operations.md: the idle timeout's precision is a minute, and it errs on the early side."""
    with time_machine.travel(T0, tick=False) as t:
        client = signed_in(citizen=str(make_citizen().public_id))
        t.shift(timedelta(seconds=50))
        assert client.get("/borger/").status_code == 200  # within the minute: the stamp stays at T0
        t.shift(timedelta(minutes=29, seconds=11))  # 30:01 after the stamp, 29:11 after that page view
        assert client.get("/borger/")["Location"] == "/logget-ud/?grund=tid"


def test_absolute_timeout_ends_even_an_active_session(settings, make_citizen):
    settings.SESSION_ABSOLUTE_SECONDS = {**settings.SESSION_ABSOLUTE_SECONDS, "citizen": 3600}
    with time_machine.travel(T0, tick=False) as t:
        client = signed_in(citizen=str(make_citizen().public_id))
        for minutes in (20, 20, 19):
            t.shift(timedelta(minutes=minutes))
            assert client.get("/borger/").status_code == 200
        t.shift(timedelta(minutes=2))
        assert client.get("/borger/")["Location"] == "/logget-ud/?grund=tid"


def test_sign_in_gives_a_new_session_key(make_citizen):
    client = Client()
    planted = client.session  # a session the visitor had before signing in (a fixation attempt)
    planted["x"] = 1
    planted.save()
    client.cookies["sessionid"] = planted.session_key
    client.post("/login/", {"citizen": str(make_citizen().public_id)})
    assert client.cookies["sessionid"].value not in ("", planted.session_key)
    assert client.get("/borger/").status_code == 200


def test_portal_shows_the_sign_out_notice_from_a_static_script(make_citizen):
    with time_machine.travel(T0, tick=False) as t:
        client = signed_in(citizen=str(make_citizen().public_id))
        t.shift(timedelta(minutes=10))
        page = client.get("/borger/").content.decode()
    notice = re.search(r'<div id="session-notice"[^>]*>', page).group(0)
    assert 'data-seconds-left="1800"' in notice and 'data-warn-seconds="120"' in notice
    assert "Du bliver snart logget ud" in page and "identity/session-notice.js" in page
    for template in (Path(samtale.identity.__file__).parent / "templates").rglob("*.html"):
        source = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", source), template
        assert not re.search(r"\son[a-z]+\s*=", source) and "style=" not in source, template


def test_renewing_the_session_answers_the_time_left(make_citizen):
    with time_machine.travel(T0, tick=False) as t:
        client = signed_in(citizen=str(make_citizen().public_id))
        t.shift(timedelta(minutes=29))
        assert client.post("/session/forny/").json() == {"seconds_left": 1800}
        t.shift(timedelta(seconds=10))  # the button restarts the idle time even within the minute
        assert client.post("/session/forny/").json() == {"seconds_left": 1800}
        assert client.session[SESSION_LAST_SEEN] == (T0 + timedelta(minutes=29, seconds=10)).timestamp()
    assert Client().post("/session/forny/").status_code == 401


def test_anonymous_visitor_is_sent_to_the_development_login_when_no_provider_is_set_up(client):
    r = client.get("/borger/")
    assert r["Location"] == "/login/borger/?next=/borger/"
    assert client.get(r["Location"])["Location"] == "/login/?next=%2Fborger%2F"
    assert client.get("/login/sagsbehandler/")["Location"] == "/login/?next=%2Fsagsbehandler%2F"


def test_without_any_sign_in_configured_the_visitor_gets_a_danish_page(client, settings):
    settings.DEV_LOGIN = False
    r = client.get("/login/borger/")
    assert r.status_code == 503 and "Log ind er ikke sat op" in r.content.decode()


def test_sign_out_ends_the_session(make_citizen):
    client = signed_in(citizen=str(make_citizen().public_id))
    r = client.post("/logout/")
    assert r["Location"] == "/logget-ud/"
    assert client.get("/borger/").status_code == 302


def _start(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SAMTALE_")}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='samtale.settings'; django.setup()",
        ],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_mode_refuses_to_start_with_the_development_login(tmp_path):
    refused = _start({"SAMTALE_PRODUCTION": "1", "SAMTALE_DEV_LOGIN": "1", "SAMTALE_DATA_DIR": str(tmp_path)})
    assert refused.returncode != 0 and "SAMTALE_DEV_LOGIN" in refused.stderr
    assert _start({"SAMTALE_DEV_LOGIN": "1", "SAMTALE_DATA_DIR": str(tmp_path)}).returncode == 0
