from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "samtale.reporting"
    label = "reporting"
    verbose_name = "Indberetning"
