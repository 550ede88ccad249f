from datetime import timedelta

from django.db import migrations, models
from django.utils import timezone


def expire_existing(apps, schema_editor):
    # Tokens made before expiry existed get the default 90 days from now, not eternity.
    ApiClient = apps.get_model("organisations", "ApiClient")
    ApiClient.objects.filter(expires_at__isnull=True, revoked_at__isnull=True).update(
        expires_at=timezone.now() + timedelta(days=90)
    )


class Migration(migrations.Migration):
    dependencies = [("organisations", "0002_jobcenter_contact_and_opening_hours")]

    operations = [
        migrations.AddField(
            model_name="apiclient",
            name="expires_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="udløber"),
        ),
        migrations.RunPython(expire_existing, migrations.RunPython.noop),
    ]
