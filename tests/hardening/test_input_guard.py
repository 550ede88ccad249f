"""Issue 12, item 3: no client input gives a 500. NUL bytes and lone surrogates → 422, strings longer
than their column → 422 naming the maximum from the model, bodies over the limit → 413, unbounded
lists → 422, unknown API paths and wrong methods → problem+json, a Danish 500 page."""

import json

import pytest
from django.test import Client, override_settings

from samtale.citizens.models import Citizen
from samtale.core.errors import InvalidInput
from tests.conftest import make_cpr


def citizen_body(**kw):
    return {"cpr": make_cpr(), "name": "Bo Ek", "contact_group": 2, "jobcenter": "101", **kw}


def problem(r, status):
    assert r.status_code == status, r.content
    assert r["Content-Type"] == "application/problem+json"
    return r.json()


@pytest.mark.parametrize("bad", ["Bo\x00Ek", "Bo\ud800Ek"])
def test_nul_and_lone_surrogates_are_422(api_a, bad):
    body = json.dumps(citizen_body(name=bad))  # json.dumps escapes both as \\u0000 / \\ud800
    r = api_a.post("/citizens", body)
    out = problem(r, 422)
    assert out["code"] == "text_not_allowed" and out["field"] == "name"
    assert not Citizen.objects.exists()


def test_nul_in_query_string_is_422(api_a):
    problem(api_a.get("/calendar?caseworker=a%00b"), 422)


def test_over_long_string_names_the_model_maximum(api_a):
    out = problem(api_a.post("/citizens", citizen_body(name="x" * 201)), 422)
    max_length = Citizen._meta.get_field("name").max_length
    assert out["code"] == "text_too_long" and f"højst være {max_length} tegn" in out["detail"]
    assert not Citizen.objects.exists()


def test_model_guard_covers_every_write_path(jc_a):
    from samtale.organisations.services import jobcenter_upsert

    with pytest.raises(InvalidInput) as e:
        jobcenter_upsert(code="102", name="x" * 1000)
    assert e.value.field == "name"


@override_settings(SAMTALE_MAX_BODY_BYTES=1000)
def test_body_over_the_limit_is_413(api_a):
    out = problem(api_a.post("/citizens", citizen_body(name="x" * 2000)), 413)
    assert out["code"] == "body_too_large"


def test_huge_lists_are_refused(api_a, make_citizen):
    citizen = make_citizen()
    many = [{"name": f"P{i}", "role": "borger", "form": "fremmoede"} for i in range(10_000)]
    r = api_a.post(
        "/held-conversations",
        {"citizen": str(citizen.public_id), "held_at": "2026-01-05T10:00:00+01:00", "participants": many},
    )
    problem(r, 422)
    twenty_one = many[:21]
    r = api_a.post(
        "/held-conversations",
        {
            "citizen": str(citizen.public_id),
            "held_at": "2026-01-05T10:00:00+01:00",
            "participants": twenty_one,
        },
    )
    problem(r, 422)


def test_unknown_api_paths_and_wrong_methods_are_problem_json(api_a):
    assert problem(api_a.get("/findes-ikke"), 404)["code"] == "not_found"
    assert problem(api_a.get("/codes/findes/ikke/heller"), 404)["code"] == "not_found"
    out = problem(api_a._call("delete", "/codes"), 405)
    assert out["code"] == "method_not_allowed"


def test_pages_refuse_nul_in_a_form_in_danish(db):
    r = Client().post("/login/", {"caseworker": "a\x00b"})
    assert r.status_code == 422 and "ikke kan gemmes" in r.content.decode()


@override_settings(DEBUG=False)
def test_the_500_page_is_danish():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert 'lang="da"' in html and "Der skete en fejl" in html
