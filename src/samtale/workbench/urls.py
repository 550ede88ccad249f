from django.urls import path

from samtale.workbench.views import today

app_name = "workbench"
urlpatterns = [
    # wbread: the read side
    path("", today.today, name="today"),
]
