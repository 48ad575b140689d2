"""Ledger objects of one tenant, for the company-isolation walk (tests/foundation/test_isolation.py):
one of everything a ledger URL or API operation takes an id of, and a fingerprint of the
ledger state that must not change when another company's member pokes at it."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile


def make_ledger_objects(tenant) -> None:
    from avstem.ledger import invoicing, subledger
    from avstem.ledger.models import Account, Attachment
    from avstem.ledger.posting import Line, NewVoucher, create_draft, post_voucher

    company, owner = tenant.company, tenant.owner
    day = datetime.date(2025, 2, 3)
    customer = subledger.create_customer(owner, company, name="Kunde B", email="kunde@b.no")
    supplier = subledger.create_supplier(owner, company, name="Leverandør B", bank_account="86011117947")
    invoice = invoicing.create_invoice(owner, company, customer=customer, invoice_date=day, post=True,
                                       lines=[invoicing.InvoiceLineInput("Vare", Decimal(2), 50000)])
    supplier_invoice = invoicing.create_supplier_invoice(owner, company, supplier=supplier, supplier_invoice_number="B-1",
                                                         invoice_date=day, gross_amount=125000, post=True)
    voucher = post_voucher(owner, company, NewVoucher(date=day, description="Bilag B",
                                                      lines=[Line("6800", 10000), Line("1920", -10000)]))
    attachment = Attachment(company=company, voucher=voucher, name="kvittering.txt", uploaded_by=owner)
    attachment.file.save("kvittering.txt", ContentFile(b"kvittering B"), save=False)
    attachment.save()
    _voucher, settlement = subledger.post_payment(owner, company, date=day, amount=50000, customer=customer,
                                                  allocations=[(invoicing.open_item_of(invoice), 50000)])
    draft = create_draft(owner, company, NewVoucher(date=day, description="Utkast B",
                                                    lines=[Line("6800", 500), Line("1920", -500)]))
    tenant.objects.update(
        draft=draft,
        account=Account.objects.get(company=company, number="1920"), customer=customer, supplier=supplier,
        invoice=invoice, supplier_invoice=supplier_invoice, voucher=voucher, attachment=attachment,
        open_item=invoicing.open_item_of(invoice), settlement=settlement,
    )


OBJECT_PARAMETERS = {
    "account_id": "account",
    "customer_id": "customer",
    "supplier_id": "supplier",
    "invoice_id": "invoice",
    "supplier_invoice_id": "supplier_invoice",
    "voucher_id": "voucher",
    "attachment_id": "attachment",
    "open_item_id": "open_item",
    "settlement_id": "settlement",
    "draft_id": "draft",
}


def ledger_state(tenant) -> tuple:
    from django.db.models import Count, Q, Sum

    from avstem.ledger.models import (
        Account, Attachment, Customer, Invoice, LedgerSettings, OpenItem, PeriodLock, Posting, Settlement, Supplier,
        SupplierInvoice, Voucher, VoucherDraft,
    )

    company = tenant.company
    return (
        Voucher.objects.filter(company=company).count(),
        tuple(Posting.objects.filter(company=company).aggregate(n=Count("id"), debit=Sum("amount", filter=Q(amount__gt=0))).values()),
        tuple(Invoice.objects.filter(company=company).values_list("pk", "status", "number", "gross_amount").order_by("pk")),
        tuple(SupplierInvoice.objects.filter(company=company).values_list("pk", "status", "gross_amount").order_by("pk")),
        tuple(Customer.objects.filter(company=company).values_list("pk", "name", "active").order_by("pk")),
        tuple(Supplier.objects.filter(company=company).values_list("pk", "name", "bank_account", "active").order_by("pk")),
        tuple(Account.objects.filter(company=company).values_list("number", "name", "active", "vat_code").order_by("number")),
        tuple(OpenItem.objects.filter(company=company).values_list("pk", "remaining").order_by("pk")),
        tuple(Settlement.objects.filter(company=company).values_list("pk", "reversed_at").order_by("pk")),
        tuple(PeriodLock.objects.filter(company=company).values_list("year", "month")),
        tuple(LedgerSettings.objects.filter(company=company).values_list("kid_algorithm", "kid_customer_digits", "payment_terms_days")),
        Attachment.objects.filter(company=company).count(),
        tuple(VoucherDraft.objects.filter(company=company).values_list("pk", "description").order_by("pk")),
    )
