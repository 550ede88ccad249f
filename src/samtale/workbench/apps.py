from django.apps import AppConfig


class WorkbenchConfig(AppConfig):
    name = "samtale.workbench"
    label = "workbench"
    verbose_name = "Sagsbehandler"
