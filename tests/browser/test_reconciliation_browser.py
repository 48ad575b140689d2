"""The reconciliation screen in the browser (issue 7, point 10): a many-to-one reconciliation by
hand, post and reconcile of a fee line, accepting a proposal, undo; the report. Screenshots go
to test-artifacts/reconciliation-*.png."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from tests.browser.conftest import screenshot
from tests.conftest import PASSWORD, make_tenant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = datetime.date(2025, 3, 10)


def _world():
    from avstem.banking.models import BankLine, BankLineDetail, DailyBalance
    from avstem.banking.services import create_bank_account
    from avstem.ledger import invoicing
    from avstem.ledger.chart import ensure_chart
    from avstem.ledger.models import Account
    from avstem.ledger.posting import Line, NewVoucher, post_voucher
    from avstem.ledger.subledger import create_customer, create_supplier
    from avstem.reconciliation import automatic

    alfa = make_tenant("Fjellbekk Bakeri AS", "923456783", "kari@example.no")
    company, owner = alfa.company, alfa.owner
    ensure_chart(company)
    account = create_bank_account(owner, company, nickname="Driftskonto", kind="operating", account_number="86011117947",
                                  gl_account=Account.objects.get(company=company, number="1920"), is_default_operating=True)
    solsiden = create_customer(owner, company, name="Kafé Solsiden AS", org_number="974760673")
    lokka = create_customer(owner, company, name="Grünerløkka Kaffebar AS")
    create_supplier(owner, company, name="Østlandske Mølle AS", bank_account="97100707563")

    def invoice(customer, amount, day):
        inv = invoicing.create_invoice(owner, company, customer=customer, invoice_date=day, post=True,
                                       lines=[invoicing.InvoiceLineInput("Brød og bakst", Decimal(1), amount,
                                                                         account="3000", vat_code="")])
        return inv

    invoice(solsiden, 100000, datetime.date(2025, 2, 10))
    invoice(solsiden, 75000, datetime.date(2025, 2, 17))
    invoice(lokka, 48250, datetime.date(2025, 2, 20))
    for n in range(3):
        invoice(lokka, 31000 + n * 1000, datetime.date(2025, 2, 1 + n))
    post_voucher(owner, company, NewVoucher(date=DAY - datetime.timedelta(days=2), description="Kontantsalg lørdag",
                                            lines=[Line("1920", 64000), Line("3000", -64000)], series="bank"))

    def line(amount, text, name="", day=DAY):
        made = BankLine.objects.create(company=company, bank_account=account, status="booked", amount=amount, date=day,
                                       booking_date=day, ref=f"R{amount}{day:%d}", description=text, counterparty_name=name,
                                       source="camt053", sources="camt053")
        BankLineDetail.objects.create(line=made, n=0, amount=amount, remittance=text, counterparty_name=name)
        return made

    line(175000, "Innbetaling faktura 1 og 2", "Kafé Solsiden AS")
    line(-4500, "Gebyr nettbank mars")
    line(48250, "Betaling", "Grunerløkka Kaffebar")
    line(64000, "Innskudd kontanter", day=DAY - datetime.timedelta(days=1))
    line(-89900, "VISA 4412 COOP MEGA OSLO")
    DailyBalance.objects.create(bank_account=account, date=datetime.date(2025, 3, 1), opening_booked=0, closing_booked=0,
                                source="camt053")
    DailyBalance.objects.create(bank_account=account, date=DAY, opening_booked=0, closing_booked=175000 - 4500 + 48250 + 64000 - 89900,
                                source="camt053")
    automatic.run(company, apply_to=set())
    return alfa, account


def _login(page):
    page.goto("/login/")
    page.get_by_label("E-post").fill("kari@example.no")
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()


def _selected(page, bank: str, ledger: str) -> None:
    """Wait until the selection bar (swapped in by htmx) shows these sums and a zero difference."""
    page.wait_for_function(
        "([bank, ledger]) => { const t = document.querySelector('#selection').textContent.replace(/\\s+/g, ' ');"
        " return t.includes('Bank: ' + bank) && t.includes('Regnskap: ' + ledger); }", arg=[bank, ledger])


def _done(page, action, count: int) -> None:
    """Run `action` (a click or a key) and wait for the page it leads to, with the n-th reconciliation."""
    from avstem.reconciliation.models import Reconciliation

    with page.expect_navigation():
        action()
    page.wait_for_selector("#bank-side")
    assert Reconciliation.objects.filter(undone_at__isnull=True).exclude(method="reversal").count() == count


def _text(locator) -> str:
    return locator.inner_text().replace("\u00a0", " ")


def test_reconcile_by_hand_post_a_fee_accept_a_proposal_and_undo(page):
    from avstem.ledger.models import OpenItem
    from avstem.reconciliation.models import Reconciliation

    alfa, account = _world()
    _login(page)
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Avstemming").click()
    page.wait_for_selector("#bank-side")
    assert "Bankavstemming" in page.locator("h1").inner_text()
    screenshot(page, "reconciliation-screen")

    # Many to one by hand: one payment, two invoices of the customer.
    bank = page.locator("#bank-side")
    bank.locator("tr", has_text="Innbetaling faktura 1 og 2").locator("input.pick").check()
    page.wait_for_function("document.querySelector('#selection').textContent.replace(/\\s/g, ' ').includes('1 750,00')")
    ledger = page.locator("#ledger-side")
    ledger.get_by_text("Kunder").click()
    page.wait_for_selector("#ledger-side input[name=item]")
    ledger.locator("input[name=lq]").fill("Solsiden")
    page.wait_for_function("document.querySelectorAll('#ledger-side input[name=item]').length === 2")
    for row in ledger.locator("tbody tr").all():
        row.locator("input.pick").check()
        page.wait_for_timeout(150)
    _selected(page, "1 · 1 750,00", "2 · 1 750,00")
    page.wait_for_function("document.querySelector('#difference').textContent.trim() === '0,00'")
    screenshot(page, "reconciliation-many-to-one")
    _done(page, lambda: page.get_by_role("button", name="Avstem", exact=True).click(), 1)
    assert "Avstemte 1 banklinje(r)" in _text(page.locator(".messages"))
    assert not OpenItem.objects.filter(company=alfa.company, customer__name="Kafé Solsiden AS", remaining__gt=0).exists()

    # Post and reconcile a fee line, prefilled by nothing: choose 7770.
    page.locator("#bank-side tr", has_text="Gebyr nettbank").get_by_role("button", name="Bokfør").click()
    panel = page.locator("#post-panel")
    panel.get_by_label("Konto").select_option("7770")
    screenshot(page, "reconciliation-post-fee")
    _done(page, lambda: panel.get_by_role("button", name="Bokfør og avstem").click(), 2)
    assert Reconciliation.objects.filter(method="posted", learn_account="7770").exists()

    # Accept the proposal for Grünerløkka's payment (amount and a fuzzy name).
    row = page.locator("#bank-side tr", has_text="Grunerløkka Kaffebar")
    proposal = _text(row.locator(".proposal"))
    assert "Beløp og betaler" in proposal and "Grünerløkka Kaffebar AS" in proposal
    screenshot(page, "reconciliation-proposal")
    _done(page, lambda: row.get_by_role("button", name="Godta").click(), 3)
    assert Reconciliation.objects.filter(method="proposal").count() == 1

    # The cash deposit against the posting already in the ledger, by hand.
    page.locator("#bank-side tr", has_text="Innskudd kontanter").locator("input.pick").check()
    page.locator("#ledger-side tr", has_text="Kontantsalg").locator("input.pick").check()
    _selected(page, "1 · 640,00", "1 · 640,00")
    _done(page, lambda: page.keyboard.press("Alt+r"), 4)
    screenshot(page, "reconciliation-after")

    # Undo the first reconciliation from the Reconciled tab.
    page.locator("#bank-side").get_by_text("Avstemt", exact=True).click()
    page.wait_for_selector("#bank-side .rec-info")
    screenshot(page, "reconciliation-reconciled-tab")
    _done(page, lambda: page.locator("#bank-side tr", has_text="Innbetaling faktura 1 og 2").get_by_role(
        "button", name="Angre").click(), 3)
    assert "Avstemmingen ble angret" in _text(page.locator(".messages"))
    assert OpenItem.objects.filter(company=alfa.company, customer__name="Kafé Solsiden AS", remaining__gt=0).count() == 2
    assert "Innbetaling faktura 1 og 2" in _text(page.locator("#bank-side"))

    # The report: what is left explains the difference.
    page.get_by_role("link", name="Rapport").first.click()
    page.get_by_label("Avstemt per").fill(DAY.strftime("%d.%m.%Y"))
    page.get_by_role("button", name="Vis").click()
    body = _text(page.locator("main"))
    assert "Bank og hovedbok stemmer" in body
    screenshot(page, "reconciliation-report")
