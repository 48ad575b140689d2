"""Reconciliation fixtures: a company with its chart, an operating account on 1920, a customer and
a supplier, and builders for invoices and bank lines."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

import pytest

D = datetime.date
DAY = D(2025, 3, 10)
_refs = itertools.count(1)


@pytest.fixture(autouse=True)
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def company(tenant_a):
    from avstem.ledger.chart import ensure_chart

    ensure_chart(tenant_a.company)
    return tenant_a.company


@pytest.fixture
def owner(tenant_a):
    return tenant_a.owner


@pytest.fixture
def account(company, owner):
    from avstem.banking.services import create_bank_account
    from avstem.ledger.models import Account

    return create_bank_account(owner, company, nickname="Drift", kind="operating", account_number="86011117947",
                               gl_account=Account.objects.get(company=company, number="1920"), is_default_operating=True)


@pytest.fixture
def customer(company, owner):
    from avstem.ledger.subledger import create_customer

    return create_customer(owner, company, name="Kafé Solsiden AS", org_number="923456783")


@pytest.fixture
def supplier(company, owner):
    from avstem.ledger.subledger import create_supplier

    return create_supplier(owner, company, name="Mølle Mel AS", bank_account="97100707563")


def invoice(owner, company, customer, amount_ore: int, day=D(2025, 3, 1)):
    """A posted customer invoice of `amount_ore` (no VAT); returns (invoice, open item)."""
    from avstem.ledger import invoicing

    inv = invoicing.create_invoice(owner, company, customer=customer, invoice_date=day, post=True,
                                   lines=[invoicing.InvoiceLineInput("Brød", Decimal(1), amount_ore, account="3000",
                                                                     vat_code="")])
    return inv, invoicing.open_item_of(inv)


def supplier_invoice(owner, company, supplier, amount_ore: int, number="L-1", day=D(2025, 3, 1), kid=""):
    from avstem.ledger import invoicing

    inv = invoicing.create_supplier_invoice(owner, company, supplier=supplier, supplier_invoice_number=number,
                                            invoice_date=day, gross_amount=amount_ore, account="4030", kid=kid, post=True)
    return inv, inv.open_items.get()


def bank_line(account, amount_ore: int, *, day=DAY, text="", name="", cp="", kid="", e2e="", status="booked",
              details=None):
    """A bank line as the import makes it (one transaction detail carrying the references)."""
    from avstem.banking.models import BankLine, BankLineDetail

    n = next(_refs)
    line = BankLine.objects.create(
        company_id=account.company_id, bank_account=account, status=status, amount=amount_ore, date=day,
        booking_date=day if status == "booked" else None, ref=f"REF{n:06d}", description=text,
        counterparty_name=name, counterparty_account=cp, source="camt053", sources="camt053",
        is_batch=bool(details and len(details) > 1))
    for i, d in enumerate(details or [dict(amount=amount_ore, kid=kid, e2e=e2e, name=name, cp=cp, text=text)]):
        BankLineDetail.objects.create(
            line=line, n=i, amount=d.get("amount"), kid=d.get("kid", ""),
            creditor_references=[d["kid"]] if d.get("kid") else [], remittance=d.get("text", ""),
            end_to_end_id=d.get("e2e", ""), counterparty_name=d.get("name", ""), counterparty_account=d.get("cp", ""))
    return line
