from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "samtale.portal"
    label = "portal"
    verbose_name = "Borgerportal"
