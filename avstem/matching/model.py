"""The matching engine's types: what goes in (bank lines and candidates) and what comes out
(proposals per bank line or transaction). Small frozen values; amounts are signed integer øre.

Signs: a bank line's amount is positive for money in and negative for money out. An open item's
`remaining` is signed like the payment that settles it (a customer invoice is positive, a supplier
invoice negative, a customer credit note negative). A proposal's targets are shares of the bank
amount and always sum to it exactly.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from collections.abc import Iterator, Mapping
from typing import NamedTuple

from avstem.matching.explain import Explanation

BOOKED = "BOOK"


class Kind(str, enum.Enum):
    """The evidence behind a proposal, strongest first."""

    END_TO_END = "end_to_end"  # the end-to-end id of one payment we sent
    PAYMENT_BATCH = "payment_batch"  # a whole batch of payments we sent, booked as one line
    KID = "kid"
    KID_MULTI = "kid_multi"
    TEXT_REFERENCE = "text_reference"
    FEE_DEDUCTED = "fee_deducted"
    LEDGER_POSTING = "ledger_posting"
    OWN_TRANSFER = "own_transfer"
    AMOUNT_PARTY = "amount_party"
    SUBSET_SUM = "subset_sum"
    PARTIAL = "partial"
    OVERPAYMENT = "overpayment"
    DUPLICATE = "duplicate"
    RULE = "rule"
    LEARNED = "learned"


KIND_ORDER = {kind: n for n, kind in enumerate(Kind)}


class TargetKind(str, enum.Enum):
    OPEN_ITEM = "open_item"  # ref: OpenItem.id; settles that much of it
    POSTING = "posting"  # ref: LedgerPosting.id; already booked on the bank's GL account
    GL = "gl"  # ref: a GL account (rules, learned suggestions, payments we sent without items)
    FEE = "fee"  # ref: the fee account; the fee deducted from a payment (negative)
    DIFFERENCE = "difference"  # ref: the difference account; what nothing else explains
    UNAPPLIED = "unapplied"  # ref: party id; paid too much or twice, left on the party's account
    TRANSFER = "transfer"  # ref: the other own account's id; gl_account: its GL account


class Outcome(str, enum.Enum):
    MATCHED = "matched"  # certain and unique: may be applied without a click
    PROPOSED = "proposed"  # one or more proposals for a person to choose from
    LEFT = "left"  # nothing fits; the reason says what was looked at


class ItemKind(str, enum.Enum):
    CUSTOMER = "customer"
    SUPPLIER = "supplier"


class Direction(str, enum.Enum):
    IN = "in"
    OUT = "out"


# --- inputs ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Charges:
    """A charge the bank reports for a transaction (camt `Chrgs/Rcrd`). `amount` is positive øre;
    `included` means it is already taken off the booked amount (`ChrgInclInd`)."""

    amount: int
    included: bool = True


@dataclass(frozen=True, slots=True)
class TxDetail:
    """One transaction of a bank line (camt `TxDtls`). `amount` None: the line's amount (only
    sensible when the line has this one detail)."""

    amount: int | None = None
    counterparty_name: str = ""
    counterparty_account: str = ""  # BBAN or IBAN as received
    end_to_end_id: str = ""
    payment_info_id: str = ""  # `PmtInfId`: the batch id of a payment we sent
    account_servicer_ref: str = ""
    creditor_refs: tuple[str, ...] = ()  # KIDs and RF references, as received
    texts: tuple[str, ...] = ()  # `Ustrd` lines, `AddtlTxInf`
    charges: tuple[Charges, ...] = ()


@dataclass(frozen=True, slots=True)
class BankLine:
    """One entry of a statement. Without `details` the line is one transaction and its own fields
    carry the references; with them, matching works per detail and the line settles as a whole."""

    id: str
    account_id: str
    booking_date: dt.date
    amount: int
    currency: str = "NOK"
    value_date: dt.date | None = None
    status: str = BOOKED
    texts: tuple[str, ...] = ()  # `AddtlNtryInf` and, without details, remittance lines
    counterparty_name: str = ""
    counterparty_account: str = ""
    end_to_end_id: str = ""
    payment_info_id: str = ""
    account_servicer_ref: str = ""
    creditor_refs: tuple[str, ...] = ()
    charges: tuple[Charges, ...] = ()
    batch: bool = False
    details: tuple[TxDetail, ...] = ()


@dataclass(frozen=True, slots=True)
class OpenItem:
    """An invoice or credit note not yet settled in full (kundereskontro/leverandørreskontro)."""

    id: str
    kind: ItemKind
    party_id: str
    remaining: int  # signed like the payment that settles it
    invoice_number: str = ""
    kid: str = ""
    party_name: str = ""  # the party's name and accounts, the same on each of its items
    party_accounts: tuple[str, ...] = ()
    due_date: dt.date | None = None
    invoice_date: dt.date | None = None
    currency: str = "NOK"


@dataclass(frozen=True, slots=True)
class LedgerPosting:
    """An unreconciled posting on a bank account's GL account, signed like the bank line it
    stands for (a debit on the bank account is money in, positive)."""

    id: str
    account_id: str  # the bank account whose GL account it is on
    date: dt.date
    amount: int
    text: str = ""
    reference: str = ""


@dataclass(frozen=True, slots=True)
class SentPayment:
    """A payment the program sent (pain.001): the bank echoes its end-to-end id."""

    end_to_end_id: str
    amount: int  # signed like the bank line: negative
    batch_id: str = ""  # `PmtInfId`
    creditor_account: str = ""
    open_item_ids: tuple[str, ...] = ()
    gl_account: str = ""  # for payments of no open item (salaries, taxes)
    account_id: str = ""  # the debtor account; empty: any


@dataclass(frozen=True, slots=True)
class OwnAccount:
    """One of the company's own bank accounts, for transfers between them."""

    id: str
    number: str  # 11-digit account number (an IBAN is accepted)
    gl_account: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class Config:
    fee_account: str = "7770"
    difference_account: str = "7790"
    fee_tolerance: int = 25_000  # øre: the largest deducted fee considered
    fee_max_share: float = 0.1  # a plausible fee is at most this share of the open amount
    due_window: tuple[int, int] = (-60, 120)  # days around the due date for amount evidence
    posting_window: int = 5  # days between a bank line and a posting of the same amount
    transfer_window: int = 4  # days between the two sides of an own transfer
    name_threshold: float = 88.0  # normalise.similarity (rapidfuzz) for a fuzzy party name
    max_subset_items: int = 12  # open items per party tried for subset sums
    max_subset_solutions: int = 3
    max_proposals: int = 5
    # Money a valid KID or an end-to-end id ties to one customer's or supplier's item is posted to
    # that party whatever the amount (R3.4): what is short stays open on the item, what is over, or
    # paid twice, stays as a credit on the party's account. Nothing there is a guess; the bookkeeper
    # sees the remainder or the credit where they always look.
    auto_partial: bool = True  # by a valid KID or end-to-end id, one item, a shortfall too big for a fee
    auto_overpayment: bool = True  # by valid KIDs or an end-to-end id
    auto_duplicate: bool = True  # by a valid KID or end-to-end id of an item this run settled already
    auto_fee_with_charges: bool = True  # charges that explain the difference exactly
    auto_amount_party: bool = True  # amount + party account (or exact name), unique
    auto_subset_sum: bool = False
    auto_own_transfer: bool = True  # both sides paired


