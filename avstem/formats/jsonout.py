"""JSON for whatever the readers return: `Document` (camt, Nets OCR), pain.001 and pain.002.

Plain dicts and lists ready for `json.dumps`: amounts are strings with their sign ("-12.50";
a zero debit stays "-0.00"), dates and times ISO 8601, absent values null, and the format key
first. The statement shape is shared by camt and OCR:

    {"format": "camt.053.001.02", "warnings": ["..."], "statements": [{"id", "account": {"iban",
     "bban", "currency"}, "balances": [{"type", "amount", "date"}], "consistent", "entries":
     [{"amount", "currency", "status", "booking_date", "value_date", "account_servicer_reference",
       "bank_transaction_code", "reversal", "transactions": [{"amount", "end_to_end_id", "kid",
       "creditor_references", "remittance_text", "counterparty": {"name", "account"},
       "charges"}]}]}]}

plus extra keys (message id, consistency details, totals, OCR fields, ...).

`consistent` is false when any check failed, true when every possible check passed and at
least one could be made (balances: OPBD + booked entries = CLBD; batches and OCR control totals),
and null when nothing could be checked.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from avstem.formats.model import (
    Account,
    Balance,
    BankTransactionCode,
    Consistency,
    Counterparty,
    Document,
    Entry,
    EntryStatus,
    ParseWarning,
    Statement,
    Transaction,
)
from avstem.formats.pain001 import Pain001Document
from avstem.formats.pain002 import Pain002Document
from avstem.formats.payments import (
    AccountId,
    PostalAddress,
    StatusReason,
    TransactionStatus,
)

__all__ = [
    "StatementTotals",
    "amount_text",
    "consistent",
    "document_json",
    "dumps",
    "pain001_json",
    "pain002_json",
    "to_json",
]


def dumps(data: Any) -> str:
    """Pretty, UTF-8-friendly JSON text (æøå kept as they are)."""
    return json.dumps(data, ensure_ascii=False, indent=2)


def to_json(parsed: Document | Pain001Document | Pain002Document) -> dict[str, Any]:
    """Whatever a reader returned, as JSON-ready data."""
    if isinstance(parsed, Document):
        return document_json(parsed)
    if isinstance(parsed, Pain001Document):
        return pain001_json(parsed)
    if isinstance(parsed, Pain002Document):
        return pain002_json(parsed)
    raise TypeError(f"no JSON form for {type(parsed).__name__}")


# --- scalars -------------------------------------------------------------------------------------


def amount_text(amount: Decimal | None) -> str | None:
    """"-12.50"; the Decimal's own digits, never through float; None stays None."""
    return None if amount is None else f"{amount:f}"


def _iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _warnings(warnings: Iterable[ParseWarning]) -> tuple[list[str], list[dict[str, Any]]]:
    warnings = list(warnings)
    return ([str(w) for w in warnings],
            [{"path": w.path, "line": w.line, "message": w.message} for w in warnings])


# --- camt and OCR documents ------------------------------------------------------------------


def consistent(c: Consistency | None) -> bool | None:
    """False if a check failed, True if checks were made and all passed, else None."""
    if c is None:
        return None
    if c.balances is False or c.batches is False:
        return False
    if c.balances is None and c.batches is None:
        return None
    return True


@dataclass
class StatementTotals:
    """Counts and sums over a statement's entries, accumulated one entry at a time (streaming)."""

    entries: int = 0
    booked: int = 0
    credit: Decimal = Decimal("0.00")  # booked credits
    credit_count: int = 0
    debit: Decimal = Decimal("0.00")  # booked debits, negative
    debit_count: int = 0
    transactions: int = 0

    def add(self, entry: Entry) -> None:
        self.entries += 1
        self.transactions += len(entry.transactions)
        if entry.status is not EntryStatus.BOOK:
            return
        self.booked += 1
        if entry.amount.is_signed():
            self.debit += entry.amount
            self.debit_count += 1
        else:
            self.credit += entry.amount
            self.credit_count += 1

    @property
    def net(self) -> Decimal:
        return self.credit + self.debit

    def as_json(self) -> dict[str, Any]:
        return {"entries": self.entries, "booked": self.booked, "transactions": self.transactions,
                "credit": amount_text(self.credit), "credit_count": self.credit_count,
                "debit": amount_text(self.debit), "debit_count": self.debit_count,
                "net": amount_text(self.net)}


def document_json(doc: Document) -> dict[str, Any]:
    texts, details = _warnings(doc.warnings)
    return {
        "format": doc.format_id,
        "warnings": texts,
        "message_id": doc.message_id,
        "created": _iso(doc.created),
        "pagination": None if doc.pagination is None else {
            "page_number": doc.pagination.page_number, "last_page": doc.pagination.last_page},
        "statements": [statement_json(s) for s in doc.statements],
        "warning_details": details,
    }


