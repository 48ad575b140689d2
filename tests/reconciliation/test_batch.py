"""The automatic run's batch path gives what one-at-a-time gives: same vouchers, settlements and
links; a plan someone else got to first is refused alone; a ledger refusal falls back to one
plan at a time."""

from __future__ import annotations

import datetime

import pytest

from avstem.audit.models import AuditEntry
from avstem.ledger.models import Account, OpenItem, Settlement
from avstem.ledger.money import format_amount
from avstem.reconciliation import services
from avstem.reconciliation.batch import apply_many
from avstem.reconciliation.inputs import unreconciled_postings
from avstem.reconciliation.models import Method, ReconciledLine, Reconciliation
from avstem.reconciliation.plans import GLShare, Plan, Transfer
from tests.reconciliation.conftest import DAY, bank_line, invoice, supplier_invoice

pytestmark = pytest.mark.django_db


def test_batch_posts_settles_links_and_refuses_only_the_taken_line(company, owner, account, customer, supplier):
    _i1, item1 = invoice(owner, company, customer, 100000)
    _i2, item2 = invoice(owner, company, customer, 60000)
    _s1, sitem = supplier_invoice(owner, company, supplier, 80000)
    l1, l2, l3, l4 = (bank_line(account, 100000), bank_line(account, 60000), bank_line(account, -80000),
                      bank_line(account, -4500))
    services.post_and_reconcile(owner, company, l2.pk, account="3000")  # a user got to l2 first
    plans = [
        Plan(account.pk, [l1.pk], items=[(item1.pk, 100000)], method=Method.AUTOMATIC, kind="kid"),
        Plan(account.pk, [l2.pk], items=[(item2.pk, 60000)], method=Method.AUTOMATIC, kind="kid"),
        Plan(account.pk, [l3.pk], items=[(sitem.pk, -80000)], method=Method.AUTOMATIC, kind="end_to_end"),
        Plan(account.pk, [l4.pk], gl=[GLShare("7770", -4500)], method=Method.AUTOMATIC, kind="rule"),
    ]
    results = apply_many(None, company, plans, job="bank-sync")

    assert [bool(r.reconciliation) for r in results] == [True, False, True, True]
    assert "already reconciled" in results[1].error
    for item, left in ((item1, 0), (item2, 60000), (sitem, 0)):
        item.refresh_from_db()
        assert item.remaining == left
    assert not unreconciled_postings(account).exists()
    assert ReconciledLine.objects.filter(active=True).count() == 4
    assert Settlement.objects.count() == 2
    entries = AuditEntry.objects.filter(action="reconciliation.create", actor_label="job:bank-sync")
    assert entries.count() == 3
    # One entry per reconciliation: its voucher and settlements have none of their own, it holds theirs.
    assert not AuditEntry.objects.filter(action__in=["voucher.post", "settlement.create"], actor_label="job:bank-sync")
    first = results[0].reconciliation
    voucher = first.voucher
    changes = entries.get(object_id=str(first.pk)).changes
    assert changes["voucher"] == [None, voucher.display_number]
    assert changes["voucher_date"] == [None, voucher.date.isoformat()]
    assert changes["voucher_amount"] == [None, format_amount(100000)]
    assert changes[f"{item1.label} (#{item1.pk})"] == [format_amount(100000), format_amount(0)]
    payment = OpenItem.objects.get(posting__voucher=voucher)
    assert changes[f"{payment.label} (#{payment.pk})"] == [format_amount(-100000), format_amount(0)]
    # undo works on a batch reconciliation like on any other
    services.undo(owner, company, results[0].reconciliation.pk)
    item1.refresh_from_db()
    assert item1.remaining == 100000


def test_a_ledger_refusal_falls_back_to_one_plan_at_a_time(company, owner, account):
    from avstem.ledger.posting import lock_period

    early = bank_line(account, -1000, day=datetime.date(2025, 2, 10))
    late = bank_line(account, -2000, day=DAY)
    lock_period(owner, company, 2025, 2)
    results = apply_many(None, company, [
        Plan(account.pk, [early.pk], gl=[GLShare("7770", -1000)], method=Method.AUTOMATIC),
        Plan(account.pk, [late.pk], gl=[GLShare("7770", -2000)], method=Method.AUTOMATIC),
    ], job="test")
    assert results[0].reconciliation is None and "locked" in results[0].error
    assert results[1].reconciliation is not None


