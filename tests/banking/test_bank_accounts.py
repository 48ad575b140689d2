"""Bank accounts (Settings > Bank accounts): details from the number, R2.5, defaults, payroll."""

from __future__ import annotations

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from avstem.audit.models import AuditEntry
from avstem.banking.lookup import bank_details
from avstem.banking.models import BankAccount, Kind
from avstem.banking.services import BankAccountError, create_bank_account, payroll_problems, update_bank_account
from avstem.ledger.chart import ensure_chart
from avstem.ledger.models import Account
from avstem.norway.accounts import complete_account_number
from avstem.norway.errors import InvalidAccountNumber
from tests.conftest import PASSWORD

DNB = "12010012358"  # a valid number at registration number 1201


def number(prefix: str) -> str:
    """A valid account number that starts with `prefix` (the first candidate a check digit fits)."""
    for tail in range(10 ** (10 - len(prefix))):
        try:
            return complete_account_number(prefix + str(tail).zfill(10 - len(prefix)))
        except ValueError:
            continue
    raise AssertionError(prefix)


@pytest.fixture
def company(tenant_a):
    from avstem.ledger.chart import add_account

    ensure_chart(tenant_a.company)
    for gl_number in ("1921", "1922"):
        add_account(tenant_a.owner, tenant_a.company, number=gl_number, name=f"Bank {gl_number}", is_bank=True)
    return tenant_a.company


def gl(company, number):
    return Account.objects.get(company=company, number=number)


def make(owner, company, number=DNB, gl_number="1920", **fields):
    fields.setdefault("nickname", "Drift")
    fields.setdefault("kind", Kind.OPERATING)
    return create_bank_account(owner, company, account_number=number, gl_account=gl(company, gl_number), **fields)


def test_details_come_from_the_account_number(tenant_a, company):
    account = make(tenant_a.owner, company, number="8601.11.17947")
    assert account.account_number == "86011117947"
    assert account.iban == "NO9386011117947"
    assert account.bic and account.bank_name
    entry = AuditEntry.objects.get(company=company, action="bank_account.create")
    assert entry.changes["iban"] == [None, "NO9386011117947"]


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first_ten=st.text("0123456789", min_size=10, max_size=10).filter(lambda s: not s.startswith("0000")))
def test_lookup_accepts_every_valid_number_and_gives_its_iban(first_ten):
    try:
        number = complete_account_number(first_ten)
    except ValueError:
        return  # no check digit fits these ten digits
    details = bank_details(number)
    assert details.iban == "NO" + details.iban[2:4] + number
    assert int(details.iban[4:] + "2324" + details.iban[2:4]) % 97 == 1  # ISO 13616: "NO" is 23 24


def test_invalid_number_is_refused_with_the_norwegian_message():
    with pytest.raises(InvalidAccountNumber) as error:
        bank_details("12010012348")
    assert error.value.message_nb == "Skriv inn et gyldig kontonummer (11 siffer)."


def test_one_gl_account_never_serves_two_active_bank_accounts(tenant_a, company):
    first = make(tenant_a.owner, company)
    second_number = number("150312345")
    with pytest.raises(BankAccountError) as refused, translation.override("en"):
        make(tenant_a.owner, company, number=second_number, nickname="Sparing")
    assert "already used by the bank account Drift" in str(refused.value) and refused.value.field == "gl_account"
    update_bank_account(tenant_a.owner, first, active=False)
    make(tenant_a.owner, company, number=second_number, nickname="Ny drift")  # allowed once the first is inactive
    with pytest.raises(BankAccountError):
        update_bank_account(tenant_a.owner, first, active=True)


def test_the_same_number_twice_is_refused(tenant_a, company):
    make(tenant_a.owner, company)
    with pytest.raises(BankAccountError) as refused:
        make(tenant_a.owner, company, gl_number="1950", kind=Kind.TAX_WITHHOLDING)
    assert refused.value.field == "account_number"


def test_at_most_one_default_operating_account(tenant_a, company):
    first = make(tenant_a.owner, company, is_default_operating=True)
    second = make(tenant_a.owner, company, number=number("150312345"), gl_number="1921",
                  is_default_operating=True)
    first.refresh_from_db()
    assert not first.is_default_operating and second.is_default_operating
    with pytest.raises(BankAccountError):
        make(tenant_a.owner, company, number=number("150312346"), gl_number="1950",
             kind=Kind.TAX_WITHHOLDING, is_default_operating=True)


