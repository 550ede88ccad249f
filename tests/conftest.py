import itertools
import logging
import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from stdnum.dk import cpr as stdnum_cpr

from samtale.core.actors import Actor
from samtale.organisations import services as org
from samtale.organisations.services import api_token_create

# The local identity providers (SAML IdP, OIDC provider) for tests/identity and tests/browser.
pytest_plugins = ["tests.identity.providers"]

CPR_LIKE = re.compile(r"(?<!\d)(\d{6})-?(\d{4})(?!\d)")
# Public ids are UUIDs; ten digits at the end of one are not a CPR number (a random uuid4 ends in ten
# digits that form a valid date of birth now and then, which made the guard flaky).
UUID_OR_HEX = re.compile(r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}")


def looks_like_cpr(text: str) -> list[str]:
    found = []
    for m in CPR_LIKE.finditer(UUID_OR_HEX.sub("<uuid>", text)):
        try:
            stdnum_cpr.get_birth_date(m.group(1) + m.group(2))
        except Exception:
            continue
        found.append(m.group(0))
    return found


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records: list[str] = []

    def emit(self, record):
        try:
            self.records.append(record.getMessage() + (self.format(record) if record.exc_info else ""))
        except Exception:  # a record that cannot format is itself worth failing on
            self.records.append(repr(record.msg))


@pytest.fixture(autouse=True)
def no_cpr_in_logs():
    """Personal data rule: no CPR number in any log line, in any test (ARCHITECTURE.md)."""
    handler = _Collect()
    handler.setFormatter(logging.Formatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield
    root.removeHandler(handler)
    root.setLevel(old_level)
    leaks = [line for line in handler.records if looks_like_cpr(line)]
    assert not leaks, f"CPR-like number in log output: {len(leaks)} line(s)"


@pytest.fixture(autouse=True)
def reference_data(request):
    """The code lists come from a data migration. A transactional test ends with a flush that empties
    every table, so the transactional tests after it would find no code lists: put them back
    (idempotent). Ordinary tests run inside a transaction and keep the migrated data."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    from samtale.codes import reference as codes
    from samtale.codes.models import ContactGroup
    from samtale.conversations import reference as conversations

    if not ContactGroup.objects.exists():
        codes.load(apps)
        conversations.load(apps)


@pytest.fixture
def spawned():
    """Subprocesses a test starts (`spawned.add(Popen(...))`): whatever is still running when the test
    ends — passed, failed or timed out — is killed, so no `samtale worker` outlives its test."""
    from tests.processes import Spawned

    procs = Spawned()
    yield procs
    procs.kill_all()


@pytest.fixture(autouse=True)
def no_demo_week(settings):
    """The demo's workbench week (300 citizens) takes a while: only tests/workbench/test_demo.py loads it."""
    settings.DEMO_WEEK = False


@pytest.fixture(autouse=True)
def token_cache_off(settings):
    """Tests revoke tokens behind the ORM's back too (`.update()`, as another process would) and expect
    the next request to see it: the per-process token cache is off unless a test turns it on
    (tests/bookings/test_token_cache.py pins what it keeps and for how long)."""
    from samtale.organisations import token_cache

    settings.SAMTALE_TOKEN_CACHE_SECONDS = 0
    token_cache.clear()


# With pytest-xdist's --dist loadgroup (scripts/test), tests of one group run one after the other in one
# worker: the browser tests share one chromium and live server, and the PostgreSQL tests that start
# processes and threads of their own (worker crashes, request rushes) never compete with each other.
BROWSER_GROUP = pytest.mark.xdist_group("browser")
CONCURRENCY_GROUP = pytest.mark.xdist_group("concurrency")


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(config, items):
    on_postgres = connection.vendor == "postgresql"
    skip = pytest.mark.skip(reason="needs PostgreSQL (DATABASE_URL=postgres://…)")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip)
        if "tests/browser/" in str(item.path).replace("\\", "/"):
            item.add_marker(BROWSER_GROUP)
        elif "postgres" in item.keywords:
            item.add_marker(CONCURRENCY_GROUP)


@pytest.fixture
def jc_a(db):
    return org.jobcenter_upsert(code="101", name="Jobcenter København")


@pytest.fixture
def jc_b(db):
    return org.jobcenter_upsert(code="751", name="Jobcenter Aarhus")


@pytest.fixture
def akasse(db):
    return org.akasse_upsert(code="3F", name="3F A-kasse")


@pytest.fixture
def cw_a(jc_a):
    return org.caseworker_upsert(ident="kbh-ah", name="Anne Holm", jobcenters=[jc_a.code])


@pytest.fixture
def cw_b(jc_b):
    return org.caseworker_upsert(ident="aar-sl", name="Sofie Larsen", jobcenters=[jc_b.code])


@pytest.fixture
def actor_a(cw_a):
    return Actor.for_caseworker(cw_a)


@pytest.fixture
def actor_b(cw_b):
    return Actor.for_caseworker(cw_b)


_serial = itertools.count()


def make_cpr(born: date = date(1985, 3, 14)) -> str:
    """A fresh, valid CPR number (valid date of birth; any serial is valid for a 1985 birth)."""
    n = next(_serial)
    born = born + timedelta(days=n // 10000)
    return f"{born:%d%m%y}{n % 10000:04d}"


@pytest.fixture
def make_citizen(db, jc_a):
    from samtale.citizens.services import citizen_upsert

    def make(contact_group: int = 2, jobcenter=None, **kwargs):
        citizen, _ = citizen_upsert(
            actor=Actor.system("test"),
            cpr=kwargs.pop("cpr", None) or make_cpr(),
            name=kwargs.pop("name", "Test Borger"),
            contact_group=contact_group,
            jobcenter=(jobcenter or jc_a).code,
            **kwargs,
        )
        return citizen

    return make


class ApiClient:
    """django.test.Client with a bearer token and JSON by default."""

    def __init__(self, token: str | None):
        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

    def _call(self, method, path, data=None, **extra):
        kwargs = {**self.headers, **extra}
        if data is not None:
            kwargs["data"] = data if isinstance(data, (str, bytes)) else __import__("json").dumps(data)
            kwargs["content_type"] = "application/json"
        return getattr(self.client, method)(f"/api/v1{path}", **kwargs)

    def get(self, path, **extra):
        return self._call("get", path, **extra)

    def post(self, path, data=None, **extra):
        return self._call("post", path, data if data is not None else {}, **extra)

    def patch(self, path, data=None, **extra):
        return self._call("patch", path, data or {}, **extra)


@pytest.fixture
def api_as(db):
    def make(role: str, **kwargs) -> ApiClient:
        _, token = api_token_create(role=role, **kwargs)
        return ApiClient(token)

    return make


@pytest.fixture
def admin_api(api_as):
    return api_as("admin")


@pytest.fixture
def api_a(api_as, cw_a):
    return api_as("caseworker", caseworker_ident=cw_a.ident)


@pytest.fixture
def api_b(api_as, cw_b):
    return api_as("caseworker", caseworker_ident=cw_b.ident)
