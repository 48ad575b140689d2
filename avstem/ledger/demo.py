"""Ledger demo data for the first demo company (Fjellbekk Bakeri AS): customers, suppliers and a
year of invoices up to today, paid, partly paid, over-paid, open and overdue, so the bank
contexts have something real to pay and reconcile.

What goes through the bank (customer and supplier payments, bank fees, VAT) is dated on bank
business days, as the bank books it. With `bank_from`, customer payments from that day on are
not posted: they are still to arrive from the bank (avstem/demo_bank.py plans them), so that
connecting the bank shows invoices closing by KID.

Deterministic: a seeded generator and dates counted from `today`; idempotent: a company that
already has customers is left alone.
"""

from __future__ import annotations

import datetime
import heapq
import itertools
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from avstem.norway.accounts import account_check_digit
from avstem.norway.calendar import business_day_on_or_after

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
    ("Østlandske Mølle AS", "4030", "11", (14000, 28000), 1),
    ("Fjordmeieriet SA", "4030", "11", (8000, 16000), 1),
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


def _domain(name: str) -> str:
    """"Kafé Solsiden AS" -> "kafesolsiden"."""
    text = name.lower().removesuffix(" as").removesuffix(" sa")
    for a, b in (("æ", "ae"), ("ø", "o"), ("å", "a"), ("é", "e"), ("ü", "u")):
        text = text.replace(a, b)
    return "".join(ch for ch in text if ch.isascii() and ch.isalnum())


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


def ensure_ledger_demo(user, companies, today: datetime.date | None = None,
                       bank_from: datetime.date | None = None) -> None:
    """`bank_from`: customer payments dated on or after it are left for the bank to bring."""
    for company in companies:
        ensure_chart(company)
    if companies:
        _bakery(user, companies[0], today or timezone.localdate(), bank_from)