def test_own_transfer_with_its_other_side(company, owner, account):
    from avstem.banking.services import create_bank_account
    from avstem.ledger.chart import add_account

    add_account(owner, company, number="1921", name="Bank, sparekonto", account_type="asset")
    savings = create_bank_account(owner, company, nickname="Sparekonto", kind="operating", account_number="97100707563",
                                  gl_account=Account.objects.get(company=company, number="1921"))
    out = bank_line(account, -500000, text="Overføring til sparekonto")
    into = bank_line(savings, 500000, text="Overføring fra driftskonto")
    plan = Plan(account.pk, [out.pk, into.pk], transfers=[Transfer(savings.pk, "1921", -500000, into.pk)],
                method=Method.AUTOMATIC, kind="own_transfer")
    [result] = apply_many(None, company, [plan], job="test")
    assert result.reconciliation is not None, result.error
    assert not unreconciled_postings(account).exists() and not unreconciled_postings(savings).exists()
    rec = Reconciliation.objects.get()
    assert set(rec.line_links.values_list("bank_line_id", flat=True)) == {out.pk, into.pk}
    assert OpenItem.objects.count() == 0


def test_a_long_run_refreshes_the_planner_statistics_on_postgresql(monkeypatch, company, owner, account, customer):
    """Without fresh statistics PostgreSQL keeps the foreign-key checks it planned on near-empty
    tables (sequential scans) for the whole run: 100,000 lines took over ten minutes."""
    from django.db import connection

    from avstem.reconciliation import automatic

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no planner statistics to go stale")

    def reltuples() -> float:
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'ledger_settlement'")
            return cursor.fetchone()[0]

    before = reltuples()
    monkeypatch.setattr(automatic, "APPLY_CHUNK", 1)
    for _n in range(5):
        inv, _item = invoice(owner, company, customer, 10000)
        bank_line(account, 10000, kid=inv.kid)
    automatic.run(company, apply_to={account.pk})
    assert Settlement.objects.count() == 5
    assert before <= 0 < reltuples()  # analysed after 1, 2 and 4 chunks, in the caller's transaction


def test_a_run_reads_each_customer_once_not_once_per_batch(monkeypatch, company, owner, account, customer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from avstem.ledger.models import Customer
    from avstem.reconciliation import automatic

    monkeypatch.setattr(automatic, "APPLY_CHUNK", 1)
    for _n in range(3):
        inv, _item = invoice(owner, company, customer, 10000)
        bank_line(account, 10000, kid=inv.kid)
    table = Customer._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        result = automatic.run(company, apply_to={account.pk})
    assert result.counts()["matched"] == 3 and Settlement.objects.count() == 3
    assert len([q for q in queries if f'FROM "{table}"' in q["sql"]]) == 1


def test_the_run_keeps_the_collector_off_from_load_to_store_and_leaves_its_objects_old(monkeypatch, company, owner,
                                                                                      account, customer):
    """Every collection during a run walked all the engine's inputs and results and every earlier
    batch's objects again (a fifth of the apply time at 100k lines, and the first collection after
    the load and after the engine about 3 s at 1M): the collector stays off from the load to the
    stored proposals, and what the run made ends in the oldest generation, not frozen."""
    import gc

    from avstem import matching
    from avstem.reconciliation import automatic, batch, inputs

    invoices = [invoice(owner, company, customer, 10000 * (n + 1)) for n in range(3)]
    lines = [bank_line(account, 10000 * (n + 1), kid=inv.kid) for n, (inv, _item) in enumerate(invoices)]
    monkeypatch.setattr(automatic, "APPLY_CHUNK", 2)
    seen = []

    def watch(module, name):
        real = getattr(module, name)

        def watched(*args, **kwargs):
            seen.append((name, gc.isenabled()))
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, watched)

    for module, name in ((inputs, "bank_lines"), (inputs, "open_items"), (matching, "reconcile"),
                         (batch, "apply_many"), (automatic, "store")):
        watch(module, name)
    frozen_before = gc.get_freeze_count()
    assert gc.isenabled()
    result = automatic.run(company, apply_to={account.pk}, trigger="cli", job="test")

    assert result.counts()["matched"] == len(lines)
    assert seen == [("bank_lines", False), ("open_items", False), ("reconcile", False), ("apply_many", False),
                    ("apply_many", False), ("store", False)]  # two batches, of two lines and one
    assert gc.isenabled() and gc.get_freeze_count() == frozen_before
    outcome = result.lines[0]
    assert gc.is_tracked(outcome)
    assert not any(o is outcome for o in gc.get_objects(generation=0) + gc.get_objects(generation=1))
    assert any(o is outcome for o in gc.get_objects(generation=2))


def test_a_run_leaves_frozen_what_was_frozen_before_it(company, account):
    """A server may freeze its objects before it forks: the run does not unfreeze them."""
    import gc

    from avstem.reconciliation import automatic

    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        automatic.run(company, apply_to={account.pk}, trigger="cli", job="test")
        assert gc.get_freeze_count() >= frozen and gc.isenabled()
    finally:
        gc.unfreeze()


