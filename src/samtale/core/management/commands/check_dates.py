"""`samtale check_dates`: find stored dates and times outside the bounds the API now enforces
(issue 12, item 2) — e.g. a summons at 9999-12-31 stored before the bounds existed, which breaks
every page of that citizen. Lists model, field and row ids (never personal data); exit status 1
when anything is found, so it can run in a deploy pipeline or cron."""

from datetime import date, timedelta

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import models

from samtale.core import clock

# What a jobcenter plans (bookings, free times, schedules, deadlines) lies at most two years ahead;
# every other date at most ten years ahead and not before 1900.
PLANNED = {
    ("bookings", "booking"): {"start", "end"},
    ("scheduling", "slot"): {"start", "end"},
    ("scheduling", "weeklyschedule"): {"date_from", "date_to"},
    ("deadlines", "deadline"): {"deadline_date", "activation_date"},
}


def _bounds(field, planned: bool, today: date):
    lo = date(1900, 1, 1)
    hi = today + timedelta(days=(2 * 365 + 1) if planned else 10 * 365)
    if isinstance(field, models.DateTimeField):
        return clock.start_of_day(lo), clock.end_of_day(hi)
    return lo, hi


def out_of_range_rows(today: date | None = None):
    """Yield (label, field name, ids) for every samtale model field with rows out of bounds."""
    today = today or clock.today()
    for model in apps.get_models():
        if not model.__module__.startswith("samtale."):
            continue
        planned = PLANNED.get((model._meta.app_label, model._meta.model_name), set())
        for field in model._meta.concrete_fields:
            if not isinstance(field, (models.DateField, models.DateTimeField)):
                continue
            lo, hi = _bounds(field, field.name in planned, today)
            q = models.Q(**{f"{field.name}__lt": lo}) | models.Q(**{f"{field.name}__gt": hi})
            ids = list(model._default_manager.filter(q).values_list("pk", flat=True)[:100])
            if ids:
                yield f"{model._meta.app_label}.{model.__name__}", field.name, ids


class Command(BaseCommand):
    help = "Find datoer og tidspunkter uden for de tilladte grænser (fx år 9999)."

    def handle(self, *args, **options):
        found = 0
        for label, field, ids in out_of_range_rows():
            found += len(ids)
            shown = ", ".join(str(i) for i in ids[:20])
            self.stdout.write(f"{label}.{field}: {len(ids)} række(r) uden for grænserne (id {shown})")
        if found:
            raise CommandError(f"{found} række(r) med datoer uden for grænserne. Ret eller slet dem.")
        self.stdout.write("Ingen datoer uden for grænserne.")
