"""Settings > Bank accounts: the bank, BIC and IBAN appear as the account number is typed."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot
from tests.conftest import PASSWORD, make_tenant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_typing_an_account_number_fills_in_the_bank(page):
    from avstem.banking.models import BankAccount
    from avstem.ledger.chart import ensure_chart

    alfa = make_tenant("Alfa Handel AS", "923456783", "kari@example.no")
    ensure_chart(alfa.company)
    page.goto("/login/")
    page.get_by_label("E-post").fill("kari@example.no")
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.goto(f"/c/{alfa.company.pk}/settings/bank-accounts/")
    page.get_by_role("link", name="Legg til bankkonto").click()

    page.get_by_label("Kallenavn").fill("Drift DNB")
    page.get_by_label("Kontonummer").press_sequentially("8601 11 17947", delay=20)
    details = page.get_by_test_id("bank-details")
    details.wait_for()
    assert "NO9386011117947" in details.inner_text()
    page.get_by_label("Type").select_option("tax_withholding")
    page.wait_for_function("document.querySelector('#id_gl_account').selectedOptions[0].text.startsWith('1950')")
    page.get_by_label("Type").select_option("operating")
    page.wait_for_function("document.querySelector('#id_gl_account').selectedOptions[0].text.startsWith('1920')")
    screenshot(page, "bank-account-form")
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_selector("text=Bankkontoen er lagret.")
    screenshot(page, "bank-accounts-list")
    account = BankAccount.objects.get(company=alfa.company)
    assert account.iban == "NO9386011117947" and account.gl_account.number == "1920"
