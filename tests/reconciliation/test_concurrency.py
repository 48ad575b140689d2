"""Two users (or a user and the automatic run) reconciling the same line at once: one wins, the
other is told who did, and nothing is posted twice. PostgreSQL only: SQLite lets one writer in at
a time, so it cannot race."""

from __future__ import annotations

import random
import threading

import pytest
from django.db import connection

from avstem.banking.models import BankLine
from avstem.ledger.models import OpenItem, Voucher
from avstem.reconciliation import automatic, services
from avstem.reconciliation.errors import AlreadyReconciled, ReconciliationError
from avstem.reconciliation.models import ReconciledLine, Reconciliation
from tests.reconciliation.conftest import bank_line, invoice

pytestmark = pytest.mark.postgres


def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite lets one writer in at a time, so it cannot race "
                    "(run with DATABASE_URL=postgres://...)")


def _race(workers):
    barrier = threading.Barrier(len(workers))
    errors: list[BaseException] = []

    def run(work):
        from django.utils import translation

        try:
            barrier.wait()
            with translation.override("en"):  # a thread starts with no language of its own
                work()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def test_two_users_post_the_same_lines_one_wins_each_time(transactional_db, company, owner, account):
    _needs_postgres()
    lines = [bank_line(account, -1000 - n, text=f"Gebyr {n}") for n in range(12)]
    THREADS = 6
    won, told = [], []

    def user(seed: int):
        def work():
            order = [line.pk for line in lines]
            random.Random(seed).shuffle(order)
            for line_id in order:
                try:
                    services.post_and_reconcile(owner, company, line_id, account="7770")
                    won.append(line_id)
                except AlreadyReconciled as exc:
                    told.append(str(exc))
        return work

    _race([user(seed) for seed in range(THREADS)])

    assert sorted(won) == sorted(line.pk for line in lines)  # every line exactly once
    assert len(told) == len(lines) * (THREADS - 1)
    assert all("was reconciled by a@example.no" in message for message in told), told[:3]
    assert Voucher.objects.filter(company=company, series="bank").count() == len(lines)
    assert ReconciledLine.objects.filter(active=True).count() == len(lines)
    assert set(BankLine.objects.values_list("reconciliation_status", flat=True)) == {"reconciled"}


def test_user_and_automatic_run_on_the_same_payments(transactional_db, company, owner, account, customer):
    _needs_postgres()
    pairs = []
    for n in range(30):
        inv, item = invoice(owner, company, customer, 10000 + n)
        pairs.append((bank_line(account, 10000 + n, kid=inv.kid, name="Kafé Solsiden AS"), item))
    refused = []

    def automatic_run():
        automatic.run(company, apply_to={account.pk}, job="bank-sync")

    def user():
        for line, item in reversed(pairs):
            try:
                services.reconcile(owner, company, account, line_ids=[line.pk], items=[item.pk])
            except ReconciliationError as exc:
                refused.append(str(exc))

    _race([automatic_run, user])

    assert BankLine.objects.filter(reconciliation_status="reconciled").count() == len(pairs)
    for line, item in pairs:
        assert ReconciledLine.objects.filter(bank_line=line, active=True).count() == 1
        item.refresh_from_db()
        assert item.remaining == 0
    # one payment voucher per line, whoever won it; every refusal said why
    assert Voucher.objects.filter(company=company, series="bank").count() == len(pairs)
    assert Reconciliation.objects.count() == len(pairs)
    assert OpenItem.objects.filter(company=company, remaining__lt=0).count() == 0
    assert all("reconciled by" in m or "already settled" in m for m in refused), refused
    # the user tried every line: each one they did not win, they were told the run had it
    assert len(refused) == Reconciliation.objects.filter(method="automatic").count()


def test_batches_in_two_connections_wait_for_each_other_on_a_shared_item(transactional_db, company, owner, account,
                                                                          customer, monkeypatch):
    """The automatic run applies its batches in two connections at once on PostgreSQL. Batches
    that settle the same open item take turns on its lock: the first two halves of an invoice
    both settle it, a third payment of it is refused, and nothing is posted twice."""
    _needs_postgres()
    from django.utils import translation

    from avstem.ledger.models import Settlement
    from avstem.reconciliation.models import Method
    from avstem.reconciliation.plans import Plan

    used = set()
    real = automatic.apply_batches.__globals__["_in_connections"]

    def spy(work, count, connections):
        def traced(n):
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                used.add(cursor.fetchone()[0])
            return work(n)
        return real(traced, count, connections)

    monkeypatch.setattr(automatic, "_in_connections", spy)
    _inv, item = invoice(owner, company, customer, 100000)
    others = [invoice(owner, company, customer, 5000 + n)[1] for n in range(6)]
    halves = [bank_line(account, 50000, text=f"Del {n}") for n in range(3)]
    small = [bank_line(account, other.remaining, text=f"Faktura {n}") for n, other in enumerate(others)]
    batches = [[Plan(account.pk, [line.pk], items=[(item.pk, 50000)], method=Method.AUTOMATIC)] +
               [Plan(account.pk, [line.pk], items=[(other.pk, other.remaining)], method=Method.AUTOMATIC)
                for line, other in zip(small[n * 2:n * 2 + 2], others[n * 2:n * 2 + 2], strict=True)]
               for n, line in enumerate(halves)]
    with translation.override("en"):
        results = automatic.apply_batches(None, company, batches, job="test")

    assert len(used) == 2  # two connections of their own, not the caller's
    done = [r for batch in results for r in batch if r.reconciliation is not None]
    refused = [r for batch in results for r in batch if r.reconciliation is None]
    assert len(done) == 8 and len(refused) == 1
    assert refused[0].plan.items == [(item.pk, 50000)] and "settled in full" in refused[0].error
    item.refresh_from_db()
    assert item.remaining == 0
    assert all(o.remaining == 0 for o in OpenItem.objects.filter(pk__in=[o.pk for o in others]))
    assert Settlement.objects.count() == 8 and Voucher.objects.filter(series="bank").count() == 8
    # in the caller's language, though a thread starts with none
    assert set(Voucher.objects.filter(series="bank").values_list("description", flat=True)) == {
        f"Payment from {customer.name}"}
