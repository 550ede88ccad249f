"""Every error the API answers is RFC 9457 application/problem+json with a Danish `detail`, a
stable `code` and the SPEC.md `rule` where one applies. Nothing a client sends gives a 500."""

import json
import logging

from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from samtale.core.errors import DomainError

log = logging.getLogger("samtale.api")

PROBLEM = "application/problem+json"

_FIELD_MESSAGES = {
    "missing": "skal udfyldes",
    "json_invalid": "er ikke gyldig JSON",
    "date_from_datetime_parsing": "skal være en dato (ÅÅÅÅ-MM-DD)",
    "date_parsing": "skal være en dato (ÅÅÅÅ-MM-DD)",
    "date_from_datetime_inexact": "skal være en dato (ÅÅÅÅ-MM-DD)",
    "datetime_parsing": "skal være et tidspunkt (ISO 8601 med tidszone)",
    "datetime_from_date_parsing": "skal være et tidspunkt (ISO 8601 med tidszone)",
    "timezone_aware": "skal have en tidszone",
    "int_parsing": "skal være et heltal",
    "int_type": "skal være et heltal",
    "bool_parsing": "skal være sand eller falsk",
    "bool_type": "skal være sand eller falsk",
    "string_type": "skal være tekst",
    "uuid_parsing": "skal være et UUID",
    "uuid_type": "skal være et UUID",
    "list_type": "skal være en liste",
    "model_attributes_type": "skal være et objekt",
    "dict_type": "skal være et objekt",
    "extra_forbidden": "er ukendt",
    "greater_than_equal": "er for lille",
    "less_than_equal": "er for stor",
    "greater_than": "er for lille",
    "string_too_long": "er for lang",
    "string_too_short": "er for kort",
    "too_long": "har for mange elementer",
}

# Our own pydantic error types (samtale.core.validation …) carry a Danish message without the input.
_OWN_TYPES = {"date_out_of_range", "text_not_allowed"}


def problem(
    status: int, *, code: str, title: str, detail: str, rule: str | None = None, **extra
) -> HttpResponse:
    body = {
        "type": f"https://samtale.dk/problemer/{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        "rule": rule,
        **extra,
    }
    return HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM)


def _describe_validation(errors: list[dict]) -> tuple[str, list[dict]]:
    """Danish text per field; the input values are left out (they may hold a CPR)."""
    fields = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "payload", "query", "path")]
        name = ".".join(loc) or "forespørgslen"
        kind = err.get("type", "")
        text = err.get("msg", "") if kind in _OWN_TYPES else _FIELD_MESSAGES.get(kind, "er ugyldig")
        fields.append({"field": name, "problem": text})
    text = "; ".join(f"{f['field']} {f['problem']}" for f in fields)
    return f"Ugyldige oplysninger: {text}.", fields


# Error answers every operation may give (API.md "Errors"), documented in the OpenAPI document so
# clients and schemathesis know them (issue 12, item 7). 401 only where a token is required.
DOCUMENTED_ERRORS = {
    "400": "Forespørgslen kunne ikke læses",
    "401": "Manglende eller ugyldig adgangsnøgle",
    "403": "Adgangsnøglen giver ikke adgang til dette",
    "404": "Findes ikke (eller uden for din rækkevidde)",
    "409": "Konflikt med den nuværende tilstand",
    "413": "Forespørgslen er for stor",
    "422": "Ugyldige oplysninger",
    "429": "For mange forsøg; prøv igen efter Retry-After sekunder",
}

PROBLEM_SCHEMA = {
    "title": "Problem",
    "type": "object",
    "description": "RFC 9457 problem details; `detail` på dansk.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "rule": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        "field": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
    "required": ["type", "title", "status", "detail", "code"],
}


def document_errors(schema: dict) -> dict:
    schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    ref = {"$ref": "#/components/schemas/Problem"}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, text in DOCUMENTED_ERRORS.items():
                if status == "401" and not operation.get("security"):
                    continue
                responses.setdefault(status, {"description": text, "content": {PROBLEM: {"schema": ref}}})
    return schema


def local_times(node):
    """Times of day (opening hours, a schedule's day start) are Danish wall-clock times without an
    offset ("08:00:00"); JSON Schema's "time" format demands one, so the document calls them
    "partial-time" (RFC 3339's name) and the responses match their schema."""
    if isinstance(node, dict):
        if node.get("format") == "time":
            node["format"] = "partial-time"
            node.setdefault("pattern", r"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$")
        for value in node.values():
            local_times(value)
    elif isinstance(node, list):
        for value in node:
            local_times(value)
    return node


def install(api: NinjaAPI) -> None:
    original_schema = api.get_openapi_schema

    def get_openapi_schema(*args, **kwargs):
        return local_times(document_errors(original_schema(*args, **kwargs)))

    api.get_openapi_schema = get_openapi_schema

    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError):
        extra = {"field": exc.field} if exc.field else {}
        response = problem(
            exc.status, code=exc.code, title=exc.title, detail=exc.message, rule=exc.rule, **extra
        )
        # A refusal by a rule (a full free time in a booking rush, a deadline passed) is an answer,
        # not a fault: keep it out of django.request's warnings, where it drowned real problems.
        response._has_been_logged = True
        if getattr(exc, "retry_after", None):  # 429 from samtale.core.throttle
            response["Retry-After"] = str(exc.retry_after)
        log.debug("%s %s refused: %s %s", request.method, request.path, exc.status, exc.code)
        return response

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError):
        detail, fields = _describe_validation(exc.errors)
        return problem(422, code="invalid_input", title="Ugyldige oplysninger", detail=detail, errors=fields)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError):
        return problem(
            401,
            code="unauthorized",
            title="Ikke logget ind",
            detail="Manglende eller ugyldig adgangsnøgle (Authorization: Bearer …).",
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError):
        detail = {
            400: "Forespørgslen kunne ikke læses (ugyldig JSON?).",
            405: "Metoden er ikke tilladt.",
        }.get(exc.status_code, "Fejl i forespørgslen.")
        return problem(exc.status_code, code="bad_request", title="Fejl i forespørgslen", detail=detail)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404):
        return problem(404, code="not_found", title="Ikke fundet", detail="Findes ikke.")

    @api.exception_handler(IntegrityError)
    def integrity_error(request: HttpRequest, exc: IntegrityError):
        # A database constraint caught what the services did not (e.g. a race). Never a 500.
        log.warning("integrity error on %s %s: %s", request.method, request.path, type(exc).__name__)
        return problem(
            409,
            code="constraint_violation",
            title="Konflikt",
            detail="Ændringen strider mod en anden registrering. Prøv igen.",
        )

    @api.exception_handler(OverflowError)
    def overflow(request: HttpRequest, exc: OverflowError):
        # A last net behind samtale.core.validation: date arithmetic past year 9999.
        return problem(
            422,
            code="date_out_of_range",
            title="Ugyldige oplysninger",
            detail="Ugyldige oplysninger: en dato ligger uden for det tilladte interval.",
        )

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, exc: Exception):
        log.exception("unexpected error on %s %s", request.method, request.path)
        return problem(
            500,
            code="internal_error",
            title="Intern fejl",
            detail="Der skete en uventet fejl. Den er logget; prøv igen senere.",
        )
