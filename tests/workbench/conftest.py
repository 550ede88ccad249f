import pytest
from django.test import Client


def login_caseworker(caseworker) -> Client:
    """A test client signed in as the caseworker through the development login (the identity
    interface's sign_in_caseworker), with CSRF checks on as in a browser."""
    client = Client(enforce_csrf_checks=True)
    assert client.get("/login/").status_code == 200
    r = client.post(
        "/login/", {"caseworker": caseworker.ident, "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    )
    assert r.status_code == 302, r.status_code
    return client


def post(client: Client, path: str, data: dict | None = None, **kw):
    """POST with the CSRF token the browser would send."""
    token = client.cookies["csrftoken"].value
    return client.post(path, {**(data or {}), "csrfmiddlewaretoken": token}, **kw)


@pytest.fixture(autouse=True)
def dev_login(settings):
    settings.DEV_LOGIN = True


@pytest.fixture
def wb_a(cw_a):
    return login_caseworker(cw_a)


@pytest.fixture
def wb_b(cw_b):
    return login_caseworker(cw_b)


@pytest.fixture
def frozen():
    """wbwrite: the portal tests' clock (tests/portal/world.py NOW, Monday 26 June 2017 09.00)."""
    import time_machine

    from tests.portal.world import NOW

    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller
