"""From a bank file's model (avstem.formats Document/Statement/Entry) to what the program stores:
bank lines with their transaction details, and balances per day. Pure Python, no Django.

The identity of a line (how a second delivery of the same transaction is recognised):
- `ref`: the bank's archive reference (camt `Ntry/AcctSvcrRef`, the API's transaction id). The
  same transaction has the same reference by API, in camt.053 and in camt.054, and keeps it
  from pending to booked.
- `fp_key`: for lines without a reference (CSV exports, Nets OCR), a fingerprint of date, amount
  and occurrence: the n-th unreferenced line with that date and amount in the delivery. Two
  identical coffee purchases on one day stay two lines, and the same file imported twice, or
  two exports with overlapping dates, give the same keys.

Nets OCR: the bank books a day's OCR payments as one credit (a batch entry); the OCR file lists
the payments. One OCR assignment-day becomes one batch line with a detail per payment, so it
meets the bank statement's batch entry instead of adding to it.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from avstem.formats.model import Entry, EntryStatus, Statement, Transaction

BOOKED = "booked"
PENDING = "pending"
NOT_PROVIDED = "NOTPROVIDED"


class MappingError(ValueError):
    """An entry the program cannot store (no date, an amount in fractions of an øre)."""


@dataclass
class DetailData:
    n: int
    amount: int | None = None
    currency: str = ""
    kid: str = ""
    creditor_references: list[str] = field(default_factory=list)
    remittance: str = ""
    end_to_end_id: str = ""
    instruction_id: str = ""
    payment_information_id: str = ""
    ref: str = ""
    counterparty_name: str = ""
    counterparty_account: str = ""
    counterparty_bic: str = ""
    counterparty_org: str = ""
    additional_info: str = ""
    return_reason: str = ""
    ocr_type: str = ""


@dataclass
class LineData:
    status: str
    amount: int
    currency: str
    date: date
    booking_date: date | None = None
    value_date: date | None = None
    transaction_date: date | None = None
    ref: str | None = None
    fp_key: str | None = None
    entry_ref: str = ""
    bank_code: str = ""
    description: str = ""
    counterparty_name: str = ""
    counterparty_account: str = ""
    reversal: bool = False
    is_batch: bool = False
    details: list[DetailData] = field(default_factory=list)
    where: str = ""  # e.g. "Ntry[14]" or "line 7", for messages

    @property
    def end_to_end_ids(self) -> set[str]:
        return {d.end_to_end_id for d in self.details if d.end_to_end_id}

    @property
    def kids(self) -> set[str]:
        return {d.kid for d in self.details if d.kid}


@dataclass
class BalanceData:
    date: date
    opening_booked: int | None = None
    closing_booked: int | None = None
    available: int | None = None
    final: bool = True


@dataclass
class StatementData:
    """One account's part of a delivery."""

    iban: str | None
    bban: str | None
    currency: str | None
    lines: list[LineData]
    balances: list[BalanceData]
    warnings: list[str]
    label: str = ""

    @property
    def account_number(self) -> str | None:
        """The 11-digit Norwegian account number when the file gives one (BBAN, or a NO IBAN)."""
        if self.bban and self.bban.isdigit() and len(self.bban) == 11:
            return self.bban
        if self.iban and self.iban.upper().startswith("NO") and len(self.iban) == 15:
            return self.iban[4:]
        return None


def ore(amount: Decimal | None, where: str) -> int | None:
    """Decimal kroner to øre, exactly; a fraction of an øre is refused, never rounded."""
    if amount is None:
        return None
    scaled = amount * 100
    if scaled != scaled.to_integral_value():
        raise MappingError(f"{where}: the amount {amount} has fractions of an øre")
    return int(scaled)


def fingerprint(day: date, amount: int, occurrence: int) -> str:
    return hashlib.sha256(f"fp1|{day.isoformat()}|{amount}|{occurrence}".encode()).hexdigest()[:40]


