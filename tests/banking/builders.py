"""Small builders for bank files in tests: the formats model, written with the real camt writer."""

from __future__ import annotations

import datetime
from decimal import Decimal

from avstem.formats import camt_write
from avstem.formats.model import (
    Account,
    Balance,
    BankTransactionCode,
    Batch,
    Counterparty,
    CreditorReference,
    Document,
    Entry,
    EntryDetails,
    EntryStatus,
    References,
    Statement,
    Transaction,
)

DAY = datetime.date(2026, 3, 2)  # a Monday


def tx(amount, *, kid=None, e2e=None, name=None, account=None, text=None, ref=None):
    return Transaction(
        amount=Decimal(amount),
        references=References(end_to_end_id=e2e, account_servicer_reference=ref),
        counterparty=Counterparty(name=name, bban=account) if (name or account) else None,
        creditor_references=(CreditorReference(ref=kid, type_code="SCOR"),) if kid else (),
        remittance_lines=(text,) if text else (),
    )


def entry(amount, ref=None, *, day=DAY, status="BOOK", transactions=(), info=None, batch=False, code=None):
    amount = Decimal(amount)
    booked = status == "BOOK"
    details = ()
    if transactions:
        details = (EntryDetails(batch=Batch(number_of_transactions=len(transactions), total_amount=amount) if batch else None,
                                transactions=tuple(transactions)),)
    return Entry(
        amount=amount, currency="NOK", status=EntryStatus(status), booking_date=day if booked else None,
        value_date=day, account_servicer_reference=ref, additional_info=info, details=details,
        bank_transaction_code=BankTransactionCode(*code) if code else None,
    )


def statement(iban, entries, *, day=DAY, opening=None, closing=None, last_day=None):
    balances = []
    if opening is not None:
        balances.append(Balance("OPBD", Decimal(opening), "NOK", date=day))
    if closing is not None:
        balances.append(Balance("CLBD", Decimal(closing), "NOK", date=last_day or day))
    created = datetime.datetime.combine(day, datetime.time(23, 0), tzinfo=datetime.timezone.utc)
    return Statement(account=Account(iban=iban, currency="NOK"), id=f"S-{day}", created=created, balances=tuple(balances),
                     entries=tuple(entries))


def document(*statements, kind="053", version=None):
    version = version or f"camt.{kind}.001.02"
    created = datetime.datetime(2026, 3, 3, 6, 0, tzinfo=datetime.timezone.utc)
    return Document(format_id=version, message_id=f"M-{kind}", created=created, statements=tuple(statements))


def camt_bytes(*statements, kind="053"):
    return camt_write.to_bytes(document(*statements, kind=kind))
