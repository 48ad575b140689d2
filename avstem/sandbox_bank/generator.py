"""Seeded, reproducible bank traffic for a company (a `Scenario`), with the ground truth.

    result = generate(scenario, seed=7, days=20, start=date(2025, 3, 3))
    store_result(Store(data_dir), result)        # into a sandbox bank's data directory
    write_files(result, out_dir)                 # camt.053 / camt.054 / Nets OCR files
    result.truth                                 # JSON-ready ground truth

Same scenario, seed, days and start: identical entries, ids, files and truth.

Customer payments cover the hard cases of reconciliation: KID (most; through the Nets OCR
agreement as daily OCR batches when the operating account has one), the invoice number only in
free text, one payment for several invoices, partial and over-payments, a fee deducted by the
payer's bank, a KID with a typo, the same payment twice, and two invoices of equal amount for
one customer. Around them: card purchases at recurring merchants, bank fees, interest, salaries,
tax withholding transfers and payments, transfers between the company's own accounts, and
supplier invoices paid on their due dates.

Truth: one item per bank transaction (camt TxDtls; an entry without details counts as one):

    {"entry_id": "G923456783-7-000012", "detail": 0 | null, "account": "15031234567",
     "date": "2025-03-04", "amount": "1250.00" (signed like the bank line), "case": "kid",
     "settles": [{"invoice": "10023", "ledger": "customer" | "supplier", "amount": "1250.00"}],
     "gl_account": null | "7770", "fee": null | "35.00", "unapplied": null | "200.00",
     "duplicate_of": null | {"entry_id", "detail"}, "counterpart": null | {"entry_id", "account"},
     "in_batch": false, "note": null | "..."}

Invariant: |amount| = sum(settles.amount) - fee + unapplied when `settles` or `unapplied` is
given; otherwise the whole amount belongs on `gl_account`.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from avstem.norway.accounts import bank_for_registration_number, complete_account_number
from avstem.norway.calendar import (
    add_business_days,
    business_day_on_or_after,
    business_day_on_or_before,
)
from avstem.norway.kid import KID
from avstem.sandbox_bank import accounts as acc
from avstem.sandbox_bank.scenario import Invoice, OwnAccount, Party, Scenario
from avstem.sandbox_bank.store import Store, bank_day, ore

TRUTH_SCHEMA = "avstem.sandbox_bank.truth/1"
CASES = ("kid", "kid_typo", "free_text_invoice_number", "multi_invoice", "partial", "overpayment", "fee_deducted",
         "duplicate", "equal_amount_twins", "ocr_batch", "card", "bank_fee", "interest", "salary", "tax_withholding",
         "own_transfer", "supplier_payment")
# How an open invoice gets paid (weights); twins are always "equal_amount_twins".
_PAYMENT_CASES = (("kid", 56), ("free_text_invoice_number", 10), ("multi_invoice", 7), ("partial", 5),
                  ("overpayment", 3), ("fee_deducted", 4), ("kid_typo", 3), ("duplicate", 3), ("unpaid", 9))
_TEXTS = ("Faktura {n}", "Fakt.nr. {n}", "faktura {n}", "Betaling faktura {n}", "Inv {n}", "Fakturanr {n} {c}",
          "Ref faktura {n}")
_MONTHS = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
           "november", "desember")
SKATTEETATEN = "Skatteetaten"


@functools.cache
def _skatteetaten_account() -> str:
    for n in range(100):
        try:
            return complete_account_number(f"63450618{n:02d}")
        except ValueError:
            continue
    raise AssertionError("no account number")  # pragma: no cover


# The calendar and KID checks are pure: cache them, the generator asks the same questions often.
_add_days = functools.lru_cache(maxsize=65536)(add_business_days)
_on_or_after = functools.lru_cache(maxsize=65536)(business_day_on_or_after)


@functools.lru_cache(maxsize=65536)
def _kid_valid(kid: str) -> bool:
    return KID(kid).valid


@functools.cache
def _bic(account: str) -> str | None:
    bank = bank_for_registration_number(account[:4])
    return bank.bic if bank else None


@dataclass
class Result:
    scenario: Scenario
    seed: int
    start: dt.date
    end: dt.date
    days: list[dt.date]
    entries: dict[str, list[acc.NewEntry]]  # by own account number, in booking order
    truth: dict


@dataclass
class _Payment:
    """A customer payment waiting to be booked."""

    day: dt.date
    order: int
    payer: Party
    amount: int  # øre
    case: str
    settles: list[tuple[Invoice, int]]
    kids: tuple[str, ...] = ()
    message: str | None = None
    fee: int = 0
    unapplied: int = 0
    key: str | None = None  # this payment's key, for a duplicate to point at
    duplicate_of: str | None = None
    note: str | None = None


@dataclass
class _Gen:
    scenario: Scenario
    seed: int
    days: list[dt.date]
    rng: random.Random
    entries: dict[str, list[acc.NewEntry]] = field(default_factory=lambda: defaultdict(list))
    truth: list[dict] = field(default_factory=list)
    located: dict[str, dict] = field(default_factory=dict)  # payment key -> {"entry_id", "detail"}
    count: int = 0

    def new_id(self) -> str:
        self.count += 1
        return f"G{self.scenario.org_number}-{self.seed}-{self.count:06d}"

    def archive_ref(self) -> str:
        return f"{self.rng.randrange(10**8, 10**9)}"

    def emit(self, account: OwnAccount, day: dt.date, kind: str, info: str, amount: int | None = None,
             details: list[acc.Detail] | None = None, truths: list[dict] | None = None, batch: bool = False) -> str:
        entry_id = self.new_id()
        total = sum(d.amount for d in details) if details else amount
        self.entries[account.account_number].append(acc.NewEntry(
            account_id=acc.account_id_for(account.account_number), amount=total, kind=kind,  # type: ignore[arg-type]
            transaction_date=day, currency=account.currency, info=info[:500], batch=batch,
            details=details or (), id=entry_id))
        for n, item in enumerate(truths or []):
            item.update(entry_id=entry_id, detail=n if details else None, account=account.account_number,
                        date=day.isoformat())
            self.truth.append(item)
        return entry_id


def _truth(amount: int, case: str, *, settles: list[tuple[str, str, int]] = (), gl_account: str | None = None,  # type: ignore[assignment]
           fee: int = 0, unapplied: int = 0, note: str | None = None, in_batch: bool = False) -> dict:
    return {"entry_id": None, "detail": None, "account": None, "date": None, "amount": _kr(amount), "case": case,
            "settles": [{"invoice": n, "ledger": ledger, "amount": _kr(a)} for n, ledger, a in settles],
            "gl_account": gl_account, "fee": _kr(fee) if fee else None, "unapplied": _kr(unapplied) if unapplied else None,
            "duplicate_of": None, "counterpart": None, "in_batch": in_batch, "note": note}


def _kr(amount: int) -> str:
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(amount) // 100}.{abs(amount) % 100:02d}"


def business_days_from(start: dt.date, days: int) -> list[dt.date]:
    first = business_day_on_or_after(start)
    return [add_business_days(first, n) for n in range(days)]


def generate(scenario: Scenario, *, seed: int, days: int, start: dt.date | None = None) -> Result:
    if not isinstance(days, int) or not 1 <= days <= 2000:
        raise ValueError("days must be a whole number from 1 to 2000")
    if start is None:
        start = add_business_days(business_day_on_or_before(dt.date.today() - dt.timedelta(days=1)), -(days - 1))
    window = business_days_from(start, days)
    gen = _Gen(scenario, seed, window, random.Random(f"{scenario.org_number}:{seed}:{days}:{window[0]}"))
    payments = _plan_customer_payments(gen)
    by_day: dict[dt.date, list[_Payment]] = defaultdict(list)
    for p in payments:
        by_day[p.day].append(p)
    supplier_days = _plan_supplier_payments(gen)
    tax_paid = False
    for i, day in enumerate(window):
        if day == business_day_on_or_after(day.replace(day=1)):
            _fees(gen, day)
        _incoming(gen, day, sorted(by_day.get(day, []), key=lambda p: p.order))
        for inv in supplier_days.get(day, []):
            _supplier_payment(gen, day, inv)
        _cards(gen, day)
        if day == business_day_on_or_before(dt.date(day.year, day.month, scenario.pay_day)):
            _salaries(gen, day)
        if not tax_paid and day.month % 2 == 1 and day == business_day_on_or_after(dt.date(day.year, day.month, 15)):
            tax_paid = _tax_payment(gen, day)
        if gen.rng.random() < 0.08:
            _own_transfer(gen, day)
        if i + 1 == len(window) or window[i + 1].month != day.month:
            _interest(gen, day)
    remaining: dict[str, int] = {inv.number: ore(inv.amount) for inv in scenario.invoices}
    for p in payments:
        for inv, amount in p.settles:
            remaining[inv.number] -= amount
    truth = {
        "schema": TRUTH_SCHEMA, "org_number": scenario.org_number, "name": scenario.name, "seed": seed,
        "start": window[0].isoformat(), "end": window[-1].isoformat(), "business_days": days,
        "accounts": [{"account_number": a.account_number, "role": a.role, "gl_account": a.gl_account}
                     for a in scenario.accounts],
        "transactions": gen.truth,
        "open_invoices": [{"invoice": n, "remaining": _kr(r)} for n, r in remaining.items() if r > 0],
        "summary": {"lines": sum(len(v) for v in gen.entries.values()), "transactions": len(gen.truth),
                    "cases": dict(sorted(Counter(t["case"] for t in gen.truth).items()))},
    }
    return Result(scenario, seed, window[0], window[-1], window, dict(gen.entries), truth)


# --- customer payments ---------------------------------------------------------------------------


def _plan_customer_payments(gen: _Gen) -> list[_Payment]:
    s, rng, window = gen.scenario, gen.rng, gen.days
    customers = {c.id: c for c in s.customers}
    groups: dict[tuple[str, int], list[Invoice]] = defaultdict(list)
    for inv in s.invoices:
        groups[(inv.customer, ore(inv.amount))].append(inv)
    twins = {inv.number for group in groups.values() if len(group) > 1 for inv in group}
    by_customer: dict[str, list[Invoice]] = defaultdict(list)
    for inv in s.invoices:
        by_customer[inv.customer].append(inv)
    taken: set[str] = set()
    payments: list[_Payment] = []
    order = 0

    def day_for(inv: Invoice) -> dt.date:
        target = _add_days(_on_or_after(inv.due_date), rng.choice((-4, -2, -1, 0, 0, 0, 1, 2, 3, 5, 8)))
        return target if window[0] <= target <= window[-1] else rng.choice(window)

    def add(p: _Payment) -> None:
        nonlocal order
        order += 1
        p.order = order
        payments.append(p)

    weights = [w for _, w in _PAYMENT_CASES]
    names = [c for c, _ in _PAYMENT_CASES]
    for inv in s.invoices:
        if inv.number in taken:
            continue
        taken.add(inv.number)
        payer = customers[inv.customer]
        amount = ore(inv.amount)
        text = rng.choice(_TEXTS).format(n=inv.number, c=payer.name.split()[0])
        if inv.number in twins:
            add(_Payment(day_for(inv), 0, payer, amount, "equal_amount_twins", [(inv, amount)], message=text,
                         note="another invoice of this customer has the same amount"))
            continue
        case = rng.choices(names, weights)[0]
        if case in ("kid", "partial", "overpayment", "kid_typo", "duplicate") and not inv.kid:
            case = "free_text_invoice_number"
        if case == "unpaid":
            continue
        if case == "kid":
            add(_Payment(day_for(inv), 0, payer, amount, "kid", [(inv, amount)], kids=(inv.kid,)))  # type: ignore[arg-type]
        elif case == "free_text_invoice_number":
            add(_Payment(day_for(inv), 0, payer, amount, case, [(inv, amount)], message=text))
        elif case == "multi_invoice":
            more = [v for v in by_customer[inv.customer] if v.number not in taken and v.number not in twins]
            more = more[:rng.choice((1, 1, 2))]
            if not more:
                add(_Payment(day_for(inv), 0, payer, amount, "kid" if inv.kid else "free_text_invoice_number",
                             [(inv, amount)], kids=(inv.kid,) if inv.kid else (), message=None if inv.kid else text))
                continue
            bundle = [inv, *more]
            taken.update(v.number for v in more)
            total = sum(ore(v.amount) for v in bundle)
            settles = [(v, ore(v.amount)) for v in bundle]
            day = max(day_for(v) for v in bundle)
            if all(v.kid for v in bundle) and rng.random() < 0.5:
                add(_Payment(day, 0, payer, total, case, settles, kids=tuple(v.kid for v in bundle)))  # type: ignore[misc]
            else:
                numbers = [v.number for v in bundle]
                message = "Faktura " + ", ".join(numbers[:-1]) + " og " + numbers[-1]
                add(_Payment(day, 0, payer, total, case, settles, message=message))
        elif case == "partial":
            part = max(100, int(amount * rng.uniform(0.25, 0.8)) // 100 * 100)
            add(_Payment(day_for(inv), 0, payer, part, case, [(inv, part)], kids=(inv.kid,),  # type: ignore[arg-type]
                         note=f"{_kr(amount - part)} left open"))
        elif case == "overpayment":
            extra = rng.choice((1000, 5000, 10000, 20000, 50000))
            add(_Payment(day_for(inv), 0, payer, amount + extra, case, [(inv, amount)], kids=(inv.kid,),  # type: ignore[arg-type]
                         unapplied=extra, note=f"{_kr(extra)} paid too much"))
        elif case == "fee_deducted":
            fee = rng.choice((2500, 3500, 4500, 7500, 15000))
            if fee >= amount:
                fee = amount // 10 or 1
            add(_Payment(day_for(inv), 0, payer, amount - fee, case, [(inv, amount)], message=text, fee=fee,
                         note="the payer's bank deducted a fee"))
        elif case == "kid_typo":
            typo = _typo(inv.kid, rng)  # type: ignore[arg-type]
            add(_Payment(day_for(inv), 0, payer, amount, case, [(inv, amount)], kids=(typo,),
                         note=f"KID {inv.kid} typed as {typo}"))
        elif case == "duplicate":
            day = day_for(inv)
            key = f"dup-{inv.number}"
            add(_Payment(day, 0, payer, amount, "kid", [(inv, amount)], kids=(inv.kid,), key=key))  # type: ignore[arg-type]
            latest = _add_days(day, 3)
            later = [d for d in window if day < d <= latest]
            if later:
                add(_Payment(rng.choice(later), 0, payer, amount, "duplicate", [], kids=(inv.kid,),  # type: ignore[arg-type]
                             unapplied=amount, duplicate_of=key, note=f"the same payment for {inv.number} twice"))
    return payments


def _typo(kid: str, rng: random.Random) -> str:
    for _ in range(100):
        pos = rng.randrange(len(kid) - 1)
        digit = str((int(kid[pos]) + rng.randrange(1, 10)) % 10) if kid[pos].isdigit() else "1"
        typo = kid[:pos] + digit + kid[pos + 1:]
        if not _kid_valid(typo):
            return typo
    return kid[:-1] + ("0" if kid[-1] != "0" else "1")


def _incoming(gen: _Gen, day: dt.date, payments: list[_Payment]) -> None:
    s = gen.scenario
    account = s.operating
    batch: list[tuple[_Payment, acc.Detail]] = []
    singles: list[tuple[_Payment, acc.Detail]] = []
    for p in payments:
        payer_account = p.payer.account_number or _random_account(gen.rng)
        detail = acc.Detail(amount=p.amount, name=p.payer.name, account=payer_account, bic=_bic(payer_account),
                            org_id=p.payer.org_number, kids=p.kids, message=p.message, reference=gen.archive_ref())
        # With an OCR agreement, KID payments come in the day's OCR batch; instant payments
        # (about one in four) are booked one by one as they arrive.
        ocr = (account.ocr_agreement_id and len(p.kids) == 1 and _kid_valid(p.kids[0]) and p.message is None
               and p.case in ("kid", "partial", "overpayment", "duplicate") and gen.rng.random() >= 0.25)
        (batch if ocr else singles).append((p, detail))
    if batch:
        items = [_payment_truth(p, in_batch=True) for p, _ in batch]
        entry_id = gen.emit(account, day, "ocr_batch", f"OCR giro, {len(batch)} innbetalinger",
                            details=[d for _, d in batch], truths=items, batch=True)
        for n, (p, _) in enumerate(batch):
            _locate(gen, p, entry_id, n, items[n])
    for p, detail in singles:
        item = _payment_truth(p, in_batch=False)
        info = f"Innbetaling {p.payer.name}" if not p.kids else "Innbetaling med KID"
        entry_id = gen.emit(account, day, "credit_transfer", info, details=[detail], truths=[item])
        _locate(gen, p, entry_id, 0, item)


def _payment_truth(p: _Payment, in_batch: bool) -> dict:
    case = "ocr_batch" if in_batch and p.case == "kid" else p.case
    return _truth(p.amount, case, settles=[(inv.number, "customer", a) for inv, a in p.settles], fee=p.fee,
                  unapplied=p.unapplied, note=p.note, in_batch=in_batch)


def _locate(gen: _Gen, p: _Payment, entry_id: str, detail: int, item: dict) -> None:
    if p.key:
        gen.located[p.key] = {"entry_id": entry_id, "detail": detail}
    if p.duplicate_of:
        item["duplicate_of"] = gen.located.get(p.duplicate_of)


def _random_account(rng: random.Random) -> str:
    while True:
        try:
            return complete_account_number(rng.choice(("1503", "4202", "6003", "8601")) + f"{rng.randrange(10**6):06d}")
        except ValueError:
            continue


# --- outgoing and everything else ----------------------------------------------------------------


def _plan_supplier_payments(gen: _Gen) -> dict[dt.date, list]:
    plan: dict[dt.date, list] = defaultdict(list)
    for inv in gen.scenario.supplier_invoices:
        day = business_day_on_or_after(inv.due_date)
        if not gen.days[0] <= day <= gen.days[-1]:
            if gen.rng.random() < 0.5:
                continue
            day = gen.rng.choice(gen.days)
        plan[day].append(inv)
    return plan


def _supplier_payment(gen: _Gen, day: dt.date, inv) -> None:  # type: ignore[no-untyped-def]
    s = gen.scenario
    supplier = next(p for p in s.suppliers if p.id == inv.supplier)
    amount = ore(inv.amount)
    e2e = "".join(ch for ch in f"AVS-{inv.number}" if ch.isalnum() or ch in "-.")[:35]
    detail = acc.Detail(amount=-amount, name=supplier.name, account=supplier.account_number, bic=_bic(supplier.account_number),
                        kids=(inv.kid,) if inv.kid else (), message=None if inv.kid else f"Faktura {inv.number}",
                        end_to_end_id=e2e, reference=gen.archive_ref())
    gen.emit(s.operating, day, "payment", f"Betaling til {supplier.name}", details=[detail],
             truths=[_truth(-amount, "supplier_payment", settles=[(inv.number, "supplier", amount)])])


def _cards(gen: _Gen, day: dt.date) -> None:
    s, rng = gen.scenario, gen.rng
    for merchant in s.merchants:
        if rng.random() >= merchant.per_month / 21:
            continue
        amount = max(1000, int(ore(merchant.typical_amount) * rng.lognormvariate(0, 0.3)))
        shown = f"{amount // 100},{amount % 100:02d}"
        gen.emit(s.operating, day, "card", f"*4521 {day:%d.%m} NOK {shown} {merchant.name} Kurs: 1.0000",
                 amount=-amount, truths=[_truth(-amount, "card", gl_account=merchant.gl_account, note=merchant.name)])


def _fees(gen: _Gen, day: dt.date) -> None:
    s = gen.scenario
    gl = s.gl_accounts.bank_fees
    gen.emit(s.operating, day, "fee", "Gebyr kontohold", amount=-15000, truths=[_truth(-15000, "bank_fee", gl_account=gl)])
    count = gen.rng.randrange(5, 60)
    fee = count * 250
    gen.emit(s.operating, day, "fee", f"Gebyr betalinger {count} stk", amount=-fee,
             truths=[_truth(-fee, "bank_fee", gl_account=gl)])


def _interest(gen: _Gen, day: dt.date) -> None:
    s = gen.scenario
    for account in s.accounts:
        if account.role not in ("operating", "savings"):
            continue
        base = max(ore(account.opening_balance), 0)
        amount = max(100, int(base * (0.035 if account.role == "savings" else 0.005) / 12))
        gen.emit(account, day, "interest", f"Renter {_MONTHS[day.month - 1]}", amount=amount,
                 truths=[_truth(amount, "interest", gl_account=s.gl_accounts.interest_income)])


def _salaries(gen: _Gen, day: dt.date) -> None:
    s = gen.scenario
    if not s.employees:
        return
    payroll = s.account("payroll") or s.operating
    month = _MONTHS[day.month - 1]
    details = [acc.Detail(amount=-ore(e.net_salary), name=e.name, account=e.account_number, bic=_bic(e.account_number),
                          message=f"Lønn {month}", end_to_end_id=f"SAL-{day:%Y%m}-{n + 1}", reference=gen.archive_ref())
               for n, e in enumerate(s.employees)]
    gen.emit(payroll, day, "salary", f"Lønn {month} ({len(details)} stk)", details=details, batch=True,
             truths=[_truth(d.amount, "salary", gl_account=s.gl_accounts.salary_payable, note=e.name)
                     for d, e in zip(details, s.employees)])
    tax = s.account("tax_withholding")
    withheld = sum(ore(e.tax_withheld) for e in s.employees)
    if tax is not None and withheld:
        _transfer_pair(gen, day, payroll, tax, withheld, "tax_withholding", f"Skattetrekk {month}")


def _tax_payment(gen: _Gen, day: dt.date) -> bool:
    s = gen.scenario
    tax = s.account("tax_withholding")
    if tax is None or tax.opening_balance <= 0:
        return False
    amount = ore(tax.opening_balance)
    kid = KID.create(f"{s.org_number}{day:%y}{(day.month - 1) // 2:01d}").value
    account = _skatteetaten_account()
    detail = acc.Detail(amount=-amount, name=SKATTEETATEN, account=account, bic=_bic(account), kids=(kid,),
                        end_to_end_id=f"SKATT-{day:%Y%m}", reference=gen.archive_ref())
    gen.emit(tax, day, "payment", "Betaling forskuddstrekk", details=[detail],
             truths=[_truth(-amount, "tax_withholding", gl_account=s.gl_accounts.tax_withholding_payable,
                            note="withheld tax paid to Skatteetaten")])
    return True


def _own_transfer(gen: _Gen, day: dt.date) -> None:
    s = gen.scenario
    savings = s.account("savings")
    if savings is None:
        return
    amount = gen.rng.randrange(5, 60) * 100000
    source, target = (s.operating, savings) if gen.rng.random() < 0.5 else (savings, s.operating)
    _transfer_pair(gen, day, source, target, amount, "own_transfer", "Overføring mellom egne kontoer")


def _transfer_pair(gen: _Gen, day: dt.date, source: OwnAccount, target: OwnAccount, amount: int, case: str,
                   text: str) -> None:
    out_item = _truth(-amount, case, gl_account=target.gl_account)
    in_item = _truth(amount, case, gl_account=source.gl_account)
    ref = gen.archive_ref()
    out_id = gen.emit(source, day, "own_transfer", f"{text} til {target.account_number}", truths=[out_item], details=[
        acc.Detail(amount=-amount, name=gen.scenario.name, account=target.account_number, message=text, reference=ref)])
    in_id = gen.emit(target, day, "own_transfer_in", f"{text} fra {source.account_number}", truths=[in_item], details=[
        acc.Detail(amount=amount, name=gen.scenario.name, account=source.account_number, message=text, reference=ref)])
    out_item["counterpart"] = {"entry_id": in_id, "account": target.account_number}
    in_item["counterpart"] = {"entry_id": out_id, "account": source.account_number}


# --- putting it somewhere ------------------------------------------------------------------------


def store_result(store: Store, result: Result, on_progress: Callable[[str], None] | None = None) -> dict:
    """Put the traffic into a sandbox bank: the customer and its accounts if missing, then every
    entry in one transaction, then the bank day past the last generated day. Running it again
    with the same result adds nothing."""
    from avstem.norway.calendar import next_business_day
    from avstem.sandbox_bank import bankday

    s = result.scenario
    with store.write() as conn:
        if conn.execute("SELECT 1 FROM customers WHERE org_number = ?", (s.org_number,)).fetchone() is None:
            acc.create_customer(conn, s.org_number, s.name)
        for account in s.accounts:
            try:
                row = acc.get_account(conn, account.account_number)
            except acc.NotFound:
                acc.create_account(conn, s.org_number, number=account.account_number, currency=account.currency,
                                   name=account.name, balance=ore(account.opening_balance), opened_on=result.start,
                                   ocr_agreement_id=account.ocr_agreement_id)
                continue
            if row["org_number"] != s.org_number:
                raise ValueError(f"account {account.account_number} belongs to {row['org_number']}, not {s.org_number}")
            if row["opened_on"] > result.start.isoformat():
                conn.execute("UPDATE accounts SET opened_on = ? WHERE id = ?", (result.start.isoformat(), row["id"]))
        entries = [e for account in s.accounts for e in result.entries.get(account.account_number, [])]
        added = 0
        if entries and conn.execute("SELECT 1 FROM entries WHERE id = ?", (entries[0].id,)).fetchone() is None:
            acc.add_entries(conn, entries)
            added = len(entries)
        today = bank_day(conn)
    if today <= result.end:
        bankday.advance(store, to=next_business_day(result.end).isoformat())
    return {"entries_added": added, "bank_day": max(today, next_business_day(result.end))}


def generate_into(store: Store, scenario: Scenario, *, seed: int, days: int, start: dt.date | None = None) -> dict:
    """Generate and store; by default the days end the business day before the bank day."""
    if start is None:
        with store.read() as conn:
            start = add_business_days(bank_day(conn), -days)
    result = generate(scenario, seed=seed, days=days, start=start)
    store_result(store, result)
    return result.truth


def write_files(result: Result, out_dir: Path) -> list[Path]:
    """The traffic as the bank's files: camt.053 and camt.054 per account per business day, and
    the Nets OCR file per day, made exactly as the sandbox bank serves them."""
    from avstem.sandbox_bank import statements

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(tmp, start_day=result.start)
        store_result(store, result)
        with store.read() as conn:
            today = bank_day(conn)
            rows = acc.accounts_of(conn, result.scenario.org_number)
            for day in result.days:
                for account in rows:
                    document = statements.statement_document(conn, account, day, today)
                    path = out_dir / f"camt053_{account['number']}_{day:%Y%m%d}.xml"
                    path.write_bytes(statements.to_bytes(document))
                    written.append(path)
                    try:
                        notification = statements.notification_document(conn, [account], day, today)
                    except statements.NotAvailable:
                        pass
                    else:
                        path = out_dir / f"camt054_{account['number']}_{day:%Y%m%d}.xml"
                        path.write_bytes(statements.to_bytes(notification))
                        written.append(path)
                try:
                    ocr = statements.ocr_file(conn, rows, day)
                except statements.NotAvailable:
                    continue
                path = out_dir / f"ocr_{result.scenario.org_number}_{day:%Y%m%d}.txt"
                path.write_bytes(ocr.encode("latin-1"))
                written.append(path)
    return written
