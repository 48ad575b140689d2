"""The demo: a user who belongs to two companies, so every page has something to show.

Idempotent: running it again changes nothing. Later contexts (ledger, banking) add their own
demo data through `ensure_demo`. `write_bank_traffic` plans the sandbox bank's side of the first
company's ledger (avstem/demo_bank.py) for the bank to load when it first starts.
"""

from __future__ import annotations

import datetime
import json
import os
from pathlib import Path

from django.db import transaction
from django.utils import timezone

DEMO_EMAIL = "demo@avstem.no"
DEMO_PASSWORD = "avstem-demo-2026"
DEMO_COMPANIES = [
    dict(
        name="Fjellbekk Bakeri AS",
        org_number="923456783",
        address="Storgata 12",
        postal_code="0155",
        city="Oslo",
        conversion_date=datetime.date(2025, 1, 1),
        runs_payroll=True,
    ),
    dict(
        name="Nordlys Konsult AS",
        org_number="934567897",
        address="Kongens gate 3",
        postal_code="7011",
        city="Trondheim",
        conversion_date=datetime.date(2025, 1, 1),
    ),
]


@transaction.atomic
def ensure_demo(today: datetime.date | None = None):
    from avstem.banking.onboarding import default_start_date
    from avstem.companies.models import Company
    from avstem.companies.services import create_company
    from avstem.users.models import User
    from avstem.users.services import create_user

    user = User.objects.filter(email=DEMO_EMAIL).first()
    if user is None:
        user = create_user(DEMO_EMAIL, DEMO_PASSWORD, name="Demo Bruker", mobile="91234567", job="demo")
    companies = []
    for fields in DEMO_COMPANIES:
        company = Company.objects.filter(org_number=fields["org_number"]).first()
        companies.append(company or create_company(user, **fields))
    from avstem.ledger.demo import ensure_ledger_demo

    today = today or timezone.localdate()
    # Customer payments from the bank connection's default start date on come from the bank.
    ensure_ledger_demo(user, companies, today=today, bank_from=default_start_date(companies[0], today))
    return user, companies


