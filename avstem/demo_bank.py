"""The demo's bank traffic on Fjellbekk Bakeri's operating account, planned from its ledger, so
that connecting the sandbox bank shows what the product is for: customer payments arrive with
the invoices' KIDs and close them, the payments, fees and VAT already in the ledger come back
from the bank and pair with their postings, and a few everyday lines wait to be posted.

Plain Python, no Django: avstem/demo.py reads the ledger and calls `plan`; the result goes to
the sandbox bank as a JSON file of transactions in the shape of its admin API
(avstem/sandbox_bank/demo.py reads it).

    lines = plan(days, moves=[LedgerMove(...)], invoices=[OpenInvoice(...)])
    transactions(lines)   # [{"date", "amount", "kind", "description", "counterparty", "kid", ...}]

`days` are the bank days of the traffic (the first is the bank agreement's default start date);
`moves` what the ledger already holds on the bank account in those days (each becomes a bank
line of the same date and amount); `invoices` the customers' invoices still open. An open
invoice due from two weeks before the first day on is paid when its payer's day (around the due
date) has come; one paid late is paid in the first days. Of those paid, in date order, the
second is paid in part, the fourth paid too much and the sixth carries a KID with a typo, as
far as there are enough of them. Deterministic: the same input gives the same lines.
"""

from __future__ import annotations

import datetime
import hashlib
import random
from dataclasses import dataclass

from avstem.norway.accounts import complete_account_number
from avstem.norway.calendar import business_day_on_or_after
from avstem.norway.kid import KID

SEED = "fjellbekk-bank"
LATE_DAYS = 14  # an invoice due this long before the first day is paid then; older ones stay overdue
PAYER_DAYS = (-5, -3, -2, -1, 0, 0, 0, 1, 2, 3)  # paid this many days from the due date
SPECIAL_CASES = ("partial", "overpayment", "kid_typo")  # the 2nd, 4th and 6th payment
OVERPAID = 50_000  # øre: what the over-payment pays too much

# Everyday lines the ledger does not have yet: (position in the days, kind, amount in øre, text).
EVERYDAY = (
    (0.5, "card", -124_900, "CLAS OHLSON STORGATA"),
    (1.0, "card", -38_750, "KIWI 505 GRUNERLOKKA"),
    (1.0, "fee", -3_000, "Gebyr betalinger 12 stk"),
)


@dataclass(frozen=True)
class LedgerMove:
    """A posting on the bank's GL account: the bank books the same amount on the same day."""

    date: datetime.date
    amount: int  # øre, signed as on the bank account (in positive)
    kind: str  # the bank's kind: payment, credit_transfer, fee
    text: str
    name: str = ""
    account: str = ""
    kid: str = ""
    message: str = ""


@dataclass(frozen=True)
class OpenInvoice:
    number: str
    kid: str
    amount: int  # øre still open (positive)
    due_date: datetime.date
    customer: str
    customer_org_number: str = ""


@dataclass(frozen=True)
class Line:
    """One planned bank line; `case` says what it is for (ledger, kid, partial, overpayment,
    kid_typo, card, fee) and `invoice` which invoice a payment is for."""

    date: datetime.date
    amount: int
    kind: str
    description: str
    case: str
    name: str = ""
    account: str = ""
    kid: str = ""
    message: str = ""
    invoice: str = ""


def plan(days: list[datetime.date], *, moves: list[LedgerMove], invoices: list[OpenInvoice],
         seed: str = SEED) -> list[Line]:
    """The bank lines of `days` (sorted bank days), in booking order."""
    if not days:
        return []
    first, last = days[0], days[-1]
    lines: list[tuple[datetime.date, int, Line]] = []
    for move in moves:
        if not first <= move.date <= last:
            raise ValueError(f"the ledger move of {move.date} is outside the bank days {first} to {last}")
        lines.append((move.date, 0, Line(move.date, move.amount, move.kind, move.text, "ledger", name=move.name,
                                         account=move.account, kid=move.kid, message=move.message)))
    for line in _payments(days, invoices, seed):
        lines.append((line.date, 1, line))
    for position, kind, amount, text in EVERYDAY:
        day = days[min(len(days) - 1, int(position * (len(days) - 1)))]
        shown = f"{-amount // 100},{-amount % 100:02d}"
        description = f"*4521 {day:%d.%m} NOK {shown} {text}" if kind == "card" else text
        lines.append((day, 2, Line(day, amount, kind, description, kind)))
    return [line for _day, _order, line in sorted(lines, key=lambda t: (t[0], t[1]))]


