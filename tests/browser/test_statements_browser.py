"""See statements (R5.4) in the browser: more lines than one page, paged server-side; page 2 and
its paging bar. Screenshot: test-artifacts/bank-statements-page-2.png."""

from __future__ import annotations

import datetime

import pytest

from tests.browser.conftest import screenshot
from tests.conftest import PASSWORD, make_tenant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_statements_are_paged(page):
    from avstem.banking.models import BankLine
    from avstem.banking.services import create_bank_account
    from avstem.ledger.chart import ensure_chart
    from avstem.ledger.models import Account

    alfa = make_tenant("Fjellbekk Bakeri AS", "923456783", "kari@example.no")
    ensure_chart(alfa.company)
    account = create_bank_account(alfa.owner, alfa.company, nickname="Driftskonto", kind="operating",
                                  account_number="86011117947",
                                  gl_account=Account.objects.get(company=alfa.company, number="1920"),
                                  is_default_operating=True)
    first = datetime.date(2025, 1, 1)
    BankLine.objects.bulk_create([
        BankLine(company=alfa.company, bank_account=account, status="booked", amount=10000 + n * 100,
                 date=first + datetime.timedelta(days=n // 3), booking_date=first + datetime.timedelta(days=n // 3),
                 ref=f"R{n:04d}", description=f"Betaling {n + 1}", counterparty_name="Kafé Solsiden AS",
                 source="camt053", sources="camt053")
        for n in range(205)])

    page.goto("/login/")
    page.get_by_label("E-post").fill("kari@example.no")
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url("**/")
    page.goto(f"/c/{alfa.company.pk}/bank/accounts/{account.pk}/statements/")
    body = page.locator("main").inner_text()
    assert "Side 1 av 3" in body and "Betaling 205" in body and "Betaling 105" not in body
    pagers = page.locator("[data-testid=statement-pages]")
    table = page.locator("[data-testid=statement-lines]").bounding_box()
    assert pagers.count() == 2  # above the lines too: no scrolling past 100 lines to turn the page
    assert pagers.first.bounding_box()["y"] < table["y"] < pagers.last.bounding_box()["y"]
    page.get_by_role("link", name="Eldre").first.click()
    page.wait_for_url("**page=2")
    body = page.locator("main").inner_text()
    assert "Side 2 av 3" in body and "Betaling 105" in body and "Betaling 205" not in body
    screenshot(page, "bank-statements-page-2")
