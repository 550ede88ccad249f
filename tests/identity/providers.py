"""Real identity providers for the sign-in tests, each started once per test session on 127.0.0.1
(a pytest plugin that tests/conftest.py loads, so the browser tests share them): an OpenID Connect
provider (django-oauth-toolkit, its own process: oidc_provider/) and a SAML IdP (pysaml2,
saml_idp.py), with generated keys. Tests act as the person's browser against the provider with
`requests`, and as the browser against Samtale with Django's test client."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from html import unescape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[2]
CALLBACK = "/login/oidc/callback/"
WEB_CLIENT = {"client_id": "samtale-web", "client_secret": "web-secret-for-tests"}
API_AUDIENCE = "samtale-api"
MACHINE_CLIENTS = {
    # client_id: the claims the provider puts in its access tokens (audience, role, organisation)
    "dfdg-maskine": {"aud": API_AUDIENCE, "samtale_role": "dfdg"},
    "akasse-maskine": {"aud": API_AUDIENCE, "samtale_role": "akasse", "samtale_organisation": "3F"},
    "anden-tjeneste": {"aud": "en-anden-tjeneste", "samtale_role": "dfdg"},
}
MACHINE_SECRET = "machine-secret-for-tests"
STAFF = [
    # username = the caseworker's ident (the default SAMTALE_OIDC_USER_CLAIM preferred_username)
    {"username": "kbh-ah", "password": "pw-kbh-ah", "name": "Anne Holm", "groups": ["jobcenter-101"]},
    {
        "username": "aar-sl",
        "password": "pw-aar-sl",
        "name": "Sofie Larsen",
        "groups": ["jobcenter-751", "samtale-admin", "alle-ansatte"],
    },
    {"username": "kbh-uden", "password": "pw-kbh-uden", "groups": ["alle-ansatte"]},
    {"username": "ukendt", "password": "pw-ukendt", "groups": ["jobcenter-101"]},
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rsa_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def wait_for(url: str, proc: subprocess.Popen, what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{what} did not answer at {url}")


@dataclass
class OidcProvider:
    port: int

    def url(self, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}"

    def issuer(self, host: str = "127.0.0.1") -> str:
        return f"{self.url(host)}/o"

    def client_credentials_token(self, client_id: str, host: str = "127.0.0.1") -> str:
        r = requests.post(
            f"{self.issuer(host)}/token/",
            data={"grant_type": "client_credentials"},
            auth=(client_id, MACHINE_SECRET),
            timeout=10,
        )
        r.raise_for_status()
        return r.json()["access_token"]


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    work = tmp_path_factory.mktemp("oidc-provider")
    (work / "key.pem").write_text(rsa_pem())
    callbacks = [f"http://{h}{CALLBACK}" for h in ("testserver", "127.0.0.1", "localhost")]
    signed_out = [f"http://{h}/logget-ud/" for h in ("testserver", "127.0.0.1", "localhost")]
    seed = {
        "users": STAFF,
        "clients": [
            {
                **WEB_CLIENT,
                "grant": "authorization-code",
                "redirect_uris": callbacks,
                "post_logout_redirect_uris": signed_out,
            },
            *(
                {"client_id": cid, "client_secret": MACHINE_SECRET, "grant": "client-credentials"}
                for cid in MACHINE_CLIENTS
            ),
        ],
    }
    (work / "seed.json").write_text(json.dumps(seed))
    port = free_port()
    env = {
        **os.environ,
        "OIDC_PROVIDER_DB": str(work / "provider.sqlite3"),
        "OIDC_PROVIDER_KEY": str(work / "key.pem"),
        "OIDC_PROVIDER_CLIENTS": json.dumps(MACHINE_CLIENTS),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    log = (work / "provider.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.identity.oidc_provider.serve", str(port), str(work / "seed.json")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        provider = OidcProvider(port)
        wait_for(f"{provider.issuer()}/.well-known/openid-configuration", proc, "the OIDC provider")
        yield provider
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


@pytest.fixture
def oidc_settings(settings, oidc_provider):
    """Samtale configured for the local provider, as docs/operations.md tells a municipality."""
    from samtale.identity import oidc

    settings.OIDC_ISSUER = oidc_provider.issuer()
    settings.OIDC_DISCOVERY_URL = f"{oidc_provider.issuer()}/.well-known/openid-configuration"
    settings.OIDC_CLIENT_ID = WEB_CLIENT["client_id"]
    settings.OIDC_CLIENT_SECRET = WEB_CLIENT["client_secret"]
    settings.OIDC_ENABLED = True
    settings.OIDC_API_ISSUER = settings.OIDC_ISSUER
    settings.OIDC_API_DISCOVERY_URL = settings.OIDC_DISCOVERY_URL
    settings.OIDC_API_AUDIENCE = API_AUDIENCE
    settings.OIDC_API_ENABLED = True
    oidc._client.cache_clear()
    yield settings
    oidc._client.cache_clear()


def _form_action_and_fields(html: str) -> tuple[str, dict]:
    action = re.search(r'<form[^>]*action="([^"]*)"', html)
    fields = dict(
        (unescape(m.group(1)), unescape(m.group(2)))
        for m in re.finditer(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html)
    )
    return (unescape(action.group(1)) if action else ""), fields


def provider_login(authorize_url: str, username: str, password: str, browser=None) -> str:
    """The person at the provider: follow the authorize URL to its login form, sign in, and return
    the URL the provider sends the browser back to (Samtale's callback with code and state)."""
    browser = browser if browser is not None else requests.Session()
    r = browser.get(authorize_url, allow_redirects=True, timeout=10)
    assert "Kommunens login" in r.text, r.text[:500]
    _, fields = _form_action_and_fields(r.text)
    r = browser.post(
        r.url,
        data={**fields, "username": username, "password": password},
        headers={"Referer": r.url},
        allow_redirects=False,
        timeout=10,
    )
    provider = urlsplit(authorize_url).netloc
    while r.status_code in (301, 302, 303):
        location = urljoin(r.url, r.headers["Location"])
        if urlsplit(location).netloc != provider:
            return location
        r = browser.get(location, allow_redirects=False, timeout=10)
    raise AssertionError(f"the provider did not send the browser back: {r.status_code} {r.text[:300]}")


def oidc_sign_in(client, username: str, password: str, next_path: str = "/sagsbehandler/", browser=None):
    """Samtale → provider → Samtale, as a browser does it; returns the callback's response."""
    r = client.get(f"/login/sagsbehandler/?next={next_path}")
    assert r.status_code == 302, r.status_code
    r = client.get(r["Location"])
    assert r.status_code == 302 and r["Location"].startswith("http"), r
    back = urlsplit(provider_login(r["Location"], username, password, browser))
    assert back.path == CALLBACK, back
    return client.get(f"{back.path}?{back.query}")


class _KeysetServer:
    """Serves a copy of the provider's discovery document whose jwks_uri names other keys."""

    def __init__(self):
        from joserfc.jwk import RSAKey

        self.documents: dict[str, bytes] = {
            "/jwks.json": json.dumps({"keys": [RSAKey.generate_key(2048).as_dict(private=False)]}).encode()
        }
        handler = self._handler()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _handler(self):
        documents = self.documents

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                body = documents.get(self.path)
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body or b"{}")

            def log_message(self, *args):
                pass

        return Handler

    def discovery_with_other_keys(self, provider: OidcProvider) -> str:
        metadata = requests.get(f"{provider.issuer()}/.well-known/openid-configuration", timeout=10).json()
        metadata["jwks_uri"] = f"{self.url}/jwks.json"
        self.documents["/openid-configuration"] = json.dumps(metadata).encode()
        return f"{self.url}/openid-configuration"


