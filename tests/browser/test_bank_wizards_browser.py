"""Both bank wizards in Chromium, against the sandbox bank process, with screenshots:
R1 (Bank > Payments while no bank is connected: prerequisites fixed through their links, terms,
approval, accounts, role accounts, file exchange ordered) and R2 (the bank's card, the bank's
BankID stand-in and consent page, accounts, services, fees, start date, balance check, roles),
then the first sync, the front page and the statements."""

from __future__ import annotations

import base64
import re

import pytest
from django_otp.oath import totp

from tests.banking.conftest import bank_env, drain, make_bank_customer, sandbox  # noqa: F401 - fixtures
from tests.browser.conftest import screenshot
from tests.conftest import PASSWORD, enable_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, user, next_code=None):
    page.goto("/login/")
    page.get_by_label("E-post").fill(user.email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    if next_code is not None:
        page.wait_for_url("**/profile/2fa/verify/**")
        page.get_by_label("Kode", exact=True).fill(next_code())
        page.get_by_role("button", name="Bekreft").click()
    page.wait_for_url(re.compile(r".*/(companies|c/\d+)/.*"))


def test_r1_wizard_from_payments_orders_file_exchange(page, bank_env):  # noqa: F811
    from avstem.banking.models import AgreementStatus, BankAgreement
    from avstem.banking.services import create_bank_account
    from avstem.ledger.models import Account

    customer = make_bank_customer(bank_env, name="Fjordlys Catering AS", runs_payroll=True)
    company, owner = customer.company, customer.owner
    owner.mobile = ""
    owner.save()
    for name, kind, gl in (("Driftskonto", "operating", "1920"), ("Skattetrekkskonto", "tax_withholding", "1950")):
        create_bank_account(owner, company, nickname=name, kind=kind, gl_account=Account.objects.get(company=company, number=gl),
                            account_number=customer.accounts[name]["account_number"],
                            is_default_operating=kind == "operating")
    log_in(page, owner)
    page.goto(f"/c/{company.pk}/")
    page.get_by_role("link", name="Bank", exact=True).click()
    page.get_by_role("link", name="Utbetalinger").click()
    page.wait_for_url("**/bank/connect/prerequisites/**")
    checklist = page.get_by_test_id("prerequisites")
    assert "mangler mobilnummer" in checklist.inner_text() and "Tofaktor pålogging er ikke slått på" in checklist.inner_text()
    assert page.get_by_role("button", name="Neste").is_disabled()
    screenshot(page, "bank-r1-prerequisites-missing")

    page.get_by_role("link", name="Legg inn mobilnummeret ditt").click()
    page.get_by_label("Mobilnummer").fill("912 34 567")
    page.get_by_role("button", name="Lagre").first.click()
    page.goto(f"/c/{company.pk}/bank/connect/prerequisites/")
    page.get_by_role("link", name="Slå på tofaktor pålogging").click()
    key = page.get_by_test_id("totp-key").inner_text().replace(" ", "")
    secret = base64.b32decode(key + "=" * (-len(key) % 8))
    page.get_by_label("Kode", exact=True).fill(f"{totp(secret):06d}")
    page.get_by_role("button", name="Bekreft").click()
    page.get_by_role("link", name="Jeg har tatt vare på kodene").click()
    page.wait_for_url("**/bank/connect/prerequisites/")
    assert "Navn og mobilnummer ligger på profilen din" in page.get_by_test_id("prerequisites").inner_text()
    screenshot(page, "bank-r1-prerequisites-met")
    page.get_by_role("button", name="Neste").click()

    page.get_by_role("button", name="Neste").click()  # terms not accepted
    assert page.get_by_text("Godta vilkårene for å gå videre.").is_visible()
    page.get_by_label("Jeg godtar avtalevilkårene").check()
    screenshot(page, "bank-r1-terms")
    page.get_by_role("button", name="Neste").click()
    assert page.get_by_label("Regnskapsgodkjente betalinger (anbefalt)").is_checked()
    screenshot(page, "bank-r1-approval")
    page.get_by_role("button", name="Neste").click()
    screenshot(page, "bank-r1-accounts")
    page.get_by_role("button", name="Neste").click()
    screenshot(page, "bank-r1-operating")
    page.get_by_role("button", name="Neste").click()
    page.get_by_role("button", name="Neste").click()  # no separate payroll account
    assert "Skattetrekkskonto" in page.get_by_label("Skattetrekkskonto").locator("option:checked").inner_text()
    screenshot(page, "bank-r1-tax")
    page.get_by_role("button", name="Neste").click()
    page.get_by_label(re.compile("Filutveksling")).check()
    screenshot(page, "bank-r1-connect")
    page.get_by_role("button", name="Koble til").click()
    page.wait_for_selector("[data-testid=agreement-status]")
    assert page.get_by_test_id("agreement-status").inner_text() == "Bestilt, venter på banken"
    screenshot(page, "bank-r1-file-exchange-ordered")
    agreement = BankAgreement.objects.get(company=company)
    assert agreement.status == AgreementStatus.ORDERED and agreement.external_id
    page.goto(f"/c/{company.pk}/")
    assert "Venter på at" in page.get_by_test_id("front-bank").inner_text()
    screenshot(page, "bank-r1-front-page-waiting")


def test_r2_onboarding_through_the_banks_consent_page(page, bank_env, live_server):  # noqa: F811
    from avstem.banking.models import AgreementStatus, BankAgreement, BankLine
    from avstem.norway.accounts import format_account_number
    from avstem.norway.calendar import add_business_days

    customer = make_bank_customer(bank_env, name="Havbris Design AS")
    company, owner = customer.company, customer.owner
    _, next_code = enable_totp(owner)
    drift = customer.accounts["Driftskonto"]["account_number"]
    import datetime

    today = datetime.date.fromisoformat(bank_env.client.state()["bank_day"])
    start = add_business_days(today, -5)
    bank_env.client.add_transactions(
        {"account": drift, "amount": "18750.00", "date": add_business_days(today, -3).isoformat(),
         "kid": "0000000000018", "counterparty": {"name": "Bølgen Restaurant AS"}},
        {"account": drift, "amount": "-4312.50", "date": add_business_days(today, -2).isoformat(),
         "end_to_end_id": "E2E-77", "counterparty": {"name": "Nordic Papir AS"}, "message": "Faktura 2041"},
        {"account": drift, "amount": "-89.00", "kind": "fee", "date": add_business_days(today, -1).isoformat(),
         "description": "Gebyr nettbank"})
    log_in(page, owner, next_code)
    page.goto(f"/c/{company.pk}/settings/bank-accounts/agreements/")
    screenshot(page, "bank-r2-agreements-cards")
    page.get_by_test_id("bank-card-DNBANOKK").get_by_role("link", name="Koble til tjeneste").click()
    screenshot(page, "bank-r2-connect")
    page.get_by_role("button", name=re.compile("Gå videre til")).click()
    page.wait_for_url(f"{bank_env.url}/oauth/authorize**")
    screenshot(page, "bank-r2-sandbox-login")
    page.locator("input[name=national_id]").first.fill(customer.national_id)
    page.get_by_role("button", name="Logg inn").click()
    page.get_by_role("button", name="Godta").click()
    page.wait_for_url("**/agreements/onboarding/accounts/")
    assert "Sparekonto" not in page.content()  # another bank's account
    def gl_select(name):
        return page.get_by_label(f"Hovedbokskonto {format_account_number(customer.accounts[name]['account_number'])}")

    drift_gl, tax_gl = gl_select("Driftskonto"), gl_select("Skattetrekkskonto")
    assert drift_gl.locator("option:checked").inner_text().startswith("1920")  # suggested from the names
    assert tax_gl.locator("option:checked").inner_text().startswith("1950")
    gl_1950 = tax_gl.input_value()
    tax_gl.select_option(drift_gl.input_value())
    page.get_by_role("button", name="Neste").click()
    assert "er valgt for både 1503." in page.get_by_role("alert").inner_text()
    screenshot(page, "bank-r2-accounts-same-gl-refused")
    gl_select("Skattetrekkskonto").select_option(gl_1950)
    screenshot(page, "bank-r2-accounts")
    page.get_by_role("button", name="Neste").click()
    screenshot(page, "bank-r2-services")
    page.get_by_role("button", name="Neste").click()
    assert page.get_by_label("Hovedbokskonto for bankgebyr").input_value()
    screenshot(page, "bank-r2-fees")
    page.get_by_role("button", name="Neste").click()
    page.get_by_label("Startdato for bankavstemming").fill("31.12.2024")
    page.get_by_role("button", name="Neste").click()
    assert "konverteringsdatoen 01.01.2025" in page.content()
    page.get_by_label("Startdato for bankavstemming").fill(start.strftime("%d.%m.%Y"))
    screenshot(page, "bank-r2-start-date")
    page.get_by_role("button", name="Neste").click()
    table = page.get_by_test_id("balance-check")
    assert "50\u00a0000,00" in table.inner_text()
    page.locator("tr", has_text=format_account_number(drift)).get_by_label(re.compile("Korriger nå")).check()
    screenshot(page, "bank-r2-balance-check")
    page.get_by_role("button", name="Neste").click()
    screenshot(page, "bank-r2-roles")
    page.get_by_role("button", name="Neste").click()
    screenshot(page, "bank-r2-confirm")
    page.get_by_role("button", name="Koble til").click()
    page.wait_for_selector("[data-testid=agreement-status]")
    assert page.get_by_test_id("agreement-status").inner_text() == "Aktiv"
    screenshot(page, "bank-r2-agreement")
    agreement = BankAgreement.objects.get(company=company)
    assert agreement.status == AgreementStatus.ACTIVE
    page.goto(f"/c/{company.pk}/")
    assert page.get_by_test_id("balance").first.inner_text().startswith("0,00")
    screenshot(page, "bank-r2-front-page-before-sync")
    drain()
    assert BankLine.objects.filter(company=company).count() == 3
    page.goto(f"/c/{company.pk}/")
    assert page.get_by_test_id("balance").first.inner_text().startswith("64\u00a0348,50")
    screenshot(page, "bank-r2-front-page-after-sync")
    page.get_by_role("link", name="Se kontoutskrifter").first.click()
    screenshot(page, "bank-r2-statements")
    page.goto(f"/c/{company.pk}/bank/")
    page.get_by_role("button", name="Hent kontoutskrifter").click()
    page.wait_for_selector("[data-testid=run-status]")
    screenshot(page, "bank-r2-fetch-progress")
    drain()
    page.wait_for_selector("[data-testid=run-status][data-status=done]")
    screenshot(page, "bank-r2-fetch-done")