def statement_json(statement: Statement, entries: Iterable[Entry] | None = None) -> dict[str, Any]:
    """One statement; `entries` overrides `statement.entries` (a streamed statement has none)."""
    totals = StatementTotals()
    entry_list = []
    for entry in statement.entries if entries is None else entries:
        totals.add(entry)
        entry_list.append(entry_json(entry))
    c = statement.consistency
    return {
        "id": statement.id,
        "account": account_json(statement.account),
        "created": _iso(statement.created),
        "from": _iso(statement.from_datetime),
        "to": _iso(statement.to_datetime),
        "electronic_sequence": statement.electronic_sequence,
        "legal_sequence": statement.legal_sequence,
        "additional_info": statement.additional_info,
        "balances": [balance_json(b) for b in statement.balances],
        "consistent": consistent(c),
        "consistency": None if c is None else {
            "balances": c.balances, "batches": c.batches, "messages": list(c.messages), "unlisted": c.unlisted},
        "totals": totals.as_json(),
        "entries": entry_list,
    }


def account_json(account: Account) -> dict[str, Any]:
    return {"iban": account.iban, "bban": account.bban, "currency": account.currency,
            "owner_name": account.owner_name, "servicer_bic": account.servicer_bic}


def balance_json(balance: Balance) -> dict[str, Any]:
    return {"type": balance.type, "amount": amount_text(balance.amount), "currency": balance.currency,
            "date": _iso(balance.date), "datetime": _iso(balance.datetime)}


def bank_transaction_code_text(code: BankTransactionCode | None) -> str | None:
    """"PMNT/RCDT/ESCT" for an ISO code, else the proprietary code."""
    if code is None:
        return None
    iso = "/".join(p for p in (code.domain, code.family, code.sub_family) if p)
    return iso or code.proprietary


def entry_json(entry: Entry) -> dict[str, Any]:
    code = entry.bank_transaction_code
    batch = entry.batch
    return {
        "amount": amount_text(entry.amount),
        "currency": entry.currency,
        "status": None if entry.status is None else entry.status.value,
        "booking_date": _iso(entry.booking_date),
        "value_date": _iso(entry.value_date),
        "booking_datetime": _iso(entry.booking_datetime),
        "value_datetime": _iso(entry.value_datetime),
        "account_servicer_reference": entry.account_servicer_reference,
        "entry_reference": entry.entry_reference,
        "bank_transaction_code": bank_transaction_code_text(code),
        "bank_transaction_code_details": None if code is None else {
            "domain": code.domain, "family": code.family, "sub_family": code.sub_family,
            "proprietary": code.proprietary, "issuer": code.issuer},
        "reversal": entry.reversal,
        "additional_info": entry.additional_info,
        "batch": None if batch is None else {
            "number_of_transactions": batch.number_of_transactions,
            "total_amount": amount_text(batch.total_amount),
            "message_id": batch.message_id, "payment_information_id": batch.payment_information_id},
        "problems": list(entry.problems()),
        "transactions": [transaction_json(t) for t in entry.transactions],
    }


def transaction_json(tx: Transaction) -> dict[str, Any]:
    refs = tx.references
    kids = tx.kids
    return {
        "amount": amount_text(tx.amount),
        "currency": tx.currency,
        "instructed": None if tx.instructed is None else {
            "amount": amount_text(tx.instructed.amount), "currency": tx.instructed.currency,
            "exchange_rate": amount_text(tx.instructed.exchange_rate)},
        "end_to_end_id": refs.end_to_end_id,
        "instruction_id": refs.instruction_id,
        "payment_information_id": refs.payment_information_id,
        "message_id": refs.message_id,
        "account_servicer_reference": refs.account_servicer_reference,
        "transaction_id": refs.transaction_id,
        "uetr": refs.uetr,
        "kid": kids[0].value if kids else None,
        "kid_valid": kids[0].valid if kids else None,
        "creditor_references": [{"ref": r.ref, "type": r.type_code, "issuer": r.issuer}
                                for r in tx.creditor_references],
        "referred_documents": [{"number": d.number, "type": d.type_code, "amount": amount_text(d.amount),
                                "currency": d.currency, "date": _iso(d.date)} for d in tx.referred_documents],
        "remittance_text": list(tx.remittance_lines),
        "additional_info": tx.additional_info,
        "counterparty": counterparty_json(tx.counterparty),
        "charges": [{"amount": amount_text(c.amount), "currency": c.currency, "included": c.included,
                     "bearer": c.bearer, "type": c.type_code} for c in tx.charges],
        "return_reason": tx.return_reason,
        "date": _iso(tx.date),
        "archive_reference": tx.archive_reference,
        "payer_account": tx.payer_account,
        "free_text": tx.free_text,
        "form_number": tx.form_number,
        "transaction_type": tx.transaction_type,
    }


