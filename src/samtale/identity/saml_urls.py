"""/saml2/…: djangosaml2's views under the names it reverses itself, with our assertion consumer."""

from django.urls import path
from djangosaml2 import views

from samtale.identity.saml import CitizenAcsView

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="saml2_login"),
    path("acs/", CitizenAcsView.as_view(), name="saml2_acs"),
    path("logout/", views.LogoutInitView.as_view(), name="saml2_logout"),
    path("ls/", views.LogoutView.as_view(), name="saml2_ls"),
    path("ls/post/", views.LogoutView.as_view(), name="saml2_ls_post"),
    path("metadata/", views.MetadataView.as_view(), name="saml2_metadata"),
]
