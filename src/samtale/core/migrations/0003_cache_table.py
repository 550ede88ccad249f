from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # The database cache the throttles count in (settings.CACHES); a no-op when the cache is Redis
    # or the table exists. Done here so `samtale migrate`, `samtale run` and the tests all have it.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_endpoint")]
    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
