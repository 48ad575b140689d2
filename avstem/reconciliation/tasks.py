"""Background work of the reconciliation context (django-tasks; arguments are JSON: ids only)."""

from __future__ import annotations

from django_tasks import task


@task()
def reconcile_account(company_id: int, bank_account_id: int, job: str = "bank-sync") -> str:
    """The automatic reconciliation of one account, as after a sync."""
    from avstem.banking.models import BankAccount

    from .automatic import reconcile_after_sync

    account = BankAccount.objects.select_related("company").get(pk=bank_account_id, company_id=company_id)
    result = reconcile_after_sync(account.company, account, job=job)
    counts = result.counts()
    return f"{counts['matched']} matched, {counts['proposed']} proposed, {counts['left']} left"
