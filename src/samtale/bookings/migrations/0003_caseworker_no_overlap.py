"""On PostgreSQL: one caseworker's individual planned meetings never overlap (ARCHITECTURE.md
"Invariants in the database too"). An exclusion constraint needs btree_gist for the `=` on the
caseworker id. SQLite has no exclusion constraints; there the service check (under the caseworker
row lock, and SQLite's single writer) is what holds it."""

from django.db import migrations

CONSTRAINT = "booking_caseworker_no_overlap"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        f"ALTER TABLE bookings_booking ADD CONSTRAINT {CONSTRAINT} EXCLUDE USING gist "
        "(caseworker_id WITH =, tstzrange(start, \"end\", '[)') WITH &&) "
        "WHERE (status = 'planned' AND meeting_form = 'individual' AND caseworker_id IS NOT NULL)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE bookings_booking DROP CONSTRAINT IF EXISTS {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("bookings", "0002_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
