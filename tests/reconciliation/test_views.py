"""The reconciliation pages through the test client: the screen and its htmx parts, post and
reconcile, accepting, undo, rules, automation, the report (HTML, CSV, PDF) and sign-off."""

from __future__ import annotations

import datetime

import pytest

from avstem.banking.models import DailyBalance
from avstem.ledger.models import Posting
from avstem.ledger.posting import Line, NewVoucher, post_voucher
from avstem.reconciliation import automatic
from avstem.reconciliation.models import BankRule, LineProposal, Reconciliation, SignOff
from tests.conftest import enable_totp, login_verified
from tests.reconciliation.conftest import DAY, bank_line, invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client, owner):
    from django.conf import settings

    _device, next_code = enable_totp(owner)
    login_verified(client, owner, next_code)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # pages asserted in their English source text
    return client


def _url(company, account, part=""):
    return f"/c/{company.pk}/reconciliation/accounts/{account.pk}/{part}"


def test_screen_lists_lines_postings_and_proposals(logged_in, company, owner, account, customer):
    _inv, item = invoice(owner, company, customer, 99000)
    line = bank_line(account, 99000, name="Kafe Solsiden", text="Betaling mars")
    fee = bank_line(account, -4500, text="Gebyr")
    post_voucher(owner, company, NewVoucher(date=DAY, description="Kontantsalg", lines=[Line("1920", 30000), Line("3000", -30000)]))
    automatic.run(company, apply_to=set())

    page = logged_in.get(_url(company, account), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Betaling mars" in page and "Gebyr" in page and "Kontantsalg" in page
    assert "Amount and payer" in page and "Accept" in page  # the proposal with its kind
    assert 'name="line" value="%d"' % line.pk in page and 'name="line" value="%d"' % fee.pk in page
    customers = logged_in.get(_url(company, account, "ledger/"), {"tab": "customer"}).content.decode()
    assert "Kafé Solsiden AS" in customers and f'value="{item.pk}"' in customers
    filtered = logged_in.get(_url(company, account, "bank/"), {"bamount": "45"}).content.decode()
    assert "Gebyr" in filtered and "Betaling mars" not in filtered


def test_selection_shows_the_running_difference(logged_in, company, owner, account):
    voucher = post_voucher(owner, company, NewVoucher(date=DAY, description="Salg", lines=[Line("1920", 30000), Line("3000", -30000)]))
    posting = voucher.postings.get(account__number="1920")
    line = bank_line(account, 50000)
    bar = logged_in.post(_url(company, account, "selection/"), {"line": [line.pk], "posting": [posting.pk]}).content.decode()
    assert "200,00" in bar.replace("\xa0", " ") and "Post difference and reconcile" in bar
    # a ticked line on a page no longer shown is carried along: counted in the bar...
    bar = logged_in.post(_url(company, account, "selection/"), {"carry_line": [line.pk], "shown_line": []}).content.decode()
    assert "Bank: <strong>1</strong>" in bar and "500,00" in bar.replace("\xa0", " ")
    # ...and carried by the bank side's list, which a new page (here a filter hiding it) replaces
    side = logged_in.get(_url(company, account, "bank/"), {"line": [line.pk], "shown_line": [line.pk], "bamount": "1"},
                         HTTP_HX_REQUEST="true").content.decode()
    assert f'name="carry_line" value="{line.pk}"' in side and f'name="line" value="{line.pk}"' not in side


def test_reconcile_by_hand_and_undo_from_the_screen(logged_in, company, owner, account):
    v1 = post_voucher(owner, company, NewVoucher(date=DAY, description="A", lines=[Line("1920", 30000), Line("3000", -30000)]))
    v2 = post_voucher(owner, company, NewVoucher(date=DAY, description="B", lines=[Line("1920", 20000), Line("3000", -20000)]))
    postings = [v.postings.get(account__number="1920").pk for v in (v1, v2)]
    line = bank_line(account, 50000)
    response = logged_in.post(_url(company, account, "reconcile/"), {"line": [line.pk], "posting": postings})
    assert response.status_code == 302
    rec = Reconciliation.objects.get()
    line.refresh_from_db()
    assert line.reconciliation_status == "reconciled"
    reconciled = logged_in.get(_url(company, account, "bank/"), {"bstate": "reconciled"}).content.decode()
    assert f"/reconciliations/{rec.pk}/undo/" in reconciled
    logged_in.post(f"/c/{company.pk}/reconciliation/reconciliations/{rec.pk}/undo/")
    line.refresh_from_db()
    assert line.reconciliation_status == "unreconciled"


def test_a_reconciliations_page_shows_the_voucher_it_posted_and_the_reversal_of_its_undo(logged_in, company, owner,
                                                                                          account, customer):
    inv, _item = invoice(owner, company, customer, 64000)
    bank_line(account, 64000, kid=inv.kid)
    automatic.run(company, apply_to={account.pk})
    rec = Reconciliation.objects.get(voucher__isnull=False)
    page = f"/c/{company.pk}/reconciliation/reconciliations/{rec.pk}/"

    shown = logged_in.get(page).content.decode()
    assert f"/vouchers/{rec.voucher_id}/" in shown and rec.voucher.display_number in shown
    assert "reversed by" not in shown

    logged_in.post(page + "undo/")
    rec.refresh_from_db()
    shown = logged_in.get(page).content.decode()
    assert rec.reversal is not None and f"reversed by <a href=\"/c/{company.pk}/ledger/vouchers/{rec.reversal_id}/\">" in shown
    assert rec.reversal.display_number in shown


def test_post_and_reconcile_prefilled_by_a_rule_then_make_a_rule(logged_in, company, owner, account):
    from avstem.ledger.models import Account

    BankRule.objects.create(company=company, name="Gebyrer", text_contains="gebyr",
                            account=Account.objects.get(company=company, number="7770"))
    line = bank_line(account, -4500, text="Gebyr nettbank")
    automatic.run(company, apply_to=set())
    form = logged_in.get(f"/c/{company.pk}/reconciliation/lines/{line.pk}/post/", HTTP_HX_REQUEST="true").content.decode()
    assert '<option value="7770" selected>' in form and "Gebyrer" in form
    response = logged_in.post(f"/c/{company.pk}/reconciliation/lines/{line.pk}/post/",
                              {"account": "7770", "description": "Gebyr", "make_rule": "on"})
    assert response.status_code == 302 and "rules/new/?line=" in response["Location"]
    draft = logged_in.get(response["Location"]).content.decode()
    assert "GEBYR" in draft.upper() and '<option value="7770" selected>' in draft
    rec = Reconciliation.objects.get()
    assert rec.method == "posted" and rec.learn_account == "7770"


def test_accept_a_proposal_and_bulk_accept(logged_in, company, owner, account, customer):
    _i1, item1 = invoice(owner, company, customer, 99000)
    _i2, item2 = invoice(owner, company, customer, 55000)
    l1 = bank_line(account, 99000, name="Kafe Solsiden")
    l2 = bank_line(account, 55000, name="Kafe Solsiden")
    automatic.run(company, apply_to=set())
    p1 = LineProposal.objects.filter(bank_line=l1).order_by("rank").first()
    logged_in.post(_url(company, account, "accept/"), {"proposal": p1.pk})
    logged_in.post(_url(company, account, "accept/"), {"line": [l2.pk]})
    for item in (item1, item2):
        item.refresh_from_db()
        assert item.remaining == 0
    assert Reconciliation.objects.filter(method="proposal").count() == 2


def test_rules_pages(logged_in, company, owner, account):
    page = logged_in.post(f"/c/{company.pk}/reconciliation/rules/new/", {
        "name": "Husleie", "counterparty": "Gårdeier AS", "direction": "out", "account": "6300", "active": "on",
        "split_account_1": "6340", "split_percent_1": "10"})
    assert page.status_code == 302, page.content.decode()[:2000]
    rule = BankRule.objects.get()
    assert rule.splits == [{"account": "6340", "percent": "10"}] and rule.account.number == "6300"
    listing = logged_in.get(f"/c/{company.pk}/reconciliation/rules/").content.decode()
    assert "Husleie" in listing and "6340" in listing
    bad = logged_in.post(f"/c/{company.pk}/reconciliation/rules/new/", {"name": "Tom", "account": "6300", "active": "on"})
    assert bad.status_code == 200 and "at least one condition" in bad.content.decode()


def test_automation_page_says_why_it_cannot_be_switched_on(logged_in, company, account):
    page = logged_in.get(f"/c/{company.pk}/reconciliation/automation/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No bank agreement covers this account" in page
    assert '<input type="checkbox" name="on" disabled id="a%d_on">' % account.pk in page
    from avstem.reconciliation.models import AutomationSetting

    refused = logged_in.post(f"/c/{company.pk}/reconciliation/automation/",
                             {"bank_account": account.pk, "on": "on", "min_confidence": "0.950"}, follow=True)
    assert "No bank agreement covers this account" in refused.content.decode()
    assert not AutomationSetting.objects.exists()  # all or nothing
    logged_in.post(f"/c/{company.pk}/reconciliation/automation/", {"bank_account": account.pk, "min_confidence": "0.950"})
    assert str(AutomationSetting.objects.get(bank_account=account).min_confidence) == "0.950"


def test_report_html_csv_pdf_and_sign_off(logged_in, company, owner, account):
    post_voucher(owner, company, NewVoucher(date=DAY, description="Salg", lines=[Line("1920", 30000), Line("3000", -30000)]))
    bank_line(account, -4500, text="Gebyr", day=DAY)
    DailyBalance.objects.create(bank_account=account, date=DAY - datetime.timedelta(days=1), closing_booked=0, source="camt053")
    DailyBalance.objects.create(bank_account=account, date=DAY, opening_booked=0, closing_booked=-4500, source="camt053")
    query = {"date": DAY.strftime("%d.%m.%Y")}
    page = logged_in.get(_url(company, account, "report/"), query).content.decode().replace("\xa0", " ")
    assert "<svg" in page and "Bank and ledger agree" in page
    # ledger 300,00 + the fee not yet in the ledger (-45,00) - the sale not yet in the bank (300,00) = -45,00 = bank
    assert "Bank balance according to the ledger" in page and page.count("-45,00") >= 3
    csv = logged_in.get(_url(company, account, "report/"), {**query, "format": "csv"}).content.decode("utf-8-sig")
    assert "Gebyr" in csv and "Salg" in csv and "-45,00" in csv
    pdf = logged_in.get(_url(company, account, "report/"), {**query, "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    logged_in.post(_url(company, account, "sign-off/"), {"through": DAY.strftime("%d.%m.%Y"), "note": "OK"})
    signed = SignOff.objects.get()
    assert signed.unexplained == 0 and signed.ledger_balance == 30000 and signed.bank_balance == -4500
    assert Posting.objects.filter(account__number="1920").count() == 1
