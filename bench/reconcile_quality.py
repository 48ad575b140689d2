"""Benchmark: how right the matching engine is, on companies with known truth.

    .venv/bin/python bench/reconcile_quality.py [--source auto|sandbox|synthetic|both] [--lines 20000]
                                                [--companies 8] [--seed 1] [--cautious]

Sources of scenarios with ground truth:
  sandbox    the sandbox bank's generator (avstem/sandbox_bank/generator.py) on made-up companies
             (`example_scenario`): every bank line it would serve, and its truth JSON. The program's
             side is built from the same scenario, as the program would know it: open customer and
             supplier invoices, the payments it sent (end-to-end ids), own accounts, two rules
             (bank fees, interest) and a quarter of card history for learned suggestions.
  synthetic  avstem.matching.synthetic: the engine's own generator, with the cases the sandbox does
             not make (amount and party by account, exact and fuzzy name; subset sums; fees
             explained by camt charges; ledger postings; whole payment batches; twins without a
             reference; unknown money in).
  auto       sandbox when its generator is in the repository (committed), else synthetic; `both`
             runs both.

Printed per source: per case of the truth, how many transactions, how many were matched
automatically and how many of those rightly, and for the rest whether the right answer is among
the proposals; per kind of evidence, the precision of automatic matches and of first proposals;
then the targets: no wrong automatic match; automatic recall >= 98 % where a valid KID or an
end-to-end id is present (partial, over- and double payments included: the default configuration
posts them to the party the reference names); >= 85 % overall; the right answer among the proposals
for >= 95 % of the rest. `--cautious` runs again with those three switched off (proposals only).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from avstem.matching import (  # noqa: E402
    BankLine,
    Config,
    ItemKind,
    Learner,
    OpenItem,
    OwnAccount,
    PostedLine,
    Rule,
    SentPayment,
    TxDetail,
    reconcile,
)
from avstem.matching import synthetic  # noqa: E402
from avstem.matching.references import kid_is_valid  # noqa: E402
from avstem.matching.synthetic import answer_of  # noqa: E402

START = dt.date(2025, 3, 3)
DAYS = 60
CERTAIN_CASES = {"kid", "ocr_batch", "free_text_invoice_number", "multi_invoice", "equal_amount_twins", "supplier_payment",
                 "salary", "tax_withholding", "own_transfer", "bank_fee", "interest", "payment_batch", "fee_charges",
                 "amount_party", "amount_name", "ledger_posting", "bill_paid_by_hand"}


@dataclass
class Item:
    """One transaction with its truth and what the engine said."""

    case: str
    answer: frozenset | None
    certain: bool
    strong: bool  # a valid KID or an end-to-end id is present
    match: object = None
    proposals: tuple = ()
    auto_right: bool = False  # matched automatically, rightly
    rest_right: bool = False  # not matched rightly, but the right answer is proposed (or rightly left)


@dataclass
class Company:
    name: str
    lines: list[BankLine]
    kwargs: dict
    learner: Learner
    truth: list[tuple[str, int | None, str, frozenset | None, bool]] = field(default_factory=list)


# --- the sandbox bank's generator ---------------------------------------------------------------------


def sandbox_available() -> bool:
    try:
        log = subprocess.run(["git", "log", "--oneline", "-1", "--", "avstem/sandbox_bank/generator.py"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        log = ""
    try:
        from avstem.sandbox_bank import generator, scenario  # noqa: F401
    except ImportError:
        return False
    return bool(log.strip()) and hasattr(generator, "generate") and hasattr(scenario, "example_scenario")


def _ore(value: Decimal | str) -> int:
    return int((Decimal(value) * 100).to_integral_value())


def sandbox_company(n: int, invoices: int, seed: int, ocr: bool) -> Company:
    from avstem.sandbox_bank.generator import generate
    from avstem.sandbox_bank.scenario import example_scenario

    org = _org_number(n)
    scenario = example_scenario(seed=seed + n, invoices=invoices, org_number=org, name=f"Bedrift {n} AS",
                                around=START + dt.timedelta(days=DAYS // 2))
    if not ocr:
        scenario = replace(scenario, accounts=[replace(a, ocr_agreement_id=None) for a in scenario.accounts])
    result = generate(scenario, seed=seed, days=DAYS, start=START)
    gl = scenario.gl_accounts

    customers = {c.id: c for c in scenario.customers}
    suppliers = {s.id: s for s in scenario.suppliers}
    items = [OpenItem(f"C:{inv.number}", ItemKind.CUSTOMER, inv.customer, _ore(inv.amount), inv.number, inv.kid or "",
                      customers[inv.customer].name, (customers[inv.customer].account_number,) if customers[inv.customer].account_number else (),
                      inv.due_date, inv.issue_date)
             for inv in scenario.invoices]
    items += [OpenItem(f"S:{inv.number}", ItemKind.SUPPLIER, inv.supplier, -_ore(inv.amount), inv.number, inv.kid or "",
                       suppliers[inv.supplier].name, (suppliers[inv.supplier].account_number,), inv.due_date)
              for inv in scenario.supplier_invoices]
    # The payments the program sent: supplier invoices (the program's end-to-end ids), and the
    # salary and tax payments of its payroll (read back from what the bank booked, standing in
    # for the payment register the program keeps).
    sent = [SentPayment("".join(ch for ch in f"AVS-{inv.number}" if ch.isalnum() or ch in "-.")[:35], -_ore(inv.amount),
                        creditor_account=suppliers[inv.supplier].account_number or "", open_item_ids=(f"S:{inv.number}",))
            for inv in scenario.supplier_invoices]
    lines = []
    for account, entries in result.entries.items():
        for e in entries:
            details = tuple(TxDetail(d.amount, d.name or "", d.account or "", d.end_to_end_id or "", d.payment_information_id or "",
                                     d.reference or "", tuple(d.kids), tuple(t for t in (d.message, d.info) if t))
                            for d in e.details)
            for d in e.details:
                if d.end_to_end_id and d.end_to_end_id.startswith("SAL-"):
                    sent.append(SentPayment(d.end_to_end_id, d.amount, creditor_account=d.account or "", gl_account=gl.salary_payable))
                elif d.end_to_end_id and d.end_to_end_id.startswith("SKATT-"):
                    sent.append(SentPayment(d.end_to_end_id, d.amount, creditor_account=d.account or "", gl_account=gl.tax_withholding_payable))
            lines.append(BankLine(e.id, account, e.booking_date or e.transaction_date, e.amount, e.currency, e.value_date, e.status,
                                  (e.info,) if e.info else (), batch=e.batch, details=details))
    own = [OwnAccount(a.account_number, a.account_number, a.gl_account, a.name) for a in scenario.accounts]
    rules = [Rule("fee", gl.bank_fees, order=1, name="Bankgebyr", text_contains="gebyr", direction="out", automatic=True),
             Rule("interest", gl.interest_income, order=2, name="Renteinntekter", text_contains="renter", direction="in", automatic=True)]
    rng = random.Random(f"history:{org}")
    history = []
    for m, merchant in enumerate(scenario.merchants):
        for k in range(rng.randrange(4, 12)):
            amount = max(1000, int(_ore(merchant.typical_amount) * rng.lognormvariate(0, 0.3)))
            day = START - dt.timedelta(days=rng.randrange(5, 90))
            history.append(PostedLine(f"H{m}-{k}", day, -amount, merchant.gl_account if rng.random() < 0.9 else "6590",
                                      (f"*4521 {day:%d.%m} NOK {amount // 100},{amount % 100:02d} {merchant.name} Kurs: 1.0000",)))

    company = Company(scenario.name, lines, {"open_items": items, "sent_payments": sent, "own_accounts": own, "rules": rules},
                      Learner(history))
    by_key = {(t["entry_id"], t["detail"]): t for t in result.truth["transactions"]}
    invoice_party = {inv.number: inv.customer for inv in scenario.invoices}
    for t in result.truth["transactions"]:
        answer: set = set()
        amount = _ore(t["amount"])
        for s in t["settles"]:
            prefix, sign = ("C", 1) if s["ledger"] == "customer" else ("S", -1)
            answer.add(("open_item", f"{prefix}:{s['invoice']}", sign * _ore(s["amount"])))
        if t["fee"]:
            answer.add(("fee", Config().fee_account, -_ore(t["fee"])))
        if t["unapplied"]:
            original = t["duplicate_of"] or {}
            source = t if t["settles"] else by_key.get((original.get("entry_id"), original.get("detail")))
            party = invoice_party[source["settles"][0]["invoice"]] if source and source["settles"] else "?"
            answer.add(("unapplied", f"customer:{party}", _ore(t["unapplied"])))
        if not answer:
            if t["counterpart"]:
                answer.add(("transfer", t["counterpart"]["account"], amount))
            elif t["gl_account"]:
                answer.add(("gl", t["gl_account"], amount))
        company.truth.append((t["entry_id"], t["detail"], t["case"], frozenset(answer) or None, t["case"] in CERTAIN_CASES))
    return company


def _org_number(n: int) -> str:
    base = f"9{n:07d}"
    for extra in range(10):
        digits = f"{int(base) + extra:08d}"
        check = 11 - sum(int(a) * b for a, b in zip(digits, (3, 2, 7, 6, 5, 4, 3, 2))) % 11
        if check == 11:
            check = 0
        if check != 10:
            return digits + str(check)
    raise AssertionError(n)


# --- the engine's own generator ------------------------------------------------------------------------


def synthetic_company(n: int, invoices: int, seed: int) -> Company:
    s = synthetic.generate(seed=seed * 1000 + n, invoices=invoices, name=f"Syn{n}", days=DAYS)
    company = Company(s.name, s.lines, s.candidates(), Learner(s.history))
    company.truth = [(t.line_id, t.detail, t.case, t.answer, t.certain) for t in s.truth]
    return company


# --- scoring -----------------------------------------------------------------------------------------


def evaluate(companies: list[Company], config: Config) -> tuple[list[Item], float, int]:
    found: list[Item] = []
    elapsed = 0.0
    lines = 0
    for company in companies:
        started = time.perf_counter()
        result = reconcile(company.lines, learner=company.learner, config=config, **company.kwargs)
        elapsed += time.perf_counter() - started
        lines += len(company.lines)
        details = {(r.line_id, d.detail): d for r in result.lines for d in r.details}
        sources = {line.id: line for line in company.lines}
        for line_id, detail, case, answer, certain in company.truth:
            d = details[(line_id, detail)]
            line = sources[line_id]
            tx = line if detail is None or not line.details else line.details[detail]
            strong = bool(tx.end_to_end_id) or any(kid_is_valid("".join(r.split())) for r in tx.creditor_refs)
            found.append(Item(case, answer, certain, strong, d.match, d.proposals))
    return found, elapsed, lines


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:6.2f} %" if whole else "     - "


def report(title: str, found: list[Item], elapsed: float, lines: int) -> dict:
    print(f"\n== {title}: {lines} bank lines, {len(found)} transactions, engine {elapsed:.2f} s ==")
    for i in found:  # once per transaction: was it matched rightly, is the right answer proposed
        i.auto_right = i.match is not None and i.answer is not None and answer_of(i.match) == i.answer
        i.rest_right = not i.auto_right and (
            (i.answer is None and i.match is None)
            or (i.answer is not None and any(answer_of(p) == i.answer for p in i.proposals)))
    by_case: dict[str, list[Item]] = defaultdict(list)
    for item in found:
        by_case[item.case].append(item)
    print(f"{'case of the truth':28s} {'n':>6s} {'auto':>6s} {'right':>6s} {'wrong':>6s} {'auto recall':>11s} "
          f"{'rest: right proposed':>21s} {'left':>6s}")
    for case in sorted(by_case):
        items = by_case[case]
        auto = sum(i.match is not None for i in items)
        right = sum(i.auto_right for i in items)
        rest = len(items) - right
        left = sum(not i.proposals for i in items)
        print(f"{case:28s} {len(items):6d} {auto:6d} {right:6d} {auto - right:6d} {pct(right, len(items)):>11s} "
              f"{pct(sum(i.rest_right for i in items), rest):>21s} {left:6d}")

    print(f"\n{'evidence of the engine':28s} {'auto':>6s} {'precision':>10s} {'1st proposals':>14s} {'precision':>10s}")
    kinds: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for item in found:
        if item.match is not None:
            k = kinds[item.match.kind.value]
            k[0] += 1
            k[1] += item.auto_right
        elif item.proposals:
            k = kinds[item.proposals[0].kind.value]
            k[2] += 1
            k[3] += item.answer is not None and answer_of(item.proposals[0]) == item.answer
    for kind in sorted(kinds):
        auto, right, first, first_right = kinds[kind]
        print(f"{kind:28s} {auto:6d} {pct(right, auto):>10s} {first:14d} {pct(first_right, first):>10s}")

    auto = sum(i.match is not None for i in found)
    right = sum(i.auto_right for i in found)
    strong = [i for i in found if i.strong and i.certain and i.answer is not None]
    strong_right = sum(i.auto_right for i in strong)
    strong_all = [i for i in found if i.strong]
    strong_all_right = sum(i.auto_right for i in strong_all)
    rest = len(found) - right
    rest_ok = sum(i.rest_right for i in found)
    figures = {"precision": (right, auto), "strong": (strong_all_right, len(strong_all)), "overall": (right, len(found)),
               "rest": (rest_ok, rest)}
    print("\ntargets")
    print(f"  automatic precision                                   {pct(right, auto)}  ({right} of {auto}; "
          f"target 100 %) {'MET' if right == auto else 'NOT MET'}")
    print(f"  automatic recall, valid KID or end-to-end id          {pct(strong_all_right, len(strong_all))}  "
          f"({strong_all_right} of {len(strong_all)}; target 98 %) "
          f"{'MET' if strong_all_right >= 0.98 * len(strong_all) else 'NOT MET'}")
    print(f"    (of those, the amount settling what it names exactly: {pct(strong_right, len(strong))}, "
          f"{strong_right} of {len(strong)})")
    print(f"  automatic recall, overall                             {pct(right, len(found))}  ({right} of {len(found)}; "
          f"target 85 %) {'MET' if right >= 0.85 * len(found) else 'NOT MET'}")
    print(f"  the rest: right answer among the proposals            {pct(rest_ok, rest)}  ({rest_ok} of {rest}; "
          f"target 95 %) {'MET' if rest_ok >= 0.95 * rest else 'NOT MET'}")
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", choices=("auto", "sandbox", "synthetic", "both"), default="both")
    parser.add_argument("--lines", type=int, default=20000, help="bank lines per source, at least (default 20000)")
    parser.add_argument("--companies", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cautious", action="store_true",
                        help="also run with partial, over- and double payments as proposals (Config(auto_...=False))")
    args = parser.parse_args(argv)

    have_sandbox = sandbox_available()
    sources = {"auto": ["sandbox" if have_sandbox else "synthetic"], "both": (["sandbox"] if have_sandbox else []) + ["synthetic"],
               "sandbox": ["sandbox"], "synthetic": ["synthetic"]}[args.source]
    if "sandbox" in sources and not have_sandbox:
        print("the sandbox bank's generator is not in the repository yet (git log -- avstem/sandbox_bank/generator.py)")
        return 2
    if not have_sandbox:
        print("note: the sandbox bank's generator is not committed yet; using the engine's own generator")
    failed = False
    for source in sources:
        started = time.perf_counter()
        companies: list[Company] = []
        n = 0
        invoices = max(50, args.lines // args.companies)
        while sum(len(c.lines) for c in companies) < args.lines:
            n += 1
            if source == "sandbox":
                # Half the companies have a Nets OCR agreement (KID payments as daily OCR batches).
                companies.append(sandbox_company(n, invoices, args.seed, ocr=n % 2 == 0))
            else:
                companies.append(synthetic_company(n, invoices, args.seed))
        print(f"\n{source}: {len(companies)} companies generated in {time.perf_counter() - started:.1f} s")
        configs = [("default configuration", Config())]
        if args.cautious:
            configs.append(("cautious: partial, over- and double payments proposed",
                            Config(auto_partial=False, auto_overpayment=False, auto_duplicate=False)))
        for label, config in configs:
            found, elapsed, lines = evaluate(companies, config)
            figures = report(f"{source}, {label}", found, elapsed, lines)
            right, auto = figures["precision"]
            failed |= right != auto
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
