"""Keeping the directory's search table (models.CustomerSearchEntry) in name order on
disk, so that a broad search reads its matches from few pages (decision 0032).

A search's matches are read from the table's pages, then sorted by name. Rows written in
name order put the records of one last name (and, within it, of one first name) side by
side: "lefevre" then reads some 150 pages instead of 2,600 at 200,000 records, and a
first name such as "helene" one short run of pages per last name. The triggers append
new and changed records at the end, out of order; the worker puts the table back in
order daily (``comptoir.jobs.periodic``)."""

from __future__ import annotations

from django.db import connection, transaction

TABLE = "customers_customersearchentry"
TRIGRAM_INDEX = "customer_search_entry_trgm"
ORDER = "last_name_key, first_name_key, customer_id"
_SORTED_ROWS = f"SELECT * FROM {TABLE} ORDER BY {ORDER}"  # noqa: S608 (our names)
_SORTED_COPY = f"SELECT * FROM sorted ORDER BY {ORDER}"  # noqa: S608 (our names)


def sort_search_entries() -> int:
    """Rewrite the search table in name order (PostgreSQL; SQLite has no trigram index
    and reads the whole table anyway: nothing to do there). Returns the rows written.

    Searches keep reading while the sorted copy is made; records being created or
    renamed wait for it (their trigger writes this table). Then the table is emptied and
    written again, and its trigram index built afresh (faster than inserting into it row
    by row): searches wait too for those few seconds (about 3 s at 200,000 records)."""
    if connection.vendor != "postgresql":
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {TABLE} IN EXCLUSIVE MODE")
        cursor.execute(f"CREATE TEMPORARY TABLE sorted ON COMMIT DROP AS {_SORTED_ROWS}")
        cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [TRIGRAM_INDEX])
        (indexed,) = cursor.fetchone()
        if indexed:
            cursor.execute(f"DROP INDEX {TRIGRAM_INDEX}")
        cursor.execute(f"TRUNCATE {TABLE}")
        cursor.execute(f"INSERT INTO {TABLE} {_SORTED_COPY}")
        written = cursor.rowcount
        if indexed:
            cursor.execute(
                f"CREATE INDEX {TRIGRAM_INDEX} ON {TABLE} "
                "USING gin (search_text gin_trgm_ops) WITH (fastupdate = off)"
            )
        cursor.execute(f"ANALYZE {TABLE}")
    return written
