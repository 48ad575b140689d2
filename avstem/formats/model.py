"""What a bank file says, as typed immutable values shared by every reader and writer.

camt.052 reports, camt.053 statements, camt.054 notifications and Nets OCR assignments all map
to the same `Document` -> `Statement` -> `Entry` -> `Transaction` tree, so importers and the
matching engine handle one shape. No parsing here: readers build these objects, writers print them.

Conventions:
- Amounts are `Decimal` and signed: credit (CRDT) positive, debit (DBIT) negative. A zero keeps
  its direction in the sign of the Decimal (`Decimal("-0.00")` is a zero debit).
- Dates are `datetime.date`; times are `datetime.datetime`, aware when the file gave an offset,
  naive when it did not (no time zone is guessed).
- Collections are tuples; every object is hashable and comparable.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal

from avstem.norway.kid import KID, InvalidKid

# More problems than this are counted, not listed, so a broken 1 GB file keeps a small report.
MAX_LISTED_PROBLEMS = 100


class EntryStatus(enum.Enum):
    """`Ntry/Sts` (EntryStatus2Code in .02, the external code set in .08)."""

    BOOK = "BOOK"  # booked: the only status that moves the booked balance
    PDNG = "PDNG"  # pending
    INFO = "INFO"  # for information only
    FUTR = "FUTR"  # booked with a future value date (.08 external code)


@dataclass(frozen=True, slots=True)
class ParseWarning:
    """Something a reader did not understand and left out or kept as given; never fatal."""

    path: str  # element path, e.g. /Document/BkToCstmrStmt/Stmt[2]/Ntry[14]/Amt
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path} (line {self.line})" if self.line else self.path
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class Pagination:
    page_number: int
    last_page: bool


@dataclass(frozen=True, slots=True)
class Account:
    """The statement's own account (`Stmt/Acct`)."""

    iban: str | None = None
    bban: str | None = None  # `Othr/Id`, in Norway the 11-digit account number
    currency: str | None = None
    owner_name: str | None = None
    servicer_bic: str | None = None

    @property
    def number(self) -> str | None:
        return self.iban or self.bban


@dataclass(frozen=True, slots=True)
class Balance:
    type: str  # OPBD, CLBD, CLAV, ITBD, PRCD, ... (or a proprietary code)
    amount: Decimal
    currency: str
    date: date | None = None
    datetime: datetime | None = None  # kept when the bank gave `Dt/DtTm`


@dataclass(frozen=True, slots=True)
class BankTransactionCode:
    """`BkTxCd`: ISO domain/family/sub-family and/or a national proprietary code."""

    domain: str | None = None  # PMNT
    family: str | None = None  # RCDT
    sub_family: str | None = None  # ESCT
    proprietary: str | None = None
    issuer: str | None = None


@dataclass(frozen=True, slots=True)
class InstructedAmount:
    """`AmtDtls/InstdAmt`: what the payer instructed, possibly in another currency."""

    amount: Decimal
    currency: str
    exchange_rate: Decimal | None = None


@dataclass(frozen=True, slots=True)
class References:
    """`TxDtls/Refs`: the identifiers used for matching and de-duplication."""

    end_to_end_id: str | None = None  # "NOTPROVIDED" is common and means nothing
    instruction_id: str | None = None
    payment_information_id: str | None = None
    message_id: str | None = None
    account_servicer_reference: str | None = None
    transaction_id: str | None = None
    uetr: str | None = None  # kept as given: banks send UUIDs that are not v4


@dataclass(frozen=True, slots=True)
class Counterparty:
    """The other side: the debtor of a credit, the creditor of a debit."""

    name: str | None = None
    iban: str | None = None
    bban: str | None = None
    bic: str | None = None  # of the counterparty's agent
    organisation_id: str | None = None  # `Id/OrgId/Othr/Id`, e.g. a Norwegian org. number

    @property
    def account(self) -> str | None:
        return self.iban or self.bban


@dataclass(frozen=True, slots=True)
class CreditorReference:
    """`RmtInf/Strd/CdtrRefInf`: a KID (type SCOR) or an RF reference (issuer ISO)."""

    ref: str
    type_code: str | None = None  # SCOR, or the proprietary type text
    issuer: str | None = None

    @property
    def kid(self) -> KID | None:
        """The reference as a KID when it has a KID's shape; whether it verifies is `kid.valid`."""
        try:
            return KID(self.ref)
        except InvalidKid:
            return None


@dataclass(frozen=True, slots=True)
class ReferredDocument:
    """`RmtInf/Strd/RfrdDocInf` + `RfrdDocAmt`: an invoice or credit note being paid."""

    number: str | None = None
    type_code: str | None = None  # CINV, CREN, ...
    amount: Decimal | None = None  # credit notes (`CdtNoteAmt`) are negative
    currency: str | None = None
    date: date | None = None


