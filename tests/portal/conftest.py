import pytest
import time_machine
from django.test import Client

from tests.portal.world import NOW, make_world


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(frozen, make_citizen, jc_a, cw_a):
    return make_world(make_citizen, jc_a, cw_a)


def login_client(citizen) -> Client:
    """A test client signed in as the citizen through the development login (the identity
    interface's sign_in_citizen), with CSRF checks on as in a browser."""
    client = Client(enforce_csrf_checks=True)
    page = client.get("/login/")
    assert page.status_code == 200
    r = client.post(
        "/login/",
        {"citizen": str(citizen.public_id), "csrfmiddlewaretoken": client.cookies["csrftoken"].value},
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
def portal(world):
    return login_client(world.citizen)
