from django.apps import AppConfig


class CodesConfig(AppConfig):
    name = "samtale.codes"
    label = "codes"
    verbose_name = "Kodelister"
