"""Room on every page of ledger_openitem (PostgreSQL) for the updates of `remaining`.

Every settlement updates `remaining` of the items it closes. The column is in no index, so
PostgreSQL can write the new row version on the same page without touching the indexes (a HOT
update) when the page has room; COPY and bulk inserts fill pages completely, and then each such
update also adds an entry to every index of the table. A fillfactor of 85 leaves that room on
pages written from now on. SQLite has no such setting.
"""

from django.db import migrations


def set_fillfactor(apps, schema_editor, value=85):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE ledger_openitem SET (fillfactor = {int(value)})")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE ledger_openitem RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0005_lean_indexes")]

    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor)]
