"""The ledger's batch entry points write plain rows (rows.py): the same rows, keys and audit
entries as the one-at-a-time services, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime
import sqlite3
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from avstem.audit.models import AuditEntry
from avstem.audit.services import record
from avstem.ledger import invoicing
from avstem.ledger.auditing import record_many
from avstem.ledger.errors import LedgerError
from avstem.ledger.invoicing import InvoiceLineInput as L
from avstem.ledger.models import OpenItem, Posting, Settlement, SettlementLine
from avstem.ledger.posting import Line, NewVoucher, post_vouchers_written
from avstem.ledger.rows import insert_instances, insert_rows, update_column
from avstem.ledger.subledger import lock_items, settle, settle_many

D = datetime.date


def invoice(company, owner, customer, amount):
    inv = invoicing.create_invoice(owner, company, customer=customer, invoice_date=D(2025, 3, 1), post=True,
                                   lines=[L("Vare", Decimal(1), amount * 4 // 5, account="3000", vat_code="3")])
    return invoicing.open_item_of(inv)


def payments(owner, company, customer, amounts):
    return post_vouchers_written(owner, company, [
        NewVoucher(date=D(2025, 3, 20), description=f"Innbetaling {n}", series="bank", lines=[
            Line("1920", amount, bank_account_id=None, reference=f"ref{n}"),
            Line("1500", -amount, customer=customer)])
        for n, amount in enumerate(amounts)])


def test_written_keys_are_the_rows_in_the_database(company, owner, customer):
    written = post_vouchers_written(owner, company, [
        NewVoucher(date=D(2025, 3, 10), description="Rekvisita", lines=[
            Line("6800", 125000, vat_code="1", gross=True), Line("1920", -125000)]),
        NewVoucher(date=D(2025, 3, 20), description="Innbetaling", series="bank", lines=[
            Line("1920", 50000), Line("1500", -50000, customer=customer, kid="0012344")]),
    ])
    for w in written:
        stored = list(Posting.objects.filter(voucher=w.voucher).order_by("line")
                      .values_list("pk", "line", "account_id", "bank_account_id"))
        assert sorted(w.postings, key=lambda p: p[1]) == stored
        items = list(OpenItem.objects.filter(posting__voucher=w.voucher).values_list(
            "pk", "posting__line", "customer_id", "supplier_id", "amount", "date", "description"))
        assert w.open_items == items
    first, second = written
    assert [p[1] for p in first.postings] == [1, 2, 3]  # the VAT line is one of them
    assert first.open_items == [] and len(second.open_items) == 1
    item = OpenItem.objects.get(pk=second.open_items[0][0])
    assert (item.amount, item.remaining, item.kid, item.due_date, item.date) == (-50000, -50000, "0012344",
                                                                                   D(2025, 3, 20), D(2025, 3, 20))
    assert item.posting.customer_id == customer.pk
    voucher = second.voucher
    assert voucher.display_number.startswith("B2025-") and not voucher._state.adding
    entry = AuditEntry.objects.get(action="voucher.post", object_id=str(voucher.pk))
    assert (entry.actor, entry.actor_label, entry.company, entry.object_type) == (owner, owner.email, company,
                                                                                  "ledger.Voucher")
    assert entry.changes == {"date": [None, "2025-03-20"], "amount": [None, "500,00"]}
    assert entry.object_repr == str(voucher) and entry.summary == "Innbetaling"


def test_written_vouchers_are_the_rows_without_reading_them(company, owner, customer, django_assert_num_queries):
    """The vouchers handed back are built without Model.__init__ (rows.built): every field as
    stored, the company and user at hand, counted as saved."""
    [w] = payments(owner, company, customer, [25000])
    stored = type(w.voucher).objects.get(pk=w.voucher.pk)
    assert [getattr(w.voucher, f.attname) for f in stored._meta.concrete_fields] == [
        getattr(stored, f.attname) for f in stored._meta.concrete_fields]
    with django_assert_num_queries(0):
        assert (w.voucher.company, w.voucher.posted_by, w.voucher.reversal_of) == (company, owner, None)
    assert not w.voucher._state.adding and w.voucher == stored


def test_settle_many_matches_settle(company, owner, customer):
    """The batch settles like `settle`: the same lines, remaining amounts and audit changes."""
    a, b = invoice(company, owner, customer, 100000), invoice(company, owner, customer, 100000)
    paid_a, paid_b = (w.open_items[0][0] for w in payments(owner, company, customer, [100000, 100000]))
    one = settle(owner, OpenItem.objects.get(pk=paid_a), [(a, 60000)])
    many = settle_many(owner, company, [(paid_b, [(b.pk, 60000)], None, "note")])
    assert len(many) == 1 and isinstance(many[0], Settlement) and not many[0]._state.adding
    assert many[0].note == "note" and many[0].date == D(2025, 3, 20)

    def lines(settlement):
        return sorted((line.open_item.remaining, line.amount) for line in SettlementLine.objects.filter(
            settlement=settlement).select_related("open_item"))

    assert lines(one) == lines(many[0]) == [(-40000, -60000), (40000, 60000)]
    old = AuditEntry.objects.get(action="settlement.create", object_id=str(one.pk)).changes
    new = AuditEntry.objects.get(action="settlement.create", object_id=str(many[0].pk)).changes
    assert [v for _k, v in sorted(old.items())] == [v for _k, v in sorted(new.items())]
    assert f"{b.label} (#{b.pk})" in new and b.label.startswith("Invoice ")


def test_settle_many_checks_in_order_and_refuses_all(company, owner, customer):
    item = invoice(company, owner, customer, 100000)
    paid = [w.open_items[0][0] for w in payments(owner, company, customer, [70000, 70000])]
    with pytest.raises(LedgerError, match="more than the 300,00 remaining"):
        settle_many(owner, company, [(paid[0], [(item.pk, 70000)], None, ""), (paid[1], [(item.pk, 70000)], None, "")])
    item.refresh_from_db()
    assert item.remaining == 100000 and not Settlement.objects.filter(company=company).exists()


def test_settle_many_reads_only_the_items_it_is_not_given(company, owner, customer, monkeypatch):
    """An item the caller has locked already (`locked`) is neither locked nor read again; the
    settlement comes out as if it had been, and the caller's items carry the new remaining."""
    from avstem.ledger import subledger

    item = invoice(company, owner, customer, 100000)
    paid = payments(owner, company, customer, [100000])[0].open_items[0][0]
    given = lock_items(company, {item.pk})
    asked = []
    monkeypatch.setattr(subledger, "lock_items", lambda company, ids: asked.append(set(ids)) or lock_items(company, ids))
    [made] = settle_many(owner, company, [(paid, [(item.pk, 100000)], None, "")], locked=given)
    assert asked == [{paid}]
    assert given[item.pk].remaining == 0
    assert sorted(SettlementLine.objects.filter(settlement=made).values_list("open_item_id", "amount")) == sorted(
        [(item.pk, 100000), (paid, -100000)])
    assert sorted(OpenItem.objects.filter(pk__in=[item.pk, paid]).values_list("remaining", flat=True)) == [0, 0]


