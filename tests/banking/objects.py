"""Banking objects of one tenant, for the company-isolation walk (tests/foundation/test_isolation.py)."""

from __future__ import annotations

OBJECT_PARAMETERS = {"bank_account_id": "bank_account"}


def make_objects(tenant) -> None:
    from avstem.banking.services import create_bank_account
    from avstem.ledger.chart import ensure_chart
    from avstem.ledger.models import Account

    ensure_chart(tenant.company)
    tenant.objects["bank_account"] = create_bank_account(
        tenant.owner, tenant.company, nickname="Drift B", kind="operating", account_number="86011117947",
        gl_account=Account.objects.get(company=tenant.company, number="1920"), is_default_operating=True,
    )


def state(tenant) -> tuple:
    from avstem.banking.models import BankAccount

    return tuple(
        BankAccount.objects.filter(company=tenant.company)
        .values_list("pk", "nickname", "account_number", "gl_account_id", "active", "is_default_operating")
        .order_by("pk")
    )
