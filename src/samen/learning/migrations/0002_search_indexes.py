"""GIN indexes on the search vectors: PostgreSQL only (SQLite searches the normalised
text instead; see samen.learning.search)."""

from django.db import migrations

INDEXES = (
    ("learning_doc_vector_gin", "vector"),
    ("learning_doc_public_vector_gin", "public_vector"),
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON learning_searchdocument USING gin ({column})"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("learning", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
