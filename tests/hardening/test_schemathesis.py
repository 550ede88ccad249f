"""Issue 12, CI check 1 — schemathesis over the whole OpenAPI document with an operator, a caseworker
and a citizen token: 0 × 5xx, 0 response-schema violations, every status code documented, every
content type as documented. A bounded number of generated cases per operation (SAMTALE_FUZZ_EXAMPLES,
default 8) keeps it to a few minutes in CI; raise it locally to dig deeper. Generation is derandomised
so a CI failure reproduces; each call is rolled back so the world stays the same."""

from __future__ import annotations

import os

import pytest
import schemathesis
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.hardening.world import NOW, make_world

EXAMPLES = int(os.environ.get("SAMTALE_FUZZ_EXAMPLES", 8))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def world(db):
    with time_machine.travel(NOW, tick=False):
        yield make_world()


@pytest.fixture(autouse=True)
def keep_test_connection():
    """Schemathesis calls the WSGI application directly, and the end of each request would close the
    test's database connection (persistent connections on PostgreSQL) in the middle of its
    transaction. Django's own test client disconnects the same handlers."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_schemathesis_over_the_whole_api(world, capsys):
    from samtale.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    tokens = {
        "admin": world.admin_token,
        "caseworker": world.tokens["cw_a"],
        "citizen": world.tokens["citizen_a"],
    }
    failures, operations, calls = [], 0, [0]

    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case):
            for token in tokens.values():
                headers = {"Authorization": f"Bearer {token}"}
                with transaction.atomic():
                    response = case.call(headers=headers)
                    transaction.set_rollback(True)
                calls[0] += 1
                case.validate_response(response, checks=CHECKS, headers=headers)

        try:
            run()
        except Exception as exc:  # collect every operation's failure, not just the first
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:1500]}")

    with capsys.disabled():
        print(
            f"\nschemathesis: {operations} operations × 3 roles, {calls[0]} calls, "
            f"{len(failures)} operation(s) failing"
        )
    assert not failures, "\n\n".join(failures)
