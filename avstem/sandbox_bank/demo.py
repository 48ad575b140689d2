"""The demo companies (the same as avstem/demo.py, which imports Django and so cannot be used
here) as sandbox bank customers, with accounts at two different banks and a few weeks of
everyday traffic, so the demo has a bank to connect to. Idempotent.

The demo program may leave its plan for a company's accounts in the data directory
(`demo-traffic.json`, written by avstem/demo.py from the demo ledger before the bank starts):

    {"schema": "avstem.sandbox_bank.demo-traffic/1", "org_number": "923456783",
     "ledger": "2026-12-01T08:00:00.123456+00:00",  # which books it was made for (the demo's own check)
     "from": "2026-12-01",                       # the accounts are opened on this day
     "accounts": [{"name": "Driftskonto",          # an account of DEMO_CUSTOMERS, by name
                   "balance": "123456.78",          # its balance when it opens
                   "transactions": [ {date, amount, kind, description, counterparty, kid, message}
                                     ... as POST /sandbox/transactions takes them, without account ]}]}

That company then gets exactly this traffic (its accounts not named keep their default balance
and get none); the others get the scenario generator's.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from avstem.norway.calendar import add_business_days
from avstem.sandbox_bank import accounts as acc
from avstem.sandbox_bank.store import Store, bank_day, ore

DEMO_PERSON = {"national_id": acc.test_national_id("demo@avstem.no"), "name": "Demo Bruker"}
DEMO_CUSTOMERS = [
    {"org_number": "923456783", "name": "Fjellbekk Bakeri AS", "accounts": [
        {"bank": "dnb", "name": "Driftskonto", "role": "operating", "gl_account": "1920", "balance": 250_000_00,
         "ocr_agreement_id": "923456001"},
        {"bank": "dnb", "name": "Skattetrekkskonto", "role": "tax_withholding", "gl_account": "1950", "balance": 48_000_00},
        {"bank": "sparebank1", "name": "Sparekonto", "role": "savings", "gl_account": "1930", "balance": 400_000_00},
    ]},
    {"org_number": "934567897", "name": "Nordlys Konsult AS", "accounts": [
        {"bank": "sparebank1", "name": "Driftskonto", "role": "operating", "gl_account": "1920", "balance": 180_000_00},
        {"bank": "nordea", "name": "Skattetrekkskonto", "role": "tax_withholding", "gl_account": "1950", "balance": 0},
    ]},
]
HISTORY_DAYS = 15
TRAFFIC_FILE = "demo-traffic.json"
TRAFFIC_SCHEMA = "avstem.sandbox_bank.demo-traffic/1"


def load_traffic(data_dir: Path) -> dict | None:
    """The planned traffic in `data_dir`, checked for its shape; None when there is none."""
    path = Path(data_dir) / TRAFFIC_FILE
    if not path.exists():
        return None
    try:
        plan = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: not readable JSON ({exc})") from None
    if not isinstance(plan, dict) or plan.get("schema") != TRAFFIC_SCHEMA:
        raise ValueError(f"{path}: schema must be {TRAFFIC_SCHEMA!r}")
    companies = {c["org_number"]: c for c in DEMO_CUSTOMERS}
    company = companies.get(plan.get("org_number"))
    if company is None:
        raise ValueError(f"{path}: org_number must be one of the demo companies ({', '.join(companies)})")
    try:
        dt.date.fromisoformat(str(plan.get("from")))
    except ValueError:
        raise ValueError(f"{path}: from {plan.get('from')!r} is not a date (YYYY-MM-DD)") from None
    names = {spec["name"] for spec in company["accounts"]}
    accounts = plan.get("accounts")
    if not isinstance(accounts, list) or not all(isinstance(a, dict) for a in accounts):
        raise ValueError(f"{path}: accounts must be a list of objects")
    for n, account in enumerate(accounts):
        if account.get("name") not in names:
            raise ValueError(f"{path}: accounts[{n}].name must be one of {', '.join(sorted(names))}")
        try:
            ore(account.get("balance"))
        except ValueError as exc:
            raise ValueError(f"{path}: accounts[{n}].balance: {exc}") from None
        if not isinstance(account.get("transactions", []), list):
            raise ValueError(f"{path}: accounts[{n}].transactions must be a list")
    return plan


def _last_day(plan: dict) -> dt.date:
    """The plan's last day (a transaction's date that is not one is named when it is stored)."""
    last = dt.date.fromisoformat(plan["from"])
    for account in plan["accounts"]:
        for t in account.get("transactions", []):
            try:
                last = max(last, dt.date.fromisoformat(str(t["date"])))
            except (TypeError, KeyError, ValueError):
                continue
    return last


def seed_demo(store: Store) -> bool:
    """Create the demo customers, their accounts and some history; False when they exist."""
    with store.read() as conn:
        if conn.execute("SELECT 1 FROM customers WHERE org_number = ?", (DEMO_CUSTOMERS[0]["org_number"],)).fetchone():
            return False
        today = bank_day(conn)
    plan = load_traffic(store.data_dir)
    if plan is not None and _last_day(plan) > today:  # planned on a later day than this bank's
        from avstem.sandbox_bank import bankday

        bankday.advance(store, to=_last_day(plan).isoformat())
    with store.write() as conn:
        if conn.execute("SELECT 1 FROM customers WHERE org_number = ?", (DEMO_CUSTOMERS[0]["org_number"],)).fetchone():
            return False
        today = bank_day(conn)
        opened = add_business_days(today, -HISTORY_DAYS - 5)
        for company in DEMO_CUSTOMERS:
            acc.create_customer(conn, company["org_number"], company["name"], [DEMO_PERSON])
            planned = plan is not None and plan["org_number"] == company["org_number"]
            by_name = {a["name"]: a for a in plan["accounts"]} if planned else {}
            for spec in company["accounts"]:
                account = by_name.get(spec["name"])
                row = acc.create_account(
                    conn, company["org_number"], bank=spec["bank"], name=spec["name"],
                    balance=ore(account["balance"]) if account else spec["balance"],
                    opened_on=dt.date.fromisoformat(plan["from"]) if planned else opened,
                    ocr_agreement_id=spec.get("ocr_agreement_id"))
                if account and account.get("transactions"):
                    _add_planned(conn, row["account_number"], account["transactions"], today,
                                 f"{TRAFFIC_FILE}: {spec['name']}")
    from avstem.sandbox_bank import generator, scenario

    for n, company in enumerate(DEMO_CUSTOMERS):
        if plan is not None and plan["org_number"] == company["org_number"]:
            continue
        with store.read() as conn:
            rows = acc.accounts_of(conn, company["org_number"])
        own = [scenario.OwnAccount(account_number=row["number"], role=spec["role"], gl_account=spec["gl_account"],
                                   name=spec["name"]) for row, spec in zip(rows, company["accounts"])]
        everyday = scenario.example_scenario(seed=n + 1, invoices=12, org_number=company["org_number"],
                                             name=company["name"])
        everyday = scenario.Scenario(org_number=everyday.org_number, name=everyday.name, accounts=own,
                                     customers=everyday.customers, invoices=everyday.invoices,
                                     suppliers=everyday.suppliers, supplier_invoices=everyday.supplier_invoices,
                                     employees=everyday.employees)
        with store.read() as conn:
            start = add_business_days(bank_day(conn), -HISTORY_DAYS)
        generator.store_result(store, generator.generate(everyday, seed=n + 1, days=HISTORY_DAYS, start=start))
    return True


def _add_planned(conn, number: str, transactions: list, today: dt.date, where: str) -> None:
    from avstem.sandbox_bank.admin import new_entry

    entries = []
    for n, spec in enumerate(transactions):
        if isinstance(spec, dict) and "account" in spec:
            raise ValueError(f"{where}.transactions[{n}]: no account here (the account is the one named)")
        entries.append(new_entry(conn, {**spec, "account": number} if isinstance(spec, dict) else spec, today,
                                 f"{where}.transactions[{n}]"))
    acc.add_entries(conn, entries)
