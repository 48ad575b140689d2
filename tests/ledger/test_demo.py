"""The demo company's ledger: deterministic, idempotent, with paid, open, overdue, partly paid and
over-paid invoices, supplier invoices to pay, and books that balance."""

from __future__ import annotations

import datetime

from django.db.models import F

from avstem.ledger import reports
from avstem.ledger.demo import ensure_ledger_demo
from avstem.ledger.models import Customer, Invoice, OpenItem, Supplier, SupplierInvoice, Voucher

TODAY = datetime.date(2025, 3, 20)  # a short year keeps the test quick; the real demo runs to today


def fingerprint(company):
    return (
        list(Customer.objects.filter(company=company).values_list("number", "name", "org_number")),
        list(Supplier.objects.filter(company=company).values_list("number", "name", "bank_account")),
        list(Invoice.objects.filter(company=company).order_by("number").values_list("number", "invoice_date", "gross_amount", "kid")),
        list(SupplierInvoice.objects.filter(company=company).order_by("id").values_list("supplier_invoice_number", "gross_amount", "kid")),
        list(OpenItem.objects.filter(company=company).order_by("id").values_list("amount", "remaining")),
    )


def test_demo_ledger(tenant_a, tenant_b):
    company = tenant_a.company
    ensure_ledger_demo(tenant_a.owner, [company], today=TODAY)
    first = fingerprint(company)
    vouchers = Voucher.objects.filter(company=company).count()
    ensure_ledger_demo(tenant_a.owner, [company], today=TODAY)
    assert fingerprint(company) == first and Voucher.objects.filter(company=company).count() == vouchers  # idempotent

    ensure_ledger_demo(tenant_b.owner, [tenant_b.company], today=TODAY)
    assert fingerprint(tenant_b.company) == first  # deterministic

    receivables = OpenItem.objects.filter(company=company, customer__isnull=False, invoice__kind="invoice")
    assert receivables.filter(remaining=0).count() > 10                                   # paid
    assert receivables.filter(remaining__gt=0, due_date__gte=TODAY).exists()              # open, not due
    assert receivables.filter(remaining__gt=0, due_date__lt=TODAY).exists()               # overdue
    assert receivables.filter(remaining__gt=0).exclude(remaining=F("amount")).exists()    # partly paid
    assert OpenItem.objects.filter(company=company, customer__isnull=False, invoice__isnull=True, remaining__lt=0).exists()  # over-paid
    assert Invoice.objects.filter(company=company, kind="credit_note").exists()
    assert OpenItem.objects.filter(company=company, supplier__isnull=False, remaining__lt=0).exists()  # bills to pay
    assert Invoice.objects.filter(company=company).exclude(kid="").count() == Invoice.objects.filter(company=company, kind="invoice").count()
    totals = reports.trial_balance(company, datetime.date(2025, 1, 1), TODAY).totals
    assert totals.opening == totals.closing == 0
    assert reports.balance(company, "1920", TODAY) > 0


def test_vat_is_paid_on_the_norwegian_deadlines():
    """The 10th of the second month after a two-month term; 31 August for May-June."""
    from avstem.ledger.demo import _vat_due

    D = datetime.date
    assert [_vat_due(D(2025, month, 1)) for month in (2, 4, 6, 8, 10, 12)] == [
        D(2025, 4, 10), D(2025, 6, 10), D(2025, 8, 31), D(2025, 10, 10), D(2025, 12, 10), D(2026, 2, 10)]


def test_bank_events_fall_on_business_days_and_customer_payments_from_bank_from_are_left_to_the_bank(tenant_a,
                                                                                                   tenant_b):
    from avstem.ledger.models import Posting
    from avstem.norway.calendar import is_business_day

    bank_from = datetime.date(2025, 3, 1)
    ensure_ledger_demo(tenant_a.owner, [tenant_a.company], today=TODAY, bank_from=bank_from)
    ensure_ledger_demo(tenant_b.owner, [tenant_b.company], today=TODAY)

    def received(company):
        return list(Posting.objects.filter(company=company, account__number="1920", amount__gt=0,
                                           voucher__source="payment").values_list("date", flat=True))

    bank_days = Voucher.objects.filter(company=tenant_a.company, series="bank").values_list("date", flat=True)
    assert bank_days and all(is_business_day(day) for day in bank_days)
    assert all(day < bank_from for day in received(tenant_a.company))
    assert any(day >= bank_from for day in received(tenant_b.company))
    assert sorted(received(tenant_a.company)) == sorted(d for d in received(tenant_b.company) if d < bank_from)
    assert fingerprint(tenant_a.company)[:4] == fingerprint(tenant_b.company)[:4]  # the same invoices and bills
