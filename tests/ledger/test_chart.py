"""The chart of accounts per company: created with the company, extended and deactivated by users."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from avstem.audit.models import AuditEntry
from avstem.ledger import chart
from avstem.ledger.errors import LedgerError
from avstem.ledger.models import Account, LedgerSettings


def test_a_new_company_gets_the_standard_chart_and_settings(company):
    accounts = Account.objects.filter(company=company)
    assert accounts.count() == 745 and accounts.filter(standard=True, active=True).count() == 745
    bank = accounts.get(number="1920")
    assert (bank.account_type, bank.is_bank, bank.grouping_category, bank.grouping_code) == ("asset", True, "balanseverdiForOmloepsmiddel", "1920")
    assert LedgerSettings.objects.get(company=company).kid_algorithm == "MOD10"
    assert chart.ensure_chart(company) == 0  # idempotent


def test_companies_from_before_the_ledger_get_their_chart(company):
    Account.objects.filter(company=company).delete()
    LedgerSettings.objects.filter(company=company).delete()
    migration = importlib.import_module("avstem.ledger.migrations.0004_chart_for_existing_companies")
    migration.forwards(apps, None)
    assert Account.objects.filter(company=company).count() == 745
    assert LedgerSettings.objects.filter(company=company).exists()


def test_add_an_account(company, owner):
    account = chart.add_account(owner, company, number="1921", name="Bank, sparekonto", is_bank=True)
    assert (account.account_type, account.grouping_code, account.standard) == ("asset", "1920", False)
    income = chart.add_account(owner, company, number="30301", name="Salg bakervarer kafé", vat_code="31")
    assert (income.account_type, income.grouping_category, income.grouping_code) == ("revenue", "salgsinntekt", "3000")
    assert AuditEntry.objects.filter(company=company, action="account.create").count() == 2
    with pytest.raises(LedgerError, match="Account 1921 already exists."):
        chart.add_account(owner, company, number="1921", name="Igjen")
    with pytest.raises(LedgerError, match="4 to 6 digits"):
        chart.add_account(owner, company, number="19", name="Kort")
    with pytest.raises(LedgerError, match="Unknown VAT code 99"):
        chart.add_account(owner, company, number="3031", name="Feil", vat_code="99")


def test_deactivate_and_change_an_account(company, owner):
    from datetime import date

    from avstem.ledger.posting import Line, NewVoucher, post_voucher

    account = Account.objects.get(company=company, number="6800")
    chart.update_account(owner, account, active=False, name="Kontorrekvisita og porto")
    account.refresh_from_db()
    assert not account.active and account.name == "Kontorrekvisita og porto"
    entry = AuditEntry.objects.get(company=company, action="account.update")
    assert entry.changes["active"] == [True, False]
    chart.update_account(owner, account, active=True)
    post_voucher(owner, company, NewVoucher(date=date(2025, 2, 1), description="x", lines=[Line("6800", 1), Line("1920", -1)]))
    with pytest.raises(LedgerError, match="has postings: its type cannot change"):
        chart.update_account(owner, account, account_type="asset")
    with pytest.raises(TypeError):
        chart.update_account(owner, account, number="6801")
