from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "samtale.organisations"
    label = "organisations"
    verbose_name = "Organisationer"
