"""The indexes and storage settings of the tables written by the thousand (avstem/indexes.py,
ledger migration 0006): no index a composite one already covers, and mostly-empty foreign keys
indexed only where set."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

# table -> single columns that must have no index of their own (a composite index leads with them)
COVERED = {
    "audit_auditentry": ["company_id"],
    "ledger_voucher": ["company_id"],
    "ledger_posting": ["voucher_id"],
    "ledger_openitem": ["company_id"],
    "reconciliation_reconciliation": ["company_id", "bank_account_id"],
    "banking_bankline": ["company_id", "bank_account_id"],
}
# Every query of the audit log filters by company: the time alone is never looked up.
UNUSED = {"audit_auditentry": ["at"]}
# index name -> (table, column): indexed only where the column is set
PARTIAL = {
    "audit_actor_set": ("audit_auditentry", "actor_id"),
    "ledger_voucher_posted_by": ("ledger_voucher", "posted_by_id"),
    "ledger_posting_customer": ("ledger_posting", "customer_id"),
    "ledger_openitem_invoice": ("ledger_openitem", "invoice_id"),
    "recon_run_set": ("reconciliation_reconciliation", "run_id"),
    "banking_line_import_batch": ("banking_bankline", "import_batch_id"),
}


def _indexes(table: str) -> dict[str, dict]:
    with connection.cursor() as cursor:
        return {name: c for name, c in connection.introspection.get_constraints(cursor, table).items()
                if (c["index"] or c["unique"]) and not c["primary_key"]}


def _definition(name: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name])
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = %s", [name])
        return cursor.fetchone()[0]


@pytest.mark.parametrize("table", sorted(COVERED))
def test_no_index_a_composite_one_covers(table):
    indexes = _indexes(table)
    single = {tuple(c["columns"]) for c in indexes.values()}
    for column in COVERED[table]:
        assert (column,) not in single, f"{table}.{column} has an index of its own"
        assert any(c["columns"][0] == column and len(c["columns"]) > 1 for c in indexes.values()), (
            f"no composite index of {table} leads with {column}")
    for column in UNUSED.get(table, ()):
        assert (column,) not in single, f"{table}.{column} has an index of its own"


@pytest.mark.parametrize("name", sorted(PARTIAL))
def test_mostly_empty_keys_are_indexed_where_set(name):
    table, column = PARTIAL[name]
    assert _indexes(table)[name]["columns"] == [column]
    assert "IS NOT NULL" in _definition(name).upper()


@pytest.mark.parametrize("party", ["customer", "supplier"])
def test_a_partys_open_items_have_one_index_that_leads_with_the_party_and_holds_only_theirs(party):
    """A payment's open item went into two indexes ordered by its customer (company, customer,
    due date, and the customer alone), a random page each per line of a big reconciliation:
    one index on the party and due date, holding only the items that have the party, serves
    both the party's items and its foreign key."""
    indexes = _indexes("ledger_openitem")
    leading = [name for name, c in indexes.items() if f"{party}_id" in c["columns"]]
    assert leading == [f"ledger_openitem_{party}_due"]
    assert indexes[leading[0]]["columns"] == [f"{party}_id", "due_date"]
    assert "IS NOT NULL" in _definition(leading[0]).upper()


def test_a_customers_open_items_are_read_from_the_customer_index():
    from avstem.ledger.models import OpenItem

    query = OpenItem.objects.filter(company_id=1, customer_id=2).exclude(remaining=0).order_by("due_date")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # the empty test table would be scanned
    plan = query.explain()
    assert "ledger_openitem_customer_due" in plan, plan


def test_open_items_leave_room_for_hot_updates():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no fillfactor")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'ledger_openitem'")
        assert "fillfactor=85" in cursor.fetchone()[0]


def test_sqlite_maps_up_to_two_gigabytes_of_the_database(tmp_path):
    """A million-line reconciliation's file outgrew a 256 MB map and its apply took 6 % longer:
    every connection maps up to SQLite's own limit (it may be built with a lower one). The tests'
    database is in memory, which maps nothing, so the connection's set-up runs on a file."""
    import sqlite3

    from django.conf import settings

    options = settings.DATABASES["default"].get("OPTIONS", {})
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: PostgreSQL has its own buffers")
    db = sqlite3.connect(tmp_path / "mapped.sqlite3")
    try:
        db.executescript(options["init_command"])
        mapped = db.execute("PRAGMA mmap_size").fetchone()[0]
        built = [row[0] for row in db.execute("PRAGMA compile_options")]
    finally:
        db.close()
    wanted = 0x7FFF0000  # 2 GB less 64 kB: SQLite's default limit
    limit = next((int(o.split("=")[1], 0) for o in built if o.startswith("MAX_MMAP_SIZE=")), wanted)
    assert mapped == min(limit, wanted) > 256 * 2**20