def assign_fingerprints(lines: list[LineData]) -> None:
    """Give every line without a reference its fingerprint (date, amount, occurrence)."""
    seen: Counter[tuple[date, int]] = Counter()
    for line in lines:
        if line.ref:
            continue
        seen[(line.date, line.amount)] += 1
        line.fp_key = fingerprint(line.date, line.amount, seen[(line.date, line.amount)])


def _clean(text: str | None, limit: int) -> str:
    return " ".join((text or "").split())[:limit]


def detail_data(n: int, tx: Transaction, entry_amount: int | None, where: str, single: bool) -> DetailData:
    amount = ore(tx.amount, where) if tx.amount is not None else (entry_amount if single else None)
    refs = [r.ref.strip() for r in tx.creditor_references if r.ref and r.ref.strip()]
    kids = [str(k) for k in tx.kids]
    party = tx.counterparty
    e2e = (tx.references.end_to_end_id or "").strip()
    text = " ".join(line.strip() for line in tx.remittance_lines if line and line.strip())
    if tx.free_text:
        text = f"{text} {tx.free_text}".strip()
    return DetailData(
        n=n,
        amount=amount,
        currency=tx.currency or "",
        kid=kids[0] if kids else "",
        creditor_references=refs,
        remittance=_clean(text, 1000),
        end_to_end_id="" if e2e.upper() == NOT_PROVIDED else e2e[:100],
        instruction_id=(tx.references.instruction_id or "")[:100],
        payment_information_id=(tx.references.payment_information_id or "")[:100],
        ref=(tx.references.account_servicer_reference or tx.archive_reference or "")[:100],
        counterparty_name=_clean(party.name if party else "", 200),
        counterparty_account=((party.account if party else None) or tx.payer_account or "")[:40],
        counterparty_bic=((party.bic if party else None) or "")[:11],
        counterparty_org=((party.organisation_id if party else None) or "")[:35],
        additional_info=_clean(tx.additional_info, 500),
        return_reason=(tx.return_reason or "")[:10],
        ocr_type=(tx.transaction_type or "")[:2],
    )


def _code(entry: Entry) -> str:
    code = entry.bank_transaction_code
    if code is None:
        return ""
    parts = [p for p in (code.domain, code.family, code.sub_family) if p]
    text = "/".join(parts)
    if code.proprietary:
        text = f"{text} {code.proprietary}".strip()
    return text[:60]


def line_data(entry: Entry, where: str) -> LineData | None:
    """One entry as a line; None for an INFO entry (information only, never a line)."""
    if entry.status is EntryStatus.INFO:
        return None
    status = PENDING if entry.status is EntryStatus.PDNG else BOOKED
    transactions = entry.transactions
    tx_date = next((tx.date for tx in transactions if tx.date), None)
    booking = entry.booking_date or (entry.booking_datetime.date() if entry.booking_datetime else None)
    value = entry.value_date or (entry.value_datetime.date() if entry.value_datetime else None)
    day = (booking or value or tx_date) if status == BOOKED else (tx_date or value or booking)
    if day is None:
        raise MappingError(f"{where}: the entry has no booking, value or transaction date")
    amount = ore(entry.amount, f"{where}/Amt")
    details = [detail_data(n, tx, amount, f"{where}/TxDtls[{n + 1}]", len(transactions) == 1)
               for n, tx in enumerate(transactions)]
    first = details[0] if len(details) == 1 else None
    texts = [entry.additional_info or ""]
    if first is not None:
        texts += [first.remittance, first.additional_info]
    ref = (entry.account_servicer_reference or "").strip() or None
    return LineData(
        status=status,
        amount=amount,  # type: ignore[arg-type]
        currency=entry.currency,
        date=day,
        booking_date=booking if status == BOOKED else None,
        value_date=value,
        transaction_date=tx_date or (day if status == PENDING else None),
        ref=ref[:100] if ref else None,
        entry_ref=(entry.entry_reference or "")[:100],
        bank_code=_code(entry),
        description=_clean(" · ".join(t for t in texts if t and t.strip()), 500),
        counterparty_name=first.counterparty_name if first else "",
        counterparty_account=first.counterparty_account if first else "",
        reversal=entry.reversal,
        is_batch=entry.batch is not None or len(details) > 1,
        details=details,
        where=where,
    )