def test_insert_rows_returns_keys_in_row_order(company, owner):
    keys = insert_rows(Settlement, ["company", "date", "note", "created_at", "created_by", "created_by_label"],
                       [(company.pk, D(2025, 1, n), f"n{n}", datetime.datetime.now(datetime.UTC), owner.pk, "x")
                        for n in range(1, 4)], ids=True)
    assert [Settlement.objects.get(pk=k).note for k in keys] == ["n1", "n2", "n3"]
    assert insert_rows(Settlement, ["company"], []) == 0


def test_many_rows_go_into_sqlite_a_few_hundred_per_statement_with_their_keys_in_order(company, owner, monkeypatch):
    """On SQLite the rows go in as multi-row INSERTs (rows.SQLITE_ROWS_PER_INSERT each, fewer
    when a row has so many columns that SQLite's limit of variables per statement comes
    first), not one statement per row; a short last statement keeps every row."""
    from avstem.ledger import rows

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's own insert path (PostgreSQL uses COPY)")
    names = ["company", "date", "note", "created_at", "created_by", "created_by_label"]
    now = datetime.datetime.now(datetime.UTC)
    made = [(company.pk, D(2025, 1, 1 + n % 28), f"n{n}", now, owner.pk, "x") for n in range(2 * rows.SQLITE_ROWS_PER_INSERT + 7)]
    connection.ensure_connection()
    raw = connection.connection

    def inserts(rows_given):
        statements = []
        raw.set_trace_callback(statements.append)
        try:
            keys = rows.insert_rows(Settlement, names, rows_given, ids=True)
        finally:
            raw.set_trace_callback(None)
        assert keys == list(range(keys[0], keys[0] + len(rows_given)))
        stored = dict(Settlement.objects.filter(pk__in=keys).values_list("pk", "note"))
        assert [stored[k] for k in keys] == [row[2] for row in rows_given]
        return len([s for s in statements if s.startswith("INSERT")])

    assert inserts(made) == 3
    assert Settlement.objects.order_by("-pk").values_list("date", flat=True)[0] == made[-1][1]
    limit = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 2 * len(names) + 1)  # room for two rows
    try:
        assert inserts(made[:5]) == 3
    finally:
        raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, limit)


def test_update_column(company, owner, customer):
    a, b, c = (invoice(company, owner, customer, amount) for amount in (100000, 50000, 25000))
    update_column(OpenItem, "remaining", [(a.pk, 1), (b.pk, -2)])
    a.refresh_from_db(), b.refresh_from_db(), c.refresh_from_db()
    assert (a.remaining, b.remaining, c.remaining) == (1, -2, 25000)  # only the rows given


