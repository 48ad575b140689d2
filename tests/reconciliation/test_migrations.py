"""Migrations that move data: nothing a reconciliation recorded is lost, either way."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from avstem.reconciliation import automatic, services
from avstem.reconciliation.models import Reconciliation
from tests.reconciliation.conftest import bank_line, invoice

LINK_TABLE = ("reconciliation", "0002_lean_indexes")
COLUMNS = ("reconciliation", "0003_voucher_on_reconciliation")


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


@pytest.mark.django_db(transaction=True)
def test_the_posted_voucher_and_its_reversal_move_between_link_rows_and_columns(company, owner, account, customer):
    """0003 moves PostedVoucher rows into Reconciliation.voucher and .reversal; going back makes
    the link rows again."""
    undone_inv, _item = invoice(owner, company, customer, 50000)
    kept_inv, _item = invoice(owner, company, customer, 70000)
    bank_line(account, 50000, kid=undone_inv.kid)
    bank_line(account, 70000, kid=kept_inv.kid)
    automatic.run(company, apply_to={account.pk})
    undone, kept = Reconciliation.objects.filter(voucher__isnull=False).order_by("amount")
    services.undo(owner, company, undone.pk)
    undone.refresh_from_db()
    Reconciliation.objects.create(company=company, bank_account=account, method="manual", date=undone.date)
    expected = {undone.pk: (undone.voucher_id, undone.reversal_id), kept.pk: (kept.voucher_id, None)}
    assert undone.reversal_id is not None
    # the undo's pairing of posting and reversal, and the one by hand, posted nothing
    others = {pk: (None, None) for pk in Reconciliation.objects.exclude(pk__in=expected).values_list("pk", flat=True)}
    assert len(others) == 2

    try:
        apps = _migrate(LINK_TABLE)
        PostedVoucher = apps.get_model("reconciliation", "PostedVoucher")
        links = PostedVoucher.objects.values_list("reconciliation_id", "voucher_id", "reversal_id")
        assert {r: (v, rev) for r, v, rev in links} == expected
        # a reconciliation with two vouchers has no place in the columns: refused, nothing moved
        twice = PostedVoucher.objects.create(reconciliation_id=kept.pk, voucher_id=undone.voucher_id)
        with pytest.raises(RuntimeError, match=f"reconciliation {kept.pk} posted more than one voucher"):
            _migrate(COLUMNS)
        assert PostedVoucher.objects.count() == 3
        twice.delete()
    finally:
        _migrate(COLUMNS)

    stored = {pk: (v, rev) for pk, v, rev in Reconciliation.objects.filter(company=company).values_list(
        "pk", "voucher_id", "reversal_id")}
    assert stored == {**expected, **others}
