"""What no request may carry into the system, checked once for every route (issue 12, item 3), so
routes added later are covered without their own code:

- a body over `SAMTALE_MAX_BODY_BYTES` → 413;
- text with NUL bytes or lone UTF-16 surrogates (PostgreSQL cannot store either: a 500 otherwise),
  in a JSON body or a query string → 422 naming the field;
- JSON lists longer than `MAX_LIST_ITEMS` (a held conversation with 10,000 participants) → 422;
- under /api/: Django's and Ninja's bare 404/405 answers become problem+json.

The API answers problem+json, pages a short Danish page. Strings longer than their column are
refused by `samtale.core.modelguard` from the model's own max_length.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.shortcuts import render

MAX_LIST_ITEMS = 200
PROBLEM = "application/problem+json"


class Refused(Exception):
    def __init__(self, status: int, code: str, title: str, detail: str, field: str | None = None):
        super().__init__(detail)
        self.status, self.code, self.title, self.detail, self.field = status, code, title, detail, field


def bad_text(value: str) -> bool:
    if "\x00" in value:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate ("\ud800")
        return True
    return False


def _text_refused(field: str) -> Refused:
    return Refused(
        422,
        "text_not_allowed",
        "Ugyldige oplysninger",
        f"Ugyldige oplysninger: {field} indeholder tegn, der ikke kan gemmes (NUL eller ufuldstændige "
        "Unicode-tegn).",
        field,
    )


def check_json(value, path: str = "") -> None:
    """Walk a decoded JSON document; raise Refused at the first value no route may accept."""
    if isinstance(value, str):
        if bad_text(value):
            raise _text_refused(path or "forespørgslen")
    elif isinstance(value, dict):
        for key, item in value.items():
            if bad_text(key):
                raise _text_refused(path or "forespørgslen")
            check_json(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        if len(value) > MAX_LIST_ITEMS:
            raise Refused(
                422,
                "too_many_items",
                "Ugyldige oplysninger",
                f"Ugyldige oplysninger: {path or 'listen'} må højst have {MAX_LIST_ITEMS} elementer.",
                path,
            )
        for i, item in enumerate(value):
            check_json(item, f"{path}[{i}]")


def _check(request) -> None:
    limit = settings.SAMTALE_MAX_BODY_BYTES
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit:
        raise _too_big(limit)
    for key, values in request.GET.lists():
        if bad_text(key):
            raise _text_refused("forespørgslen")
        if any(bad_text(v) for v in values):
            raise _text_refused(key)
    content_type = request.META.get("CONTENT_TYPE", "")
    if request.method in ("POST", "PUT", "PATCH") and "json" in content_type:
        try:
            body = request.body
        except RequestDataTooBig:
            raise _too_big(limit) from None
        try:
            document = json.loads(body or b"null")
        except ValueError:
            return  # the route answers 400/422 for JSON it cannot read
        check_json(document)
    elif request.method in ("POST", "PUT", "PATCH"):
        try:
            for key, values in request.POST.lists():
                for value in values:
                    if bad_text(value):
                        raise _text_refused(key)
        except RequestDataTooBig:
            raise _too_big(limit) from None


def _too_big(limit: int) -> Refused:
    return Refused(
        413,
        "body_too_large",
        "For stor forespørgsel",
        f"Forespørgslen er for stor (højst {limit // 1024} kB).",
    )


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def _answer(request, refused: Refused):
    if is_api(request):
        from samtale.api.errors import problem

        extra = {"field": refused.field} if refused.field else {}
        return problem(refused.status, code=refused.code, title=refused.title, detail=refused.detail, **extra)
    return render(
        request,
        "core/request_refused.html",
        {"title": refused.title, "detail": refused.detail},
        status=refused.status,
    )


class InputGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            _check(request)
        except Refused as refused:
            return _answer(request, refused)
        response = self.get_response(request)
        if (
            is_api(request)
            and response.status_code in (404, 405)
            and not response.get("Content-Type", "").startswith(PROBLEM)
        ):
            return _api_problem(request, response)
        return response


def _api_problem(request, response):
    from samtale.api.errors import problem

    if response.status_code == 405:
        answer = problem(
            405, code="method_not_allowed", title="Metoden er ikke tilladt", detail="Metoden er ikke tilladt."
        )
        if response.has_header("Allow"):
            answer["Allow"] = response["Allow"]
        return answer
    return problem(404, code="not_found", title="Ikke fundet", detail="Findes ikke.")
