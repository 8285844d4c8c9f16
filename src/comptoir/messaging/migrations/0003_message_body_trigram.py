"""On PostgreSQL, a pg_trgm GIN index on upper(body) lets the inbox's search by message
text ("icontains": UPPER(body) LIKE UPPER('%...%')) use an index instead of reading every
message. Without the privilege to create the extension (or on SQLite) the search still
works, by scanning."""

from django.db import migrations


def add_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SAVEPOINT message_trgm")
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS message_body_trgm "
                "ON messaging_message USING gin (upper(body) gin_trgm_ops)"
            )
        except Exception:
            cursor.execute("ROLLBACK TO SAVEPOINT message_trgm")
        else:
            cursor.execute("RELEASE SAVEPOINT message_trgm")


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS message_body_trgm")


class Migration(migrations.Migration):
    dependencies = [("messaging", "0002_message_sending_claim")]

    operations = [migrations.RunPython(add_trigram_index, drop_trigram_index, elidable=False)]