@dataclass(frozen=True, slots=True)
class Charge:
    amount: Decimal  # signed by its CdtDbtInd (debited: negative); as given when that is absent
    currency: str
    included: bool | None = None  # `ChrgInclInd`: already in the entry amount
    bearer: str | None = None  # DEBT, CRED, SHAR, SLEV
    type_code: str | None = None


@dataclass(frozen=True, slots=True)
class Transaction:
    """One underlying payment: camt `TxDtls`, or a Nets OCR amount item."""

    amount: Decimal | None = None  # signed; None when neither the transaction nor the entry tells
    currency: str | None = None
    instructed: InstructedAmount | None = None
    references: References = References()
    counterparty: Counterparty | None = None
    creditor_references: tuple[CreditorReference, ...] = ()
    referred_documents: tuple[ReferredDocument, ...] = ()
    remittance_lines: tuple[str, ...] = ()  # `RmtInf/Ustrd`
    additional_info: str | None = None  # `AddtlTxInf`
    charges: tuple[Charge, ...] = ()
    return_reason: str | None = None  # `RtrInf/Rsn/Cd`, e.g. AC01
    date: date | None = None  # camt `RltdDts/IntrBkSttlmDt`; the bank date of an OCR item
    # Nets OCR fields (None in camt):
    archive_reference: str | None = None
    payer_account: str | None = None
    free_text: str | None = None
    form_number: str | None = None
    transaction_type: str | None = None  # OCR transaction type, "10" ... "21"

    @property
    def kids(self) -> tuple[KID, ...]:
        """Every creditor reference that has a KID's shape, in file order."""
        return tuple(k for r in self.creditor_references if (k := r.kid) is not None)


@dataclass(frozen=True, slots=True)
class Batch:
    """`NtryDtls/Btch`: what the bank says a batch-booked entry holds."""

    number_of_transactions: int | None = None
    total_amount: Decimal | None = None  # signed; takes the entry's direction when not given
    message_id: str | None = None
    payment_information_id: str | None = None


@dataclass(frozen=True, slots=True)
class EntryDetails:
    """One `NtryDtls` block: an optional batch and its transactions."""

    batch: Batch | None = None
    transactions: tuple[Transaction, ...] = ()


@dataclass(frozen=True, slots=True)
class Entry:
    """One booking line on the statement (`Ntry`)."""

    amount: Decimal  # signed
    currency: str
    status: EntryStatus | None = None
    booking_date: date | None = None
    booking_datetime: datetime | None = None
    value_date: date | None = None
    value_datetime: datetime | None = None
    reversal: bool = False
    entry_reference: str | None = None
    account_servicer_reference: str | None = None
    bank_transaction_code: BankTransactionCode | None = None
    additional_info: str | None = None
    details: tuple[EntryDetails, ...] = ()

    @property
    def transactions(self) -> tuple[Transaction, ...]:
        return tuple(tx for d in self.details for tx in d.transactions)

    @property
    def batch(self) -> Batch | None:
        """The first batch; entries with several `NtryDtls` keep the rest in `details`."""
        return next((d.batch for d in self.details if d.batch is not None), None)

    @property
    def booked(self) -> bool:
        return self.status is EntryStatus.BOOK

    def problems(self) -> tuple[str, ...]:
        """Batch and transaction sums that disagree with the entry; reported, never fixed."""
        problems: list[str] = []
        several = len(self.details) > 1
        entry_sum: Decimal | None = Decimal(0)
        count = 0
        for n, d in enumerate(self.details, 1):
            amounts = [tx.amount for tx in d.transactions]
            known = None not in amounts
            detail_sum = sum(amounts) if known else None  # type: ignore[arg-type]
            count += len(amounts)
            if entry_sum is not None:
                entry_sum = entry_sum + detail_sum if detail_sum is not None else None
            if any(tx.currency not in (None, self.currency) for tx in d.transactions):
                entry_sum = None  # foreign-currency amounts do not add up to the entry
            if d.batch is not None and amounts:
                where = f"NtryDtls[{n}]" if several else "NtryDtls"
                expected = d.batch.number_of_transactions
                if expected is not None and expected != len(amounts):
                    problems.append(f"{where}/Btch/NbOfTxs is {expected} but {len(amounts)} TxDtls follow")
                total = d.batch.total_amount
                if total is not None and detail_sum is not None and total != detail_sum:
                    problems.append(f"{where}/Btch/TtlAmt is {total} but the TxDtls add up to {detail_sum}")
        if count and entry_sum is not None and entry_sum != self.amount:
            problems.append(f"Amt is {self.amount} but the TxDtls add up to {entry_sum}")
        return tuple(problems)


