"""The reconciliation services against a real ledger: what is posted, settled, linked and undone."""

from __future__ import annotations

import pytest

from avstem.banking.models import BankLine
from avstem.ledger.models import OpenItem, Posting, Voucher
from avstem.ledger.posting import Line, NewVoucher, post_voucher
from avstem.reconciliation import automatic, services
from avstem.reconciliation.errors import AlreadyReconciled, ReconciliationError
from avstem.reconciliation.inputs import unreconciled_postings
from avstem.reconciliation.models import LineProposal, Method, Reconciliation
from tests.reconciliation.conftest import DAY, bank_line, invoice, supplier_invoice

pytestmark = pytest.mark.django_db


def _refresh(*objs):
    for o in objs:
        o.refresh_from_db()


def test_kid_payment_is_posted_settled_and_reconciled_automatically_then_undone(company, owner, account, customer):
    inv, item = invoice(owner, company, customer, 125000)
    line = bank_line(account, 125000, kid=inv.kid, name="Kafé Solsiden AS", text="Faktura 1")

    result = automatic.run(company, apply_to={account.pk}, job="test")

    assert result.counts() == {"matched": 1, "proposed": 0, "left": 0}
    _refresh(line, item)
    assert line.reconciliation_status == "reconciled" and item.remaining == 0
    rec = Reconciliation.objects.get(line_links__bank_line=line)
    assert rec.method == Method.AUTOMATIC and rec.kind == "kid" and rec.created_by_label == "job:test"
    voucher = rec.voucher
    assert voucher.series == "bank" and voucher.date == DAY
    amounts = sorted((p.account.number, p.amount) for p in voucher.postings.all())
    assert amounts == [("1500", -125000), ("1920", 125000)]
    assert not unreconciled_postings(account).exists()  # the new 1920 posting is linked

    services.undo(owner, company, rec.pk)

    _refresh(line, item, rec)
    assert rec.undone_at is not None and line.reconciliation_status == "unreconciled"
    assert item.remaining == 125000
    assert Voucher.objects.get(reversal_of=voucher).postings.count() == 2
    assert rec.voucher == voucher and rec.reversal == Voucher.objects.get(reversal_of=voucher)
    assert not unreconciled_postings(account).exists()  # the posting and its reversal cancel out
    with pytest.raises(ReconciliationError, match="undone already"):
        services.undo(owner, company, rec.pk)


def test_many_postings_against_one_bank_line_by_hand(company, owner, account):
    v1 = post_voucher(owner, company, NewVoucher(date=DAY, description="Kontant 1",
                                                 lines=[Line("1920", 30000), Line("3000", -30000)]))
    v2 = post_voucher(owner, company, NewVoucher(date=DAY, description="Kontant 2",
                                                 lines=[Line("1920", 20000), Line("3000", -20000)]))
    p1, p2 = (v.postings.get(account__number="1920") for v in (v1, v2))
    line = bank_line(account, 50000, text="Innskudd")
    with pytest.raises(ReconciliationError, match="differ by 200.00"):
        services.reconcile(owner, company, account, line_ids=[line.pk], posting_ids=[p1.pk])

    rec = services.reconcile(owner, company, account, line_ids=[line.pk], posting_ids=[p1.pk, p2.pk])

    assert rec.method == Method.MANUAL and rec.voucher is None
    assert set(rec.posting_links.values_list("posting_id", flat=True)) == {p1.pk, p2.pk}
    with pytest.raises(AlreadyReconciled, match="a@example.no"):
        services.reconcile(owner, company, account, line_ids=[line.pk], posting_ids=[p1.pk, p2.pk])


def test_difference_goes_to_the_chosen_account(company, owner, account):
    v = post_voucher(owner, company, NewVoucher(date=DAY, description="Salg",
                                                lines=[Line("1920", 10000), Line("3000", -10000)]))
    line = bank_line(account, 9950, text="Salg")
    rec = services.reconcile(owner, company, account, line_ids=[line.pk],
                             posting_ids=[v.postings.get(account__number="1920").pk], difference_account="7770")
    posted = rec.voucher
    assert sorted((p.account.number, p.amount) for p in posted.postings.all()) == [("1920", -50), ("7770", 50)]


def test_post_a_fee_line_and_reconcile(company, owner, account):
    line = bank_line(account, -4500, text="Gebyr nettbank")
    rec = services.post_and_reconcile(owner, company, line.pk, account="7770", description="Bankgebyr")
    line.refresh_from_db()
    assert line.reconciliation_status == "reconciled" and rec.method == Method.POSTED
    assert rec.learn_account == "7770"
    posted = rec.voucher
    assert sorted((p.account.number, p.amount) for p in posted.postings.all()) == [("1920", -4500), ("7770", 4500)]


