"""Banking objects of one tenant, for the company-isolation walk (tests/foundation/test_isolation.py)."""

from __future__ import annotations

import datetime

OBJECT_PARAMETERS = {
    "bank_account_id": "bank_account",
    "agreement_id": "agreement",
    "line_id": "line",
    "import_id": "import",
    "run_id": "run",
}


def make_objects(tenant) -> None:
    from avstem.banking.agreements import order_file_agreement
    from avstem.banking.banks import bank_of_account
    from avstem.banking.lines import create_manual_line
    from avstem.banking.models import ImportBatch, ImportStatus, RunKind, SyncRun
    from avstem.banking.services import create_bank_account
    from avstem.ledger.chart import ensure_chart
    from avstem.ledger.models import Account

    ensure_chart(tenant.company)
    account = create_bank_account(
        tenant.owner, tenant.company, nickname="Drift B", kind="operating", account_number="86011117947",
        gl_account=Account.objects.get(company=tenant.company, number="1920"), is_default_operating=True,
    )
    tenant.objects["bank_account"] = account
    tenant.objects["line"] = create_manual_line(tenant.owner, account, date=datetime.date(2025, 2, 3), amount=12300,
                                                text="Manuell linje B")
    agreement = order_file_agreement(tenant.owner, tenant.company, bank_of_account(account.account_number), [account],
                                     on=datetime.date(2025, 3, 3))
    tenant.objects["agreement"] = agreement
    tenant.objects["import"] = ImportBatch.objects.create(company=tenant.company, kind="csv", file_name="b.csv",
                                                          status=ImportStatus.DONE)
    tenant.objects["run"] = SyncRun.objects.create(agreement=agreement, kind=RunKind.MANUAL,
                                                   run_date=datetime.date(2025, 3, 4))


def state(tenant) -> tuple:
    from avstem.banking.models import AgreementAccount, BankAccount, BankAgreement, BankLine, SyncRun

    company = tenant.company
    return (
        tuple(BankAccount.objects.filter(company=company)
              .values_list("pk", "nickname", "account_number", "gl_account_id", "active", "is_default_operating")
              .order_by("pk")),
        tuple(BankAgreement.objects.filter(company=company)
              .values_list("pk", "status", "tokens", "deactivated_on", "active_from").order_by("pk")),
        tuple(AgreementAccount.objects.filter(agreement__company=company)
              .values_list("pk", "active", "services", "auto_reconcile").order_by("pk")),
        tuple(BankLine.objects.filter(company=company)
              .values_list("pk", "amount", "deleted_at", "reconciliation_status").order_by("pk")),
        SyncRun.objects.filter(agreement__company=company).count(),
    )
