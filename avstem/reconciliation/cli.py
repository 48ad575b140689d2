"""`avstem reconcile`: run the automatic bank reconciliation for a company and say what it did.

    avstem reconcile --company 923456783                 every bank account of the company
    avstem reconcile --company 923456783 --account 86011117947 --json
    avstem reconcile --company 923456783 --propose-only  match and store proposals, post nothing

Certain matches of the accounts chosen are posted and reconciled (each audited as job:cli and
undoable on the screen) when their confidence reaches the account's setting; the rest is left as
proposals on the reconciliation screen. Exit status 0, or 2 when the company or account is unknown.
"""

from __future__ import annotations

import argparse
import json
import sys


def cmd_reconcile(args) -> int:
    from avstem.commands.web import migrate, setup_django

    setup_django()
    migrate()
    from avstem.banking.models import BankAccount
    from avstem.companies.models import Company

    from .automatic import automation_on, run
    from .labels import kind_label
    from .models import Trigger

    company = Company.objects.filter(org_number="".join(args.company.split())).first()
    if company is None:
        print(f"avstem reconcile: no company with organisation number {args.company}", file=sys.stderr)
        return 2
    accounts = BankAccount.objects.filter(company=company, active=True).select_related("gl_account")
    if args.account:
        number = "".join(ch for ch in args.account if ch.isdigit())
        accounts = accounts.filter(account_number=number)
        if not accounts:
            print(f"avstem reconcile: {company.name} has no active bank account {args.account}", file=sys.stderr)
            return 2
    accounts = list(accounts)
    ids = [a.pk for a in accounts]
    result = run(company, accounts=ids, apply_to=set() if args.propose_only else set(ids), trigger=Trigger.CLI,
                 job="cli")
    by_account = {a.pk: a for a in accounts}
    if args.json:
        print(json.dumps({
            "company": {"name": company.name, "org_number": company.org_number},
            "run_id": result.run.pk,
            "accounts": [{"id": a.pk, "account_number": a.account_number, "nickname": a.nickname,
                          "automation": automation_on(a)} for a in accounts],
            "counts": result.counts(),
            "by_rule": result.by_rule(),
            "seconds": {k: round(v, 3) for k, v in result.seconds.items()},
            "lines": [{"bank_line_id": o.line_id, "account_number": by_account[o.account_id].account_number,
                       "outcome": o.outcome, "kind": o.kind, "rule": o.rule, "confidence": o.confidence,
                       "reconciliation_id": o.reconciliation_id, "note": o.note} for o in result.lines],
        }, ensure_ascii=False, indent=2))
        return 0
    counts = result.counts()
    print(f"{company.name} ({company.org_number})")
    for account in accounts:
        lines = [o for o in result.lines if o.account_id == account.pk]
        total = len(lines)
        state = "automation on" if automation_on(account) else "automation off"
        print(f"  {account.nickname} {account.account_number_display} (GL {account.gl_account.number}, {state}): "
              f"{total} line(s)")
    titles = {"matched": "Matched and posted", "proposed": "Proposed (waiting on the screen)", "left": "Left (nothing fits)"}
    by = result.by_rule()
    for outcome in ("matched", "proposed", "left"):
        print(f"{titles[outcome]}: {counts[outcome]}")
        for key, n in by.get(outcome, {}).items():
            label = key if key.startswith("rule: ") or key == "nothing fits" else str(kind_label(key))
            print(f"  {n:>7}  {label}")
    print(f"Run {result.run.pk} in {sum(result.seconds.values()):.1f} s "
          f"(load {result.seconds.get('load', 0):.1f}, match {result.seconds.get('match', 0):.1f}, "
          f"post {result.seconds.get('apply', 0):.1f})")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "reconcile", help="run the automatic bank reconciliation for a company",
        description="Match the company's unreconciled bank lines against open items, ledger postings, own "
                    "transfers, bank rules and history. Certain matches are posted and reconciled; the rest is "
                    "left as proposals on the reconciliation screen. Prints what was matched, proposed and left, "
                    "by evidence and by rule.")
    p.add_argument("--company", required=True, metavar="ORGNR", help="the company's organisation number")
    p.add_argument("--account", metavar="NUMBER", help="only this bank account (11-digit account number)")
    p.add_argument("--json", action="store_true", help="print JSON: counts, by rule, and every line's outcome")
    p.add_argument("--propose-only", action="store_true", help="store proposals only; post and reconcile nothing")
    p.set_defaults(func=cmd_reconcile)
