from django.urls import path

from samtale.identity import oidc, views

app_name = "identity"
urlpatterns = [
    path("login/borger/", views.citizen_login, name="citizen_login"),
    path("login/sagsbehandler/", views.staff_login, name="staff_login"),
    path("login/oidc/", oidc.start, name="oidc_start"),
    path("login/oidc/callback/", oidc.callback, name="oidc_callback"),
    path("logget-ud/", views.signed_out, name="signed_out"),
    path("session/forny/", views.session_renew, name="session_renew"),
]
