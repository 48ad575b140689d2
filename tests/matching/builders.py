"""Small builders for matching tests: open items, bank lines and a run, with short names."""

from __future__ import annotations

import datetime as dt

from avstem.matching import (
    BankLine,
    Charges,
    Config,
    DetailResult,
    ItemKind,
    OpenItem,
    Proposal,
    Reconciliation,
    TxDetail,
    reconcile,
)
from avstem.norway.accounts import complete_account_number
from avstem.norway.kid import KID

DAY = dt.date(2025, 3, 10)
OPERATING = "OP"


def kid(payload: str, algorithm: str = "MOD10") -> str:
    return KID.create(payload, algorithm).value


def typo(value: str, position: int = 0) -> str:
    """`value` with one digit changed so that neither check digit verifies."""
    for pos in [position, *range(len(value) - 1)]:
        for step in range(1, 10):
            wrong = value[:pos] + str((int(value[pos]) + step) % 10) + value[pos + 1:]
            if not KID.parse(wrong).valid:
                return wrong
    raise AssertionError(value)


def account(n: int) -> str:
    """A valid 11-digit account number, different for each n."""
    for extra in range(100):
        try:
            return complete_account_number(f"1503{n:04d}{extra:02d}")
        except ValueError:
            continue
    raise AssertionError(n)


def day(offset: int) -> dt.date:
    return DAY + dt.timedelta(days=offset)


def item(number: str, amount: int, party: str = "K1", *, kind: ItemKind = ItemKind.CUSTOMER, kid: str = "",
         name: str | None = None, accounts: tuple[str, ...] | None = None, due: dt.date = DAY,
         currency: str = "NOK") -> OpenItem:
    prefix = "C" if kind is ItemKind.CUSTOMER else "S"
    return OpenItem(id=f"{prefix}:{number}", kind=kind, party_id=party,
                    remaining=amount if kind is ItemKind.CUSTOMER else -amount, invoice_number=number, kid=kid,
                    party_name=name if name is not None else f"Kunde {party} AS",
                    party_accounts=accounts if accounts is not None else (account(int(party[1:]) if party[1:].isdigit() else 9),),
                    due_date=due, invoice_date=due - dt.timedelta(days=14), currency=currency)


def line(id: str, amount: int, *, on: dt.date = DAY, acct: str = OPERATING, refs: tuple[str, ...] = (),
         texts: tuple[str, ...] = (), name: str = "", cp: str = "", e2e: str = "", pmtinf: str = "",
         charges: tuple[Charges, ...] = (), details: tuple[TxDetail, ...] = (), status: str = "BOOK",
         currency: str = "NOK") -> BankLine:
    return BankLine(id=id, account_id=acct, booking_date=on, amount=amount, currency=currency, status=status,
                    texts=texts, counterparty_name=name, counterparty_account=cp, end_to_end_id=e2e,
                    payment_info_id=pmtinf, creditor_refs=refs, charges=charges, details=details, batch=len(details) > 1)


def run(lines, items=(), **kwargs) -> Reconciliation:
    return reconcile(lines, open_items=items, **kwargs)


def result_of(result: Reconciliation, line_id: str, detail: int | None = None) -> DetailResult:
    found = result.by_line()[line_id]
    if detail is None and len(found.details) == 1:
        return found.details[0]
    return next(d for d in found.details if d.detail == detail)


def best(result: Reconciliation, line_id: str, detail: int | None = None) -> Proposal:
    proposals = result_of(result, line_id, detail).proposals
    assert proposals, f"no proposal for {line_id}"
    return proposals[0]


def settled(proposal: Proposal) -> dict[str, int]:
    return proposal.settles()


NO_AUTO = Config()
