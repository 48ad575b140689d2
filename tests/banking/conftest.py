"""Fixtures for the banking tests: a company with its chart and one operating account."""

from __future__ import annotations

import pytest

NUMBER = "86011117947"
IBAN = "NO9386011117947"


@pytest.fixture
def company(tenant_a):
    from avstem.ledger.chart import ensure_chart

    ensure_chart(tenant_a.company)
    return tenant_a.company


@pytest.fixture
def account(tenant_a, company):
    from avstem.banking.services import create_bank_account
    from avstem.ledger.models import Account

    return create_bank_account(tenant_a.owner, company, nickname="Drift", kind="operating", account_number=NUMBER,
                               gl_account=Account.objects.get(company=company, number="1920"),
                               is_default_operating=True)
