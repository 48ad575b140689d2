"""Ledger demo data for the first demo company (Fjellbekk Bakeri AS): customers, suppliers and a
year of invoices up to today, paid, partly paid, over-paid, open and overdue, so the bank
contexts have something real to pay and reconcile.

Deterministic: a seeded generator and dates counted from `today`; idempotent: a company that
already has customers is left alone.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from avstem.norway.accounts import account_check_digit

from . import invoicing, subledger
from .chart import ensure_chart
from .models import Account, Customer, Series
from .posting import Line, NewVoucher, post_voucher

SEED = 20250101
JOB = "demo"

CUSTOMERS = [
    ("Kafé Solsiden AS", "Thorvald Meyers gate 40", "0555", "Oslo"),
    ("Grünerløkka Kaffebar AS", "Markveien 58", "0550", "Oslo"),
    ("Majorstuen Matbutikk AS", "Bogstadveien 51", "0366", "Oslo"),
    ("Frogner Kantine AS", "Frognerveien 9", "0263", "Oslo"),
    ("Sagene Skolekjøkken", "Kierschows gate 5", "0473", "Oslo"),
    ("Bjølsen Hotell AS", "Bjølsengata 12", "0468", "Oslo"),
    ("Tøyen Torg Nærbutikk AS", "Hagegata 23", "0653", "Oslo"),
    ("Nydalen Kontorfellesskap AS", "Nydalsveien 28", "0484", "Oslo"),
    ("Vulkan Catering AS", "Maridalsveien 17", "0178", "Oslo"),
    ("Lille Bakergården AS", "Akersveien 3", "0177", "Oslo"),
    ("Aker Brygge Bistro AS", "Stranden 1", "0250", "Oslo"),
    ("St. Hanshaugen Barnehage", "Ullevålsveien 40", "0171", "Oslo"),
]

# name, default account, VAT code, monthly amount range (NOK, incl. VAT), invoices per month
SUPPLIERS = [
    ("Østlandske Mølle AS", "4030", "11", (9000, 16000), 2),
    ("Fjordmeieriet SA", "4030", "11", (5000, 9000), 2),
    ("Gårdeiendom Storgata 12 AS", "6300", "", (24000, 24000), 1),
    ("Oslo Lys og Kraft AS", "6200", "1", (3000, 7000), 1),
    ("Emballasjehuset AS", "4600", "1", (2000, 5000), 1),
    ("Regnskapskontoret Berg AS", "6705", "1", (4500, 4500), 1),
    ("Telenett Norge AS", "6900", "1", (899, 899), 1),
]

PRODUCTS = [
    ("Grovbrød", 4800, "3030", "31"),
    ("Kneipp", 4200, "3030", "31"),
    ("Rundstykker (10 stk)", 6500, "3030", "31"),
    ("Kanelboller (12 stk)", 14400, "3030", "31"),
    ("Skolebrød (12 stk)", 15600, "3030", "31"),
    ("Wienerbrød (10 stk)", 17500, "3030", "31"),
    ("Bløtkake", 52000, "3030", "31"),
    ("Catering, servering på stedet", 250000, "3020", "3"),
    ("Levering og utkjøring", 35000, "3020", "3"),
]


def _org_number(rng: random.Random) -> str:
    weights = (3, 2, 7, 6, 5, 4, 3, 2)
    while True:
        body = "9" + "".join(str(rng.randrange(10)) for _ in range(7))
        check = 11 - sum(w * int(d) for w, d in zip(weights, body, strict=True)) % 11
        if check == 10:
            continue
        return body + str(0 if check == 11 else check)


def _bank_account(rng: random.Random) -> str:
    while True:
        first_ten = rng.choice(["1503", "1506", "9710", "3000", "1254", "8601"]) + "".join(str(rng.randrange(10)) for _ in range(6))
        check = account_check_digit(first_ten)
        if check is not None:
            return first_ten + check


def _kr(amount: int | float) -> int:
    return int(round(amount)) * 100


def ensure_ledger_demo(user, companies, today: datetime.date | None = None) -> None:
    for company in companies:
        ensure_chart(company)
    if companies:
        _bakery(user, companies[0], today or timezone.localdate())


@transaction.atomic
def _bakery(user, company, today: datetime.date) -> None:
    if Customer.objects.filter(company=company).exists():
        return
    rng = random.Random(SEED)
    start = max(company.conversion_date, today - datetime.timedelta(days=365))

    customers = [
        subledger.create_customer(user, company, name=name, org_number=_org_number(rng), address=address,
                                  postal_code=postal_code, city=city,
                                  email=f"faktura@{name.split()[0].lower().replace('ø', 'o').replace('ü', 'u').replace('.', '')}.no")
        for name, address, postal_code, city in CUSTOMERS
    ]
    accounts = {a.number: a for a in Account.objects.filter(company=company)}
    suppliers = [
        (subledger.create_supplier(user, company, name=name, org_number=_org_number(rng), bank_account=_bank_account(rng),
                                   default_account=accounts[account], postal_code="0150", city="Oslo"),
         code, amounts, per_month)
        for name, account, code, amounts, per_month in SUPPLIERS
    ]

    post_voucher(user, company, NewVoucher(
        date=start, description="Inngående balanse", series=Series.OPENING,
        lines=[Line("1920", _kr(385000)), Line("1460", _kr(42000)), Line("2000", -_kr(100000)), Line("2050", -_kr(327000))],
    ), job=JOB)

    month = datetime.date(start.year, start.month, 1)
    supplier_number = 1000
    invoices_made = 0
    while month <= today:
        # customer invoices: 14-20 a month, on weekdays
        for _ in range(rng.randint(14, 20)):
            day = month + datetime.timedelta(days=rng.randrange(28))
            if day < start or day > today:
                continue
            customer = rng.choice(customers)
            lines = []
            for product, price, account, code in rng.sample(PRODUCTS, rng.randint(1, 3)):
                quantity = Decimal(1) if price > 100000 else Decimal(rng.randint(2, 30))
                lines.append(invoicing.InvoiceLineInput(product, quantity, price, account=account, vat_code=code))
            invoice = invoicing.create_invoice(user, company, customer=customer, invoice_date=day, lines=lines, post=True, job=JOB)
            invoices_made += 1
            # the third invoice is paid in part and the fifth paid too much, whatever the dice say
            _maybe_paid(user, company, rng, invoice, today, force={3: "partly", 5: "too_much"}.get(invoices_made))
        # supplier invoices
        for supplier, code, (low, high), per_month in suppliers:
            for n in range(per_month):
                day = month + datetime.timedelta(days=min(27, 2 + n * 14 + rng.randrange(5)))
                if day < start or day > today:
                    continue
                supplier_number += 1
                gross = _kr(rng.randint(low, high))
                kid = _supplier_kid(rng, supplier_number) if rng.random() < 0.7 else ""
                invoice = invoicing.create_supplier_invoice(
                    user, company, supplier=supplier, supplier_invoice_number=f"{supplier.number % 100}-{supplier_number}",
                    invoice_date=day, due_date=day + datetime.timedelta(days=14), gross_amount=gross,
                    vat_code=code, kid=kid, message="" if kid else f"Faktura {supplier_number}", post=True, job=JOB,
                )
                due = invoice.due_date
                if due <= today - datetime.timedelta(days=2) or (due <= today and rng.random() < 0.5):
                    item = invoicing.open_item_of(invoice)
                    subledger.post_payment(user, company, date=due, amount=gross, supplier=supplier,
                                           allocations=[(item, gross)], reference=kid, job=JOB)
        # bank fees at the end of the month
        fee_day = min(_month_end(month), today)
        if fee_day >= start:
            _bank_fee(user, company, fee_day, _kr(rng.randint(90, 240)))
        month = _next_month(month)

    # one invoice credited in full, one over-payment that leaves a credit on the customer
    _credit_one(user, company, today)


def _bank_fee(user, company, day: datetime.date, amount: int) -> None:
    post_voucher(user, company, NewVoucher(
        date=day, description="Bankgebyrer", series=Series.BANK, lines=[Line("7770", amount), Line("1920", -amount)],
    ), job=JOB)


def _supplier_kid(rng: random.Random, number: int) -> str:
    from avstem.norway.kid import KID

    payload = f"{rng.randrange(100, 999)}{number:06d}"
    return KID.create(payload, "MOD10" if rng.random() < 0.6 else "MOD11").value


def _maybe_paid(user, company, rng: random.Random, invoice, today: datetime.date, force: str | None = None) -> None:
    """Most invoices are paid around the due date; some late, some partly, one in fifty too
    much; the newest are still open and some old ones overdue."""
    item = invoicing.open_item_of(invoice)
    roll = rng.random()
    pay_day = invoice.due_date + datetime.timedelta(days=rng.randint(-6, 12) if roll < 0.8 else rng.randint(20, 60))
    if force:
        roll, pay_day = (0.01 if force == "partly" else 0.06), invoice.due_date
    if pay_day > today or roll > 0.95:
        return  # open (not due yet) or overdue
    gross = invoice.gross_amount
    if roll < 0.05:
        amount = gross // 2 // 100 * 100  # partly paid
    elif roll < 0.07:
        amount = gross + _kr(rng.choice([100, 250, 500]))  # paid too much: a credit on the customer
    else:
        amount = gross
    subledger.post_payment(user, company, date=pay_day, amount=amount, customer=invoice.customer,
                           allocations=[(item, min(amount, gross))], reference=invoice.kid, job=JOB)


def _credit_one(user, company, today: datetime.date) -> None:
    from .models import Invoice

    candidate = (
        Invoice.objects.filter(company=company, kind="invoice", status="posted", open_items__remaining__gt=0,
                               invoice_date__lte=today - datetime.timedelta(days=20))
        .order_by("invoice_date", "id").first()
    )
    if candidate is not None:
        invoicing.create_credit_note(user, candidate, date=candidate.invoice_date + datetime.timedelta(days=10), post=True, job=JOB)


def _month_end(month: datetime.date) -> datetime.date:
    return _next_month(month) - datetime.timedelta(days=1)


def _next_month(month: datetime.date) -> datetime.date:
    return datetime.date(month.year + (month.month == 12), month.month % 12 + 1, 1)
