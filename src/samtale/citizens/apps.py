from django.apps import AppConfig


class CitizensConfig(AppConfig):
    name = "samtale.citizens"
    label = "citizens"
    verbose_name = "Borgere"
