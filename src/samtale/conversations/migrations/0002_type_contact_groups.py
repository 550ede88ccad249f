"""Which contact groups the restricted conversation types may be registered for (R-HC-11); the
configuration and its reasons are in samtale.conversations.reference."""

from django.db import migrations


def load(apps, schema_editor):
    from samtale.conversations import reference

    reference.load(apps)


class Migration(migrations.Migration):
    dependencies = [("conversations", "0001_initial"), ("codes", "0002_reference_data")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
