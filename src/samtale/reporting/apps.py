from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "samtale.reporting"
    label = "reporting"
    verbose_name = "Indberetning"

    def ready(self) -> None:
        """The worker pushes webhooks; the daily batch prunes their delivery log (docs/adr/0002)."""
        from samtale.deadlines import jobs
        from samtale.messaging import worker
        from samtale.reporting import webhooks

        if webhooks.deliver_due not in worker.WORKER_STEPS:
            worker.WORKER_STEPS.append(webhooks.deliver_due)
        if webhooks.attempts_purge not in jobs.DAILY_STEPS:
            jobs.DAILY_STEPS.append(webhooks.attempts_purge)
