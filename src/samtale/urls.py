from django.contrib import admin
from django.urls import include, path

from samtale.api.main import api
from samtale.identity.views import admin_login

admin.site.site_header = "Samtale – administration"
admin.site.site_title = "Samtale"

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/login/", admin_login),  # sign-in (samtale.identity): the staff provider when configured
    path("admin/", admin.site.urls),
    path("borger/", include("samtale.portal.urls")),
    path("sagsbehandler/", include("samtale.workbench.urls")),
    path("saml2/", include("samtale.identity.saml_urls")),  # SP metadata at /saml2/metadata/
    path("", include("samtale.identity.urls")),
    path("", include("samtale.core.urls")),
]

handler404 = "samtale.core.views.page_not_found"
