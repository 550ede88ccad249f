"""Issue 12, CI check 4 — bad input to every write endpoint gives 0 × 5xx. For every POST/PATCH/PUT/
DELETE operation of the API (OpenAPI document), as the roles that get past authorisation (operator,
caseworker of both jobcenters, citizen A), a good body is made from the request schema and then each
field in turn gets NUL bytes, a lone surrogate, an over-long string, extreme dates, huge numbers and a
10,000-item list; plus a body over the size limit. Every portal/workbench form (URL resolver; the
fields read from the page's own form) gets the same strings. Each request is rolled back."""

from __future__ import annotations

import json
import re

import pytest
import time_machine
from django.db import transaction
from django.test import Client

from tests.hardening import routes
from tests.hardening.world import NOW, make_world
from tests.portal.conftest import login_client
from tests.workbench.conftest import login_caseworker

STRINGS = ["nul\x00byte", "surrogat\ud800", "x" * 10_000]
DATES = ["9999-12-31", "0001-01-01", "2026-02-30"]
TIMES = ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00", "9999-12-31T22:00:00Z"]
NUMBERS = [2**63, -(2**63) - 1, 10**30]


def variants(body: dict):
    """(label, body) pairs: each top-level field replaced by each bad value of its kind."""
    for key, value in body.items():
        bad: list = []
        if isinstance(value, bool):
            bad = ["ja"]
        elif isinstance(value, int):
            bad = NUMBERS
        elif isinstance(value, list):
            bad = [[value[0] if value else "x"] * 10_000, STRINGS]
        elif isinstance(value, dict):
            bad = [{k: STRINGS[0] for k in value} or {"x": STRINGS[0]}]
        elif isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\dT.*", value):
            bad = TIMES + STRINGS
        elif isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", value):
            bad = DATES + STRINGS
        else:
            bad = STRINGS
        for b in bad:
            yield f"{key}={str(b)[:20]!r}", {**body, key: b}


@pytest.fixture
def world(db, settings):
    settings.DEV_LOGIN = True
    with time_machine.travel(NOW, tick=False):
        yield make_world()


def call(client, method, path, data, **extra):
    with transaction.atomic():
        r = getattr(client, method.lower())(path, **({"data": data} if data is not None else {}), **extra)
        transaction.set_rollback(True)
    return r


def test_bad_input_to_every_write_endpoint_gives_no_5xx(world, capsys):
    client = Client()
    failures, sent, operations = [], 0, 0
    tokens = {
        "admin": world.admin_token,
        "cw_ab": world.tokens["cw_ab"],
        "citizen_a": world.tokens["citizen_a"],
    }
    cw = world.caseworkers["cw_a"].ident
    huge = json.dumps({"x": "y" * (2 * 1024 * 1024)})
    for route in routes.api_routes():
        if route.method == "GET":
            continue
        operations += 1
        path = routes.fill(route, world.a)
        good = json.loads(routes.body_for(route, routes.good_values(world.a, "101", cw)) or "{}")
        role = "citizen_a" if route.template.startswith("/api/v1/me") else None
        for who in [role] if role else ["admin", "cw_ab"]:
            auth = {"HTTP_AUTHORIZATION": f"Bearer {tokens[who]}"}
            cases = [*variants(good), ("huge body", huge), ("not json", "{ikke json")]
            for label, body in cases:
                data = body if isinstance(body, str) else json.dumps(body)
                r = call(client, route.method, path, data, content_type="application/json", **auth)
                sent += 1
                if r.status_code >= 500:
                    failures.append(f"{route} as {who} with {label}: {r.status_code}")

    sessions = {
        "portal": login_client(world.a.citizen),
        "workbench": login_caseworker(world.caseworkers["cw_ab"]),
    }
    for s in sessions.values():
        s.handler.enforce_csrf_checks = False
    for route in routes.page_routes():
        if route.method != "POST":
            continue
        session = sessions[route.template.split(":")[0]]
        path = routes.fill(route, world.a)
        page = call(session, "GET", path, None)
        names = set(
            re.findall(
                r'<(?:input|select|textarea)[^>]*\sname="([^"]+)"', page.content.decode(errors="replace")
            )
        )
        names.discard("csrfmiddlewaretoken")
        if not names:
            continue
        operations += 1
        for name in sorted(names):
            # A browser cannot send a lone surrogate in a UTF-8 form, so the form gets the others.
            for value in [STRINGS[0], STRINGS[2], *DATES, "9999-12", str(2**63)]:
                r = call(session, "POST", path, {name: value})
                sent += 1
                if r.status_code >= 500:
                    failures.append(f"{route} with {name}={value[:20]!r}: {r.status_code}")
    with capsys.disabled():
        print(f"\nbad input: {operations} write operations/forms, {sent} bad requests, {len(failures)} × 5xx")
    assert not failures, "\n".join(failures[:50])
