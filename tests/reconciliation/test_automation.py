"""Settings > Automation and the sync's last step: with automation on, a sync ends with invoice
payments posted, settled and reconciled (job:bank-sync, in the audit log, undoable); with it off,
only proposals wait on the screen."""

from __future__ import annotations

import datetime

import pytest

from avstem.audit.models import AuditEntry
from avstem.reconciliation import automation, services
from avstem.reconciliation.errors import ReconciliationError
from avstem.reconciliation.models import LineProposal, Method, Reconciliation, ReconciliationRun
from tests.reconciliation.conftest import bank_line, invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement(owner, company, account):
    from avstem.banking.agreements import order_file_agreement
    from avstem.banking.banks import bank_of_account
    from avstem.banking.models import BankAgreement, SyncRun

    made = order_file_agreement(owner, company, bank_of_account(account.account_number), [account],
                                on=datetime.date(2025, 3, 3))
    BankAgreement.objects.filter(pk=made.pk).update(status="active", active_from=datetime.date(2025, 3, 4))
    made.refresh_from_db()
    made.sync_run = SyncRun.objects.create(agreement=made, kind="manual", run_date=datetime.date(2025, 3, 11), status="done")
    return made


def test_switching_automation_on_needs_an_active_agreement(owner, company, account, agreement):
    row = automation.set_automation(owner, company, account, on=True, min_confidence="95")
    assert row.on and str(row.min_confidence) == "0.950"
    assert AuditEntry.objects.filter(action="bank_agreement.auto_reconcile").exists()
    assert AuditEntry.objects.filter(action="reconciliation.automation").exists()
    with pytest.raises(ReconciliationError, match="from 0.5 to 1"):
        automation.set_automation(owner, company, account, min_confidence="0.2")


def test_sync_ends_with_an_automatic_run_that_posts_and_can_be_undone(monkeypatch, owner, company, account, customer,
                                                                       agreement):
    from avstem.banking import sync, tasks

    automation.set_automation(owner, company, account, on=True)
    inv, item = invoice(owner, company, customer, 125000)
    paid = bank_line(account, 125000, kid=inv.kid)
    fee = bank_line(account, -4500, text="Gebyr")
    monkeypatch.setattr(sync, "run_sync", lambda run_id: agreement.sync_run)

    tasks.sync_agreement.call(agreement.sync_run.pk)

    rec = Reconciliation.objects.get()
    assert rec.method == Method.AUTOMATIC and rec.created_by_label == "job:bank-sync"
    assert list(rec.line_links.values_list("bank_line_id", flat=True)) == [paid.pk]
    item.refresh_from_db()
    assert item.remaining == 0
    run = ReconciliationRun.objects.get()
    assert run.trigger == "sync" and run.applied == 1 and run.left == 1
    entry = AuditEntry.objects.get(action="reconciliation.create")
    assert entry.actor_label == "job:bank-sync" and "KID" in entry.summary
    fee.refresh_from_db()
    assert fee.reconciliation_status == "unreconciled"

    services.undo(owner, company, rec.pk)
    item.refresh_from_db()
    assert item.remaining == 125000


def test_uneven_kid_payments_are_posted_to_the_customer_and_leave_the_rest_visible(owner, company, account, customer,
                                                                                   agreement):
    """R3.4: a partial payment, an over-payment and a payment made twice, each by a valid KID,
    are posted at once; what is short stays open on the invoice, what is over is a credit on the
    customer (an open item on 1500 of its own)."""
    from avstem.ledger.models import OpenItem
    from avstem.reconciliation import automatic

    automation.set_automation(owner, company, account, on=True)
    short, short_item = invoice(owner, company, customer, 125000)
    over, over_item = invoice(owner, company, customer, 80000)
    twice, twice_item = invoice(owner, company, customer, 30000)
    lines = [bank_line(account, 50000, kid=short.kid), bank_line(account, 85000, kid=over.kid),
             bank_line(account, 30000, kid=twice.kid),
             bank_line(account, 30000, kid=twice.kid, day=datetime.date(2025, 3, 12))]

    automatic.run(company, trigger="sync")

    for item in (short_item, over_item, twice_item):
        item.refresh_from_db()
    assert (short_item.remaining, over_item.remaining, twice_item.remaining) == (75000, 0, 0)
    for line in lines:
        line.refresh_from_db()
        assert line.reconciliation_status == "reconciled", line
    # The credits are open items of their own on the customer (no invoice), to refund or offset.
    credits = OpenItem.objects.filter(customer=customer, invoice__isnull=True).exclude(remaining=0)
    assert sorted(credits.values_list("remaining", flat=True)) == [-30000, -5000]
    kinds = dict(Reconciliation.objects.values_list("line_links__bank_line_id", "kind"))
    assert [kinds[line.pk] for line in lines] == ["partial", "overpayment", "kid", "duplicate"]


def test_at_95_percent_an_uneven_kid_payment_waits_on_the_screen(owner, company, account, customer, agreement):
    from avstem.reconciliation import automatic

    automation.set_automation(owner, company, account, on=True, min_confidence="0.95")
    short, short_item = invoice(owner, company, customer, 125000)
    exact, exact_item = invoice(owner, company, customer, 80000)
    partial = bank_line(account, 50000, kid=short.kid)
    bank_line(account, 80000, kid=exact.kid)

    automatic.run(company, trigger="sync")

    short_item.refresh_from_db()
    exact_item.refresh_from_db()
    assert (short_item.remaining, exact_item.remaining) == (125000, 0)
    assert LineProposal.objects.filter(bank_line=partial).order_by("rank").first().kind == "partial"


def test_with_automation_off_the_sync_only_proposes(monkeypatch, owner, company, account, customer, agreement):
    from avstem.banking import sync, tasks

    inv, item = invoice(owner, company, customer, 125000)
    paid = bank_line(account, 125000, kid=inv.kid)
    monkeypatch.setattr(sync, "run_sync", lambda run_id: agreement.sync_run)
    tasks.sync_agreement.call(agreement.sync_run.pk)
    assert not Reconciliation.objects.exists()
    proposal = LineProposal.objects.get(bank_line=paid)
    assert proposal.automatic and proposal.kind == "kid"


def test_a_failing_reconciliation_does_not_fail_the_sync(monkeypatch, owner, company, account, agreement):
    from avstem.banking import sync, tasks
    from avstem.reconciliation import automatic

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(sync, "run_sync", lambda run_id: agreement.sync_run)
    monkeypatch.setattr(automatic, "run", broken)
    assert tasks.sync_agreement.call(agreement.sync_run.pk).startswith("done")
    assert ReconciliationRun.objects.get().error == "RuntimeError: boom"


def test_a_runs_outcomes_give_each_lines_reasons_in_the_stored_form(owner, company, account, customer):
    """Each outcome keeps the engine's reasons and gives them in the stored form only when
    asked (a run of a million lines made a million of them that nobody read)."""
    from avstem.reconciliation import automatic
    from avstem.reconciliation.explanations import render

    inv, _item = invoice(owner, company, customer, 125000)
    paid = bank_line(account, 125000, kid=inv.kid)
    fee = bank_line(account, -4500, text="Ukjent trekk")
    result = automatic.run(company, apply_to={account.pk}, trigger="cli", job="test")

    by_line = {o.line_id: o for o in result.lines}
    assert by_line[paid.pk].outcome == "matched"
    assert by_line[paid.pk].explanation[0][0] == "kid_item"
    assert inv.kid in render(by_line[paid.pk].explanation, "en")
    assert by_line[fee.pk].outcome == "left" and render(by_line[fee.pk].explanation, "en")  # why nothing fits
