"""The demo companies (the same as avstem/demo.py, which imports Django and so cannot be used
here) as sandbox bank customers, with accounts at two different banks and a few weeks of
everyday traffic, so the demo has a bank to connect to. Idempotent."""

from __future__ import annotations

from avstem.norway.calendar import add_business_days
from avstem.sandbox_bank import accounts as acc
from avstem.sandbox_bank.store import Store, bank_day

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


def seed_demo(store: Store) -> bool:
    """Create the demo customers, their accounts and some history; False when they exist."""
    with store.write() as conn:
        if conn.execute("SELECT 1 FROM customers WHERE org_number = ?", (DEMO_CUSTOMERS[0]["org_number"],)).fetchone():
            return False
        today = bank_day(conn)
        opened = add_business_days(today, -HISTORY_DAYS - 5)
        for company in DEMO_CUSTOMERS:
            acc.create_customer(conn, company["org_number"], company["name"], [DEMO_PERSON])
            for spec in company["accounts"]:
                acc.create_account(conn, company["org_number"], bank=spec["bank"], name=spec["name"],
                                   balance=spec["balance"], opened_on=opened,
                                   ocr_agreement_id=spec.get("ocr_agreement_id"))
    from avstem.sandbox_bank import generator, scenario

    for n, company in enumerate(DEMO_CUSTOMERS):
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
