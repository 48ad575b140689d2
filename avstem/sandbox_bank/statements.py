"""The bank's documents, made from stored entries with avstem.formats: camt.053 statements,
camt.054 notifications and Nets OCR giro files.

Deterministic: the same entries give byte-identical documents (ids and timestamps come from the
account and the day, never from the clock), so a statement fetched twice, or by API and by file,
is the same file.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence
from decimal import Decimal
from zoneinfo import ZoneInfo

import netsgiro

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
from avstem.norway.accounts import bank_for_registration_number
from avstem.norway.calendar import business_days_between, is_business_day, next_business_day
from avstem.sandbox_bank.accounts import booked_balance, details_of, entry_rows, pending_debits
from avstem.sandbox_bank.store import kroner

OSLO = ZoneInfo("Europe/Oslo")
STATEMENT_VERSIONS = ("camt.053.001.02", "camt.053.001.08")
NOTIFICATION_VERSIONS = ("camt.054.001.02", "camt.054.001.08")
NETS_ID = "00008080"  # Nets as data transmitter


class NotAvailable(LookupError):
    """The document does not exist (yet): a day not closed, not a business day, no entries."""


def statement_created(day: dt.date) -> dt.datetime:
    """Statements are made early the next business day."""
    return dt.datetime.combine(next_business_day(day), dt.time(5, 30), OSLO)


def statement_document(conn: sqlite3.Connection, account: sqlite3.Row, day: dt.date, today: dt.date,
                       version: str = "camt.053.001.02") -> Document:
    """The end-of-day statement of a closed business day."""
    if version not in STATEMENT_VERSIONS:
        raise ValueError(f"version must be one of {', '.join(STATEMENT_VERSIONS)}")
    if not is_business_day(day):
        raise NotAvailable(f"{day} is not a business day: statements are made for business days only")
    if day >= today:
        raise NotAvailable(f"the statement for {day} is made when the day closes; the bank day is {today}")
    if day < dt.date.fromisoformat(account["opened_on"]):
        raise NotAvailable(f"account {account['number']} was opened on {account['opened_on']}")
    opening = booked_balance(conn, account, before=day)
    rows = entry_rows(conn, account["id"], day, day, status="BOOK")
    closing = opening + sum(int(r["amount"]) for r in rows)
    available = closing + pending_debits(conn, account, through=day) + int(account["credit_limit"])
    ccy = account["currency"]
    opened = dt.date.fromisoformat(account["opened_on"])
    statement = Statement(
        account=_account(account),
        id=f"{account['number']}-{day:%Y%m%d}",
        electronic_sequence=business_days_between(opened, day) + (1 if is_business_day(opened) else 0),
        created=statement_created(day),
        from_datetime=dt.datetime.combine(day, dt.time(0, 0), OSLO),
        to_datetime=dt.datetime.combine(day, dt.time(23, 59, 59), OSLO),
        balances=(Balance("OPBD", kroner(opening), ccy, date=day), Balance("CLBD", kroner(closing), ccy, date=day),
                  Balance("CLAV", kroner(available), ccy, date=day)),
        entries=tuple(_entries(conn, rows)),
    )
    return Document(format_id=version, message_id=f"053-{account['number']}-{day:%Y%m%d}",
                    created=statement.created, statements=(statement,))


def notification_document(conn: sqlite3.Connection, accounts: Sequence[sqlite3.Row], day: dt.date,
                          today: dt.date, version: str = "camt.054.001.02",
                          direction: str | None = None) -> Document:
    """A day's debit and/or credit notification: every booked entry that carries transaction
    details (payments in and out, OCR batches), one Ntfctn per account. Today's is interim."""
    if version not in NOTIFICATION_VERSIONS:
        raise ValueError(f"version must be one of {', '.join(NOTIFICATION_VERSIONS)}")
    if direction not in (None, "credit", "debit"):
        raise ValueError("direction must be credit or debit")
    if day > today:
        raise NotAvailable(f"{day} is after the bank day {today}")
    statements = []
    count = 0
    for account in accounts:
        rows = [r for r in entry_rows(conn, account["id"], day, day, status="BOOK")
                if direction is None or (r["amount"] >= 0) == (direction == "credit")]
        entries = [e for e in _entries(conn, rows) if e.details]
        if not entries:
            continue
        count += len(entries)
        statements.append(Statement(
            account=_account(account), id=f"{account['number']}-{day:%Y%m%d}{(direction or 'X')[0].upper()}",
            created=_notification_created(day, today), entries=tuple(entries)))
    if not statements:
        raise NotAvailable(f"no notifications for {day}")
    suffix = {"credit": "C", "debit": "D", None: "X"}[direction]
    first = accounts[0]["number"] if len(accounts) == 1 else accounts[0]["org_number"]
    return Document(format_id=version, message_id=f"054{suffix}-{first}-{day:%Y%m%d}-{count}",
                    created=_notification_created(day, today), statements=tuple(statements))


def _notification_created(day: dt.date, today: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(18, 0) if day < today else dt.time(12, 0), OSLO)


