from django.core.management.base import BaseCommand, CommandError

from samtale.messaging.worker import OutboxWorker


class Command(BaseCommand):
    help = (
        "Baggrundsarbejderen: sender SMS'er og e-mails fra beskedkøen (med lås, genforsøg og "
        "eksponentiel ventetid) og afvikler opgaver fra databasekøen (django-tasks)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="sekunder mellem opslag i køen")
        parser.add_argument("--batch", action="store_true", help="stop, når intet er klar til afsendelse")
        parser.add_argument("--limit", type=int, default=20, help="beskeder pr. runde")
        parser.add_argument(
            "--id", dest="worker_id", default=None, help="arbejderens navn (standard: vært:pid)"
        )

    def handle(self, *args, interval, batch, limit, worker_id, **opts):
        from samtale.messaging.gateways import sms_gateway

        try:
            sms_gateway()  # a wrong SAMTALE_SMS_GATEWAY/SAMTALE_SMS_URL stops the worker at start
        except (ValueError, ImportError) as exc:
            raise CommandError(str(exc)) from None
        worker = OutboxWorker(worker_id=worker_id, interval=interval, limit=limit)
        worker.install_signals()
        self.stdout.write(f"Arbejder {worker.worker_id} kører (stop med Ctrl+C).")
        worker.run(batch=batch)
