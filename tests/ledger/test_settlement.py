"""Open items and settlement: full, partial, over-payment, unsettle, refusals; aging buckets."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from avstem.audit.models import AuditEntry
from avstem.ledger import invoicing, reports
from avstem.ledger.errors import LedgerError
from avstem.ledger.invoicing import InvoiceLineInput as L
from avstem.ledger.models import OpenItem
from avstem.ledger.subledger import open_items_for_kid, post_payment, settle, unsettle

D = datetime.date


def invoice(company, owner, customer, day=D(2025, 3, 1), amount=100000):
    """An invoice of `amount` øre including 25 % VAT (net = amount / 1.25)."""
    inv = invoicing.create_invoice(owner, company, customer=customer, invoice_date=day, post=True,
                                   lines=[L("Vare", Decimal(1), amount * 4 // 5, account="3000", vat_code="3")])
    assert inv.gross_amount == amount
    return inv, invoicing.open_item_of(inv)


def payment(company, owner, customer, amount, day=D(2025, 3, 20)):
    voucher, _none = post_payment(owner, company, date=day, amount=amount, customer=customer)
    return voucher.postings.get(account__number="1500")


def refresh(*items):
    for item in items:
        item.refresh_from_db()


def test_full_settlement(company, owner, customer):
    inv, item = invoice(company, owner, customer)
    paid = payment(company, owner, customer, 100000)
    settlement = settle(owner, paid, [(item, 100000)])
    refresh(item)
    assert item.remaining == 0 and paid.open_item.remaining == 0
    assert sum(line.amount for line in settlement.lines.all()) == 0
    assert settlement.date == D(2025, 3, 20)
    assert AuditEntry.objects.filter(action="settlement.create", object_id=str(settlement.pk)).exists()


def test_one_payment_for_two_invoices_partly(company, owner, customer):
    _a, first = invoice(company, owner, customer, D(2025, 3, 1), 100000)
    _b, second = invoice(company, owner, customer, D(2025, 3, 2), 50000)
    paid = payment(company, owner, customer, 120000)
    settle(owner, paid, [(first, 100000), (second, 20000)])
    refresh(first, second)
    assert (first.remaining, second.remaining, paid.open_item.remaining) == (0, 30000, 0)


def test_over_payment_leaves_a_credit_that_settles_the_next_invoice(company, owner, customer):
    _a, first = invoice(company, owner, customer, D(2025, 3, 1), 100000)
    paid = payment(company, owner, customer, 130000)
    settle(owner, paid, [(first, 100000)])
    credit = OpenItem.objects.get(posting=paid)
    assert credit.remaining == -30000
    report = reports.open_items_report(company, "customer", D(2025, 3, 31))
    assert report.total == -30000  # the customer has a credit
    _b, second = invoice(company, owner, customer, D(2025, 4, 1), 50000)
    settle(owner, credit, [(second, 30000)])
    refresh(second, credit)
    assert (second.remaining, credit.remaining) == (20000, 0)


def test_unsettle_restores_every_item(company, owner, customer):
    _a, first = invoice(company, owner, customer, D(2025, 3, 1), 100000)
    _b, second = invoice(company, owner, customer, D(2025, 3, 2), 50000)
    paid = payment(company, owner, customer, 150000)
    settlement = settle(owner, paid, [(first, 100000), (second, 50000)])
    unsettle(owner, settlement)
    refresh(first, second)
    assert (first.remaining, second.remaining, OpenItem.objects.get(posting=paid).remaining) == (100000, 50000, -150000)
    settlement.refresh_from_db()
    assert settlement.reversed_at is not None and settlement.reversed_by == owner
    with pytest.raises(LedgerError, match="already undone"):
        unsettle(owner, settlement)
    settle(owner, paid, [(first, 100000)])  # and it can be settled again
    assert AuditEntry.objects.filter(action="settlement.reverse").count() == 1


def test_refusals(company, owner, customer, supplier):
    from avstem.ledger.subledger import create_customer

    _a, item = invoice(company, owner, customer)
    paid = payment(company, owner, customer, 50000)
    with pytest.raises(LedgerError, match="1 500,00 is more than the 1 000,00 remaining on Invoice 1."):
        settle(owner, paid, [(item, 150000)])
    with pytest.raises(LedgerError, match=r"The amounts to settle \(600,00\) are more than the 500,00 left of"):
        settle(owner, paid, [(item, 60000)])
    with pytest.raises(LedgerError, match="must be more than zero"):
        settle(owner, paid, [(item, 0)])
    other = create_customer(owner, company, name="Annen Kunde AS")
    _b, foreign = invoice(company, owner, other)
    with pytest.raises(LedgerError, match="belongs to another customer or supplier"):
        settle(owner, paid, [(foreign, 100)])
    _c, same_side = invoice(company, owner, customer)
    with pytest.raises(LedgerError, match="are on the same side"):
        settle(owner, item, [(same_side, 100)])
    with pytest.raises(LedgerError, match="appears more than once"):
        settle(owner, paid, [(item, 100), (item, 100)])
    bank = paid.voucher.postings.get(account__number="1920")
    with pytest.raises(LedgerError, match="has no open item"):
        settle(owner, bank, [(item, 100)])
    refresh(item)
    assert item.remaining == 100000  # nothing was settled by the refused attempts


def test_an_item_of_another_company_is_refused(company, owner, customer, tenant_b):
    from avstem.ledger.subledger import create_customer

    _a, item = invoice(company, owner, customer)
    b_customer = create_customer(tenant_b.owner, tenant_b.company, name="B-kunde")
    b_paid = payment(tenant_b.company, tenant_b.owner, b_customer, 1000)
    with pytest.raises(LedgerError, match="does not exist in this company"):
        settle(tenant_b.owner, b_paid, [(item, 100)])


def test_supplier_payment_settles_the_supplier_invoice(company, owner, supplier):
    si = invoicing.create_supplier_invoice(owner, company, supplier=supplier, supplier_invoice_number="A1",
                                           invoice_date=D(2025, 3, 1), gross_amount=115000, kid="123456782", post=True)
    voucher, settlement = post_payment(owner, company, date=D(2025, 3, 15), amount=115000, supplier=supplier, allocations="oldest")
    assert sorted((p.account.number, p.amount) for p in voucher.postings.all()) == [("1920", -115000), ("2400", 115000)]
    assert invoicing.open_item_of(si).remaining == 0 and settlement is not None


def test_open_items_by_kid(company, owner, customer):
    inv, item = invoice(company, owner, customer)
    assert open_items_for_kid(company, inv.kid) == [item]
    assert open_items_for_kid(company, " ".join(inv.kid)) == [item]
    settle(owner, payment(company, owner, customer, 100000), [(item, 100000)])
    assert open_items_for_kid(company, inv.kid) == []


@pytest.mark.parametrize("days, bucket", [(-5, "not_due"), (0, "not_due"), (1, "1_30"), (30, "1_30"), (31, "31_60"),
                                          (60, "31_60"), (61, "61_90"), (90, "61_90"), (91, "over_90"), (400, "over_90")])
def test_aging_buckets(days, bucket):
    due = D(2025, 3, 1)
    assert reports.bucket_for(due, due + datetime.timedelta(days=days)) == bucket


def test_open_items_report_ages_and_uses_what_remained_on_the_date(company, owner, customer):
    _a, first = invoice(company, owner, customer, D(2025, 1, 10), 100000)   # due 24.01
    _b, second = invoice(company, owner, customer, D(2025, 3, 20), 40000)   # due 03.04
    paid = payment(company, owner, customer, 100000, day=D(2025, 4, 15))
    settle(owner, paid, [(first, 100000)], date=D(2025, 4, 15))
    before = reports.open_items_report(company, "customer", D(2025, 4, 1))
    assert [(a.item.pk, a.remaining, a.bucket) for a in before.parties[0].items] == [(first.pk, 100000, "61_90"), (second.pk, 40000, "not_due")]
    assert before.buckets == [40000, 0, 0, 100000, 0]
    after = reports.open_items_report(company, "customer", D(2025, 4, 30))
    assert [(a.item.pk, a.remaining, a.bucket) for a in after.parties[0].items] == [(second.pk, 40000, "1_30")]
    csv_text = reports.open_items_csv(after)
    assert csv_text.startswith("\ufeffNumber;Customer;Item") and "400,00" in csv_text
