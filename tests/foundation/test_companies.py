"""Companies, roles and the Norwegian validation of the company and profile forms."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum.no import orgnr

from avstem.audit.models import AuditEntry
from avstem.companies.forms import CompanyForm
from avstem.companies.models import Company, Membership, Role
from avstem.companies.services import MembershipError, add_member, change_role, remove_member
from avstem.users.forms import ProfileForm
from tests.conftest import PASSWORD, enable_totp, login_verified

ORG_MESSAGE = "Skriv inn et gyldig organisasjonsnummer (9 siffer)."
MOBILE_MESSAGE = "Skriv inn et gyldig norsk mobilnummer (8 siffer)"


def company_data(**overrides):
    data = {"name": "Ny Bedrift AS", "org_number": "974760673", "conversion_date": "01.01.2026",
            "fiscal_year_start_month": "1", "postal_code": "0150"}
    data.update(overrides)
    return data


def org_check_digit(first8: str) -> str | None:
    """MOD11 with weights 3,2,7,6,5,4,3,2 (Brønnøysundregistrene); remainder 1 means no number."""
    check = 11 - sum(int(d) * w for d, w in zip(first8, (3, 2, 7, 6, 5, 4, 3, 2))) % 11
    return None if check == 10 else str(check % 11)


def valid_org_numbers():
    return (
        st.text("0123456789", min_size=8, max_size=8)
        .filter(lambda s: org_check_digit(s) is not None)
        .map(lambda s: s + org_check_digit(s))
    )


@pytest.mark.django_db
@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(number=valid_org_numbers())
def test_valid_org_numbers_are_accepted_with_spaces(number):
    spaced = f"{number[:3]} {number[3:6]} {number[6:]}"
    form = CompanyForm(company_data(org_number=spaced))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["org_number"] == number


@pytest.mark.django_db
@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(number=valid_org_numbers(), position=st.integers(0, 8), delta=st.integers(1, 9))
def test_a_changed_digit_is_refused_with_the_norwegian_message(number, position, delta):
    digits = list(number)
    digits[position] = str((int(digits[position]) + delta) % 10)
    wrong = "".join(digits)
    form = CompanyForm(company_data(org_number=wrong))
    assert not orgnr.is_valid(wrong)  # MOD11 catches every single-digit change
    assert not form.is_valid()
    assert form.errors["org_number"] == [ORG_MESSAGE]


@pytest.mark.django_db
@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=14))
def test_org_number_field_never_crashes_and_accepts_only_valid_numbers(text):
    form = CompanyForm(company_data(org_number=text))
    valid = form.is_valid()
    if valid:
        assert orgnr.is_valid(form.cleaned_data["org_number"]) and len(form.cleaned_data["org_number"]) == 9
    elif text.strip():
        assert form.errors["org_number"] in ([ORG_MESSAGE], ["Feltet må fylles ut."], ["Null-tegn er ikke tillatt."])


@settings(max_examples=80)
@given(number=st.sampled_from("49").flatmap(lambda first: st.text("0123456789", min_size=7, max_size=7).map(lambda r: first + r)))
def test_norwegian_mobile_numbers_are_accepted_in_common_forms(number):
    for typed in (number, f"+47 {number[:3]} {number[3:5]} {number[5:]}", f"0047{number}"):
        form = ProfileForm({"name": "Kari Nordmann", "mobile": typed})
        assert form.is_valid(), (typed, form.errors)
        assert form.cleaned_data["mobile"] == number


@settings(max_examples=80)
@given(text=st.text(alphabet="0123456789 +-abc", max_size=12))
def test_mobile_field_refuses_everything_else_with_the_norwegian_message(text):
    form = ProfileForm({"name": "Kari", "mobile": text})
    digits = "".join(ch for ch in text if ch.isdigit())
    if form.is_valid():
        mobile = form.cleaned_data["mobile"]
        assert mobile == "" or (len(mobile) == 8 and mobile[0] in "49" and mobile in digits)
    else:
        assert form.errors["mobile"] == [MOBILE_MESSAGE]


@pytest.mark.django_db
def test_postal_code_and_date_messages():
    form = CompanyForm(company_data(postal_code="123", conversion_date="31.02.2026"))
    assert not form.is_valid()
    assert form.errors["postal_code"] == ["Skriv inn et gyldig postnummer (4 siffer)."]
    assert form.errors["conversion_date"] == ["Ugyldig dato (eksempel på gyldig dato 31.12.2016)."]
    assert CompanyForm(company_data(name="")).errors["name"] == ["Feltet må fylles ut."]


def test_creating_a_company_makes_the_creator_owner_and_is_audited(client, tenant_a):
    enable_totp(tenant_a.owner)
    client.login(email=tenant_a.owner.email, password=PASSWORD)
    client.session.save()
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=tenant_a.owner).delete()  # this test is about companies, not 2FA
    response = client.post("/companies/", company_data())
    company = Company.objects.get(org_number="974760673")
    assert response.url == f"/c/{company.pk}/"
    assert Membership.objects.get(company=company).role == Role.OWNER
    entry = AuditEntry.objects.get(company=company, action="company.create")
    assert entry.actor == tenant_a.owner and entry.changes["org_number"] == [None, "974760673"]
    # The same organisation number twice is refused.
    again = client.post("/companies/", company_data(name="Kopi AS"))
    assert "allerede registrert" in again.content.decode()


@pytest.fixture
def viewer(tenant_a):
    from avstem.users.services import create_user

    user = create_user("viewer@example.no", PASSWORD, name="Vera Viewer", job="test")
    Membership.objects.create(user=user, company=tenant_a.company, role=Role.VIEWER)
    return user


def test_viewer_sees_settings_but_cannot_change_them(client, tenant_a, viewer):
    client.login(email=viewer.email, password=PASSWORD)
    url = f"/c/{tenant_a.company.pk}/settings/"
    page = client.get(url)
    assert page.status_code == 200 and "disabled" in page.content.decode()
    assert client.post(url, company_data(name="Endret")).status_code == 403
    assert Company.objects.get(pk=tenant_a.company.pk).name == tenant_a.company.name
    assert client.get(f"/c/{tenant_a.company.pk}/audit/").status_code == 403


def test_owner_changes_settings_and_the_change_is_audited(client, tenant_a):
    client.login(email=tenant_a.owner.email, password=PASSWORD)
    url = f"/c/{tenant_a.company.pk}/settings/"
    response = client.post(url, company_data(name="Alfa Handel Oslo AS", org_number=tenant_a.company.org_number,
                                             conversion_date="01.01.2025"))
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(company=tenant_a.company, action="company.update").get()
    assert entry.changes["name"] == ["Alfa Handel AS", "Alfa Handel Oslo AS"]
    log = client.get(f"/c/{tenant_a.company.pk}/audit/?object_type=companies.Company").content.decode()
    assert "Alfa Handel Oslo AS" in log


def test_membership_rules(tenant_a, viewer):
    owner_membership = tenant_a.membership
    with pytest.raises(MembershipError):
        remove_member(tenant_a.owner, owner_membership)  # the last owner
    with pytest.raises(MembershipError):
        change_role(tenant_a.owner, owner_membership, Role.VIEWER)
    with pytest.raises(MembershipError):
        add_member(tenant_a.owner, tenant_a.company, viewer.email, Role.APPROVER)  # already a member
    with pytest.raises(MembershipError):
        add_member(tenant_a.owner, tenant_a.company, "nobody@example.no", Role.APPROVER)
    m = Membership.objects.get(user=viewer)
    change_role(tenant_a.owner, m, Role.APPROVER)
    assert Membership.objects.get(user=viewer).role == Role.APPROVER
    remove_member(tenant_a.owner, m)
    assert not Membership.objects.filter(user=viewer).exists()
    actions = list(AuditEntry.objects.filter(company=tenant_a.company).values_list("action", flat=True))
    assert {"membership.update", "membership.delete"} <= set(actions)


def test_switcher_lists_only_my_companies_and_switches(client, tenant_a, tenant_b):
    from avstem.companies.services import create_company

    second = create_company(tenant_a.owner, name="Alfa Eiendom AS", org_number="974760673",
                            conversion_date=datetime.date(2025, 1, 1))
    client.login(email=tenant_a.owner.email, password=PASSWORD)
    page = client.get(f"/c/{tenant_a.company.pk}/").content.decode()
    assert "Alfa Eiendom AS" in page and tenant_b.company.name not in page
    response = client.post("/companies/switch/", {"company_id": second.pk})
    assert response.url == f"/c/{second.pk}/"
    assert client.get("/").url == f"/c/{second.pk}/"  # remembered
    assert client.post("/companies/switch/", {"company_id": tenant_b.company.pk}).status_code == 404
