import gc
import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

SERVERS = ("granian", "gunicorn", "waitress")


def _default_server() -> str:
    """granian (several processes, HTTP handled outside Python) where it runs — Linux, macOS;
    gunicorn if granian is missing; waitress (one process) elsewhere. bench/README.md measured granian
    against gunicorn on the booking rush."""
    if os.name != "posix":
        return "waitress"
    for server in SERVERS[:2]:
        try:
            __import__(server)
        except ImportError:
            continue
        return server
    return "waitress"


def settle_garbage_collector() -> None:
    """Everything loaded so far lives as long as the process: keep the garbage collector from walking
    it on every collection (shorter pauses), and its pages shared between the forked worker processes
    (copy-on-write). Then let the youngest generation grow to SAMTALE_GC_THRESHOLD objects before a
    collection: a month of free times allocates ~100,000 containers, and with Python's default of 700
    the collections it set off made the API month's p95 twice its median (bench/README.md)."""
    gc.collect()
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(settings.SAMTALE_GC_THRESHOLD, middle, oldest)


class Command(BaseCommand):
    help = (
        "Start Samtale: migrér, indlæs demodata, start arbejderen og webserveren (flere processer), "
        "og vis adressen. SIGTERM/Ctrl+C stopper pænt – også arbejderen."
    )

    def add_arguments(self, parser):
        env = os.environ.get
        parser.add_argument("--host", default=env("SAMTALE_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(env("SAMTALE_PORT", 8000)))
        parser.add_argument("--no-demo", action="store_true", help="indlæs ikke demodata")
        parser.add_argument("--no-worker", action="store_true", help="start ikke baggrundsarbejderen")
        parser.add_argument(
            "--workers",
            type=int,
            default=int(env("SAMTALE_WORKERS", 0)) or os.cpu_count() or 1,
            help="webserverprocesser (standard: antal kerner)",
        )
        parser.add_argument(
            "--threads", type=int, default=int(env("SAMTALE_THREADS", 2)), help="tråde pr. proces"
        )
        parser.add_argument(
            "--server",
            choices=SERVERS,
            default=env("SAMTALE_SERVER") or _default_server(),
            help="granian (flere processer, standard på Linux og macOS), gunicorn (flere processer) "
            "eller waitress (én proces)",
        )
        parser.add_argument(
            "--graceful-timeout",
            type=int,
            default=int(env("SAMTALE_GRACEFUL_TIMEOUT", 30)),
            help="sekunder igangværende forespørgsler får til at blive færdige ved stop",
        )

    def handle(
        self, *args, host, port, no_demo, no_worker, workers, threads, server, graceful_timeout, **opts
    ):
        from samtale.core import demo

        if workers < 1 or threads < 1:
            raise CommandError("--workers og --threads skal være mindst 1.")
        if server not in SERVERS:
            raise CommandError(f"Ukendt server: {server}. Vælg {' eller '.join(SERVERS)}.")
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        self.stdout.write("Migrerer databasen …")
        call_command("migrate", interactive=False, verbosity=0)
        lines = [] if no_demo else demo.load().out
        # The server's processes open their own connections; one inherited over fork would be shared.
        connections.close_all()

        from samtale.wsgi import application

        url = f"http://{host}:{port}/"
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Samtale kører på {url}"))
        self.stdout.write(f"  API:            {url}api/v1/docs  (OpenAPI: {url}api/v1/openapi.json)")
        if settings.DEV_LOGIN:
            self.stdout.write(f"  Log ind:        {url}login/  (vælg en demoborger eller -sagsbehandler)")
        for line in lines:
            self.stdout.write(f"  {line}")
        shape = (
            f"{workers} processer × {threads} tråde"
            if server != "waitress"
            else f"1 proces × {threads} tråde"
        )
        self.stdout.write(f"  Webserver:      {server}, {shape}")
        self.stdout.write("  Stop med Ctrl+C.")
        self.stdout.flush()

        worker = None
        if not no_worker:
            worker = subprocess.Popen([sys.executable, "-m", "samtale.cli", "worker"], env=os.environ.copy())
        settle_garbage_collector()
        master = os.getpid()
        try:
            if server == "granian":
                _serve_granian(
                    host=host, port=port, workers=workers, threads=threads, graceful_timeout=graceful_timeout
                )
            elif server == "gunicorn":
                _serve_gunicorn(
                    application,
                    host=host,
                    port=port,
                    workers=workers,
                    threads=threads,
                    graceful_timeout=graceful_timeout,
                )
            else:
                _serve_waitress(application, host=host, port=port, threads=threads)
        finally:
            # Only the process that started the worker stops it (the servers' forked workers may
            # unwind through here too).
            if worker is not None and os.getpid() == master:
                _stop(worker, graceful_timeout)


def _stop(process: subprocess.Popen, timeout: int) -> None:
    """SIGTERM (the worker finishes the message it is sending), then SIGKILL if it does not stop."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _serve_gunicorn(application, *, host, port, workers, threads, graceful_timeout) -> None:
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self):
            options = {
                "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
                "workers": workers,
                "worker_class": "gthread",
                "threads": threads,
                "graceful_timeout": graceful_timeout,
                "timeout": 120,
                "keepalive": 5,
                "backlog": 2048,
                "errorlog": "-",
                "loglevel": "warning",
                "proc_name": "samtale",
                # The app is already loaded (and gc-frozen) in this process; workers inherit it.
                "preload_app": True,
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            return application

    # Arbiter.run() handles SIGTERM (graceful: finish requests in flight) and SIGINT (quick), then
    # leaves through SystemExit, so the caller's `finally` stops the background worker.
    Server().run()


def _serve_granian(*, host, port, workers, threads, graceful_timeout) -> None:
    from granian.constants import HTTPModes, Interfaces
    from granian.log import LogLevels
    from granian.server import MPServer

    server = MPServer(
        "samtale.wsgi:application",
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        blocking_threads=threads,
        http=HTTPModes.http1,
        backlog=2048,
        log_level=LogLevels.warning,
        workers_kill_timeout=graceful_timeout,
    )
    # Its worker processes are forked from this one (Linux): the application imported and gc-frozen
    # here is theirs, and the import of the target finds it loaded. Where they are spawned (macOS)
    # each imports it afresh. SIGTERM and SIGINT stop the workers (each finishes the requests it has,
    # up to the graceful timeout) and return here, so the caller's `finally` stops the background
    # worker.
    server.serve()


def _serve_waitress(application, *, host, port, threads) -> None:
    from waitress import serve

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    serve(application, host=host, port=port, threads=threads, _quiet=True)