def test_payroll_needs_a_tax_withholding_account(tenant_a, company):
    assert payroll_problems(company) == []
    company.runs_payroll = True
    company.save()
    with translation.override("en"):
        assert "tax withholding account" in payroll_problems(company)[0]
    make(tenant_a.owner, company, number=number("150312345"), gl_number="1950",
         kind=Kind.TAX_WITHHOLDING, nickname="Skattetrekk")
    assert payroll_problems(company) == []


def test_settings_page_creates_an_account_and_shows_the_payroll_warning(client, tenant_a, company):
    company.runs_payroll = True
    company.save()
    client.login(email=tenant_a.owner.email, password=PASSWORD)
    url = f"/c/{company.pk}/settings/bank-accounts/"
    assert "skattetrekkskonto" in client.get(url).content.decode()
    new = client.get(url + "new/").content.decode()
    assert f'value="{gl(company, "1920").pk}" selected' in new  # 1920 suggested for an operating account
    refused = client.post(url + "new/", {"nickname": "Drift", "kind": "operating", "account_number": "1234",
                                         "currency": "NOK", "gl_account": gl(company, "1920").pk, "active": "on"})
    assert "Skriv inn et gyldig kontonummer (11 siffer)." in refused.content.decode()
    saved = client.post(url + "new/", {"nickname": "Drift", "kind": "operating", "account_number": "1201 00 12358",
                                       "currency": "NOK", "gl_account": gl(company, "1920").pk, "active": "on",
                                       "is_default_operating": "on"})
    assert saved.status_code == 302
    assert BankAccount.objects.get(company=company).account_number == DNB


def test_htmx_lookup_and_gl_suggestion(client, tenant_a, company):
    client.login(email=tenant_a.owner.email, password=PASSWORD)
    base = f"/c/{company.pk}/settings/bank-accounts/"
    shown = client.get(base + "lookup/", {"account_number": "8601 11 17947"}).content.decode()
    assert "NO9386011117947" in shown
    assert "gyldig kontonummer" in client.get(base + "lookup/", {"account_number": "86011117948"}).content.decode()
    assert client.get(base + "lookup/", {"account_number": "8601"}).content.decode().strip() == ""  # still typing
    suggestion = client.get(base + "gl-suggestion/", {"kind": "tax_withholding"}).content.decode()
    assert f'value="{gl(company, "1950").pk}" selected' in suggestion


def test_viewer_cannot_change_bank_accounts(client, tenant_a, company):
    from avstem.companies.models import Membership, Role
    from avstem.users.services import create_user

    viewer = create_user("v@example.no", PASSWORD, job="test")
    Membership.objects.create(user=viewer, company=company, role=Role.VIEWER)
    client.login(email=viewer.email, password=PASSWORD)
    url = f"/c/{company.pk}/settings/bank-accounts/new/"
    assert client.post(url, {"nickname": "X", "kind": "operating", "account_number": DNB, "currency": "NOK",
                             "gl_account": gl(company, "1920").pk}).status_code == 403
    assert not BankAccount.objects.filter(company=company).exists()


def test_api(client, tenant_a, company):
    from avstem.users.services import create_token

    _, raw = create_token(tenant_a.owner, "t", two_factor=False)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    url = f"/api/companies/{company.pk}/bank-accounts"
    created = client.post(url, {"nickname": "Drift", "account_number": "8601 11 17947", "gl_account": "1920"},
                          content_type="application/json", **auth)
    assert created.status_code == 201 and created.json()["iban"] == "NO9386011117947"
    clash = client.post(url, {"nickname": "To", "account_number": DNB, "gl_account": "1920"},
                        content_type="application/json", **auth)
    assert clash.status_code == 422 and "1920" in clash.json()["detail"]
    bad = client.post(url, {"nickname": "To", "account_number": "123", "gl_account": "1921"},
                      content_type="application/json", **auth)
    assert bad.status_code == 422 and "account number" in bad.content.decode()
    patched = client.patch(f"{url}/{created.json()['id']}", {"nickname": "Hoved"}, content_type="application/json", **auth)
    assert patched.json()["nickname"] == "Hoved"
    assert [a["nickname"] for a in client.get(url, **auth).json()] == ["Hoved"]
    looked_up = client.get("/api/banks/lookup", {"account_number": "86011117947"}, **auth).json()
    assert looked_up["iban"] == "NO9386011117947"