def test_post_with_vat_takes_the_vat_out_of_the_bank_amount(company, owner, account):
    line = bank_line(account, -12500, text="Kontorrekvisita")
    rec = services.post_and_reconcile(owner, company, line.pk, account="6800", vat_code="1")
    postings = sorted((p.account.number, p.amount) for p in rec.voucher.postings.all())
    assert postings == [("1920", -12500), ("2710", 2500), ("6800", 10000)]


def test_supplier_payment_settles_the_supplier_invoice(company, owner, account, supplier):
    _inv, item = supplier_invoice(owner, company, supplier, 80000)
    line = bank_line(account, -80000, name="Mølle Mel AS")
    services.reconcile(owner, company, account, line_ids=[line.pk], items=[item.pk])
    item.refresh_from_db()
    assert item.remaining == 0
    payment = OpenItem.objects.get(company=company, supplier=supplier, posting__voucher__series="bank")
    assert payment.amount == 80000 and payment.remaining == 0


def test_payment_for_two_invoices_with_a_credit_note(company, owner, account, customer):
    from avstem.ledger import invoicing

    _i1, item1 = invoice(owner, company, customer, 100000)
    _i2, item2 = invoice(owner, company, customer, 50000)
    credit = invoicing.create_invoice(owner, company, customer=customer, invoice_date=DAY, kind="credit_note", post=True,
                                      lines=[invoicing.InvoiceLineInput("Retur", 1, 20000, account="3000", vat_code="")])
    credit_item = invoicing.open_item_of(credit)
    if credit_item.remaining == 0:
        pytest.skip("the ledger settles a credit note without an invoice at once")
    line = bank_line(account, 130000, name="Kafé Solsiden AS")
    services.reconcile(owner, company, account, line_ids=[line.pk], items=[item1.pk, item2.pk, credit_item.pk])
    for item in (item1, item2, credit_item):
        item.refresh_from_db()
        assert item.remaining == 0


def test_a_proposal_is_accepted_and_the_rest_waits(company, owner, account, customer):
    _inv, item = invoice(owner, company, customer, 99000)
    line = bank_line(account, 99000, name="Kafe Solsiden", text="betaling")  # no KID: amount and name
    result = automatic.run(company, apply_to=set(), job="test")
    assert result.counts()["matched"] == 0
    proposal = LineProposal.objects.filter(bank_line=line).order_by("rank").first()
    assert proposal is not None and proposal.targets[0][:3] == ["open_item", str(item.pk), 99000]

    rec = services.accept_proposal(owner, company, proposal.pk)

    item.refresh_from_db()
    assert rec.method == Method.PROPOSAL and item.remaining == 0
    assert not LineProposal.objects.filter(bank_line=line).exists()


def test_automation_threshold_keeps_a_match_as_a_proposal(company, owner, account, customer):
    from avstem.reconciliation.models import AutomationSetting

    inv, _item = invoice(owner, company, customer, 125000)
    line = bank_line(account, 125000, kid=inv.kid)
    AutomationSetting.objects.create(company=company, bank_account=account, min_confidence="1.000")
    result = automatic.run(company, apply_to={account.pk})
    line.refresh_from_db()
    assert line.reconciliation_status == "unreconciled"
    assert result.lines[0].outcome == "proposed" and result.lines[0].note == "below the confidence needed"
    assert LineProposal.objects.filter(bank_line=line, automatic=True).exists()


def test_a_line_of_another_company_is_not_found(company, owner, account, tenant_b):
    from avstem.banking.services import create_bank_account
    from avstem.ledger.chart import ensure_chart
    from avstem.ledger.models import Account

    ensure_chart(tenant_b.company)
    other = create_bank_account(tenant_b.owner, tenant_b.company, nickname="B", kind="operating",
                                account_number="97100707563",
                                gl_account=Account.objects.get(company=tenant_b.company, number="1920"))
    foreign = bank_line(other, -100)
    with pytest.raises(ReconciliationError, match="does not exist in this company"):
        services.post_and_reconcile(owner, company, foreign.pk, account="7770")
    with pytest.raises(ReconciliationError, match="does not exist in this company"):
        services.reconcile(owner, company, account, line_ids=[foreign.pk], difference_account="7770")
    assert BankLine.objects.get(pk=foreign.pk).reconciliation_status == "unreconciled"
    assert not Posting.objects.filter(company=tenant_b.company).exists()
