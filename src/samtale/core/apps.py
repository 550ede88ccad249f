from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "samtale.core"
    label = "core"
    verbose_name = "Kerne"

    def ready(self) -> None:
        from samtale.core import modelguard

        modelguard.install()
