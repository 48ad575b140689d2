"""Ledger fixtures: a company with its chart (created by the ledger's post-create hook),
a customer and a supplier."""

from __future__ import annotations

import datetime

import pytest

D = datetime.date


@pytest.fixture
def company(tenant_a):
    return tenant_a.company


@pytest.fixture
def owner(tenant_a):
    return tenant_a.owner


@pytest.fixture
def customer(company, owner):
    from avstem.ledger.subledger import create_customer

    return create_customer(owner, company, name="Kafé Solsiden AS", org_number="923456783", email="post@solsiden.no")


@pytest.fixture
def supplier(company, owner):
    from avstem.ledger.models import Account
    from avstem.ledger.subledger import create_supplier

    return create_supplier(
        owner, company, name="Mølle Mel AS", bank_account="86011117947",
        default_account=Account.objects.get(company=company, number="4030"),
    )


@pytest.fixture(autouse=True)
def english():
    """Service messages are asserted in their English source text; one test checks Norwegian."""
    from django.utils import translation

    with translation.override("en"):
        yield
