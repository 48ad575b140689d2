"""Seeded synthetic companies with known truth, for the engine's property tests and benchmarks.

    scenario = generate(seed=7, invoices=2000)
    result = reconcile(scenario.lines, **scenario.candidates())
    scenario.truth      # one Truth per transaction: its case, the right answer, whether it is certain

Every case the engine must handle: KIDs (single, several, in OCR batches, with a typo, with
charges), invoice numbers in free text, partial and over-payments, deducted fees, the same
payment twice, twin invoices of equal amount (decided by a reference, or not), amount and party
(account, exact name, fuzzy name), subset sums, ledger postings already booked (among them bills
paid by hand with their KID), transfers between own accounts, supplier payments and whole payment
batches by end-to-end id, salaries, card purchases (learned from history), bank fees and interest
(rules), and unknown money in.

An answer is a frozenset of (target kind, ref, signed øre), compared with `answer_of(proposal)`.
`certain` says whether the design lets the engine be sure (then it should be automatic); the
others should be among the proposals. Pure Python, no Django, fast enough for a million lines.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass, field

from avstem.matching.learned import PostedLine
from avstem.matching.model import (
    BankLine,
    Charges,
    Config,
    ItemKind,
    LedgerPosting,
    OpenItem,
    OwnAccount,
    Proposal,
    SentPayment,
    TxDetail,
)
from avstem.matching.rules import Rule
from avstem.norway.accounts import account_check_digit
from avstem.norway.kid import mod10_check_digit, mod11_check_digit

Answer = frozenset  # of (target kind, ref, amount)

START = dt.date(2025, 3, 3)
FEE_ACCOUNT = "7770"

# How an open customer invoice gets paid (weights).
CUSTOMER_CASES = {
    "kid": 40, "ocr_batch": 14, "kid_typo": 2, "free_text_invoice_number": 8, "multi_invoice": 5, "partial": 3,
    "overpayment": 2, "fee_deducted": 3, "fee_charges": 1, "duplicate": 2, "amount_party": 5, "amount_name": 2,
    "amount_fuzzy_name": 1, "subset_sum": 2, "unpaid": 8,
}
SPEED_CASES = {  # the speed benchmark's mix: mostly KIDs, then text, names and batches
    "kid": 40, "ocr_batch": 25, "free_text_invoice_number": 12, "multi_invoice": 3, "amount_party": 6,
    "amount_name": 3, "partial": 2, "fee_deducted": 2, "kid_typo": 1, "duplicate": 1, "subset_sum": 1, "unpaid": 4,
}
TWIN_SHARE = 0.05
MERCHANTS = (("REMA 1000", "6800", 45000), ("CIRCLE K", "7000", 78000), ("CLAS OHLSON", "6540", 62000),
             ("TELENOR NORGE AS", "6900", 89900), ("MICROSOFT*365", "6540", 115000), ("POSTEN NORGE", "6860", 21000),
             ("VY", "7140", 32900), ("KIWI", "6800", 30000), ("ELKJOP", "6540", 150000), ("SAS", "7140", 250000))
_FIRST = ("Kafé Nord", "Bygg og Bad", "Fjordlys Hotell", "Tindeklatring", "Havbris Catering", "Elvebredden Barnehage",
          "Granli Gård", "Nordkapp Reiser", "Solsikken Blomster", "Vestland Elektro", "Polar Regnskap", "Sjøsprøyt Marina",
          "Bakkehuset", "Birkebeiner Sport", "Lyngen Fisk", "Trollstigen Transport", "Skogly Snekkeri", "Måkeskjær Kro",
          "Østmarka IT", "Fiskebrygga Mat", "Kløverenga Skole", "Rondane Hytter", "Aurora Design", "Stavkirken Turisme")
_FORMS = ("AS", "AS", "AS", "ASA", "ANS", "DA", "ENK", "")
_TEXTS = ("Faktura {n}", "Fakt.nr. {n}", "faktura {n}", "Betaling faktura {n}", "Inv {n}", "Fakturanr {n} {c}", "Ref faktura {n}")


@dataclass(frozen=True, slots=True)
class Truth:
    line_id: str
    detail: int | None
    case: str
    answer: Answer | None  # None: nothing in the books fits (it should be left, or only proposed)
    certain: bool


@dataclass
class Scenario:
    name: str
    lines: list[BankLine] = field(default_factory=list)
    open_items: list[OpenItem] = field(default_factory=list)
    postings: list[LedgerPosting] = field(default_factory=list)
    sent_payments: list[SentPayment] = field(default_factory=list)
    own_accounts: list[OwnAccount] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    history: list[PostedLine] = field(default_factory=list)
    truth: list[Truth] = field(default_factory=list)

    def candidates(self) -> dict:
        """Keyword arguments for `reconcile` (except `learner`, made from `history`)."""
        return {"open_items": self.open_items, "postings": self.postings, "sent_payments": self.sent_payments,
                "own_accounts": self.own_accounts, "rules": self.rules}


def answer_of(proposal: Proposal) -> Answer:
    return frozenset((t.kind.value, t.ref, t.amount) for t in proposal.targets)


class _Maker:
    def __init__(self, seed: int, name: str, days: int) -> None:
        self.rng = random.Random(f"synthetic:{seed}:{name}")
        # For cases added later, so that they leave the rest of a seed's scenario as it was.
        self.later_rng = random.Random(f"synthetic-later:{seed}:{name}")
        self.s = Scenario(name)
        self.days = [START + dt.timedelta(days=d) for d in range(days) if (START + dt.timedelta(days=d)).weekday() < 5]
        self.n_lines = 0
        self.n_accounts = 0
        self.ocr: dict[dt.date, list[tuple[TxDetail, Truth]]] = {}

    # -- identifiers ---------------------------------------------------------------------------------

    def line_id(self) -> str:
        self.n_lines += 1
        return f"{self.s.name}-{self.n_lines:07d}"

    def account(self) -> str:
        while True:
            self.n_accounts += 1
            first = f"{self.rng.choice(('1503', '4202', '6003', '8601', '9041', '1202'))}{self.rng.randrange(10**6):06d}"
            check = account_check_digit(first)
            if check is not None:
                return first + check

    def kid(self, payload: str) -> str:
        if self.rng.random() < 0.8:
            return payload + mod10_check_digit(payload)
        return payload + mod11_check_digit(payload)

    def typo(self, kid: str) -> str:
        for _ in range(50):
            pos = self.rng.randrange(len(kid) - 1)
            wrong = kid[:pos] + str((int(kid[pos]) + self.rng.randrange(1, 10)) % 10) + kid[pos + 1:]
            body, check = wrong[:-1], wrong[-1]
            if mod10_check_digit(body) != check and mod11_check_digit(body) != check:
                return wrong
        return kid[:-2] + ("00" if kid[-2:] != "00" else "11")

    def amount(self) -> int:
        value = int(self.rng.lognormvariate(8.3, 0.9) * 100)
        roll = self.rng.random()
        if roll < 0.4:
            value = value // 100 * 100
        elif roll < 0.55:
            value = value // 10000 * 10000
        return max(value, 15000)

    def day_near(self, due: dt.date) -> dt.date:
        day = due + dt.timedelta(days=self.rng.choice((-6, -3, -1, 0, 0, 0, 1, 2, 4, 7, 11)))
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        return min(max(day, self.days[0]), self.days[-1])

    # -- output ----------------------------------------------------------------------------------------

    def emit(self, line: BankLine, truths: list[tuple[int | None, str, Answer | None, bool]]) -> None:
        self.s.lines.append(line)
        for detail, case, answer, certain in truths:
            self.s.truth.append(Truth(line.id, detail, case, answer, certain))


def generate(seed: int = 1, invoices: int = 500, *, name: str = "", cases: dict[str, int] | None = None,
             days: int = 60, extras: bool = True, ocr: bool = True, bills_paid_by_hand: bool = True) -> Scenario:
    """A company with `invoices` open customer invoices and the bank lines that pay most of them;
    with `extras`, also suppliers, salaries, cards, fees, interest, transfers and postings, and
    (`bills_paid_by_hand`) bills paid in the online bank with their KID and posted by hand."""
    m = _Maker(seed, name or f"S{seed}", days)
    rng, s = m.rng, m.s
    op, sav, tax = (OwnAccount("OP", m.account(), "1920", "Driftskonto"), OwnAccount("SAV", m.account(), "1930", "Sparekonto"),
                    OwnAccount("TAX", m.account(), "1950", "Skattetrekkskonto"))
    s.own_accounts = [op, sav, tax]
    weights = cases or CUSTOMER_CASES
    case_names = list(weights)
    cumulative = list(itertools.accumulate(weights.values()))

    # Customers: most pay from a known account; some are known only by name.
    n_customers = max(4, invoices // 8)
    customers = []
    for c in range(n_customers):
        base = _FIRST[c % len(_FIRST)] + ("" if c < len(_FIRST) else f" {c // len(_FIRST) + 1}")
        form = rng.choice(_FORMS)
        customers.append((f"K{c + 1}", f"{base} {form}".strip(), m.account() if rng.random() < 0.8 else ""))
    by_customer: dict[str, list[OpenItem]] = {}
    number = 10000 + seed % 97 * 1000
    while len(s.open_items) < invoices:
        cid, cname, cacct = customers[rng.randrange(n_customers)]
        amount = m.amount()
        twins = 2 if rng.random() < TWIN_SHARE and len(s.open_items) + 2 <= invoices else 1
        due = rng.choice(m.days) - dt.timedelta(days=rng.randrange(0, 10))
        for _ in range(twins):
            number += 1
            item = OpenItem(f"C{number}", ItemKind.CUSTOMER, cid, amount, str(number), m.kid(f"{int(cid[1:]):05d}{number:07d}"),
                            cname, (cacct,) if cacct else (), due, due - dt.timedelta(days=14))
            s.open_items.append(item)
            by_customer.setdefault(cid, []).append(item)
    accounts = {cid: acct for cid, _, acct in customers}
    names = {cid: name for cid, name, _ in customers}
    taken: set[str] = set()

    def pays(item: OpenItem, on: dt.date, amount: int, case: str, answer: Answer | None, certain: bool, *,
             refs: tuple[str, ...] = (), text: str = "", name: str | None = None, cp: str | None = None,
             charges: tuple[Charges, ...] = (), in_ocr: bool = False) -> None:
        payer_account = accounts[item.party_id] if cp is None else cp
        if not payer_account and cp is None and rng.random() < 0.5:
            payer_account = m.account()  # someone paying from an account we do not know
        payer_name = names[item.party_id] if name is None else name
        if in_ocr:
            detail = TxDetail(amount, payer_name, payer_account, creditor_refs=refs, account_servicer_ref=f"{rng.randrange(10**9)}")
            m.ocr.setdefault(on, []).append((detail, (case, answer, certain)))  # type: ignore[arg-type]
            return
        detail = TxDetail(amount, payer_name, payer_account, creditor_refs=refs, texts=(text,) if text else (),
                          charges=charges, account_servicer_ref=f"{rng.randrange(10**9)}")
        line = BankLine(m.line_id(), op.id, on, amount, texts=("Innbetaling",), details=(detail,))
        m.emit(line, [(0, case, answer, certain)])

    def one(item: OpenItem, amount: int | None = None) -> Answer:
        return frozenset({("open_item", item.id, item.remaining if amount is None else amount)})

    for item in s.open_items:
        if item.id in taken:
            continue
        taken.add(item.id)
        siblings = by_customer[item.party_id]
        twin = next((o for o in siblings if o is not item and o.remaining == item.remaining), None)
        on = m.day_near(item.due_date)  # type: ignore[arg-type]
        text = rng.choice(_TEXTS).format(n=item.invoice_number, c=item.party_name.split()[0])
        if twin is not None:
            taken.add(twin.id)
            if rng.random() < 0.7:
                pays(item, on, item.remaining, "equal_amount_twins", one(item), True, text=text)
            else:  # nothing says which twin: both are proposed
                pays(item, on, item.remaining, "twins_no_reference", one(item), False, text="Innbetaling",
                     cp=accounts[item.party_id] or None)
            continue
        case = rng.choices(case_names, cum_weights=cumulative)[0]
        if case in ("amount_party", "subset_sum", "fee_deducted") and not accounts[item.party_id]:
            case = "amount_name"
        if case == "unpaid":
            continue
        if case == "kid":
            pays(item, on, item.remaining, case, one(item), True, refs=(item.kid,))
        elif case == "ocr_batch":
            pays(item, on, item.remaining, case, one(item), True, refs=(item.kid,), in_ocr=ocr)
        elif case == "kid_typo":
            pays(item, on, item.remaining, case, one(item), False, refs=(m.typo(item.kid),))
        elif case == "free_text_invoice_number":
            pays(item, on, item.remaining, case, one(item), True, text=text)
        elif case in ("multi_invoice", "subset_sum"):
            more = [o for o in siblings if o.id not in taken and not any(
                p is not o and p.remaining == o.remaining for p in siblings)][: rng.choice((1, 1, 2))]
            if not more:
                pays(item, on, item.remaining, "kid", one(item), True, refs=(item.kid,))
                continue
            taken.update(o.id for o in more)
            bundle = [item, *more]
            total = sum(o.remaining for o in bundle)
            answer = frozenset(("open_item", o.id, o.remaining) for o in bundle)
            if case == "subset_sum":
                pays(item, on, total, case, answer, False, text="Innbetaling")
            elif rng.random() < 0.5:
                pays(item, on, total, case, answer, True, refs=tuple(o.kid for o in bundle))
            else:
                numbers = [o.invoice_number for o in bundle]
                pays(item, on, total, case, answer, True, text="Faktura " + ", ".join(numbers[:-1]) + " og " + numbers[-1])
        elif case == "partial":
            part = max(100, int(item.remaining * rng.uniform(0.25, 0.8)) // 100 * 100)
            # Automatic by its KID, unless the shortfall is small enough to be a deducted fee.
            pays(item, on, part, case, one(item, part), item.remaining - part > Config().fee_tolerance, refs=(item.kid,))
        elif case == "overpayment":
            extra = rng.choice((1000, 5000, 10000, 20000, 50000))
            pays(item, on, item.remaining + extra, case,
                 frozenset({("open_item", item.id, item.remaining), ("unapplied", f"customer:{item.party_id}", extra)}), True,
                 refs=(item.kid,))
        elif case in ("fee_deducted", "fee_charges"):
            fee = min(rng.choice((2500, 3500, 4500, 7500, 15000)), item.remaining // 10)
            answer = frozenset({("open_item", item.id, item.remaining), ("fee", FEE_ACCOUNT, -fee)})
            if case == "fee_charges":
                pays(item, on, item.remaining - fee, case, answer, True, refs=(item.kid,), charges=(Charges(fee, True),))
            else:
                pays(item, on, item.remaining - fee, case, answer, False, text=text)
        elif case == "duplicate":
            pays(item, on, item.remaining, "kid", one(item), True, refs=(item.kid,))
            later = on + dt.timedelta(days=rng.choice((1, 2, 3, 6)))
            if later <= m.days[-1]:
                pays(item, later, item.remaining, case,
                     frozenset({("unapplied", f"customer:{item.party_id}", item.remaining)}), True, refs=(item.kid,))
        elif case == "amount_party":
            pays(item, on, item.remaining, case, one(item), True, text="Innbetaling")
        elif case == "amount_name":
            pays(item, on, item.remaining, case, one(item), True, text="Innbetaling", cp="",
                 name=" ".join(w for w in item.party_name.upper().split() if w not in ("AS", "ASA", "ANS", "DA", "ENK")))
        elif case == "amount_fuzzy_name":
            # Two neighbouring letters swapped in the longest word of the name (not in its legal form).
            words = item.party_name.split()
            k = max(range(len(words)), key=lambda w: len(words[w]))
            word = words[k]
            mid = next((m for m in range(len(word) // 2, len(word)) if word[m - 1] != word[m]), None)
            words[k] = word[:mid - 1] + word[mid] + word[mid - 1] + word[mid + 1:] if mid else word + "x"
            misspelt = " ".join(words)
            pays(item, on, item.remaining, case, one(item), False, text="Innbetaling", cp="", name=misspelt)

    # OCR batches: one line per day with every KID payment of the day.
    for on in sorted(m.ocr):
        entries = m.ocr[on]
        line = BankLine(m.line_id(), op.id, on, sum(d.amount for d, _ in entries), texts=(f"OCR giro, {len(entries)} innbetalinger",),  # type: ignore[misc]
                        batch=True, details=tuple(d for d, _ in entries))
        m.emit(line, [(n, *t) for n, (_, t) in enumerate(entries)])  # type: ignore[misc]
    if extras:
        _extras(m, op, sav, tax, invoices, bills_paid_by_hand)
    return s


def _extras(m: _Maker, op: OwnAccount, sav: OwnAccount, tax: OwnAccount, invoices: int, by_hand: bool) -> None:
    rng, s = m.rng, m.s
    # Suppliers paid from the program: end-to-end ids, single or as a batch booked as one line.
    n_bills = max(3, invoices // 5)
    suppliers = [(f"L{n + 1}", f"Leverandør {n + 1} AS", m.account()) for n in range(max(2, n_bills // 6))]
    bills = []
    for n in range(n_bills):
        sid, sname, sacct = rng.choice(suppliers)
        due = rng.choice(m.days)
        kid = m.kid(f"{rng.randrange(10**9):09d}") if rng.random() < 0.6 else ""
        bill = OpenItem(f"S{n + 1}", ItemKind.SUPPLIER, sid, -m.amount(), f"{sid}-{1000 + n}", kid, sname, (sacct,), due, due - dt.timedelta(days=20))
        s.open_items.append(bill)
        bills.append(bill)
    rng.shuffle(bills)
    pos = 0
    while pos < len(bills):
        group = bills[pos:pos + (rng.choice((3, 4, 5)) if rng.random() < 0.25 else 1)]
        pos += len(group)
        on = max(b.due_date for b in group)  # type: ignore[type-var]
        while on.weekday() >= 5:
            on -= dt.timedelta(days=1)
        on = min(max(on, m.days[0]), m.days[-1])
        batch = f"PMT-{s.name}-{pos}" if len(group) > 1 else ""
        sent = [SentPayment(f"E2E-{b.id}-{s.name}", b.remaining, batch, b.party_accounts[0], (b.id,)) for b in group]
        s.sent_payments.extend(sent)
        total = sum(b.remaining for b in group)
        answer = frozenset(("open_item", b.id, b.remaining) for b in group)
        if batch:
            line = BankLine(m.line_id(), op.id, on, total, texts=(f"Betaling {len(group)} stk",), payment_info_id=batch, batch=True)
            m.emit(line, [(None, "payment_batch", answer, True)])
        else:
            b = group[0]
            detail = TxDetail(b.remaining, b.party_name, b.party_accounts[0], end_to_end_id=sent[0].end_to_end_id,
                              creditor_refs=(b.kid,) if b.kid else (), texts=() if b.kid else (f"Faktura {b.invoice_number}",))
            m.emit(BankLine(m.line_id(), op.id, on, total, texts=(f"Betaling til {b.party_name}",), details=(detail,)),
                   [(0, "supplier_payment", answer, True)])

    months = sorted({(d.year, d.month) for d in m.days})
    employees = [(f"Ansatt {n + 1}", m.account(), rng.randrange(2_800_000, 4_600_000)) for n in range(rng.randrange(2, 8))]
    for year, month in months:
        in_month = [d for d in m.days if (d.year, d.month) == (year, month)]
        # Salaries: one batch line, one detail per employee, each with the end-to-end id we sent.
        pay_day = in_month[min(len(in_month) - 1, 16)]
        details, truths = [], []
        for n, (ename, eacct, net) in enumerate(employees):
            e2e = f"SAL-{s.name}-{year}{month:02d}-{n + 1}"
            s.sent_payments.append(SentPayment(e2e, -net, f"SAL-{s.name}-{year}{month:02d}", eacct, gl_account="2930"))
            details.append(TxDetail(-net, ename, eacct, end_to_end_id=e2e, texts=("Lønn",)))
            truths.append((n, "salary", frozenset({("gl", "2930", -net)}), True))
        m.emit(BankLine(m.line_id(), op.id, pay_day, sum(d.amount for d in details), texts=("Lønn",), batch=True,  # type: ignore[misc]
                        details=tuple(details)), truths)
        # Withheld tax to the tax account: a transfer between own accounts.
        withheld = sum(net for _, _, net in employees) // 3
        _transfer(m, op, tax, pay_day, withheld, "tax_withholding")
        # Bank fees and interest, caught by the company's rules.
        first = in_month[0]
        for text, amount in (("Gebyr kontohold", -15000), (f"Gebyr betalinger {rng.randrange(5, 60)} stk", -rng.randrange(5, 60) * 250)):
            m.emit(BankLine(m.line_id(), op.id, first, amount, texts=(text,)), [(None, "bank_fee", frozenset({("gl", "7770", amount)}), True)])
        interest = rng.randrange(100, 500_000)
        m.emit(BankLine(m.line_id(), sav.id, in_month[-1], interest, texts=("Renter",)),
               [(None, "interest", frozenset({("gl", "8040", interest)}), True)])
    s.rules = [Rule("fee", "7770", order=1, name="Bankgebyr", text_contains="gebyr", direction="out", automatic=True),
               Rule("interest", "8040", order=2, name="Renteinntekter", text_contains="renter", direction="in", automatic=True)]

    # Card purchases at recurring merchants, learned from last quarter's history.
    for n, (merchant, gl, typical) in enumerate(MERCHANTS):
        for k in range(rng.randrange(4, 14)):
            amount = -max(1000, int(typical * rng.lognormvariate(0, 0.3)))
            noisy = gl if rng.random() < 0.9 else "6590"
            s.history.append(PostedLine(f"H-{s.name}-{n}-{k}", m.days[0] - dt.timedelta(days=rng.randrange(5, 90)), amount,
                                        noisy, texts=(f"*4521 NOK {-amount // 100},{-amount % 100:02d} {merchant} Kurs: 1.0000",)))
    for on in m.days:
        for merchant, gl, typical in MERCHANTS:
            if rng.random() < 0.08:
                amount = -max(1000, int(typical * rng.lognormvariate(0, 0.3)))
                text = f"*4521 {on:%d.%m} NOK {-amount // 100},{-amount % 100:02d} {merchant} Kurs: 1.0000"
                m.emit(BankLine(m.line_id(), op.id, on, amount, texts=(text,)), [(None, "card", frozenset({("gl", gl, amount)}), False)])
        if rng.random() < 0.1:
            _transfer(m, op if rng.random() < 0.5 else sav, sav if rng.random() < 0.5 else op, on, rng.randrange(5, 60) * 100_000, "own_transfer")
        if rng.random() < 0.1:
            # An outgoing payment made in the online bank and already posted by hand.
            amount = -rng.randrange(50_000, 5_000_000)
            posting = LedgerPosting(f"P-{s.name}-{on}", op.id, on - dt.timedelta(days=rng.randrange(0, 3)), amount, "Husleie", f"bilag {rng.randrange(1000)}")
            s.postings.append(posting)
            m.emit(BankLine(m.line_id(), op.id, on, amount, texts=("Nettbank husleie",)),
                   [(None, "ledger_posting", frozenset({("posting", posting.id, amount)}), True)])
        if by_hand and m.later_rng.random() < 0.1:
            _bill_paid_by_hand(m, op, on, m.later_rng.choice(suppliers))
        if rng.random() < 0.1:
            # Money in that nothing in the books explains.
            amount = m.amount()
            m.emit(BankLine(m.line_id(), op.id, on, amount, texts=("Vipps overføring",), counterparty_name="Ukjent Person",
                            counterparty_account=m.account()), [(None, "unknown", None, False)])


def _bill_paid_by_hand(m: _Maker, op: OwnAccount, on: dt.date, supplier: tuple[str, str, str]) -> None:
    """A bill paid in the online bank with its KID and posted by hand: settled in the ledger, so
    no open item has the KID the bank line carries; the bank posting does, as its reference."""
    rng, s = m.later_rng, m.s
    _sid, name, account = supplier
    payload = f"{rng.randrange(10**9):09d}"
    kid = payload + mod10_check_digit(payload)
    amount = -rng.randrange(50_000, 5_000_000)
    posting = LedgerPosting(f"PK-{s.name}-{on}", op.id, on - dt.timedelta(days=rng.randrange(0, 3)), amount,
                            f"Betalt {name}", kid)
    s.postings.append(posting)
    detail = TxDetail(amount, name, account, creditor_refs=(kid,))
    m.emit(BankLine(m.line_id(), op.id, on, amount, texts=(f"Nettbank til {name}",), details=(detail,)),
           [(0, "bill_paid_by_hand", frozenset({("posting", posting.id, amount)}), True)])


def _transfer(m: _Maker, source: OwnAccount, target: OwnAccount, on: dt.date, amount: int, case: str) -> None:
    if source.id == target.id:
        return
    out = BankLine(m.line_id(), source.id, on, -amount, texts=(f"Overføring til {target.number}",), counterparty_account=target.number)
    back = BankLine(m.line_id(), target.id, on, amount, texts=(f"Overføring fra {source.number}",), counterparty_account=source.number)
    m.emit(out, [(None, case, frozenset({("transfer", target.id, -amount)}), True)])
    m.emit(back, [(None, case, frozenset({("transfer", source.id, amount)}), True)])
