"""Reconciliation objects of one tenant, for the company-isolation walk
(tests/foundation/test_isolation.py). Made after the ledger's and the banking's objects."""

from __future__ import annotations

import datetime

OBJECT_PARAMETERS = {
    "bank_line_id": "recon_line",
    "reconciliation_id": "reconciliation",
    "rule_id": "rule",
    "sign_off_id": "sign_off",
    "proposal_id": "proposal",
}


def make_objects(tenant) -> None:
    from avstem.banking.lines import create_manual_line
    from avstem.ledger.models import Account
    from avstem.reconciliation import rules, services, signoff
    from avstem.reconciliation.models import AutomationSetting, LineProposal

    company, owner = tenant.company, tenant.owner
    account = tenant.objects["bank_account"]
    line = create_manual_line(owner, account, date=datetime.date(2025, 2, 4), amount=-4500, text="Gebyr B")
    tenant.objects["recon_line"] = line
    tenant.objects["proposal"] = LineProposal.objects.create(
        bank_line=line, bank_account=account, rank=0, kind="rule", confidence=0.8,
        targets=[["gl", "7770", -4500, "", "", "Gebyr"]], explanation=[["rule", "Gebyr B"]])
    reconciled = create_manual_line(owner, account, date=datetime.date(2025, 2, 5), amount=-9900, text="Kortgebyr B")
    tenant.objects["reconciliation"] = services.post_and_reconcile(owner, company, reconciled.pk, account="7770")
    tenant.objects["rule"] = rules.create_rule(owner, company, name="Gebyr B", text_contains="gebyr",
                                               account=Account.objects.get(company=company, number="7770"))
    tenant.objects["sign_off"] = signoff.sign_off(owner, company, account, datetime.date(2025, 1, 31))
    AutomationSetting.objects.create(company=company, bank_account=account, min_confidence="0.950")


def state(tenant) -> tuple:
    from avstem.reconciliation.models import (
        AutomationSetting, BankRule, LineProposal, ReconciledLine, Reconciliation, SignOff,
    )

    company = tenant.company
    return (
        tuple(Reconciliation.objects.filter(company=company).values_list("pk", "undone_at").order_by("pk")),
        tuple(ReconciledLine.objects.filter(reconciliation__company=company).values_list("pk", "active").order_by("pk")),
        tuple(BankRule.objects.filter(company=company).values_list("pk", "name", "order", "active", "account_id",
                                                                   "text_contains").order_by("pk")),
        tuple(SignOff.objects.filter(company=company).values_list("pk", "revoked_at").order_by("pk")),
        tuple(AutomationSetting.objects.filter(company=company).values_list("pk", "min_confidence")),
        LineProposal.objects.filter(bank_account__company=company).count(),
    )