def test_record_many_writes_what_record_writes(company, owner, customer):
    record(action="x.one", actor=owner, company=company, obj=customer, changes={"navn": ["Å", "Ø"]}, summary="s")
    record_many(action="x.many", actor=owner, company=company, items=[(customer, {"navn": ["Å", "Ø"]}, "s")])
    fields = ("actor_id", "actor_label", "company_id", "object_type", "object_id", "object_repr", "changes", "summary")
    one, many = (AuditEntry.objects.filter(action=a).values_list(*fields).get() for a in ("x.one", "x.many"))
    assert one == many
    record_many(action="x.job", job="bank-sync", items=[(customer, None, "")])
    entry = AuditEntry.objects.get(action="x.job")
    assert (entry.actor, entry.actor_label, entry.company, entry.changes) == (None, "job:bank-sync", None, {})


def test_any_key_is_in(company, owner, customer):
    a, b = invoice(company, owner, customer, 100000), invoice(company, owner, customer, 50000)
    assert set(OpenItem.objects.filter(pk__any_key=[a.pk, b.pk, 10**12]).values_list("pk", flat=True)) == {a.pk, b.pk}
    assert list(OpenItem.objects.filter(customer_id__any_key=[customer.pk]).order_by("pk")) == [a, b]
    assert not OpenItem.objects.filter(pk__any_key=[]).exists()


def test_any_key_takes_keys_as_numbers_not_parameters(company, owner, customer):
    """Far more keys than SQLite allows variables per query (32766), in one query with no
    parameter per key; a key that is not a number is refused, never put into the SQL."""
    a = invoice(company, owner, customer, 100000)
    keys = [a.pk, *range(10**9, 10**9 + 40_000)]
    query = OpenItem.objects.filter(pk__any_key=keys)
    sql, params = query.query.sql_with_params()
    assert len(params) <= 2
    with CaptureQueriesContext(connection) as queries:
        assert list(query.values_list("pk", flat=True)) == [a.pk]
    assert len(queries) == 1
    with pytest.raises(ValueError):
        list(OpenItem.objects.filter(pk__any_key=[a.pk, "1) OR (1=1"]))


def test_insert_instances(company, owner):
    settlements = [Settlement(company=company, date=D(2025, 1, n), note=f"i{n}", created_at=datetime.datetime.now(datetime.UTC),
                              created_by=owner, created_by_label="x") for n in (1, 2)]
    insert_instances(settlements, ids=True)
    assert [Settlement.objects.get(pk=s.pk).note for s in settlements] == ["i1", "i2"]
    assert not settlements[0]._state.adding


def test_a_refused_insert_is_djangos_integrity_error(company, owner):
    """COPY runs on psycopg's own cursor: a unique key taken must still be an IntegrityError
    that the services catch (the reconciliation's links back up its row locks this way)."""
    from django.db import IntegrityError, transaction

    from avstem.ledger.models import Voucher

    row = (company.pk, "manual", 2025, 999, D(2025, 3, 1), "x", "", None, datetime.datetime.now(datetime.UTC), None, "x")
    names = ["company", "series", "fiscal_year", "number", "date", "description", "source", "reversal_of", "posted_at",
             "posted_by", "posted_by_label"]
    insert_rows(Voucher, names, [row])
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(Voucher, names, [row])


def test_reserved_ids_are_not_taken_by_the_next_insert(company, owner):
    from avstem.ledger.models import Voucher
    from avstem.ledger.rows import reserve_ids

    first = reserve_ids(Voucher, 3)
    again = reserve_ids(Voucher, 2)
    assert len(first) == 3 and len(again) == 2 and not set(first) & set(again)
    assert first == list(range(first[0], first[0] + 3))
    [later] = post_vouchers_written(owner, company, [NewVoucher(date=D(2025, 3, 10), description="Rekvisita", lines=[
        Line("6800", 1000), Line("1920", -1000)])])
    assert later.voucher.pk > max(again)


def test_unnumbered_vouchers_get_their_rows_and_numbers_at_the_end(company, owner, customer):
    """numbered=False writes postings and open items, and the voucher rows only when
    number_vouchers takes the numbers; nothing locks the series' counter before that."""
    from avstem.ledger.models import NumberCounter, Voucher
    from avstem.ledger.posting import number_vouchers

    before = Voucher.objects.count()
    new = [NewVoucher(date=D(2025, 3, 20), description=f"Innbetaling {n}", series="bank", lines=[
        Line("1920", 100 + n), Line("1500", -100 - n, customer=customer)]) for n in range(3)]
    written = post_vouchers_written(owner, company, new, audit=False, numbered=False)
    assert Voucher.objects.count() == before and all(w.voucher.number is None for w in written)
    assert Posting.objects.filter(voucher_id__in=[w.voucher.pk for w in written]).count() == 6
    assert not NumberCounter.objects.filter(company=company, key="voucher:bank").exists()
    number_vouchers(company, [w.voucher for w in written])
    stored = list(Voucher.objects.filter(pk__in=[w.voucher.pk for w in written]).order_by("number")
                  .values_list("pk", "number", "description"))
    assert stored == [(w.voucher.pk, w.voucher.number, w.voucher.description) for w in written]
    assert [n for _pk, n, _d in stored] == [1, 2, 3]
    with pytest.raises(ValueError):
        post_vouchers_written(owner, company, new[:1], numbered=False)  # its audit entry would have no number