def _payments(days: list[datetime.date], invoices: list[OpenInvoice], seed: str) -> list[Line]:
    first, last = days[0], days[-1]
    paid: list[tuple[datetime.date, OpenInvoice]] = []
    for inv in sorted(invoices, key=lambda i: (i.due_date, i.number)):
        if not inv.kid or inv.amount <= 0 or inv.due_date < first - datetime.timedelta(days=LATE_DAYS):
            continue
        rng = random.Random(f"{seed}:{inv.number}")
        day = business_day_on_or_after(inv.due_date + datetime.timedelta(days=rng.choice(PAYER_DAYS)))
        if day > last:
            continue  # not paid yet
        if day < first:
            day = days[rng.randrange(min(3, len(days)))]  # paid late, in the first days
        paid.append((day, inv))
    paid.sort(key=lambda p: (p[0], p[1].number))
    special = {2 * n + 1: case for n, case in enumerate(SPECIAL_CASES[:len(paid) // 2])}
    lines = []
    for n, (day, inv) in enumerate(paid):
        case = special.get(n, "kid")
        amount, kid = inv.amount, inv.kid
        if case == "partial":
            amount = max(10_000, inv.amount // 2 // 10_000 * 10_000)
            if amount >= inv.amount:
                case, amount = "kid", inv.amount
        elif case == "overpayment":
            amount = inv.amount + OVERPAID
        elif case == "kid_typo":
            kid = _typo(inv.kid)
        named = case == "kid_typo" or n % 3 != 2  # most payments name the payer and the account paid from
        lines.append(Line(day, amount, "credit_transfer", f"Innbetaling fra {inv.customer}" if named else
                          "Innbetaling med KID", case, name=inv.customer if named else "",
                          account=payer_account(inv.customer_org_number or inv.customer) if named else "",
                          kid=kid, invoice=inv.number))
    return lines


def _typo(kid: str) -> str:
    """The KID with one digit mistyped, so that its check digit no longer fits."""
    for pos in range(len(kid) // 2, len(kid) - 1):
        if kid[pos].isdigit():
            typo = kid[:pos] + str((int(kid[pos]) + 1) % 10) + kid[pos + 1:]
            if not KID(typo).valid:
                return typo
    raise ValueError(f"no typo of KID {kid} fails its check digit")


def payer_account(key: str) -> str:
    """A valid account number of a payer, the same for the same key."""
    digest = hashlib.sha256(f"payer:{key}".encode()).hexdigest()
    for n in range(100):
        body = "1503" + f"{int(digest[:12], 16) + n:012d}"[-6:]
        try:
            return complete_account_number(body)
        except ValueError:
            continue
    raise AssertionError("no account number")  # pragma: no cover


def transactions(lines: list[Line]) -> list[dict]:
    """The lines as the sandbox bank's admin API takes transactions (without the account)."""
    out = []
    for line in lines:
        item: dict = {"date": line.date.isoformat(), "amount": kroner(line.amount), "kind": line.kind,
                      "description": line.description}
        if line.name or line.account:
            item["counterparty"] = {k: v for k, v in (("name", line.name), ("account", line.account)) if v}
        if line.kid:
            item["kid"] = line.kid
        if line.message:
            item["message"] = line.message
        out.append(item)
    return out


def kroner(amount: int) -> str:
    """Øre as the admin API writes an amount: "-1234.50"."""
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(amount) // 100}.{abs(amount) % 100:02d}"
