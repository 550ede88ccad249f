"""Before any samtale model row is saved: text fits its column and holds no NUL or lone surrogate
(issue 12, item 3). The limits come from the model fields themselves, so what the API refuses and
what the database can store cannot drift apart; whatever path the value came by (API, workbench,
admin, CLI), the caller gets a Danish 422 naming the field and the maximum instead of a database
error (PostgreSQL refuses both; SQLite would silently store the over-long text)."""

from __future__ import annotations

from django.db import models
from django.db.models.signals import pre_save

from samtale.core.errors import InvalidInput
from samtale.core.inputguard import bad_text


def check_instance(instance: models.Model) -> None:
    for field in instance._meta.concrete_fields:
        if not isinstance(field, (models.CharField, models.TextField)):
            continue
        value = getattr(instance, field.attname, None)
        if not isinstance(value, str):
            continue
        if bad_text(value):
            raise InvalidInput(
                f"Ugyldige oplysninger: {field.name} indeholder tegn, der ikke kan gemmes "
                "(NUL eller ufuldstændige Unicode-tegn).",
                code="text_not_allowed",
                field=field.name,
            )
        if field.max_length and len(value) > field.max_length:
            raise InvalidInput(
                f"Ugyldige oplysninger: {field.name} må højst være {field.max_length} tegn.",
                code="text_too_long",
                field=field.name,
            )


def _pre_save(sender, instance, raw=False, **kwargs):
    if not raw and sender.__module__.startswith("samtale."):
        check_instance(instance)


def install() -> None:
    pre_save.connect(_pre_save, dispatch_uid="samtale.core.modelguard")


def max_length(model: type[models.Model], field: str) -> int:
    """For schemas and forms that want to state the limit up front (same source as the check)."""
    return model._meta.get_field(field).max_length
