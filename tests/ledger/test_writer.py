"""The SQLite background writer (avstem/ledger/writer.py): the same transaction as without it.
Queries see every write handed over before them, savepoints roll back what they would have,
keys are the database's, a failed write fails the transaction, and nothing runs after."""

from __future__ import annotations

import datetime
import sys
import threading

import pytest
from django.db import IntegrityError, connection, transaction

from avstem.ledger.models import Settlement, SettlementLine, Voucher
from avstem.ledger.rows import insert_rows, reserve_ids, update_column
from avstem.ledger.writer import SWITCH_INTERVAL, background_writes, current

pytestmark = pytest.mark.django_db

D = datetime.date
NAMES = ["company", "date", "note", "created_at", "created_by", "created_by_label"]


@pytest.fixture(autouse=True)
def _sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("the writer is SQLite's (on PostgreSQL COPY runs on the server while the client goes on)")


def rows(company, notes):
    now = datetime.datetime.now(datetime.UTC)
    return [(company.pk, D(2025, 1, 1), note, now, None, "x") for note in notes]


def writer_threads():
    return [t for t in threading.enumerate() if t.name == "sqlite-writer"]


def test_a_query_sees_every_write_handed_over_before_it_and_the_keys_are_the_rows(company):
    notes = [f"n{n}" for n in range(1234)]
    with transaction.atomic(), background_writes(Settlement) as writer:
        assert writer is current() is not None and sys.getswitchinterval() == SWITCH_INTERVAL
        keys = insert_rows(Settlement, NAMES, rows(company, notes), ids=True)
        assert dict(Settlement.objects.filter(pk__in=keys).values_list("pk", "note")) == dict(zip(keys, notes, strict=True))
        update_column(Settlement, "company", [])  # nothing to do
    assert current() is None and not writer_threads() and sys.getswitchinterval() != SWITCH_INTERVAL
    later = Settlement.objects.create(company=company, date=D(2025, 1, 2), created_by_label="x")
    assert later.pk > max(keys)  # AUTOINCREMENT's counter followed the keys the writer gave


def test_keys_reserved_and_written_later_and_tables_not_read_up_front(company, owner):
    """reserve_ids takes the writer's keys; a table not given up front is read when first
    written; rows written with their keys keep them."""
    with transaction.atomic(), background_writes(Settlement):
        first = insert_rows(Settlement, NAMES, rows(company, ["a"]), ids=True)
        reserved = reserve_ids(Settlement, 3)
        second = insert_rows(Settlement, NAMES, rows(company, ["b"]), ids=True)
        insert_rows(Settlement, ["id", *NAMES], [(key, *row) for key, row in zip(reserved, rows(company, "xyz"), strict=True)])
        lines = insert_rows(SettlementLine, ["settlement", "open_item", "amount"], [], ids=True)
        assert lines == []
    assert reserved == [first[0] + 1, first[0] + 2, first[0] + 3] and second == [first[0] + 4]
    assert list(Settlement.objects.filter(pk__gte=first[0]).order_by("pk").values_list("note", flat=True)) == [
        "a", "x", "y", "z", "b"]


def test_a_savepoint_rolls_back_exactly_what_it_would_have(company):
    with transaction.atomic(), background_writes(Settlement):
        insert_rows(Settlement, NAMES, rows(company, ["kept"]))
        with pytest.raises(ValueError), transaction.atomic():
            insert_rows(Settlement, NAMES, rows(company, ["dropped"]))
            raise ValueError
        insert_rows(Settlement, NAMES, rows(company, ["also kept"]))
    assert sorted(Settlement.objects.values_list("note", flat=True)) == ["also kept", "kept"]


def test_a_failed_write_is_djangos_error_at_the_next_query_and_nothing_of_the_transaction_stays(company):
    row = (company.pk, "manual", 2025, 999, D(2025, 3, 1), "x", "", None, datetime.datetime.now(datetime.UTC), None, "x")
    names = ["company", "series", "fiscal_year", "number", "date", "description", "source", "reversal_of", "posted_at",
             "posted_by", "posted_by_label"]
    with pytest.raises(IntegrityError), transaction.atomic(), background_writes(Voucher, Settlement):
        insert_rows(Settlement, NAMES, rows(company, ["gone"]))
        insert_rows(Voucher, names, [row, row])  # the same number twice
        insert_rows(Settlement, NAMES, rows(company, ["never"]))
        Voucher.objects.count()  # raises here, not later
        pytest.fail("the query ran after a failed write")
    assert not Settlement.objects.exists() and not Voucher.objects.filter(number=999).exists()
    assert not writer_threads()


def test_an_error_in_the_block_waits_for_the_writer_before_the_rollback(company):
    with pytest.raises(KeyError), transaction.atomic(), background_writes(Settlement):
        insert_rows(Settlement, NAMES, rows(company, [f"n{n}" for n in range(3000)]))
        raise KeyError
    assert not writer_threads() and not Settlement.objects.exists()


def test_an_orm_insert_into_a_table_whose_keys_the_writer_holds_is_refused(company):
    with pytest.raises(RuntimeError, match="ledger_settlement"), transaction.atomic(), background_writes(Settlement):
        Settlement.objects.create(company=company, date=D(2025, 1, 2), created_by_label="x")


def test_updates_and_deletes_by_key_go_to_the_writer_in_their_order(company):
    """rows.set_where: an update and a delete handed over, seen by the next query; the same
    through the ORM without a writer."""
    from avstem.ledger.rows import set_where

    keys = insert_rows(Settlement, NAMES, rows(company, ["a", "b", "c"]), ids=True)
    at = datetime.datetime(2025, 5, 1, 12, tzinfo=datetime.UTC)
    with transaction.atomic(), background_writes(Settlement):
        set_where(Settlement, "id", keys[:2], note="changed", reversed_at=at)
        set_where(Settlement, "id", keys[1:2])
        assert dict(Settlement.objects.values_list("pk", "note")) == {keys[0]: "changed", keys[2]: "c"}
    assert Settlement.objects.get(pk=keys[0]).reversed_at == at
    set_where(Settlement, "id", keys[2:], note="by the ORM")
    set_where(Settlement, "id", keys[:1])
    assert list(Settlement.objects.values_list("note", flat=True)) == ["by the ORM"]


def test_two_threads_writers_give_back_the_switch_interval_when_the_last_ends():
    from avstem.ledger.writer import _short_switch_interval

    before = sys.getswitchinterval()
    first, second = _short_switch_interval(), _short_switch_interval()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # the first ends while the second still runs
    assert sys.getswitchinterval() == SWITCH_INTERVAL
    second.__exit__(None, None, None)
    assert sys.getswitchinterval() == before
