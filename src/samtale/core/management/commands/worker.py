from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Baggrundsarbejderen: afvikler opgaver fra databasekøen (beskeder, webhooks)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="sekunder mellem opslag i køen")
        parser.add_argument("--batch", action="store_true", help="stop, når køen er tom")

    def handle(self, *args, **opts):
        call_command("db_worker", interval=opts["interval"], batch=opts["batch"])
