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


@pytest.fixture(autouse=True)
def _quiet_at_the_end(page):
    """End each test with no request of the page on its way: the database is emptied after the test, and
    a request still being answered then (every list swapped in asks for the running difference again)
    locks SQLite's tables against that."""
    on_the_way = set()
    page.on("request", lambda request: on_the_way.add(request))
    page.on("requestfinished", lambda request: on_the_way.discard(request))
    page.on("requestfailed", lambda request: on_the_way.discard(request))
    yield
    for _ in range(300):
        if not on_the_way:
            return
        page.wait_for_timeout(50)  # lets Playwright deliver the events


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
    # The tab swaps only the list; the filter fields stay and take the tab's placeholders.
    assert ledger.locator("input[name=lq]").get_attribute("placeholder") == "Navn, faktura eller KID"
    assert ledger.locator("input[name=lfrom]").get_attribute("placeholder") == "Forfall fra"
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


# --- a search is never lost ---------------------------------------------------------------------------------
# Each side's requests swap only that side's list and replace only an older request of the same side; ticks
# and the running difference have their own lane. These provoke, deterministically, the races that lost a
# typed search before.

def _open_screen(page) -> None:
    _world()
    _login(page)
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Avstemming").click()
    page.wait_for_selector("#bank-side")


def _items(page, count: int) -> None:
    """Wait until the ledger side lists `count` open items (well within a second when nothing is lost)."""
    page.wait_for_function("n => document.querySelectorAll('#ledger-side input[name=item]').length === n",
                           arg=count, timeout=15_000)


def _customers(page) -> None:
    page.locator("#ledger-side").get_by_text("Kunder").click()
    _items(page, 6)


def _hold(page, wanted):
    """Hold the first ledger request whose URL contains `wanted` (its answer fetched, not yet given to the
    page); every other request goes straight through. Returns the list the held (route, response) lands in."""
    held = []

    def handler(route):
        if wanted in route.request.url and not held:
            held.append((route, route.fetch()))
        else:
            route.continue_()

    page.route(lambda url: "/ledger/" in url, handler)
    return held


def _until_held(page, held) -> None:
    for _ in range(300):  # the route handler runs while Playwright waits
        if held:
            return
        page.wait_for_timeout(50)
    raise AssertionError("the search request was never sent")


def test_a_search_typed_the_moment_the_list_arrives_is_not_lost(page):
    _open_screen(page)
    # htmx wires up swapped-in elements when its settle timer fires, 20 ms after the swap by default; on a
    # busy machine the test (or a quick user) types before that. Make the timer late so it always does: a
    # field swapped in with the list would then miss the keystrokes, and the search with them.
    page.evaluate("htmx.config.defaultSettleDelay = 1000")
    page.locator("#ledger-side").get_by_text("Kunder").click()
    page.wait_for_selector("#ledger-side input[name=item]")
    page.locator("#ledger-side input[name=lq]").fill("Solsiden")
    _items(page, 2)


def test_a_tick_on_the_bank_side_never_drops_the_ledger_search(page):
    from playwright.sync_api import Error

    _open_screen(page)
    _customers(page)
    held = _hold(page, "lq=Solsiden")
    page.locator("#ledger-side input[name=lq]").fill("Solsiden")
    _until_held(page, held)
    # While the search is on its way, tick a bank line.
    page.locator("#bank-side tr", has_text="Innbetaling faktura 1 og 2").locator("input.pick").check()
    _selected(page, "1 · 1 750,00", "0 · 0,00")
    route, response = held[0]
    try:
        route.fulfill(response=response)
    except Error:
        pass  # the page gave up the request (the failure asserted below)
    _items(page, 2)
    _selected(page, "1 · 1 750,00", "0 · 0,00")
    assert page.locator("#bank-side tr", has_text="Innbetaling faktura 1 og 2").locator("input.pick").is_checked()


def test_typing_on_while_the_last_search_is_answered_keeps_what_is_typed(page):
    _open_screen(page)
    _customers(page)
    field = page.locator("#ledger-side input[name=lq]")
    held = _hold(page, "lq=Gr")
    field.fill("Grün")
    _until_held(page, held)
    # The user goes on typing; the answer for "Grün" arrives within the 400 ms the field waits for more.
    field.fill("Solsiden")
    route, response = held[0]
    route.fulfill(response=response)
    _items(page, 2)
    assert field.input_value() == "Solsiden"
    assert page.evaluate("document.activeElement.name") == "lq"
