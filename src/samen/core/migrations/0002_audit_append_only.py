"""The database itself refuses to change or delete audit events.

The test settings switch this off (SAMEN_AUDIT_DB_GUARDS = False) because the
test runner empties tables between tests; the guards are tested on their own.
"""

from django.conf import settings
from django.db import migrations

from samen.core import db_guards


def forwards(apps, schema_editor):
    if getattr(settings, "SAMEN_AUDIT_DB_GUARDS", True):
        db_guards.install(schema_editor.connection)


def backwards(apps, schema_editor):
    db_guards.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_audit_trail")]
    operations = [migrations.RunPython(forwards, backwards)]
