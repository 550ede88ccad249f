from django.db import migrations


def load(apps, schema_editor):
    # reference.load is idempotent (update_or_create): it adds the new cancellation reason
    # "borger_flyttet" used when a citizen moves jobcenter (issue 12).
    from samtale.codes import reference

    reference.load(apps)


class Migration(migrations.Migration):
    dependencies = [("codes", "0002_reference_data")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
