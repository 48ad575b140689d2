"""Accounting in the browser: log in, write an invoice, post it, find its open item."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot
from tests.conftest import PASSWORD, make_tenant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_post_an_invoice_and_see_its_open_item(page):
    from avstem.ledger.models import Invoice
    from avstem.ledger.subledger import create_customer

    alfa = make_tenant("Alfa Handel AS", "923456783", "kari@example.no")
    customer = create_customer(alfa.owner, alfa.company, name="Kafé Solsiden AS", org_number="974760673")
    page.goto("/login/")
    page.get_by_label("E-post").fill("kari@example.no")
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()

    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Fakturaer").click()
    page.get_by_role("link", name="Ny faktura").click()
    page.get_by_label("Kunde").select_option(label=str(customer))
    page.get_by_label("Fakturadato").fill("03.03.2025")
    line = page.locator("tr.line").first
    line.locator("input[name$='-description']").fill("Kanelboller (12 stk)")
    line.locator("input[name$='-quantity']").fill("10")
    line.locator("input[name$='-unit_price']").fill("144,00")
    line.locator("select[name$='-account']").select_option("3030")
    line.locator("select[name$='-vat_code']").select_option("31")
    page.wait_for_function("document.querySelector('#sum-net').textContent.replace(/\\s/g, '') === '1440,00'")
    screenshot(page, "ledger-invoice-form")
    page.get_by_role("button", name="Bokfør faktura").click()

    invoice = Invoice.objects.get(company=alfa.company)
    page.wait_for_selector(f"text=Faktura 1 ble bokført med KID {invoice.kid}.")
    assert invoice.gross_amount == 165600 and invoice.kid.startswith("10000000001")
    body = page.locator("main").inner_text().replace("\u00a0", " ")
    assert "1 656,00" in body and "Å betale" in body
    screenshot(page, "ledger-invoice")

    page.get_by_role("link", name="Åpne poster").click()
    report = page.locator("main table").inner_text().replace("\u00a0", " ")
    assert "10000 Kafé Solsiden AS" in report and invoice.kid in report and "1 656,00" in report
    screenshot(page, "ledger-open-items")
