from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "samtale.core"
    label = "core"
    verbose_name = "Kerne"

    def ready(self) -> None:
        from samtale.core import admin_audit, modelguard

        modelguard.install()
        admin_audit.install()
