"""Persistent connections on PostgreSQL (samtale.core.postgresql): a healthy connection is reused
from request to request without a `SELECT 1`, and one that the server ended (a restart, a killed
backend) is replaced before the next request uses it — no request fails because of it."""

import psycopg
import pytest
from django.db import close_old_connections, connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _between_requests() -> None:
    """What Django runs at the end of one request and the start of the next."""
    close_old_connections()


@pytest.fixture
def persistent(settings):
    connection.settings_dict["CONN_MAX_AGE"] = 600
    connection.settings_dict["CONN_HEALTH_CHECKS"] = True
    connection.close()
    yield
    connection.close()


def test_a_healthy_connection_is_reused_without_a_ping(persistent):
    pid = _backend_pid()
    _between_requests()
    assert connection.connection is not None
    assert not connection._needs_ping()
    assert _backend_pid() == pid


def test_a_connection_the_server_ended_is_replaced_before_the_next_request(persistent):
    pid = _backend_pid()
    _between_requests()
    params = connection.get_connection_params()
    with psycopg.connect(
        **{k: v for k, v in params.items() if k not in ("cursor_factory", "context")}
    ) as admin:
        # Waits (up to 5 s) until the backend is gone, so its FATAL message is on our socket.
        assert admin.execute("SELECT pg_terminate_backend(%s, 5000)", [pid]).fetchone()[0]
    assert connection._needs_ping()
    assert _backend_pid() != pid  # the next request's first statement works, on a new connection
