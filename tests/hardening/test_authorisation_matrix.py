"""Issue 12, CI check 2 — the authorisation matrix. Every API operation (from the OpenAPI document)
and every portal/workbench URL (from the URL resolver) × citizen A, citizen B, caseworker of A, of B,
of both, DFDG, a-kasse X, a-kasse Y and no token, with path parameters filled with side A's and side
B's objects. Each request runs in a savepoint that is rolled back, so writes do not change the
world for the next request.

A 2xx is unexpected when
- the path names an object of a side outside the role's reach (caseworker of A on B's booking);
- the role may not use that family of routes at all (a citizen outside /me, DFDG outside its feed,
  a-kasse outside its feed, anyone without a token, a caseworker on another role's pages);
- or the answer shows a CPR, name or id of a side outside the role's reach.
The test prints the figures: pairs, 2xx, unexpected 2xx."""

from __future__ import annotations

import pytest
import time_machine
from django.db import transaction
from django.test import Client

from tests.hardening import routes
from tests.hardening.world import NOW, ROLES, make_world
from tests.portal.conftest import login_client
from tests.workbench.conftest import login_caseworker

PAGE_ROLES = ["citizen_a", "citizen_b", "cw_a", "cw_b", "cw_ab", "anonymous"]


def api_family_allowed(role: str, path: str) -> bool:
    rest = path.removeprefix("/api/v1")
    if rest == "/codes":
        return role != "anonymous"
    if role.startswith("citizen"):
        return rest == "/me" or rest.startswith("/me/")
    if role == "dfdg":
        return rest.startswith("/feeds/dfdg")
    if role.startswith("akasse"):
        return rest.startswith("/feeds/akasse")
    if role.startswith("cw"):
        return not (rest == "/me" or rest.startswith("/me/") or rest.startswith("/feeds/"))
    return False


def page_family_allowed(role: str, name: str) -> bool:
    if role.startswith("citizen"):
        return name.startswith("portal:")
    if role.startswith("cw"):
        return name.startswith("workbench:")
    return False


@pytest.fixture
def world(db, settings):
    settings.DEV_LOGIN = True
    with time_machine.travel(NOW, tick=False):
        yield make_world()


def _sides(route):
    return ["a", "b"] if route.params else [None]


def _leaks(world, role: str, text: str) -> list[str]:
    outside = [world.side(k) for k in ("a", "b") if k not in world.reach[role]]
    return [s.key for s in outside if any(secret in text for secret in s.secrets())]


def _judge(world, role, route, side, status, text, allowed_family) -> str | None:
    if not 200 <= status < 300:
        return None
    if not allowed_family:
        return "role may not use this route"
    if side is not None and side not in world.reach[role]:
        return f"object of side {side} outside reach"
    leaks = _leaks(world, role, text)
    if leaks:
        return f"shows data of side(s) {leaks}"
    return None


def _call(client: Client, method: str, path: str, body, headers: dict):
    kwargs = dict(headers)
    if isinstance(body, str):
        kwargs.update(data=body, content_type="application/json")
    elif body is not None:
        kwargs.update(data=body)  # a form post
    with transaction.atomic():
        response = getattr(client, method.lower())(path, **kwargs)
        transaction.set_rollback(True)
    return response


def test_authorisation_matrix(world, capsys):
    unexpected, pairs, ok = [], 0, 0

    def check(client, role, route, side_key, path, body, headers, allowed) -> None:
        nonlocal pairs, ok
        r = _call(client, route.method, path, body, headers)
        pairs += 1
        ok += 200 <= r.status_code < 300
        assert r.status_code < 500, f"{route} as {role}: {r.status_code}"
        why = _judge(world, role, route, side_key, r.status_code, r.content.decode(errors="replace"), allowed)
        if why:
            unexpected.append(f"{role} {route} [{side_key}] → {r.status_code}: {why}")

    client = Client()
    for route in routes.api_routes():
        queried = any(p.get("in") == "query" for p in route.operation.get("parameters", []))
        for side_key in ["a", "b"] if route.params or queried else ["a"]:
            side = world.side(side_key)
            cw = world.caseworkers["cw_a" if side.key == "a" else "cw_b"].ident
            code = "101" if side.key == "a" else "751"
            path = routes.with_query(route, routes.fill(route, side), routes.query_values(side, code, cw))
            side_key = side_key if route.params else None  # query-only routes: judged by what they show
            body = routes.body_for(route, routes.good_values(side, code, cw))
            for role in ROLES:
                token = world.tokens[role]
                headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
                allowed = api_family_allowed(role, route.template)
                check(client, role, route, side_key, path, body, headers, allowed)

    sessions = {"anonymous": Client()}
    sessions["citizen_a"] = login_client(world.a.citizen)
    sessions["citizen_b"] = login_client(world.b.citizen)
    for role in ("cw_a", "cw_b", "cw_ab"):
        sessions[role] = login_caseworker(world.caseworkers[role])
    for client in sessions.values():
        client.handler.enforce_csrf_checks = False
    page_routes = routes.page_routes()
    for route in page_routes:
        for side_key in _sides(route):
            path = routes.fill(route, world.side(side_key or "a"))
            body = {} if route.method == "POST" else None
            for role in PAGE_ROLES:
                allowed = page_family_allowed(role, route.template)
                check(sessions[role], role, route, side_key, path, body, {}, allowed)

    with capsys.disabled():
        print(
            f"\nauthorisation matrix: {len(routes.api_routes())} API operations + {len(page_routes)} page "
            f"routes, {pairs} pairs, {ok} × 2xx, {len(unexpected)} unexpected 2xx"
        )
    assert not unexpected, "\n".join(unexpected)
