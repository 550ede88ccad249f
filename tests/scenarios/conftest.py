"""Walking the clock day by day (time-machine) and running `samtale daily` between days."""

from datetime import date, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from samtale.core import clock
from samtale.deadlines.selectors import effective_status
from tests.deadlines.conftest import make_booking, make_offer  # noqa: F401 - shared fixtures


class Walker:
    def __init__(self, start: date):
        self.day = start
        self._travel = time_machine.travel(clock.at(start, 8), tick=False)
        self._coords = self._travel.start()

    def at(self, hour: int, minute: int = 0):
        self._coords.move_to(clock.at(self.day, hour, minute))

    def walk_to(self, target: date, *watch) -> None:
        """Each morning at 06:00 the batch runs for the new day; before it runs, every watched deadline's
        effective status must already be what the batch then makes durable."""
        while self.day < target:
            self.day += timedelta(days=1)
            self._coords.move_to(clock.at(self.day, 6))
            for d in watch:
                d.refresh_from_db()
            expected = {d.pk: effective_status(d, self.day) for d in watch}
            call_command("daily", "--date", self.day.isoformat(), stdout=StringIO())
            for d in watch:
                d.refresh_from_db()
                assert d.status == expected[d.pk], (self.day, d.status, expected[d.pk])
            self._coords.move_to(clock.at(self.day, 9))

    def stop(self):
        self._travel.stop()


@pytest.fixture
def walker():
    made = []

    def make(start: date) -> Walker:
        w = Walker(start)
        made.append(w)
        return w

    yield make
    for w in made:
        w.stop()