@transaction.atomic
def _bakery(user, company, today: datetime.date, bank_from: datetime.date | None = None) -> None:
    if Customer.objects.filter(company=company).exists():
        return
    rng = random.Random(SEED)
    start = max(company.conversion_date, today - datetime.timedelta(days=365))

    customers = [
        subledger.create_customer(user, company, name=name, org_number=_org_number(rng), address=address,
                                  postal_code=postal_code, city=city,
                                  email=f"faktura@{_domain(name)}.no")
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

    # Everything is drawn month by month, then booked in date order, as a bookkeeper would:
    # invoice numbers and voucher numbers follow the dates.
    events: list = []
    order = itertools.count()

    def schedule(day: datetime.date, kind: str, payload, last: bool = False) -> None:
        if start <= day <= today:
            heapq.heappush(events, (day, int(last), next(order), kind, payload))

    month = datetime.date(start.year, start.month, 1)
    supplier_number = 1000
    while month <= today:
        for _ in range(rng.randint(11, 16)):
            day = month + datetime.timedelta(days=rng.randrange(28))
            customer = rng.choice(customers)
            lines = []
            for product, price, account, code in rng.sample(PRODUCTS, rng.randint(1, 3)):
                quantity = Decimal(1) if price > 100000 else Decimal(rng.randint(2, 30))
                lines.append(invoicing.InvoiceLineInput(product, quantity, price, account=account, vat_code=code))
            schedule(day, "invoice", (customer, lines))
        for supplier, code, (low, high), per_month in suppliers:
            for n in range(per_month):
                day = month + datetime.timedelta(days=min(27, 2 + n * 14 + rng.randrange(5)))
                supplier_number += 1
                kid = _supplier_kid(rng, supplier_number) if rng.random() < 0.7 else ""
                schedule(day, "supplier_invoice", (supplier, code, _kr(rng.randint(low, high)), kid, supplier_number))
        # the bank charges the month's fees on the first business day of the next
        schedule(business_day_on_or_after(_next_month(month)), "fee", _kr(rng.randint(90, 240)))
        if month.month % 2 == 0:  # the end of a two-month VAT term: close it, after the day's other vouchers
            schedule(_month_end(month), "vat_term", month, last=True)
        month = _next_month(month)

    invoices_made = 0
    while events:
        day, _last, _seq, kind, payload = heapq.heappop(events)
        if kind == "invoice":
            customer, lines = payload
            invoice = invoicing.create_invoice(user, company, customer=customer, invoice_date=day, lines=lines, post=True, job=JOB)
            invoices_made += 1
            # the third invoice is paid in part, the fifth paid too much and the eighth credited,
            # whatever the dice say
            if invoices_made == 8:
                schedule(day + datetime.timedelta(days=10), "credit", invoice)
                continue
            plan = _payment_plan(rng, invoice, today, {3: "partly", 5: "too_much"}.get(invoices_made))
            if plan is not None:
                schedule(business_day_on_or_after(plan[0]), "payment", (invoice, plan[1]))
        elif kind == "payment":
            if bank_from is not None and day >= bank_from:
                continue  # still to come from the bank
            invoice, amount = payload
            subledger.post_payment(user, company, date=day, amount=amount, customer=invoice.customer,
                                   allocations=[(invoicing.open_item_of(invoice), min(amount, invoice.gross_amount))],
                                   reference=invoice.kid, job=JOB)
        elif kind == "credit":
            invoicing.create_credit_note(user, payload, date=day, post=True, job=JOB)
        elif kind == "supplier_invoice":
            supplier, code, gross, kid, number = payload
            invoice = invoicing.create_supplier_invoice(
                user, company, supplier=supplier, supplier_invoice_number=str(number),
                invoice_date=day, due_date=day + datetime.timedelta(days=14), gross_amount=gross,
                vat_code=code, kid=kid, message="" if kid else f"Faktura {number}", post=True, job=JOB,
            )
            # bills are paid on the due date; the last fortnight's are still to pay
            if invoice.due_date <= today - datetime.timedelta(days=3):
                schedule(business_day_on_or_after(invoice.due_date), "supplier_payment", invoice)
        elif kind == "supplier_payment":
            subledger.post_payment(user, company, date=day, amount=payload.gross_amount, supplier=payload.supplier,
                                   allocations=[(invoicing.open_item_of(payload), payload.gross_amount)],
                                   reference=payload.kid, job=JOB)
        elif kind == "fee":
            _bank_fee(user, company, day, payload)
        elif kind == "vat_term":
            payable = _close_vat_term(user, company, payload, max(start, _term_start(payload)))
            if payable > 0:
                schedule(business_day_on_or_after(_vat_due(payload)), "vat_payment", (payload, payable))
        elif kind == "vat_payment":
            term_end, amount = payload
            post_voucher(user, company, NewVoucher(
                date=day, description=f"Mva {term_end.month // 2}. termin {term_end.year} til Skatteetaten", series=Series.BANK,
                lines=[Line("2740", amount, reference="Skatteetaten"), Line("1920", -amount)],
            ), job=JOB)


def _term_start(term_end_month: datetime.date) -> datetime.date:
    return datetime.date(term_end_month.year, term_end_month.month - 1, 1)


def _vat_due(term_end_month: datetime.date) -> datetime.date:
    """Payment deadline of a two-month VAT term: the 10th of the second month after it, except
    31 August for May-June."""
    if term_end_month.month == 6:
        return datetime.date(term_end_month.year, 8, 31)
    return _next_month(_next_month(term_end_month)).replace(day=10)


def _close_vat_term(user, company, term_end_month: datetime.date, term_start: datetime.date) -> int:
    """Move the term's VAT (27xx) to the settlement account 2740; returns the amount to pay."""
    from django.db.models import Sum

    from .models import Posting

    end = _month_end(term_end_month)
    movements = (
        Posting.objects.filter(company=company, date__gte=term_start, date__lte=end, account__number__gte="2700",
                               account__number__lt="2740")
        .values_list("account__number").annotate(s=Sum("amount")).order_by("account__number")
    )
    lines = [Line(number, -amount) for number, amount in movements if amount]
    total = sum(amount for _number, amount in movements)
    if not lines:
        return 0
    lines.append(Line("2740", total))
    post_voucher(user, company, NewVoucher(
        date=end, description=f"Mva-oppgjør {term_end_month.month // 2}. termin {term_end_month.year}", lines=lines,
    ), job=JOB)
    return -total


def _bank_fee(user, company, day: datetime.date, amount: int) -> None:
    post_voucher(user, company, NewVoucher(
        date=day, description="Bankgebyrer", series=Series.BANK, lines=[Line("7770", amount), Line("1920", -amount)],
    ), job=JOB)


def _supplier_kid(rng: random.Random, number: int) -> str:
    from avstem.norway.kid import KID

    payload = f"{rng.randrange(100, 999)}{number:06d}"
    return KID.create(payload, "MOD10" if rng.random() < 0.6 else "MOD11").value


def _payment_plan(rng: random.Random, invoice, today: datetime.date, force: str | None = None):
    """(day, amount) of the customer's payment, or None when it stays unpaid. Most pay around
    the due date, one in five 20-45 days late, a few in part or too much; one in twelve of
    the last few months' invoices is still unpaid (overdue once past its due date)."""
    roll = rng.random()
    late = roll >= 0.8
    day = invoice.due_date + datetime.timedelta(days=rng.randint(20, 45) if late else rng.randint(-6, 10))
    if force:
        roll, day = (0.01 if force == "partly" else 0.05), invoice.due_date
    if roll > 0.92 and invoice.invoice_date > today - datetime.timedelta(days=120):
        return None
    gross = invoice.gross_amount
    if roll < 0.04:
        return day, gross // 2 // 100 * 100  # paid in part
    if roll < 0.06:
        return day, gross + _kr(rng.choice([100, 250, 500]))  # paid too much: a credit on the customer
    return day, gross


def _month_end(month: datetime.date) -> datetime.date:
    return _next_month(month) - datetime.timedelta(days=1)


def _next_month(month: datetime.date) -> datetime.date:
    return datetime.date(month.year + (month.month == 12), month.month % 12 + 1, 1)
