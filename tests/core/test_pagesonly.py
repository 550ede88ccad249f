"""The pages' middlewares (session, signed-in user, language, messages, SAML session, session timeout)
are passed over for the REST API, whose calls carry a bearer token (issue 15: about 0.2 ms of CPU a
call); pages still get every one of them, and the API keeps the security headers."""

import pytest

from samtale.core.pagesonly import pages_only

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen(make_citizen):
    return make_citizen(contact_group=6)


@pytest.fixture
def signed_in(citizen, settings):
    from tests.portal.conftest import login_client

    settings.DEV_LOGIN = True
    return login_client(citizen)


def test_a_page_runs_the_pages_middlewares(signed_in):
    page = signed_in.get("/borger/")
    assert page.status_code == 200
    assert page.wsgi_request.user.is_authenticated
    assert page["Content-Language"] == "da"
    assert "Accept-Language" in page["Vary"]


def test_an_api_call_passes_them_over_even_with_a_session_cookie(signed_in, api_as, citizen):
    """The browser's session cookie rides along, but an API call neither reads the session nor signs
    anyone in from it: its bearer token is all that counts."""
    token = api_as("citizen", citizen_public_id=citizen.public_id).headers["HTTP_AUTHORIZATION"]
    r = signed_in.get("/api/v1/me", HTTP_AUTHORIZATION=token, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200
    request = r.wsgi_request
    for attribute in ("session", "user", "_messages", "saml_session", "LANGUAGE_CODE"):
        assert not hasattr(request, attribute), attribute
    assert "Content-Language" not in r and "Cookie" not in r.get("Vary", "")
    # Without the token the session does not let the caller in.
    assert signed_in.get("/api/v1/me").status_code == 401


def test_an_api_answer_keeps_the_security_headers(api_as, citizen):
    r = api_as("citizen", citizen_public_id=citizen.public_id).get("/me")
    assert r.status_code == 200
    assert "no-store" in r["Cache-Control"]
    assert r["X-Frame-Options"] == "DENY"
    assert r["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in r["Content-Security-Policy"]


def test_pages_only_wraps_any_middleware_class(rf):
    seen = []

    class Marks:
        def __init__(self, get_response):
            self.get_response = get_response

        def __call__(self, request):
            seen.append(request.path)
            return self.get_response(request)

    wrapped = pages_only(Marks)(lambda request: "answer")
    assert wrapped(rf.get("/api/v1/me")) == "answer"
    assert wrapped(rf.get("/borger/")) == "answer"
    assert seen == ["/borger/"]
    assert issubclass(pages_only(Marks), Marks) and pages_only(Marks).__name__ == "Marks"