def _ocr_batches(lines: list[LineData]) -> list[LineData]:
    """A day's OCR payments as one batch line with a detail per payment (see the module doc)."""
    by_day: dict[date, list[LineData]] = defaultdict(list)
    for line in lines:
        by_day[line.date].append(line)
    batches = []
    for day, items in sorted(by_day.items()):
        details = []
        for item in items:
            for d in item.details:
                d.n = len(details)
                details.append(d)
        count = len(details)
        batches.append(LineData(
            status=BOOKED, amount=sum(i.amount for i in items), currency=items[0].currency, date=day,
            booking_date=day, value_date=day, transaction_date=day, bank_code="PMNT/RCDT/DMCT OCR",
            description=f"OCR giro: {count} {'payment' if count == 1 else 'payments'}", is_batch=True,
            details=details, where=items[0].where))
    return batches


def statement_data(statement: Statement, *, ocr: bool = False, label: str = "") -> StatementData:
    """One statement (or notification, report, OCR assignment) as lines and daily balances."""
    warnings = [f"{label}: {m}" if label else m for m in statement.consistency.messages]
    lines: list[LineData] = []
    for n, entry in enumerate(statement.entries, 1):
        line = line_data(entry, f"Ntry[{n}]")
        if line is None:
            warnings.append(f"{label + ': ' if label else ''}Ntry[{n}] is for information only (INFO) and was skipped")
            continue
        lines.append(line)
    if ocr:
        lines = _ocr_batches(lines)
    assign_fingerprints(lines)
    return StatementData(
        iban=statement.account.iban, bban=statement.account.bban, currency=statement.account.currency,
        lines=lines, balances=daily_balances(statement, lines), warnings=warnings, label=label)


def daily_balances(statement: Statement, lines: list[LineData]) -> list[BalanceData]:
    """Per day: OPBD/CLBD/CLAV as given; for a statement over several days, the days between are
    carried forward from the opening balance with the booked lines of each day."""
    by_type = {b.type: b for b in statement.balances}
    opening = by_type.get("OPBD") or by_type.get("PRCD")
    closing = by_type.get("CLBD")
    available = by_type.get("CLAV") or by_type.get("ITAV")
    interim = by_type.get("ITBD")
    result: dict[date, BalanceData] = {}

    def day_of(balance) -> date | None:
        return balance.date or (balance.datetime.date() if balance.datetime else None)

    if opening is not None and day_of(opening) is not None:
        first = day_of(opening)
        running = ore(opening.amount, "Bal/OPBD")
        booked: dict[date, int] = defaultdict(int)
        for line in lines:
            if line.status == BOOKED and line.date >= first:  # type: ignore[operator]
                booked[line.date] += line.amount
        last = day_of(closing) if closing is not None else None
        days = sorted({first, *booked, *([last] if last else [])})
        for day in days:
            start = running
            running += booked.get(day, 0)
            result[day] = BalanceData(day, opening_booked=start, closing_booked=running)
    if closing is not None and day_of(closing) is not None:
        day = day_of(closing)
        entry = result.setdefault(day, BalanceData(day))  # type: ignore[arg-type]
        entry.closing_booked = ore(closing.amount, "Bal/CLBD")
    if interim is not None and day_of(interim) is not None and closing is None:
        day = day_of(interim)
        entry = result.setdefault(day, BalanceData(day))  # type: ignore[arg-type]
        entry.closing_booked, entry.final = ore(interim.amount, "Bal/ITBD"), False
    if available is not None and day_of(available) is not None:
        day = day_of(available)
        entry = result.setdefault(day, BalanceData(day))  # type: ignore[arg-type]
        entry.available = ore(available.amount, "Bal/CLAV")
    return [result[d] for d in sorted(result)]