@dataclass(frozen=True, slots=True)
class Consistency:
    """Whether a statement adds up. A mismatch is reported here; nothing is corrected."""

    balances: bool | None  # OPBD + booked entries == CLBD; None when either balance is missing
    batches: bool | None  # every entry's batch and TxDtls sums agree; None when nothing to check
    messages: tuple[str, ...] = ()
    unlisted: int = 0  # further problems beyond MAX_LISTED_PROBLEMS

    @property
    def consistent(self) -> bool | None:
        if self.balances is False or self.batches is False:
            return False
        return self.balances


class ConsistencyCheck:
    """Accumulates entries one by one, so a streamed statement is checked in constant memory."""

    __slots__ = ("booked_net", "entries_checked", "entries_failed", "messages", "unlisted")

    def __init__(self) -> None:
        self.booked_net = Decimal(0)
        self.entries_checked = 0
        self.entries_failed = 0
        self.messages: list[str] = []
        self.unlisted = 0

    def add(self, entry: Entry, number: int) -> None:
        """Count `entry`, the `number`th of its statement (1-based, for messages)."""
        if entry.status is EntryStatus.BOOK:
            self.booked_net += entry.amount
        if entry.details:
            self.entries_checked += 1
            problems = entry.problems()
            if problems:
                self.entries_failed += 1
                for p in problems:
                    self._note(f"Ntry[{number}]: {p}")

    def _note(self, message: str) -> None:
        if len(self.messages) < MAX_LISTED_PROBLEMS:
            self.messages.append(message)
        else:
            self.unlisted += 1

    def result(self, balances: tuple[Balance, ...]) -> Consistency:
        by_type = {b.type: b for b in balances}
        opening, closing = by_type.get("OPBD"), by_type.get("CLBD")
        balanced: bool | None = None
        messages = list(self.messages)
        if opening is not None and closing is not None:
            expected = opening.amount + self.booked_net
            balanced = expected == closing.amount
            if not balanced:
                messages.insert(
                    0,
                    f"OPBD {opening.amount} + booked entries {self.booked_net} = {expected}, "
                    f"but CLBD is {closing.amount} (difference {closing.amount - expected})",
                )
        batches = None if not self.entries_checked else self.entries_failed == 0
        return Consistency(balanced, batches, tuple(messages), self.unlisted)


def check_consistency(balances: tuple[Balance, ...], entries: tuple[Entry, ...]) -> Consistency:
    check = ConsistencyCheck()
    for n, entry in enumerate(entries, 1):
        check.add(entry, n)
    return check.result(balances)


@dataclass(frozen=True, slots=True)
class Statement:
    """One account's statement (053), report (052), notification (054) or OCR assignment.

    `consistency` is computed from `entries` unless given; a streaming reader gives it, because
    it does not keep the entries.
    """

    account: Account
    id: str | None = None
    electronic_sequence: int | None = None
    legal_sequence: int | None = None
    created: datetime | None = None
    from_datetime: datetime | None = None
    to_datetime: datetime | None = None
    balances: tuple[Balance, ...] = ()
    entries: tuple[Entry, ...] = ()
    additional_info: str | None = None
    consistency: Consistency = field(default=None, compare=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.consistency is None:
            object.__setattr__(self, "consistency", check_consistency(self.balances, self.entries))

    def balance(self, type_code: str) -> Balance | None:
        return next((b for b in self.balances if b.type == type_code), None)

    @property
    def opening_booked(self) -> Balance | None:
        return self.balance("OPBD")

    @property
    def closing_booked(self) -> Balance | None:
        return self.balance("CLBD")


@dataclass(frozen=True, slots=True)
class Document:
    """A whole file: group header, statements and what the reader warned about."""

    format_id: str  # "camt.053.001.02"; "camt.053" when the file had no namespace to tell
    message_id: str | None = None
    created: datetime | None = None
    pagination: Pagination | None = None
    statements: tuple[Statement, ...] = ()
    warnings: tuple[ParseWarning, ...] = field(default=(), compare=False)

    @property
    def message_type(self) -> str:
        """"camt.053" for "camt.053.001.02"."""
        return ".".join(self.format_id.split(".")[:2])


def positional_constructor(cls: type) -> Callable[..., object]:
    """A constructor taking every field of dataclass `cls` positionally, in field order, that
    skips the frozen dataclass `__init__` (which sets each field through object.__setattr__)
    and is about twice as fast. For readers that build millions of objects; only for classes
    without __post_init__ and without defaults that matter (every field is passed)."""
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__} has __post_init__; use its constructor")
    names = [f.name for f in fields(cls)]
    setters = {f"_set_{n}": getattr(cls, n).__set__ for n in names}  # slot descriptors
    body = "".join(f"    _set_{n}(obj, {n})\n" for n in names)
    source = f"def make({', '.join(names)}):\n    obj = _new(_cls)\n{body}    return obj\n"
    namespace = {"_new": object.__new__, "_cls": cls, **setters}
    exec(source, namespace)  # straight-line code: no loop per field
    return namespace["make"]
