"""The Orders page's search (orders.search): a function folding the text searched
(number, contact name, email and phone: lower-cased, accents removed; with the unaccent
extension where it can be created) and, on PostgreSQL,
a pg_trgm GIN index on it, so that "contains" reads the few matching orders instead of the
whole location's. An expression rather than a stored column: nothing to fill in 1,000,000
rows, nothing for the services to keep. The index is built CONCURRENTLY (outside a
transaction), so checkouts go on while it is built. Without the privilege to create the
extension the search still works, by scanning (as on SQLite, where there is no function:
the query spells the folding out)."""

from django.db import migrations

from comptoir.orders.search import FUNCTION, function_body, index_expression


def add_function_and_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The migration is not atomic (see below): each statement commits on its own.
    try:
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public")
    except Exception:
        unaccent = False
    else:
        unaccent = True
    # Not inlined (plpgsql), so the planner weighs its cost per row; immutable, so
    # indexable; parallel restricted, so a common name's walk of the orders newest first
    # stays in one process (in parallel, the workers read five times the rows it needs).
    schema_editor.execute(
        f"CREATE OR REPLACE FUNCTION {FUNCTION}(value text) RETURNS text "
        "LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL RESTRICTED "
        f"COST {100 if unaccent else 1000} "
        f"AS $$ BEGIN RETURN {function_body(unaccent=unaccent)}; END $$"
    )
    try:
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS order_search_trgm "
            f"ON orders_order USING gin (({index_expression()}) gin_trgm_ops)"
        )
    except Exception:
        # A concurrent build that failed leaves an invalid index behind.
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS order_search_trgm")


def drop_function_and_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS order_search_trgm")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}(text)")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("orders", "0008_order_discount")]

    operations = [
        migrations.RunPython(add_function_and_index, drop_function_and_index, elidable=False)
    ]