# --- outputs --------------------------------------------------------------------------------------
# Named tuples, like beancount's core types: immutable, and cheap enough to make a million of.


class Target(NamedTuple):
    """Where a share of the bank amount goes. The targets of a proposal sum to its amount."""

    kind: TargetKind
    ref: str
    amount: int
    gl_account: str = ""  # TRANSFER: the other account's GL account
    vat_code: str = ""
    description: str = ""


class Proposal(NamedTuple):
    kind: Kind
    targets: tuple[Target, ...]
    confidence: float
    automatic: bool
    explanation: Explanation
    counterpart: tuple[str, int | None] | None = None  # own transfer: (line id, detail) of the other side
    rule_id: str = ""

    @property
    def amount(self) -> int:
        return sum(t.amount for t in self.targets)

    def settles(self) -> dict[str, int]:
        """Open item id -> amount settled."""
        return {t.ref: t.amount for t in self.targets if t.kind is TargetKind.OPEN_ITEM}


class DetailResult(NamedTuple):
    """What the engine says about one transaction of a line (`detail` is its index in
    `BankLine.details`), or about the whole line (`detail` None)."""

    detail: int | None
    amount: int
    proposals: tuple[Proposal, ...]  # best first
    reason: Explanation | None = None  # why it is left, or why it is not automatic

    @property
    def outcome(self) -> Outcome:
        if not self.proposals:
            return Outcome.LEFT
        return Outcome.MATCHED if self.proposals[0].automatic else Outcome.PROPOSED

    @property
    def match(self) -> Proposal | None:
        return self.proposals[0] if self.proposals and self.proposals[0].automatic else None


class LineResult(NamedTuple):
    line_id: str
    account_id: str
    booking_date: dt.date
    amount: int
    details: tuple[DetailResult, ...]
    alternatives: tuple[Proposal, ...] = ()  # whole-line proposals for a line of many details

    @property
    def outcome(self) -> Outcome:
        outcomes = {d.outcome for d in self.details}
        if outcomes == {Outcome.MATCHED}:
            return Outcome.MATCHED
        if outcomes == {Outcome.LEFT} and not self.alternatives:
            return Outcome.LEFT
        return Outcome.PROPOSED

    @property
    def automatic(self) -> bool:
        return self.outcome is Outcome.MATCHED


class Remaining(Mapping[str, int]):
    """Open item id -> what is still open, for the items the automatic matches touched (read-only,
    made on demand from the run's own bookkeeping)."""

    __slots__ = ("_touched", "_left")

    def __init__(self, touched: Mapping[str, int], left: Mapping[str, int]) -> None:
        self._touched, self._left = touched, left

    def __getitem__(self, iid: str) -> int:
        if iid not in self._touched:
            raise KeyError(iid)
        return self._left.get(iid, 0)

    def __iter__(self) -> Iterator[str]:
        return iter(self._touched)

    def __len__(self) -> int:
        return len(self._touched)

    def __repr__(self) -> str:
        return f"Remaining({dict(self)!r})"


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """A run's answer: one result per bank line, in the order of the input (the answers do not
    depend on that order); `remaining`: what is still open of each open item the automatic
    matches touched; `timings`: CPU seconds per phase of the run."""

    lines: tuple[LineResult, ...]
    remaining: Mapping[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict, compare=False)

    def by_line(self) -> dict[str, LineResult]:
        return {r.line_id: r for r in self.lines}

    def counts(self) -> dict[str, int]:
        counts = {o.value: 0 for o in Outcome}
        for r in self.lines:
            counts[r.outcome.value] += 1
        return counts
