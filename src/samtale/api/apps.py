from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "samtale.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from samtale.api.idempotency import purge_expired
        from samtale.deadlines import jobs

        if purge_expired not in jobs.DAILY_STEPS:
            jobs.DAILY_STEPS.append(purge_expired)
