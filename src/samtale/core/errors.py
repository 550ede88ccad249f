"""Domain errors: a stable machine code, the SPEC.md rule id where one applies, a Danish message for
citizens and caseworkers, and the HTTP status the API answers with. The API maps them to RFC 9457."""

from __future__ import annotations


class DomainError(Exception):
    status = 400
    default_code = "domain_error"

    def __init__(
        self, message: str, *, code: str | None = None, rule: str | None = None, field: str | None = None
    ):
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.rule = rule
        self.field = field

    def as_problem(self) -> dict:
        return {
            "type": f"https://samtale.dk/problemer/{self.code}",
            "title": self.title,
            "status": self.status,
            "detail": self.message,
            "code": self.code,
            "rule": self.rule,
            **({"field": self.field} if self.field else {}),
        }

    title = "Fejl"


class InvalidInput(DomainError):
    """The request itself is wrong (a bad CPR, an unknown code, end before start)."""

    status = 422
    default_code = "invalid_input"
    title = "Ugyldige oplysninger"


class Conflict(DomainError):
    """The request is well-formed but conflicts with the current state (slot full, rule violated)."""

    status = 409
    default_code = "conflict"
    title = "Konflikt"


class NotFound(DomainError):
    """Unknown, or outside the caller's reach: we never reveal which."""

    status = 404
    default_code = "not_found"
    title = "Ikke fundet"

    def __init__(self, message: str = "Findes ikke.", **kwargs):
        super().__init__(message, **kwargs)


class Forbidden(DomainError):
    status = 403
    default_code = "forbidden"
    title = "Ingen adgang"

    def __init__(self, message: str = "Du har ikke adgang til dette.", **kwargs):
        super().__init__(message, **kwargs)
