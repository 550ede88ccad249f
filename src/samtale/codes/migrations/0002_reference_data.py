from django.db import migrations


def load(apps, schema_editor):
    from samtale.codes import reference

    reference.load(apps)


class Migration(migrations.Migration):
    dependencies = [("codes", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
