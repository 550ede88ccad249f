"""/saml2/…: djangosaml2's views under the names it reverses itself, with our assertion consumer.
Without SAML configured they answer the Danish "not set up" page instead of failing."""

from functools import wraps

from django.conf import settings
from django.urls import path
from djangosaml2 import views

from samtale.identity.saml import CitizenAcsView, CitizenLoginView
from samtale.identity.views import not_configured


def _when_configured(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.SAML_ENABLED:
            return not_configured(request)
        return view(request, *args, **kwargs)

    return wrapper


urlpatterns = [
    path("login/", _when_configured(CitizenLoginView.as_view()), name="saml2_login"),
    path("acs/", _when_configured(CitizenAcsView.as_view()), name="saml2_acs"),
    path("logout/", _when_configured(views.LogoutInitView.as_view()), name="saml2_logout"),
    path("ls/", _when_configured(views.LogoutView.as_view()), name="saml2_ls"),
    path("ls/post/", _when_configured(views.LogoutView.as_view()), name="saml2_ls_post"),
    path("metadata/", _when_configured(views.MetadataView.as_view()), name="saml2_metadata"),
]
