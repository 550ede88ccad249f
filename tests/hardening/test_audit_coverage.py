"""Issue 12, CI check 3 — every response that shows a citizen writes an access-log row for each
citizen shown (samtale.core.audit). For every GET route of the API (OpenAPI document) and of the
workbench (URL resolver), as the audited roles that reach both sides (a caseworker of both
jobcenters, the operator, DFDG, the a-kasser), the citizens the answer shows — by name, CPR or id —
must each have an audit row written by that request, stamped with the request's endpoint."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client

from samtale.core.models import AuditRecord
from tests.hardening import routes
from tests.hardening.world import NOW, make_world
from tests.workbench.conftest import login_caseworker

API_ROLES = ["cw_ab", "admin", "dfdg", "akasse_x", "akasse_y"]


@pytest.fixture
def world(db, settings):
    settings.DEV_LOGIN = True
    with time_machine.travel(NOW, tick=False):
        yield make_world()


def shown(world, text: str) -> set[int]:
    return {
        s.citizen.pk
        for s in (world.a, world.b)
        if any(secret in text for secret in (s.cpr, s.name, s.ids["citizen_id"]))
    }


def check(world, label, response, since: int, missing: list, covered: list, endpoint: str):
    if not 200 <= response.status_code < 300:
        return False
    citizens = shown(world, response.content.decode(errors="replace"))
    if not citizens:
        return False
    rows = AuditRecord.objects.filter(pk__gt=since)
    audited = {r.citizen_id for r in rows}
    if citizens - audited:
        missing.append(
            f"{label}: {len(citizens - audited)} of {len(citizens)} citizen(s) shown without audit row"
        )
    elif any(r.endpoint != endpoint for r in rows if r.citizen_id in citizens):
        missing.append(f"{label}: audit rows without the endpoint {endpoint}")
    else:
        covered.append(label)
    return True


def test_every_route_showing_citizens_audits_each_citizen(world, capsys):
    missing, covered, returning = [], [], set()
    client = Client()
    tokens = {**world.tokens, "admin": world.admin_token}
    for route in routes.api_routes():
        if route.method != "GET":
            continue
        for side_key in ["a", "b"] if route.params else ["a"]:
            side = world.side(side_key)
            bare = routes.fill(route, side)
            cw = world.caseworkers["cw_a" if side.key == "a" else "cw_b"].ident
            path = routes.with_query(
                route, bare, routes.query_values(side, "101" if side.key == "a" else "751", cw)
            )
            for role in API_ROLES:
                since = AuditRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
                r = client.get(path, HTTP_AUTHORIZATION=f"Bearer {tokens[role]}")
                if check(world, f"{route} as {role}", r, since, missing, covered, f"GET {bare}"):
                    returning.add(str(route))
    cw = login_caseworker(world.caseworkers["cw_ab"])
    for route in routes.page_routes():
        if route.method != "GET" or not route.template.startswith("workbench:"):
            continue
        for side_key in ["a", "b"] if route.params else ["a"]:
            path = routes.fill(route, world.side(side_key))
            since = AuditRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            r = cw.get(path)
            if check(world, f"{route} as cw_ab", r, since, missing, covered, f"GET {path}"):
                returning.add(str(route))
    audited_routes = {label.split(" as ")[0] for label in covered} - {m.split(" as ")[0] for m in missing}
    with capsys.disabled():
        print(
            f"\naudit coverage: {len(audited_routes)} / {len(returning)} routes returning citizen data "
            f"audit every citizen shown ({len(covered)} route×role checks passed, {len(missing)} failed)"
        )
    assert not missing, "\n".join(missing)
