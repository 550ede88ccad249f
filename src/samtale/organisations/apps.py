from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "samtale.organisations"
    label = "organisations"
    verbose_name = "Organisationer"

    def ready(self) -> None:
        from samtale.organisations import token_cache

        token_cache.connect()