def write_bank_traffic(data_dir: Path, today: datetime.date | None = None) -> Path | None:
    """Plan the sandbox bank's traffic on the first demo company's accounts from its ledger and
    leave it in the bank's data directory, unless a plan is there already (the bank holds it
    since it first started). Returns the file written, or None."""
    from avstem.sandbox_bank.demo import TRAFFIC_FILE

    path = Path(data_dir) / TRAFFIC_FILE
    if path.exists():
        return None
    plan = bank_traffic(today or timezone.localdate())
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(f".{path.name}.part")
    part.write_text(json.dumps(plan, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(part, path)  # whole or not at all
    return path


def set_aside_stale_bank(data_dir: Path) -> Path | None:
    """Move the sandbox bank's data directory aside when its plan was made for the books of an
    earlier database (var/avstem.sqlite3 deleted, var/sandbox-bank kept). The bank keeps the plan
    it first loaded: made on an earlier day, its balances and payments are the books of that day,
    not the ones seeded today, and the demo's balance check and reconciliation would disagree for
    no reason a newcomer could see. Returns where it went; None when the bank's plan is these
    books' (or there is none, or it is from before plans named their books)."""
    from avstem.sandbox_bank.demo import load_traffic

    data_dir = Path(data_dir)
    try:
        plan = load_traffic(data_dir)
    except ValueError:
        return None  # a broken plan: the bank refuses it itself, naming the file
    made_for = plan.get("ledger") if plan else None
    if not made_for or made_for == _ledger_stamp():
        return None
    aside = data_dir.with_name(f"{data_dir.name}.earlier-{timezone.now():%Y%m%d-%H%M%S}")
    os.replace(data_dir, aside)
    return aside


def _ledger_stamp() -> str:
    """Which books a bank plan was made for: the demo company's creation time, new in every database."""
    return _bakery().created_at.isoformat()


def bank_traffic(today: datetime.date) -> dict:
    """The first demo company's bank accounts as the sandbox bank should hold them (the traffic
    file's content): each opens on the bank connection's default start date with its GL
    account's balance then, and the operating account books `operating_lines`."""
    from avstem import demo_bank
    from avstem.banking.onboarding import default_start_date, ledger_balance_at_start
    from avstem.ledger.models import Account
    from avstem.sandbox_bank.demo import DEMO_CUSTOMERS, TRAFFIC_SCHEMA

    company = _bakery()
    first = default_start_date(company, today)
    accounts = []
    for account in DEMO_CUSTOMERS[0]["accounts"]:
        gl = Account.objects.filter(company=company, number=account["gl_account"]).first()
        if gl is None:
            continue  # not in the chart: the bank keeps its own balance
        planned = {"name": account["name"], "balance": demo_bank.kroner(ledger_balance_at_start(company, gl, first))}
        if account["role"] == "operating":
            planned["transactions"] = demo_bank.transactions(operating_lines(today))
        accounts.append(planned)
    return {"schema": TRAFFIC_SCHEMA, "org_number": company.org_number, "ledger": _ledger_stamp(),
            "made_on": today.isoformat(), "from": first.isoformat(), "accounts": accounts}


def operating_lines(today: datetime.date):
    """The operating account's lines from the bank connection's default start date to `today`:
    what the ledger holds on 1920 then, the customer payments still to come and a few everyday
    lines (avstem/demo_bank.py)."""
    from avstem import demo_bank
    from avstem.banking.onboarding import default_start_date
    from avstem.ledger.models import Account
    from avstem.norway.calendar import business_day_on_or_before, business_days_in_range
    from avstem.sandbox_bank.demo import DEMO_CUSTOMERS

    company = _bakery()
    spec = next(a for a in DEMO_CUSTOMERS[0]["accounts"] if a["role"] == "operating")
    gl = Account.objects.get(company=company, number=spec["gl_account"])
    days = business_days_in_range(default_start_date(company, today), business_day_on_or_before(today))
    return demo_bank.plan(days, moves=_ledger_moves(company, gl, days), invoices=_open_invoices(company))


def _bakery():
    from avstem.companies.models import Company

    return Company.objects.get(org_number=DEMO_COMPANIES[0]["org_number"])


def _ledger_moves(company, gl, days: list[datetime.date]):
    """What the ledger holds on the bank GL account in `days`, as the bank would book it."""
    from avstem import demo_bank
    from avstem.ledger.models import Posting, Series, SettlementLine

    if not days:
        return []
    moves = []
    postings = (Posting.objects.filter(account=gl, date__range=(days[0], days[-1]))
                .exclude(voucher__series=Series.OPENING).select_related("voucher").order_by("date", "voucher_id", "line"))
    for posting in postings:
        other = (Posting.objects.filter(voucher_id=posting.voucher_id).exclude(pk=posting.pk)
                 .select_related("customer", "supplier").order_by("line").first())
        party = other and (other.supplier or other.customer)
        kid = posting.reference or (other.reference if other else "")
        if party is not None and other.supplier is not None:
            # Paid with the bill's KID when it has one (the posting carries it too), else its number.
            bill = (SettlementLine.objects.filter(settlement__lines__open_item__posting=other,
                                                  open_item__supplier_invoice__isnull=False)
                    .select_related("open_item__supplier_invoice").first())
            message = "" if bill is None or kid else f"Faktura {bill.open_item.supplier_invoice.supplier_invoice_number}"
            moves.append(demo_bank.LedgerMove(posting.date, posting.amount, "payment", f"Betaling til {party.name}",
                                              name=party.name, account=party.bank_account, kid=kid, message=message))
        elif party is not None:
            moves.append(demo_bank.LedgerMove(posting.date, posting.amount, "credit_transfer",
                                              f"Innbetaling fra {party.name}", name=party.name, kid=kid))
        elif other is not None and other.account.number == "7770":
            moves.append(demo_bank.LedgerMove(posting.date, posting.amount, "fee", "Gebyr kontohold og betalinger"))
        else:
            kind = "payment" if posting.amount < 0 else "credit_transfer"
            name = other.reference if other and other.reference else ""
            moves.append(demo_bank.LedgerMove(posting.date, posting.amount, kind, posting.voucher.description,
                                              name=name, message=posting.voucher.description))
    return moves


def _open_invoices(company):
    """The customers' invoices nothing has been paid on yet."""
    from django.db.models import F

    from avstem import demo_bank
    from avstem.ledger.models import OpenItem

    items = (OpenItem.objects.filter(company=company, customer__isnull=False, invoice__kind="invoice",
                                     remaining=F("amount"), remaining__gt=0)
             .exclude(kid="").select_related("invoice", "customer").order_by("due_date", "id"))
    return [demo_bank.OpenInvoice(str(item.invoice.number), item.kid, item.remaining, item.due_date, item.customer.name,
                                  item.customer.org_number) for item in items]