@pytest.fixture(scope="session")
def keyset_server():
    server = _KeysetServer()
    yield server
    server.server.shutdown()


@pytest.fixture(scope="session")
def saml_idp(tmp_path_factory):
    if not shutil.which("xmlsec1"):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but xmlsec1 is missing: scripts/test should have installed it")
        pytest.skip("xmlsec1 is not installed (apt-get install xmlsec1; scripts/test does it)")
    from tests.identity.saml_idp import SamlIdp

    idp = SamlIdp(tmp_path_factory.mktemp("saml-idp"))
    idp.register_sp("http://testserver")
    yield idp
    idp.stop()


@pytest.fixture
def saml_settings(settings, saml_idp):
    """Samtale's SP configured for the local IdP, as docs/operations.md tells a municipality."""
    settings.SAML_CONFIG = saml_idp.sp_settings("http://testserver")
    settings.SAML_ENABLED = True
    return settings


def hidden_fields(html: str) -> dict:
    return _form_action_and_fields(html)[1]


def saml_start(client, next_path: str = "/borger/") -> str:
    """Samtale sends the anonymous citizen to the IdP: returns the IdP URL (with the signed request)."""
    r = client.get(f"/login/borger/?next={next_path}")
    assert r.status_code == 302 and r["Location"].startswith("/saml2/login/"), r
    r = client.get(r["Location"])
    assert r.status_code == 302, r
    return r["Location"]


def saml_idp_answer(idp_url: str, cpr: str, loa: str = "Substantial", **knobs) -> dict:
    """The citizen at the IdP: open its login page, sign in; returns the form the IdP posts to the SP."""
    page = requests.get(idp_url, timeout=10)
    assert page.status_code == 200, page.text[:300]
    key = hidden_fields(page.text)["key"]
    answer = requests.post(
        urljoin(idp_url, "/sso/login"), data={"key": key, "cpr": cpr, "loa": loa, **knobs}, timeout=10
    )
    assert answer.status_code == 200, answer.text[:300]
    return hidden_fields(answer.text)


def saml_sign_in(client, cpr: str, loa: str = "Substantial", **knobs):
    """Samtale → IdP → Samtale; returns the assertion consumer's response."""
    posted = saml_idp_answer(saml_start(client), cpr, loa, **knobs)
    return client.post("/saml2/acs/", posted)
