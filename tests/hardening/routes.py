"""Every route the system answers, found from the running configuration — the OpenAPI document for
the API, Django's URL resolver for the portal and the workbench — so a route another change adds is
checked without anyone editing these tests. Path parameters are filled by their names (the names
the helpers agreed on: citizen_id, booking_id, deadline_id, conversation_id, offer_id, slot_id, and
the API's own, e.g. held_id)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import timedelta

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from samtale.api.main import api
from tests.hardening.world import NOW, Side

PAGE_NAMESPACES = ("portal", "workbench")
PARAM = re.compile(r"{(\w+)}")


@dataclass(frozen=True)
class Route:
    kind: str  # "api" or "page"
    method: str
    template: str  # /api/v1/bookings/{booking_id} or portal:meeting
    params: tuple[str, ...]
    operation: dict | None = None

    def __str__(self) -> str:
        return f"{self.method} {self.template}"


def openapi() -> dict:
    return api.get_openapi_schema()


def api_routes() -> list[Route]:
    out = []
    for path, ops in openapi()["paths"].items():
        for method, op in ops.items():
            out.append(Route("api", method.upper(), path, tuple(PARAM.findall(path)), op))
    return out


def _walk(patterns, namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, p.namespace or namespace)
        elif isinstance(p, URLPattern) and namespace in PAGE_NAMESPACES and p.name:
            yield namespace, p


def page_routes() -> list[Route]:
    out = []
    for namespace, p in _walk(get_resolver().url_patterns):
        params = tuple(p.pattern.regex.groupindex)
        for method in ("GET", "POST"):
            out.append(Route("page", method, f"{namespace}:{p.name}", params))
    return out


class UnknownParameter(AssertionError):
    pass


def fill(route: Route, side: Side) -> str:
    missing = [p for p in route.params if p not in side.ids]
    if missing:
        raise UnknownParameter(
            f"{route}: unknown path parameter {missing}. Name it as agreed (citizen_id, booking_id, …) "
            "or add it to tests/hardening/world.py so the checks can fill it."
        )
    if route.kind == "api":
        return PARAM.sub(lambda m: side.ids[m.group(1)], route.template)
    return reverse(route.template, kwargs={p: side.ids[p] for p in route.params})


# Body synthesis -----------------------------------------------------------------------------------


def _resolve(schema: dict, doc: dict) -> dict:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = doc["components"]["schemas"][name]
    if "anyOf" in schema:
        options = [s for s in schema["anyOf"] if s.get("type") != "null"]
        schema = _resolve(options[0], doc) if options else {}
    if "allOf" in schema and len(schema["allOf"]) == 1:
        schema = _resolve(schema["allOf"][0], doc)
    return schema


def good_values(side: Side, jobcenter: str, caseworker: str) -> dict:
    day = NOW.date()
    return {
        "citizen": side.ids["citizen_id"],
        "slot": side.ids["slot_id"],
        "booking": side.ids["booking_id"],
        "conversation_type": 7,
        "contact_form": "telefonisk",
        "start": "2026-03-06T10:00:00+01:00",
        "end": "2026-03-06T10:30:00+01:00",
        "reason": "borger_sygdom",
        "deadline_date": (day + timedelta(days=25)).isoformat(),
        "held_at": "2026-02-03T10:00:00+01:00",
        "absence_type": 10,
        "start_date": (day + timedelta(days=50)).isoformat(),
        "jobcenter": jobcenter,
        "cpr": side.cpr,
        "name": side.name,
        "contact_group": 1,
        "capacity": 1,
        "caseworker": caseworker,
        "title": "Samtale",
        "location": "Jobcentret, telefonmøde",
        "description": "Vi ringer dig op og taler om din jobsøgning.",
        "contact_forms": ["telefonisk"],
        "contact_groups": [1],
        "marker": "tidlig_opfoelgning",
        "phone_to_call": "+4533333333",
        "code": "999",
        "ident": "ny-sb",
        "jobcenters": [jobcenter],
    }


def _example(schema: dict, doc: dict, name: str, values: dict):
    schema = _resolve(schema, doc)
    if name in values:
        return values[name]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {
            prop: _example(sub, doc, prop, values)
            for prop, sub in schema.get("properties", {}).items()
            if prop in schema.get("required", []) or prop in values
        }
    if kind == "array":
        return []
    if kind == "integer":
        return 1
    if kind == "number":
        return 1.0
    if kind == "boolean":
        return False
    if schema.get("format") == "date":
        return NOW.date().isoformat()
    if schema.get("format") == "date-time":
        return "2026-03-06T10:00:00+01:00"
    if schema.get("format") == "uuid":
        return "00000000-0000-0000-0000-000000000000"
    return "x"


def request_schema(route: Route) -> dict | None:
    body = (route.operation or {}).get("requestBody")
    if not body:
        return None
    content = body.get("content", {})
    media = content.get("application/json") or next(iter(content.values()), None)
    return media.get("schema") if media else None


def body_for(route: Route, values: dict) -> str | None:
    schema = request_schema(route)
    if schema is None:
        return None
    return json.dumps(_example(schema, openapi(), "", values))


def query_values(side: Side, jobcenter: str, caseworker: str) -> dict:
    day = NOW.date()
    return {
        "jobcenter": jobcenter,
        "caseworker": caseworker,
        "from": day.isoformat(),
        "to": (day + timedelta(days=6)).isoformat(),
        "date_from": day.isoformat(),
        "date_to": (day + timedelta(days=6)).isoformat(),
        "q": side.name.split()[0],
        "on": day.isoformat(),
        "since": "2026-01-01",
    }


def with_query(route: Route, path: str, values: dict) -> str:
    """The path with every documented query parameter we know a good value for."""
    from urllib.parse import urlencode

    names = [p["name"] for p in (route.operation or {}).get("parameters", []) if p.get("in") == "query"]
    query = {n: values[n] for n in names if n in values}
    return f"{path}?{urlencode(query)}" if query else path
