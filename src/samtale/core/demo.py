"""Demo data: `samtale demo`. Each app with demo data has a `demo.load(ctx)`; they run in dependency
order and are idempotent, so the run command can call this on every start."""

import importlib
import random
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import transaction

from samtale.core import clock

APPS = ["organisations", "citizens", "scheduling", "bookings", "deadlines", "conversations", "messaging"]
# The workbench's realistic week (300 citizens, six full calendars) goes last: it builds on all of the
# above. settings.DEMO_WEEK (SAMTALE_DEMO_WEEK=0) leaves it out.
WEEK_APPS = ["workbench"]


def working_day(day: date) -> date:
    """The day itself, or the next weekday that is not a Danish public holiday: the demo never meets
    citizens on weekends or holidays (a summons then would need confirm_unusual_time)."""
    from samtale.scheduling.rules import next_meeting_day

    return next_meeting_day(day)


@dataclass
class DemoContext:
    today: date
    rng: random.Random
    out: list[str] = field(default_factory=list)
    data: dict = field(default_factory=dict)

    def say(self, line: str) -> None:
        self.out.append(line)


def load(today: date | None = None) -> DemoContext:
    ctx = DemoContext(today=today or clock.today(), rng=random.Random(20261124))
    with transaction.atomic():
        for app in APPS + (WEEK_APPS if settings.DEMO_WEEK else []):
            try:
                module = importlib.import_module(f"samtale.{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"samtale.{app}.demo":
                    raise
                continue
            module.load(ctx)
    return ctx