def counterparty_json(party: Counterparty | None) -> dict[str, Any] | None:
    if party is None:
        return None
    return {"name": party.name, "account": party.account, "iban": party.iban, "bban": party.bban,
            "bic": party.bic, "organisation_id": party.organisation_id}


# --- pain.001 ------------------------------------------------------------------------------------


def _account_id(account: AccountId) -> dict[str, Any]:
    return {"iban": account.iban, "bban": account.bban}


def _address(address: PostalAddress | None) -> dict[str, Any] | None:
    if address is None:
        return None
    return {"street_name": address.street_name, "building_number": address.building_number,
            "post_code": address.post_code, "town_name": address.town_name, "country": address.country,
            "address_lines": list(address.address_lines)}


def pain001_json(doc: Pain001Document) -> dict[str, Any]:
    order = doc.order
    texts, details = _warnings(doc.warnings)
    return {
        "format": doc.version,
        "warnings": texts,
        "message_id": order.message_id,
        "creation_time": _iso(order.creation_time),
        "initiating_party": {"name": order.initiating_party_name, "org_number": order.initiating_party_org_number,
                             "id_scheme": order.initiating_party_id_scheme},
        "number_of_transactions": order.number_of_transactions,
        "control_sum": amount_text(order.control_sum),
        "payment_blocks": [{
            "payment_information_id": block.payment_information_id,
            "debtor_name": block.debtor_name,
            "debtor_account": _account_id(block.debtor_account),
            "debtor_agent_bic": block.debtor_agent_bic,
            "requested_execution_date": _iso(block.requested_execution_date),
            "category_purpose": block.category_purpose,
            "service_level": block.service_level,
            "batch_booking": block.batch_booking,
            "number_of_transactions": block.number_of_transactions,
            "control_sum": amount_text(block.control_sum),
            "transactions": [{
                "instruction_id": tx.instruction_id,
                "end_to_end_id": tx.end_to_end_id,
                "amount": amount_text(tx.amount),
                "currency": tx.currency,
                "creditor_name": tx.creditor_name,
                "creditor_account": _account_id(tx.creditor_account),
                "creditor_address": _address(tx.creditor_address),
                "creditor_agent_bic": tx.creditor_agent_bic,
                "charge_bearer": None if tx.charge_bearer is None else tx.charge_bearer.value,
                "kid": None if tx.kid is None else tx.kid.value,
                "message": tx.message,
                "purpose": tx.purpose,
            } for tx in block.transactions],
        } for block in order.payment_blocks],
        "warning_details": details,
    }


# --- pain.002 ------------------------------------------------------------------------------------


def _reasons(reasons: Iterable[StatusReason]) -> list[dict[str, Any]]:
    return [{"code": r.code, "meaning": r.meaning, "proprietary": r.proprietary,
             "additional_info": list(r.additional_info), "originator": r.originator_name,
             "text": r.describe()} for r in reasons]


def _transaction_status(tx: TransactionStatus) -> dict[str, Any]:
    return {"original_end_to_end_id": tx.original_end_to_end_id,
            "original_instruction_id": tx.original_instruction_id, "status": tx.status,
            "reasons": _reasons(tx.reasons), "status_id": tx.status_id,
            "account_servicer_reference": tx.account_servicer_reference,
            "original_amount": amount_text(tx.original_amount), "original_currency": tx.original_currency}


def pain002_json(doc: Pain002Document) -> dict[str, Any]:
    report = doc.report
    group = report.group
    texts, details = _warnings(doc.warnings)
    return {
        "format": doc.version,
        "warnings": texts,
        "message_id": report.message_id,
        "creation_time": _iso(report.creation_time),
        "initiating_party_name": report.initiating_party_name,
        "group": None if group is None else {
            "original_message_id": group.original_message_id,
            "original_message_name_id": group.original_message_name_id,
            "original_creation_time": _iso(group.original_creation_time),
            "original_number_of_transactions": group.original_number_of_transactions,
            "original_control_sum": amount_text(group.original_control_sum),
            "status": group.status,
            "reasons": _reasons(group.reasons),
        },
        "payment_informations": [{
            "original_payment_information_id": p.original_payment_information_id,
            "original_number_of_transactions": p.original_number_of_transactions,
            "original_control_sum": amount_text(p.original_control_sum),
            "status": p.status,
            "reasons": _reasons(p.reasons),
            "transactions": [_transaction_status(t) for t in p.transactions],
        } for p in report.payment_informations],
        "warning_details": details,
    }