def to_bytes(document: Document) -> bytes:
    return camt_write.to_bytes(document)


def _account(account: sqlite3.Row) -> Account:
    bank = bank_for_registration_number(account["registration_number"])
    return Account(iban=account["iban"], currency=account["currency"], owner_name=account["owner_name"],
                   servicer_bic=bank.bic if bank else None)


def _entries(conn: sqlite3.Connection, rows: Sequence[sqlite3.Row]) -> list[Entry]:
    details = details_of(conn, [r["id"] for r in rows])
    return [model_entry(r, details[r["id"]]) for r in rows]


def model_entry(row: sqlite3.Row, details: Sequence[sqlite3.Row]) -> Entry:
    """A stored entry as the formats model (what camt_write prints)."""
    transactions = tuple(_transaction(d) for d in details)
    batch = Batch(number_of_transactions=len(details), total_amount=kroner(row["amount"])) if row["batch"] else None
    code = None
    if row["domain"]:
        code = BankTransactionCode(domain=row["domain"], family=row["family"], sub_family=row["sub_family"])
    booked = row["status"] == "BOOK"
    return Entry(
        amount=kroner(row["amount"]),
        currency=row["currency"],
        status=EntryStatus.BOOK if booked else EntryStatus.PDNG,
        booking_date=dt.date.fromisoformat(row["booking_date"]) if booked else None,
        value_date=dt.date.fromisoformat(row["value_date"]) if row["value_date"] else None,
        account_servicer_reference=row["id"],
        bank_transaction_code=code,
        additional_info=row["info"],
        details=(EntryDetails(batch=batch, transactions=transactions),) if transactions else (),
    )


def _transaction(d: sqlite3.Row) -> Transaction:
    account = d["account"]
    party = None
    if d["name"] or account or d["bic"] or d["org_id"]:
        is_iban = bool(account) and account[:2].isalpha()
        party = Counterparty(name=d["name"], iban=account if is_iban else None,
                             bban=account if account and not is_iban else None, bic=d["bic"], organisation_id=d["org_id"])
    message = d["message"] or ""
    return Transaction(
        amount=kroner(d["amount"]),
        references=References(end_to_end_id=d["end_to_end_id"], instruction_id=d["instruction_id"],
                              payment_information_id=d["payment_information_id"], message_id=d["message_id"],
                              account_servicer_reference=d["reference"]),
        counterparty=party,
        creditor_references=tuple(CreditorReference(ref=k, type_code="SCOR") for k in (d["kids"] or "").split()),
        remittance_lines=tuple(message[i:i + 140].strip() for i in range(0, len(message), 140) if message[i:i + 140].strip()),
        additional_info=d["info"],
    )


# --- Nets OCR giro -------------------------------------------------------------------------------


def ocr_file(conn: sqlite3.Connection, accounts: Sequence[sqlite3.Row], day: dt.date) -> str:
    """A Nets OCR giro transmission with the day's KID payments (OCR batch entries), one
    assignment per account with an OCR agreement. Raises NotAvailable when there are none."""
    transmission = netsgiro.Transmission(number=f"{day.toordinal() % 10**7:07d}", data_transmitter=NETS_ID,
                                         data_recipient=f"{int(accounts[0]['org_number']) % 10**8:08d}"
                                         if accounts else "00000000", date=day)
    for k, account in enumerate(accounts, 1):
        if not account["ocr_agreement_id"]:
            continue
        rows = [r for r in entry_rows(conn, account["id"], day, day, status="BOOK") if r["kind"] == "ocr_batch"]
        if not rows:
            continue
        assignment = transmission.add_assignment(
            service_code=netsgiro.ServiceCode.OCR_GIRO, assignment_type=netsgiro.AssignmentType.TRANSACTIONS,
            agreement_id=account["ocr_agreement_id"], number=f"{day:%y%m%d}{k % 10}", account=account["number"],
            date=day)
        details = details_of(conn, [r["id"] for r in rows])
        number = 0
        for row in rows:
            for d in details[row["id"]]:
                number += 1
                payer = d["account"] or ""
                if payer.startswith("NO"):
                    payer = payer[4:]
                assignment.transactions.append(netsgiro.Transaction(
                    service_code=netsgiro.ServiceCode.OCR_GIRO, type=netsgiro.TransactionType.FROM_GIRO_DEBITED_ACCOUNT,
                    number=number, date=day, amount=Decimal(d["amount"]).scaleb(-2), kid=(d["kids"] or "").split()[0] if d["kids"] else None,
                    reference=(d["reference"] or "")[-9:].rjust(9, "0"), text=None, centre_id="13", day_code=day.day,
                    partial_settlement_number=1, partial_settlement_serial_number="00001", sign="0",
                    form_number="0000000000", bank_date=day,
                    debit_account=payer if len(payer) == 11 and payer.isdigit() else "00000000000", filler="0000000"))
    if not transmission.assignments:
        raise NotAvailable(f"no OCR giro payments on {day}")
    return transmission.to_ocr() + "\n"
