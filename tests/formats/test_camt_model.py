"""The shared model: values, consistency checks and the fast constructors the readers use."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, fields
from datetime import date
from decimal import Decimal

import pytest

from avstem.formats.model import (
    Balance,
    BankTransactionCode,
    Batch,
    Counterparty,
    CreditorReference,
    Entry,
    EntryDetails,
    EntryStatus,
    References,
    Statement,
    Transaction,
    positional_constructor,
    Account,
)


@pytest.mark.parametrize("cls", [Entry, EntryDetails, Transaction, References, Counterparty, CreditorReference, BankTransactionCode, Batch])
def test_positional_constructor_builds_equal_frozen_objects(cls):
    values = [f"v{n}" for n in range(len(fields(cls)))]
    fast = positional_constructor(cls)(*values)
    assert fast == cls(*values) and hash(fast) == hash(cls(*values))
    with pytest.raises(FrozenInstanceError):
        setattr(fast, fields(cls)[0].name, "changed")


def test_positional_constructor_refuses_classes_with_post_init():
    with pytest.raises(TypeError, match="__post_init__"):
        positional_constructor(Statement)


def test_creditor_reference_kid_is_shape_only_and_validity_is_the_kids():
    assert CreditorReference("001002341236", "SCOR").kid.valid is True
    assert CreditorReference("001002341237", "SCOR").kid.valid is False  # shape ok, check digit wrong
    assert CreditorReference("1234567-", "SCOR").kid is not None
    for not_a_kid in ("RF18539007547034", "1", "1" * 26, "12 34", "-1"):
        assert CreditorReference(not_a_kid).kid is None


def test_statement_consistency_is_computed_and_not_part_of_equality():
    entries = (
        Entry(Decimal("10.00"), "NOK", EntryStatus.BOOK, details=(EntryDetails(Batch(2, Decimal("10.00")), (Transaction(Decimal("4.00")), Transaction(Decimal("6.00")))),)),
        Entry(Decimal("-3.00"), "NOK", EntryStatus.BOOK),
        Entry(Decimal("99.00"), "NOK", EntryStatus.INFO),
    )
    balances = (Balance("OPBD", Decimal("1.00"), "NOK", date(2024, 1, 1)), Balance("CLBD", Decimal("8.00"), "NOK", date(2024, 1, 1)))
    stmt = Statement(Account(iban="NO9386011117947"), balances=balances, entries=entries)
    assert stmt.consistency.consistent is True and stmt.consistency.batches is True
    wrong = Statement(Account(iban="NO9386011117947"), balances=balances[:1] + (Balance("CLBD", Decimal("9.00"), "NOK"),), entries=entries)
    assert wrong.consistency.consistent is False and "difference 1.00" in wrong.consistency.messages[0]
    assert Statement(Account(), entries=entries).consistency.balances is None
