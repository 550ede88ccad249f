"""The loop behind `samtale worker`: drain the message outbox (claim with a lease, send, record,
retry) and run the django-tasks database queue in between. Stops cleanly on SIGTERM/SIGINT after
the message it is sending; a SIGKILL loses nothing, because a claimed message becomes claimable again
when its lease runs out and the provider recognises the resend by its idempotency key."""

from __future__ import annotations

import logging
import os
import signal
import socket
import time

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.utils import OperationalError

from samtale.messaging.services import messages_deliver_due

logger = logging.getLogger(__name__)

#: Other apps' work for the worker (reporting's webhook pushes), each `step(worker_id=…) -> work done`,
#: run every round after the messages (docs/adr/0002: hook lists instead of imports).
WORKER_STEPS: list = []


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class OutboxWorker:
    def __init__(
        self, *, worker_id: str | None = None, interval: float = 1.0, limit: int = 20, tasks: bool = True
    ):
        self.worker_id = worker_id or default_worker_id()
        self.interval = interval
        self.limit = limit
        self.tasks = tasks and _database_task_backend()
        self.running = True

    def stop(self, *_args) -> None:
        self.running = False

    def install_signals(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)

    def run_once(self) -> int:
        """One round: deliver up to `limit` due messages, then run queued tasks. Returns work done."""
        if not connection.in_atomic_block:  # never true in production; a test may wrap the worker
            close_old_connections()
        try:
            done = messages_deliver_due(worker_id=self.worker_id, limit=self.limit)
        except OperationalError as exc:  # SQLite busy, a dropped connection: try again next round
            logger.warning("Beskedkøen kunne ikke læses: %s", type(exc).__name__)
            done = 0
        for step in WORKER_STEPS:
            try:
                done += step(worker_id=self.worker_id)
            except OperationalError as exc:
                logger.warning("Baggrundstrin %s fejlede: %s", step.__name__, type(exc).__name__)
        if self.tasks:
            done += _run_queued_tasks(self.worker_id)
        return done

    def run(self, *, batch: bool = False) -> None:
        logger.info("Arbejder %s startet", self.worker_id)
        while self.running:
            done = self.run_once()
            if done:
                continue
            if batch:
                break
            time.sleep(self.interval)
        if not connection.in_atomic_block:
            close_old_connections()


def _database_task_backend() -> bool:
    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    return backend == "django_tasks_db.DatabaseBackend"


def _run_queued_tasks(worker_id: str, max_tasks: int = 10) -> int:
    """Run up to `max_tasks` ready tasks of the django-tasks database queue."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    if not DBTaskResult.objects.ready().exists():
        return 0
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id=worker_id[:64],
        excluded_queue_names=[],
    )
    worker.run()
    return worker._run_tasks