def test_on_sqlite_a_run_of_many_batches_spaces_its_checkpoints_and_gives_the_setting_back(monkeypatch, company, owner,
                                                                                          account, customer):
    """SQLite copied its log back into the database after every batch of a big run (1,000 pages
    by default); the run's batches space the checkpoints out, and the connection's setting
    comes back at the end."""
    from django.db import connection

    from avstem.reconciliation import automatic, batch

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: PostgreSQL checkpoints by its server's settings")

    def setting():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_autocheckpoint")
            return cursor.fetchone()[0]

    invoices = [invoice(owner, company, customer, 10000 * (n + 1)) for n in range(3)]
    for n, (inv, _item) in enumerate(invoices):
        bank_line(account, 10000 * (n + 1), kid=inv.kid)
    monkeypatch.setattr(automatic, "APPLY_CHUNK", 2)
    before, seen, real = setting(), [], batch.apply_many

    def watched(*args, **kwargs):
        seen.append(setting())
        return real(*args, **kwargs)

    monkeypatch.setattr(batch, "apply_many", watched)
    result = automatic.run(company, apply_to={account.pk}, trigger="cli", job="test")

    assert result.counts()["matched"] == 3
    assert seen == [automatic.WAL_CHECKPOINT_PAGES] * 2 != [before] * 2
    assert setting() == before


def test_a_big_run_grows_its_batches_so_that_it_has_at_most_apply_batches_of_them(monkeypatch, company, owner, account,
                                                                                  customer):
    """Every commit writes each page its batch touched: with a million lines a batch of the
    usual size touched a fresh index page for almost every row, so a big run takes bigger
    batches, as many as APPLY_BATCHES, and a small one keeps APPLY_CHUNK."""
    from avstem.reconciliation import automatic, batch

    invoices = [invoice(owner, company, customer, 10000 * (n + 1)) for n in range(7)]
    for n, (inv, _item) in enumerate(invoices):
        bank_line(account, 10000 * (n + 1), kid=inv.kid)
    sizes, real = [], batch.apply_many

    def watched(actor, company, plans, **kwargs):
        sizes.append(len(plans))
        return real(actor, company, plans, **kwargs)

    monkeypatch.setattr(batch, "apply_many", watched)
    monkeypatch.setattr(automatic, "APPLY_CHUNK", 2)
    monkeypatch.setattr(automatic, "APPLY_BATCHES", 3)
    result = automatic.run(company, apply_to={account.pk}, trigger="cli", job="test")
    assert result.counts()["matched"] == 7
    assert sizes == [3, 3, 1]  # 7 lines in at most 3 batches: 3 per batch, not APPLY_CHUNK's 2

    sizes.clear()
    monkeypatch.setattr(automatic, "APPLY_BATCHES", 50)
    for n in range(3):
        inv, _item = invoice(owner, company, customer, 20000 * (n + 1))
        bank_line(account, 20000 * (n + 1), kid=inv.kid)
    assert automatic.run(company, apply_to={account.pk}, trigger="cli", job="test").counts()["matched"] == 3
    assert sizes == [2, 1]  # few lines: batches of APPLY_CHUNK


def test_a_payments_open_item_is_written_once_with_what_remains_of_it(monkeypatch, company, owner, account, customer):
    """The batch settles each payment it posts before writing the payment's open item: one
    insert with what remains (nothing, or an overpayment's rest), not an insert and an update.
    The invoices it settles are updated as before, and an undo gives everything back."""
    from avstem.ledger import subledger

    _i1, item1 = invoice(owner, company, customer, 100000)
    _i2, item2 = invoice(owner, company, customer, 50000)
    l1, l2 = bank_line(account, 100000), bank_line(account, 65000)  # l2 pays 15,000 more than invoice 2
    plans = [Plan(account.pk, [l1.pk], items=[(item1.pk, 100000)], method=Method.AUTOMATIC, kind="kid"),
             Plan(account.pk, [l2.pk], items=[(item2.pk, 50000)], unapplied=[("customer", customer.pk, 15000)],
                  method=Method.AUTOMATIC, kind="kid")]
    updated, real = [], subledger.update_column

    def watched(model, name, values):
        updated.extend(pk for pk, _value in values)
        return real(model, name, values)

    monkeypatch.setattr(subledger, "update_column", watched)
    results = apply_many(None, company, plans, job="bank-sync")

    payments = {r.plan.line_ids[0]: OpenItem.objects.get(posting__voucher=r.reconciliation.voucher)
                for r in results}
    assert (payments[l1.pk].amount, payments[l1.pk].remaining) == (-100000, 0)
    assert (payments[l2.pk].amount, payments[l2.pk].remaining) == (-65000, -15000)  # the overpayment stays open
    assert sorted(updated) == sorted([item1.pk, item2.pk])  # the invoices only: the payments were written settled
    for item in (item1, item2):
        item.refresh_from_db()
        assert item.remaining == 0
    services.undo(owner, company, results[1].reconciliation.pk)
    item2.refresh_from_db()
    assert item2.remaining == 50000
