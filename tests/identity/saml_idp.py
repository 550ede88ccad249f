"""A real SAML 2.0 identity provider for the sign-in tests, playing NemLog-in: pysaml2's Server as a
small WSGI app on 127.0.0.1 (a thread, started once per test session by conftest.py), with keys and
self-signed certificates generated at start. It verifies the SP's signed AuthnRequest, shows a login
form (CPR and assurance level, as a MitID test user would choose), and answers with an OIOSAML 3
shaped assertion: persistent NameID, the CPR and NSIS LoA attributes as URIs, signed and encrypted to
the SP's certificate. It speaks single logout both ways.

The form has test-only knobs the refusal tests use: `audience` (issue the assertion to another SP),
`tamper` (change the CPR after signing, unencrypted so the change reaches the signature check)."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path
from socketserver import ThreadingMixIn
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import saml2
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2.config import IdPConfig, SPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server

from samtale.identity.saml import CPR_ATTRIBUTE, LOA_ATTRIBUTE
from samtale.identity.saml_config import sp_config

OTHER_SP = "https://anden-tjeneste.example/saml"


def key_and_cert(directory: Path, name: str) -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_file, cert_file = directory / f"{name}.key", directory / f"{name}.crt"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(key_file), str(cert_file)


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def _form(action: str, fields: dict) -> bytes:
    inputs = "".join(
        f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in fields.items()
    )
    return f'<form method="post" action="{escape(action)}">{inputs}'.encode()


class SamlIdp:
    def __init__(self, workdir: Path, host: str = "localhost"):
        self.dir = workdir
        self.idp_key, self.idp_cert = key_and_cert(workdir, "idp")
        self.sp_key, self.sp_cert = key_and_cert(workdir, "sp")
        self.httpd = make_server("127.0.0.1", 0, self.app, server_class=_Server, handler_class=_QuietHandler)
        self.url = f"http://{host}:{self.httpd.server_address[1]}"
        self.entity_id = f"{self.url}/idp/metadata"
        self.pending: dict[str, tuple] = {}
        self.sessions: set[str] = set()  # persistent NameIDs signed in at the IdP
        self.metadata_file = workdir / "idp-metadata.xml"
        self.server = None
        self._sp_xml: list[str] = [self._sp_metadata(OTHER_SP, "https://anden-tjeneste.example")]
        self._start_server()
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    # -- configuration --------------------------------------------------------------------------
    def sp_settings(self, base_url: str) -> dict:
        """Samtale's SAML_CONFIG for an SP at base_url (as settings.py builds it from the env)."""
        return sp_config(
            base_url=base_url,
            entity_id=f"{base_url}/saml2/metadata/",
            key_file=self.sp_key,
            cert_file=self.sp_cert,
            idp_metadata_file=str(self.metadata_file),
        )

    def _sp_metadata(self, entity_id: str, base_url: str) -> str:
        config = self.sp_settings(base_url)
        config["entityid"] = entity_id
        config["metadata"] = {}
        return str(entity_descriptor(SPConfig().load(config)))

    def register_sp(self, base_url: str) -> None:
        xml = self._sp_metadata(f"{base_url}/saml2/metadata/", base_url)
        if xml not in self._sp_xml:
            self._sp_xml.append(xml)
            self._start_server()

    def _start_server(self) -> None:
        config = {
            "entityid": self.entity_id,
            "xmlsec_binary": "/usr/bin/xmlsec1",
            "allow_unknown_attributes": True,
            "service": {
                "idp": {
                    "name": "Test-NemLog-in",
                    "endpoints": {
                        "single_sign_on_service": [(f"{self.url}/sso/redirect", saml2.BINDING_HTTP_REDIRECT)],
                        "single_logout_service": [(f"{self.url}/slo/redirect", saml2.BINDING_HTTP_REDIRECT)],
                    },
                    "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                    "want_authn_requests_signed": True,
                    "policy": {"default": {"lifetime": {"minutes": 5}, "name_form": NAME_FORMAT_URI}},
                }
            },
            "key_file": self.idp_key,
            "cert_file": self.idp_cert,
            "encryption_keypairs": [{"key_file": self.idp_key, "cert_file": self.idp_cert}],
            "metadata": {"inline": list(self._sp_xml)},
        }
        self.server = Server(config=IdPConfig().load(config))
        self.metadata_file.write_text(str(entity_descriptor(self.server.config)))

    def stop(self) -> None:
        self.httpd.shutdown()

    # -- the web application ----------------------------------------------------------------------
    def app(self, environ, start_response):
        method, path = environ["REQUEST_METHOD"], environ["PATH_INFO"]
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        if method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            form = {k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(length).decode()).items()}
        else:
            form = {}
        try:
            if path == "/sso/redirect":
                status, headers, body = self.sso(query)
            elif path == "/sso/login":
                status, headers, body = self.login(form)
            elif path == "/slo/redirect":
                status, headers, body = self.slo(query)
            else:
                status, headers, body = "404 Not Found", [], b"not found"
        except Exception as exc:  # a refusal by the IdP is an answer, not a crash of the test server
            status, headers, body = (
                "400 Bad Request",
                [],
                f"IdP refused: {type(exc).__name__}: {exc}".encode(),
            )
        start_response(status, [("Content-Type", "text/html; charset=utf-8"), *headers])
        return [body]

    def sso(self, query: dict):
        if "Signature" not in query:
            return "403 Forbidden", [], b"IdP refused: the AuthnRequest is not signed"
        # pysaml2 verifies the redirect binding's signature against the SP's certificate in its metadata.
        request = self.server.parse_authn_request(
            query["SAMLRequest"],
            saml2.BINDING_HTTP_REDIRECT,
            relay_state=query.get("RelayState"),
            sigalg=query.get("SigAlg"),
            signature=query.get("Signature"),
        )
        key = uuid.uuid4().hex
        self.pending[key] = (request.message, query.get("RelayState", ""))
        body = (
            "<!DOCTYPE html><html lang='da'><head><meta charset='utf-8'><title>Test-NemLog-in</title></head>"
            "<body><main><h1>Test-NemLog-in (MitID)</h1>"
            + _form("/sso/login", {"key": key}).decode()
            + "<label for='cpr'>CPR-nummer</label> <input id='cpr' name='cpr'>"
            "<label for='loa'>Sikringsniveau</label> <select id='loa' name='loa'>"
            "<option>Substantial</option><option>High</option><option>Low</option></select>"
            "<button type='submit'>Log ind</button></form></main></body></html>"
        )
        return "200 OK", [], body.encode()

    def name_id_for(self, cpr: str) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"test-nemlogin/{cpr}"))

    def login(self, form: dict):
        authn_request, relay_state = self.pending.pop(form["key"])
        sp_entity = authn_request.issuer.text
        acs = (
            authn_request.assertion_consumer_service_url
            or self.server.metadata.assertion_consumer_service(sp_entity, saml2.BINDING_HTTP_POST)[0][
                "location"
            ]
        )
        audience = form.get("audience") or sp_entity
        tamper = form.get("tamper") == "1"
        name_id = NameID(format=NAMEID_FORMAT_PERSISTENT, text=self.name_id_for(form["cpr"]))
        sp_cert = "".join(
            line for line in Path(self.sp_cert).read_text().splitlines() if "CERTIFICATE" not in line
        )
        response = self.server.create_authn_response(
            identity={CPR_ATTRIBUTE: [form["cpr"]], LOA_ATTRIBUTE: [form.get("loa", "Substantial")]},
            in_response_to=authn_request.id,
            destination=acs,
            sp_entity_id=audience,
            name_id=name_id,
            authn={
                "class_ref": f"https://data.gov.dk/concept/core/nsis/loa/{form.get('loa', 'Substantial')}"
            },
            sign_response=False,
            sign_assertion=True,
            encrypt_assertion=not tamper,
            encrypt_cert_assertion=None if tamper else sp_cert,
        )
        xml = str(response)
        if tamper:
            xml = xml.replace(f">{form['cpr']}<", f">{form.get('tamper_cpr', '0101701234')}<")
        self.sessions.add(name_id.text)
        info = self.server.apply_binding(saml2.BINDING_HTTP_POST, xml, acs, relay_state, response=True)
        return "200 OK", [], "".join(info["data"]).encode()

    def slo(self, query: dict):
        """SP-initiated single logout: end the IdP session, answer with a signed LogoutResponse."""
        request = self.server.parse_logout_request(
            query["SAMLRequest"],
            saml2.BINDING_HTTP_REDIRECT,
            relay_state=query.get("RelayState"),
            sigalg=query.get("SigAlg"),
            signature=query.get("Signature"),
        )
        self.sessions.discard(request.message.name_id.text)
        response = self.server.create_logout_response(request.message, [saml2.BINDING_HTTP_REDIRECT])
        info = self.server.apply_binding(
            saml2.BINDING_HTTP_REDIRECT,
            str(response),
            response.destination,
            query.get("RelayState", ""),
            response=True,
        )
        location = dict(info["headers"])["Location"]
        return "302 Found", [("Location", location)], b""

    def logout_request_url(self, cpr: str, sp_base_url: str) -> str:
        """IdP-initiated single logout: the URL the IdP sends the browser to (the SP's /saml2/ls/)."""
        name_id = NameID(format=NAMEID_FORMAT_PERSISTENT, text=self.name_id_for(cpr))
        sp_entity = f"{sp_base_url}/saml2/metadata/"
        destination = f"{sp_base_url}/saml2/ls/"
        request_id, request = self.server.create_logout_request(
            destination, sp_entity, name_id=name_id, sign=False
        )
        self.sessions.discard(name_id.text)
        info = self.server.apply_binding(
            saml2.BINDING_HTTP_REDIRECT,
            str(request),
            destination,
            "",
            sign=True,
            sigalg="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        )
        return dict(info["headers"])["Location"]
