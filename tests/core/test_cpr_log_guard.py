"""The suite-wide guard that fails a test whose log output holds a CPR-like number (GUIDE: personal data)."""

from tests.conftest import looks_like_cpr


def test_guard_finds_a_cpr_number_in_a_log_line():
    assert looks_like_cpr("opslag på 140385-1234 fejlede") == ["140385-1234"]
    assert looks_like_cpr("cpr=1403851234") == ["1403851234"]


def test_guard_ignores_the_digits_at_the_end_of_a_public_id():
    # A uuid4 whose last ten characters are digits forming a valid date of birth (seen as a flaky failure).
    line = "Forbidden: /api/v1/citizens/3f2b9c1e-8d4a-4c7e-9b1a-a10105357174"
    assert looks_like_cpr(line) == []
