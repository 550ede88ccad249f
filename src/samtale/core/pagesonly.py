"""Middlewares only the pages use (portal, workbench, admin, sign-in), passed over for the REST API.

A REST call carries a bearer token: it has no session, no signed-in user, no language chosen by a
cookie, no flash messages and no SAML session. Running those middlewares on it anyway cost about
0.2 ms of CPU a call — a seventh of a refused booking's, in a booking rush (issue 15, bench/README.md).
Each class here is the library's own, with its `__call__` passed over for a path under /api/; none of
them has a process_view, process_exception or process_template_response hook (those would still run).
So the API answers in settings.LANGUAGE_CODE, the only language it speaks, whatever Accept-Language
says, and its answers carry no Content-Language and no Vary: Accept-Language or Cookie."""

from __future__ import annotations

from django.contrib.auth.middleware import AuthenticationMiddleware as _Authentication
from django.contrib.messages.middleware import MessageMiddleware as _Message
from django.contrib.sessions.middleware import SessionMiddleware as _Session
from django.middleware.locale import LocaleMiddleware as _Locale
from djangosaml2.middleware import SamlSessionMiddleware as _SamlSession

from samtale.core.inputguard import is_api


def pages_only(cls: type) -> type:
    """`cls`, a middleware class, that lets a REST API call pass straight through."""

    class PagesOnly(cls):
        def __call__(self, request):
            if is_api(request):
                return self.get_response(request)
            return super().__call__(request)

    PagesOnly.__name__ = PagesOnly.__qualname__ = cls.__name__
    PagesOnly.__doc__ = f"{cls.__module__}.{cls.__qualname__}, for pages only (samtale.core.pagesonly)."
    return PagesOnly


SessionMiddleware = pages_only(_Session)
LocaleMiddleware = pages_only(_Locale)
AuthenticationMiddleware = pages_only(_Authentication)
SamlSessionMiddleware = pages_only(_SamlSession)
MessageMiddleware = pages_only(_Message)
