"""Customer invoices (number, KID, voucher 1500 / revenue / 2700), credit notes and supplier
invoices (2400 / cost / 2710)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from avstem.ledger import chart, invoicing
from avstem.ledger.errors import ImmutableError, LedgerError
from avstem.ledger.invoicing import InvoiceLineInput as L
from avstem.ledger.models import DocumentStatus, Invoice, InvoiceLine, OpenItem, Supplier
from avstem.norway.kid import KID, mod11_check_digit

D = datetime.date


def postings(voucher):
    return sorted((p.account.number, p.amount, p.vat_code) for p in voucher.postings.all())


def test_posting_an_invoice_books_customer_revenue_and_vat(company, owner, customer):
    invoice = invoicing.create_invoice(owner, company, customer=customer, invoice_date=D(2025, 3, 3), lines=[
        L("Grovbrød", Decimal(10), 4550, account="3030", vat_code="31"),
        L("Kaffe", Decimal("2.5"), 3999, account="3000", vat_code="3"),
    ])
    assert invoice.status == DocumentStatus.DRAFT and invoice.number is None
    assert invoice.due_date == D(2025, 3, 17)  # 14 days' payment terms
    invoice = invoicing.post_invoice(owner, invoice)
    # 10 x 45,50 = 455,00 at 15 %: 68,25; 2,5 x 39,99 = 99,975 -> 99,98 at 25 %: 25,00 (24,995 rounded half up)
    assert (invoice.net_amount, invoice.vat_amount, invoice.gross_amount) == (55498, 9325, 64823)
    assert postings(invoice.voucher) == sorted([
        ("1500", 64823, ""), ("3030", -45500, "31"), ("2701", -6825, "31"), ("3000", -9998, "3"), ("2700", -2500, "3"),
    ])
    assert invoice.voucher.series == "sales" and invoice.number == 1
    item = invoicing.open_item_of(invoice)
    assert (item.amount, item.remaining, item.due_date, item.kid, item.customer) == (64823, 64823, invoice.due_date, invoice.kid, customer)
    assert [(c, r, n, v) for c, r, n, v in invoicing.vat_summary(invoice)] == [("31", Decimal("15"), 45500, 6825), ("3", Decimal("25"), 9998, 2500)]


def test_kid_is_customer_number_invoice_number_and_check_digit(company, owner, customer):
    invoice = invoicing.create_invoice(owner, company, customer=customer, invoice_date=D(2025, 3, 3), post=True,
                                       lines=[L("Vare", Decimal(1), 10000)])
    assert customer.number == 10000
    assert invoice.kid == "10000" + "000001" + KID.create("10000000001").check_digit
    assert KID.parse(invoice.kid).is_valid("MOD10")
    second = invoicing.create_invoice(owner, company, customer=customer, invoice_date=D(2025, 3, 3), post=True,
                                      lines=[L("Vare", Decimal(1), 10000)])
    assert second.number == 2 and second.kid.startswith("10000000002")


def test_mod11_kid_including_the_dash(company, owner):
    from avstem.ledger.subledger import create_customer

    chart.update_settings(owner, company, kid_algorithm="MOD11")
    number = next(n for n in range(10000, 99999) if mod11_check_digit(f"{n:05d}000001") == "-")
    customer = create_customer(owner, company, name="Strekkunde AS", number=number)
    invoice = invoicing.create_invoice(owner, company, customer=customer, invoice_date=D(2025, 3, 3), post=True,
                                       lines=[L("Vare", Decimal(1), 10000)])
    assert invoice.kid == f"{number:05d}000001-"
    assert KID.parse(invoice.kid).validate("MOD11").value == invoice.kid
    assert invoicing.open_item_of(invoice).kid == invoice.kid


def test_kid_layout_must_fit_the_numbers(company, owner):
    from avstem.ledger.subledger import create_customer

    chart.update_settings(owner, company, kid_customer_digits=3)
    customer = create_customer(owner, company, name="Stor AS", number=12345)
    with pytest.raises(LedgerError, match="Customer number 12345 has more digits than the KID has room for"):
        invoicing.create_invoice(owner, company, customer=customer, invoice_date=D(2025, 3, 3), post=True,
                                 lines=[L("Vare", Decimal(1), 10000)])
    with pytest.raises(LedgerError, match="at most 25 digits"):
        chart.update_settings(owner, company, kid_customer_digits=12, kid_invoice_digits=13)


def test_invoice_numbers_are_gap_free_even_when_posting_fails(company, owner, customer):
    from avstem.ledger.posting import lock_period

    first = invoicing.create_invoice(owner, company, customer=customer, invoice_date=D(2025, 3, 3), post=True, lines=[L("A", Decimal(1), 100)])
    lock_period(owner, company, 2025, 4)
    draft = invoicing.create_invoice(owner, company, customer=customer, invoice_date=D(2025, 4, 3), lines=[L("B", Decimal(1), 100)])
    with pytest.raises(LedgerError, match="locked"):
        invoicing.post_invoice(owner, draft)
    draft.refresh_from_db()
    assert draft.status == DocumentStatus.DRAFT and draft.number is None
    third = invoicing.create_invoice(owner, company, customer=customer, invoice_date=D(2025, 5, 3), post=True, lines=[L("C", Decimal(1), 100)])
    assert (first.number, third.number) == (1, 2)


def test_drafts_change_posted_invoices_do_not(company, owner, customer):
    draft = invoicing.create_invoice(owner, company, customer=customer, invoice_date=D(2025, 3, 3), lines=[L("A", Decimal(1), 100)])
    draft = invoicing.update_invoice(owner, draft, lines=[L("B", Decimal(3), 200)], reference="PO 77")
    assert draft.gross_amount == 750 and draft.reference == "PO 77"
    posted = invoicing.post_invoice(owner, draft)
    with pytest.raises(LedgerError, match="posted and can no longer be changed"):
        invoicing.update_invoice(owner, posted, reference="x")
    with pytest.raises(LedgerError):
        invoicing.delete_invoice(owner, posted)
    posted.note = "endret"
    with pytest.raises(ImmutableError):
        posted.save()
    with pytest.raises(ImmutableError):
        Invoice.objects.get(pk=posted.pk).delete()
    other = invoicing.create_invoice(owner, company, customer=customer, invoice_date=D(2025, 3, 3), lines=[L("A", Decimal(1), 100)])
    invoicing.delete_invoice(owner, other)
    assert not InvoiceLine.objects.filter(invoice_id=other.pk).exists()


def test_invoice_refusals(company, owner, customer):
    with pytest.raises(LedgerError, match="The invoice has no lines."):
        invoicing.create_invoice(owner, company, customer=customer, invoice_date=D(2025, 3, 3), lines=[])
    with pytest.raises(LedgerError, match="VAT code 1 is for purchases, not sales."):
        invoicing.create_invoice(owner, company, customer=customer, invoice_date=D(2025, 3, 3), lines=[L("A", Decimal(1), 100, vat_code="1")])
    with pytest.raises(LedgerError, match="The due date is before the invoice date."):
        invoicing.create_invoice(owner, company, customer=customer, invoice_date=D(2025, 3, 3), due_date=D(2025, 3, 1),
                                 lines=[L("A", Decimal(1), 100)])
    with pytest.raises(LedgerError, match="must be more than zero"):
        invoicing.create_invoice(owner, company, customer=customer, invoice_date=D(2025, 3, 3), post=True,
                                 lines=[L("Rabatt", Decimal(1), -100)])


def test_credit_note_mirrors_the_invoice_and_closes_it(company, owner, customer):
    invoice = invoicing.create_invoice(owner, company, customer=customer, invoice_date=D(2025, 3, 3), post=True,
                                       lines=[L("Bløtkake", Decimal(2), 52000, account="3030", vat_code="31")])
    note = invoicing.create_credit_note(owner, invoice, date=D(2025, 3, 10), post=True)
    assert note.kind == "credit_note" and note.number == 2 and note.kid == "" and note.credited_invoice == invoice
    assert postings(note.voucher) == sorted([("1500", -119600, ""), ("3030", 104000, "31"), ("2701", 15600, "31")])
    assert invoicing.open_item_of(invoice).remaining == 0
    assert invoicing.open_item_of(note).remaining == 0
    with pytest.raises(LedgerError, match="would credit 2 392,00, more than the 1 196,00 of invoice 1"):
        invoicing.create_credit_note(owner, invoice, date=D(2025, 3, 11), post=True)


def test_partial_credit_after_payment_leaves_a_credit(company, owner, customer):
    from avstem.ledger.subledger import post_payment

    invoice = invoicing.create_invoice(owner, company, customer=customer, invoice_date=D(2025, 3, 3), post=True,
                                       lines=[L("Brød", Decimal(10), 10000, account="3000", vat_code="3")])
    post_payment(owner, company, date=D(2025, 3, 5), amount=125000, customer=customer, allocations="oldest")
    note = invoicing.create_credit_note(owner, invoice, date=D(2025, 3, 6), post=True,
                                        lines=[L("Brød, reklamasjon", Decimal(2), 10000, account="3000", vat_code="3")])
    assert note.gross_amount == 25000
    assert invoicing.open_item_of(note).remaining == -25000  # paid already: the customer has a credit


def test_supplier_invoice_books_supplier_cost_and_input_vat(company, owner, supplier):
    invoice = invoicing.create_supplier_invoice(
        owner, company, supplier=supplier, supplier_invoice_number="F-1001", invoice_date=D(2025, 3, 5),
        due_date=D(2025, 3, 19), gross_amount=115000, kid="123456782", post=True,
    )
    assert invoice.account.number == "4030" and invoice.vat_code == "11"  # the supplier's default account and its code
    assert (invoice.net_amount, invoice.vat_amount) == (100000, 15000)
    assert postings(invoice.voucher) == sorted([("2400", -115000, ""), ("4030", 100000, "11"), ("2711", 15000, "11")])
    assert invoice.voucher.series == "purchase"
    item = invoicing.open_item_of(invoice)
    assert (item.amount, item.kid, item.supplier, item.due_date) == (-115000, "123456782", supplier, D(2025, 3, 19))
    assert invoice.creditor_account == supplier.bank_account


def test_supplier_invoice_with_stated_vat_and_reverse_charge(company, owner, supplier):
    from avstem.ledger.models import Account

    stated = invoicing.create_supplier_invoice(
        owner, company, supplier=supplier, supplier_invoice_number="F-1", invoice_date=D(2025, 3, 5), gross_amount=124999,
        vat_code="1", vat_amount=24999, account=Account.objects.get(company=company, number="6540"), message="Faktura F-1", post=True,
    )
    assert postings(stated.voucher) == sorted([("2400", -124999, ""), ("6540", 100000, "1"), ("2710", 24999, "1")])
    abroad = invoicing.create_supplier_invoice(
        owner, company, supplier=supplier, supplier_invoice_number="US-9", invoice_date=D(2025, 3, 5), gross_amount=100000,
        vat_code="86", account=Account.objects.get(company=company, number="6553"), post=True,
    )
    assert abroad.vat_amount == 0
    assert postings(abroad.voucher) == sorted([("2400", -100000, ""), ("6553", 100000, "86"), ("2714", 25000, "86"), ("2704", -25000, "86")])


def test_supplier_invoice_refusals(company, owner, supplier):
    def register(**fields):
        base = dict(supplier=supplier, supplier_invoice_number="F-7", invoice_date=D(2025, 3, 5), gross_amount=1000)
        base.update(fields)
        return invoicing.create_supplier_invoice(owner, company, **base)

    with pytest.raises(LedgerError, match=r"Ugyldig KID: 123456781: kontrollsifferet stemmer verken med MOD10 eller MOD11"):
        register(kid="123456781")
    with pytest.raises(LedgerError, match="Give either a KID or a message, not both."):
        register(kid="123456782", message="Faktura 7")
    with pytest.raises(LedgerError, match="Pay-to account"):
        register(creditor_account="86011117948")
    with pytest.raises(LedgerError, match="VAT code 3 is for sales, not purchases."):
        register(vat_code="3")
    register(post=True)
    with pytest.raises(LedgerError, match="Invoice F-7 from Mølle Mel AS is already registered."):
        register()


def test_supplier_credit_note_is_a_negative_amount(company, owner, supplier):
    note = invoicing.create_supplier_invoice(owner, company, supplier=supplier, supplier_invoice_number="K-1",
                                             invoice_date=D(2025, 3, 5), gross_amount=-11500, post=True)
    assert postings(note.voucher) == sorted([("2400", 11500, ""), ("4030", -10000, "11"), ("2711", -1500, "11")])
    assert invoicing.open_item_of(note).remaining == 11500


def test_supplier_bank_details_are_validated(company, owner):
    from avstem.ledger.subledger import create_supplier

    with pytest.raises(LedgerError, match="Enter a valid account number"):
        create_supplier(owner, company, name="Feil AS", bank_account="12345678901")
    supplier = create_supplier(owner, company, name="Utland GmbH", iban="DE89 3704 0044 0532 0130 00", bic="COBADEFFXXX")
    assert supplier.iban == "DE89370400440532013000" and supplier.number == 20000
    assert Supplier.objects.get(pk=supplier.pk).payment_account == supplier.iban
    assert OpenItem.objects.count() == 0
