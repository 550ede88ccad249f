import os
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Start Samtale: migrér, indlæs demodata, start arbejderen og webserveren, og vis adressen."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("SAMTALE_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("SAMTALE_PORT", 8000)))
        parser.add_argument("--no-demo", action="store_true", help="indlæs ikke demodata")
        parser.add_argument("--no-worker", action="store_true", help="start ikke baggrundsarbejderen")

    def handle(self, *args, host, port, no_demo, no_worker, **opts):
        from waitress import serve

        from samtale.core import demo
        from samtale.wsgi import application

        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        self.stdout.write("Migrerer databasen …")
        call_command("migrate", interactive=False, verbosity=0)
        lines = [] if no_demo else demo.load().out
        worker = None
        if not no_worker:
            worker = subprocess.Popen([sys.executable, "-m", "samtale.cli", "worker"], env=os.environ.copy())
        url = f"http://{host}:{port}/"
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Samtale kører på {url}"))
        self.stdout.write(f"  API:            {url}api/v1/docs  (OpenAPI: {url}api/v1/openapi.json)")
        if settings.DEV_LOGIN:
            self.stdout.write(f"  Log ind:        {url}login/  (vælg en demoborger eller -sagsbehandler)")
        for line in lines:
            self.stdout.write(f"  {line}")
        self.stdout.write("  Stop med Ctrl+C.")
        try:
            serve(application, host=host, port=port, threads=8, _quiet=True)
        finally:
            if worker is not None:
                worker.terminate()
