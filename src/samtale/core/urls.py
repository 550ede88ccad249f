from django.urls import path

from samtale.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.dev_login, name="login"),
    path("logout/", views.sign_out, name="logout"),
]
