"""Log in, turn on two-factor login, confirm it at the next login, switch company."""

from __future__ import annotations

import base64
import datetime
import time

import pytest
from django_otp.oath import totp

from tests.browser.conftest import screenshot
from tests.conftest import PASSWORD, make_tenant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code_for(key_text: str, offset_steps: int = 0) -> str:
    raw = key_text.replace(" ", "")
    key = base64.b32decode(raw + "=" * (-len(raw) % 8))
    return f"{totp(key, t0=-offset_steps * 30):06d}"


def test_login_enrol_totp_and_switch_company(page):
    from avstem.companies.services import create_company

    alfa = make_tenant("Alfa Handel AS", "923456783", "kari@example.no")
    create_company(alfa.owner, name="Beta Bygg AS", org_number="974760673", conversion_date=datetime.date(2025, 1, 1))

    page.goto("/")
    page.get_by_label("E-post").fill("kari@example.no")
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url("**/companies/")
    assert page.get_by_role("link", name="Alfa Handel AS").is_visible()

    page.get_by_role("link", name="Min profil").click()
    page.get_by_role("link", name="Slå på tofaktor pålogging").click()
    key = page.get_by_test_id("totp-key").inner_text()
    assert page.locator(".qr svg").is_visible()
    screenshot(page, "foundation-2fa-enrol")
    page.get_by_label("Kode", exact=True).fill(code_for(key))
    page.get_by_role("button", name="Bekreft").click()
    codes = page.get_by_test_id("recovery-codes").locator("li").all_inner_texts()
    assert len(codes) == 10

    # Log out and in again: the second factor is asked for before anything else.
    page.get_by_role("button", name="Logg ut").click()
    page.get_by_label("E-post").fill("kari@example.no")
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url("**/profile/2fa/verify/**")
    page.get_by_label("Kode", exact=True).fill(code_for(key, offset_steps=1))  # a later step than the one used
    page.get_by_role("button", name="Bekreft").click()
    page.wait_for_url("**/companies/")

    page.get_by_role("link", name="Alfa Handel AS").click()
    page.wait_for_url(f"**/c/{alfa.company.pk}/")
    switcher = page.get_by_label("Selskap")
    switcher.select_option(label="Beta Bygg AS")
    page.wait_for_selector("h1:has-text('Beta Bygg AS')")
    assert page.get_by_role("heading", name="Beta Bygg AS").is_visible()
    screenshot(page, "foundation-switched-company")

    page.get_by_role("button", name="EN").click()
    page.wait_for_selector("text=Overview")
    assert page.get_by_role("link", name="Settings", exact=True).is_visible()
    screenshot(page, "foundation-english")
