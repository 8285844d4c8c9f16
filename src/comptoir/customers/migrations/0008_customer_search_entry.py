"""The directory's narrow search table (models.CustomerSearchEntry, decision 0032), kept by
triggers on the customer table, filled from the records already there, and its trigram
index on PostgreSQL."""

import django.db.models.deletion
from django.db import migrations, models

# lower() is each database's own: Unicode on PostgreSQL, ASCII on SQLite, as the
# directory's ORDER BY LOWER(...) was before this table.
FILL = (
    "INSERT INTO customers_customersearchentry "
    "(customer_id, search_text, last_name_key, first_name_key) "
    "SELECT id, search_text, lower(last_name), lower(first_name) FROM customers_customer"
)
CHANGED = (
    "OLD.search_text IS DISTINCT FROM NEW.search_text "
    "OR OLD.last_name IS DISTINCT FROM NEW.last_name "
    "OR OLD.first_name IS DISTINCT FROM NEW.first_name"
)

POSTGRESQL = [
    """
    CREATE FUNCTION customers_search_entry_write() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO customers_customersearchentry
            (customer_id, search_text, last_name_key, first_name_key)
        VALUES (NEW.id, NEW.search_text, lower(NEW.last_name), lower(NEW.first_name))
        ON CONFLICT (customer_id) DO UPDATE SET
            search_text = EXCLUDED.search_text,
            last_name_key = EXCLUDED.last_name_key,
            first_name_key = EXCLUDED.first_name_key;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE FUNCTION customers_search_entry_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM customers_customersearchentry WHERE customer_id = OLD.id;
        RETURN NULL;
    END
    $$
    """,
    "CREATE TRIGGER customers_search_entry_insert AFTER INSERT ON customers_customer "
    "FOR EACH ROW EXECUTE FUNCTION customers_search_entry_write()",
    "CREATE TRIGGER customers_search_entry_update AFTER UPDATE ON customers_customer "
    f"FOR EACH ROW WHEN ({CHANGED}) EXECUTE FUNCTION customers_search_entry_write()",
    "CREATE TRIGGER customers_search_entry_delete AFTER DELETE ON customers_customer "
    "FOR EACH ROW EXECUTE FUNCTION customers_search_entry_delete()",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS customers_search_entry_insert ON customers_customer",
    "DROP TRIGGER IF EXISTS customers_search_entry_update ON customers_customer",
    "DROP TRIGGER IF EXISTS customers_search_entry_delete ON customers_customer",
    "DROP FUNCTION IF EXISTS customers_search_entry_write()",
    "DROP FUNCTION IF EXISTS customers_search_entry_delete()",
]

_SQLITE_WRITE = (
    "INSERT OR REPLACE INTO customers_customersearchentry "
    "(customer_id, search_text, last_name_key, first_name_key) "
    "VALUES (NEW.id, NEW.search_text, lower(NEW.last_name), lower(NEW.first_name));"
)
SQLITE = [
    "CREATE TRIGGER customers_search_entry_insert AFTER INSERT ON customers_customer "
    f"BEGIN {_SQLITE_WRITE} END",
    "CREATE TRIGGER customers_search_entry_update AFTER UPDATE ON customers_customer "
    f"FOR EACH ROW WHEN {CHANGED.replace('IS DISTINCT FROM', 'IS NOT')} "
    f"BEGIN {_SQLITE_WRITE} END",
    "CREATE TRIGGER customers_search_entry_delete AFTER DELETE ON customers_customer "
    "BEGIN DELETE FROM customers_customersearchentry WHERE customer_id = OLD.id; END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS customers_search_entry_insert",
    "DROP TRIGGER IF EXISTS customers_search_entry_update",
    "DROP TRIGGER IF EXISTS customers_search_entry_delete",
]


def keep_entries(apps, schema_editor):
    # Comptoir runs on PostgreSQL or SQLite only (comptoir.config refuses other URLs).
    vendor = schema_editor.connection.vendor
    for statement in POSTGRESQL if vendor == "postgresql" else SQLITE:
        schema_editor.execute(statement)
    schema_editor.execute(FILL)
    if vendor == "postgresql":
        # As customer_search_trgm (migration 0003): without the pg_trgm extension the
        # search still works, by scanning. Both indexes without GIN's pending list
        # (fastupdate): it holds the entries of the records added since the last vacuum
        # and every search reads it whole, up to 4 MB (some 5,000 new records, which a
        # shop's autovacuum may take weeks to clean). Records are added one at a time,
        # so writing their entries into the index at once costs little.
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SAVEPOINT customer_search_entry_trgm")
            try:
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                cursor.execute(
                    "CREATE INDEX IF NOT EXISTS customer_search_entry_trgm "
                    "ON customers_customersearchentry USING gin (search_text gin_trgm_ops) "
                    "WITH (fastupdate = off)"
                )
                cursor.execute("SELECT to_regclass('customer_search_trgm') IS NOT NULL")
                if cursor.fetchone()[0]:
                    cursor.execute("SELECT gin_clean_pending_list('customer_search_trgm')")
                    cursor.execute("ALTER INDEX customer_search_trgm SET (fastupdate = off)")
            except Exception:
                cursor.execute("ROLLBACK TO SAVEPOINT customer_search_entry_trgm")
            else:
                cursor.execute("RELEASE SAVEPOINT customer_search_entry_trgm")
            cursor.execute("ANALYZE customers_customersearchentry")


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in POSTGRESQL_DROP if vendor == "postgresql" else SQLITE_DROP:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0007_order_stats"),
    ]

    operations = [
        migrations.CreateModel(
            name="CustomerSearchEntry",
            fields=[
                (
                    "customer",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="search_entry",
                        serialize=False,
                        to="customers.customer",
                    ),
                ),
                ("search_text", models.TextField()),
                ("last_name_key", models.TextField()),
                ("first_name_key", models.TextField()),
            ],
            options={
                "verbose_name": "customer search entry",
            },
        ),
        migrations.RunPython(keep_entries, drop_triggers),
    ]
