"""Bank pages: statements with removal (R5.4), manual lines within R3.8, manual import (R3.10),
the R1 wizard's prerequisites and file-exchange path, agreements, the front page (R1.5, R5.3)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from avstem.audit.models import AuditEntry
from avstem.banking import agreements, lines
from avstem.banking.banks import bank_of_account
from avstem.banking.models import AgreementStatus, BankAgreement, BankLine, ImportBatch, ReconciliationStatus
from tests.banking.builders import DAY, camt_bytes, entry, statement, tx
from tests.conftest import enable_totp, login_verified

from .conftest import IBAN, NUMBER


@pytest.fixture
def owner_client(client, tenant_a, account):
    _, next_code = enable_totp(tenant_a.owner)
    login_verified(client, tenant_a.owner, next_code)
    return client


def url(name, company, *args, **kwargs):
    if kwargs:
        return reverse(f"banking:{name}", kwargs={"company_id": company.pk, **kwargs})
    return reverse(f"banking:{name}", args=[company.pk, *args])


def test_every_bank_page_renders(owner_client, company, account):
    line = lines.create_manual_line(None, account, date=DAY, amount=-5000, text="Gebyr")
    for path in (url("overview", company), url("import", company), url("csv_layouts", company),
                 url("agreements", company), url("statements", company, account.pk),
                 url("new_line", company, account.pk), url("remove_line", company, account.pk, line.pk),
                 reverse("companies:dashboard", args=[company.pk]), url("bank_accounts", company),
                 url("connect", company) + "?bank=DNBANOKK"):
        response = owner_client.get(path)
        assert response.status_code == 200, path


def test_statements_list_and_remove_with_reason(owner_client, company, account, tenant_a):
    line = lines.create_manual_line(tenant_a.owner, account, date=DAY, amount=12345, text="Innskudd kontant")
    page = owner_client.get(url("statements", company, account.pk)).content.decode()
    assert "Innskudd kontant" in page and "123,45" in page
    response = owner_client.post(url("remove_line", company, account.pk, line.pk), {"reason": ""})
    assert response.status_code == 200 and BankLine.objects.get(pk=line.pk).deleted_at is None
    response = owner_client.post(url("remove_line", company, account.pk, line.pk), {"reason": "Registrert to ganger"})
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.deleted_at and line.delete_reason == "Registrert to ganger"
    assert AuditEntry.objects.filter(action="bank_line.remove", object_id=str(line.pk)).exists()
    assert "Innskudd kontant" not in owner_client.get(url("statements", company, account.pk)).content.decode()
    assert "Registrert to ganger" in owner_client.get(url("statements", company, account.pk) + "?removed=1").content.decode()


def test_statements_are_paged_so_every_line_can_be_reached(owner_client, company, account):
    import re

    from avstem.banking.views.bank import STATEMENT_PAGE_SIZE

    size = STATEMENT_PAGE_SIZE
    first = DAY - datetime.timedelta(days=400)
    BankLine.objects.bulk_create([  # one a day, oldest first: line n is dated first + n days
        BankLine(company=company, bank_account=account, amount=100 + n, date=first + datetime.timedelta(days=n),
                 description=f"Linje-{n:04d}", source="manual", sources="manual")
        for n in range(2 * size + 5)])
    removed = BankLine.objects.get(description="Linje-0000")
    lines.remove_line(None, removed, "feil")
    base = url("statements", company, account.pk)

    def texts(html):
        return re.findall(r"Linje-(\d{4})", html)

    page1 = owner_client.get(base).content.decode()
    assert texts(page1) == [f"{n:04d}" for n in range(2 * size + 4, size + 4, -1)]  # the newest page first
    assert "Side 1 av 3" in page1 and f"?page=2" in page1 and "?page=3" in page1 and "?page=0" not in page1
    page2 = owner_client.get(base + "?page=2").content.decode()
    assert texts(page2) == [f"{n:04d}" for n in range(size + 4, 4, -1)]
    assert "Side 2 av 3" in page2 and "?page=1" in page2 and "?page=3" in page2
    page3 = owner_client.get(base + "?page=3").content.decode()
    assert texts(page3) == ["0004", "0003", "0002", "0001"]  # the removed line stays hidden
    # every live line is on exactly one page
    assert sorted(texts(page1) + texts(page2) + texts(page3)) == [f"{n:04d}" for n in range(1, 2 * size + 5)]
    # out of range or not a number: the nearest real page, never an error
    assert texts(owner_client.get(base + "?page=99").content.decode()) == texts(page3)
    assert texts(owner_client.get(base + "?page=x").content.decode()) == texts(page1)
    # the filter stays in the page links, and the removed line is reachable on its last page
    with_removed = owner_client.get(base + "?removed=1&page=3").content.decode()
    assert texts(with_removed)[-1] == "0000" and "feil" in with_removed
    assert "?removed=1&amp;page=2" in with_removed and 'href="?page=' not in with_removed
    # one page only: no pager
    BankLine.objects.filter(bank_account=account, date__gt=first + datetime.timedelta(days=10)).delete()
    assert 'data-testid="statement-pages"' not in owner_client.get(base).content.decode()


def test_a_reconciled_line_must_be_unreconciled_first(tenant_a, account):
    line = lines.create_manual_line(tenant_a.owner, account, date=DAY, amount=100, text="x")
    lines.mark_reconciled(line, job="test")
    with pytest.raises(lines.LineError, match="Undo the reconciliation"):
        lines.remove_line(tenant_a.owner, line, "feil")
    lines.mark_unreconciled(line, job="test")
    assert lines.remove_line(tenant_a.owner, line, "feil").deleted_at is not None
    assert BankLine.objects.get(pk=line.pk).reconciliation_status == ReconciliationStatus.UNRECONCILED


def test_manual_lines_while_a_file_agreement_waits(owner_client, company, account, tenant_a):
    ordered = datetime.date(2026, 3, 10)
    agreement = agreements.order_file_agreement(tenant_a.owner, company, bank_of_account(NUMBER), [account], on=ordered)
    assert agreement.status == AgreementStatus.ORDERED
    response = owner_client.post(url("new_line", company, account.pk),
                                 {"date": "10.03.2026", "amount": "-99,00", "text": "Kortkjøp"})
    assert "waiting for the bank" in response.content.decode() or "venter på" in response.content.decode()
    assert not BankLine.objects.filter(bank_account=account).exists()
    response = owner_client.post(url("new_line", company, account.pk),
                                 {"date": "09.03.2026", "amount": "-99,00", "text": "Kortkjøp"})
    assert response.status_code == 302
    agreements.confirm_file_agreement(agreement, datetime.date(2026, 3, 12), job="test")
    lines.create_manual_line(tenant_a.owner, account, date=datetime.date(2026, 3, 11), amount=500, text="i ventetiden")
    assert BankLine.objects.filter(bank_account=account).count() == 2


def test_payments_only_from_one_business_day_after_connecting(tenant_a, company, account):
    friday = datetime.date(2026, 3, 6)
    agreement = agreements.order_file_agreement(tenant_a.owner, company, bank_of_account(NUMBER), [account], on=friday)
    assert not agreements.can_pay_from(account, datetime.date(2026, 3, 20))  # not active yet
    agreements.confirm_file_agreement(agreement, friday, job="test")
    assert agreements.first_payment_day(account) == datetime.date(2026, 3, 9)  # the Monday
    assert not agreements.can_pay_from(account, friday)
    assert not agreements.can_pay_from(account, datetime.date(2026, 3, 8))
    assert agreements.can_pay_from(account, datetime.date(2026, 3, 9))
    # a bank that confirms days after the order: payments from the business day after it confirmed
    agreements.deactivate_accounts(tenant_a.owner, agreement, [account], on=datetime.date(2026, 3, 9))
    again = agreements.order_file_agreement(tenant_a.owner, company, bank_of_account(NUMBER), [account],
                                            on=datetime.date(2026, 3, 10))
    agreements.confirm_file_agreement(again, datetime.date(2026, 3, 12), job="test")
    assert agreements.first_payment_day(account) == datetime.date(2026, 3, 13)


def test_import_a_camt_file_through_the_page(owner_client, company, account):
    data = camt_bytes(statement(IBAN, [entry("250.00", "W1", transactions=[tx("250.00", kid="1234567890128")])],
                                opening="0", closing="250"))
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = owner_client.post(url("import", company), {"file": SimpleUploadedFile("053.xml", data)})
    assert response.status_code == 302
    batch = ImportBatch.objects.get(company=company)
    assert batch.status == "done" and batch.lines_new == 1 and batch.bank_account == account
    page = owner_client.get(response["Location"]).content.decode()
    assert "053.xml" in page
    again = owner_client.post(url("import", company), {"file": SimpleUploadedFile("053.xml", data)})
    second = ImportBatch.objects.get(pk=again["Location"].rstrip("/").split("/")[-1])
    assert second.lines_new == 0 and second.lines_unchanged == 1
    assert "importert før" in " ".join(second.warnings)  # said during the (bokmål) request


def test_a_refused_file_names_file_line_and_column(owner_client, company, account):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = ("Dato;Forklaring;Rentedato;Ut fra konto;Inn på konto\n"
            "02.03.2026;Husleie;02.03.2026;12 000,00;\n"
            "31.02.2026;Strøm;31.02.2026;1 200,00;\n").encode()
    response = owner_client.post(url("import", company), {"file": SimpleUploadedFile("dnb.csv", data),
                                                          "account": account.pk})
    batch = ImportBatch.objects.get(company=company)
    assert batch.status == "refused"
    assert "dnb.csv" in batch.error and "line 3" in batch.error and "Dato" in batch.error
    assert not BankLine.objects.exists()
    assert "31.02.2026" in owner_client.get(response["Location"]).content.decode()


def test_large_uploads_go_to_a_worker_with_progress(owner_client, company, account, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from avstem.banking.uploads import run_batch

    settings.BANK_IMPORT_INLINE_BYTES = 10
    data = camt_bytes(statement(IBAN, [entry(str(n), f"L{n}") for n in range(1, 40)], opening="0", closing="780"))
    response = owner_client.post(url("import", company), {"file": SimpleUploadedFile("big.xml", data)})
    batch = ImportBatch.objects.get(company=company)
    assert batch.status == "queued"
    partial = owner_client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in partial
    run_batch(batch.pk)  # what the worker does
    partial = owner_client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "every 1s" not in partial and "39" in partial


def test_wizard_names_each_missing_prerequisite(client, tenant_a, company):
    from tests.conftest import PASSWORD

    user = tenant_a.owner
    user.name, user.mobile = "", ""
    user.save()
    client.login(email=user.email, password=PASSWORD)
    response = client.get(url("payments", company))
    assert response.status_code == 302 and "/bank/connect/prerequisites/" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert reverse("users:profile") in page and reverse("users:2fa_setup") in page
    assert client.get(url("wizard", company, step="terms")).status_code == 302  # not before they are fixed


def test_wizard_orders_file_exchange(owner_client, company, account, tenant_a):
    company.runs_payroll = True
    company.save()
    steps = [("prerequisites", {}), ("terms", {"accept": "on"}), ("approval", {"approval_method": "accounting"}),
             ("accounts", {"accounts": [account.pk]}), ("operating", {"account": account.pk}),
             ("payroll", {"account": ""})]
    for step, data in steps:
        response = owner_client.post(url("wizard", company, step=step), data)
        assert response.status_code == 302, (step, response.content.decode()[:2000])
    response = owner_client.post(url("wizard", company, step="tax"), {"account": ""})
    assert response.status_code == 200  # required: the company runs payroll
    from avstem.banking.services import create_bank_account
    from avstem.ledger.models import Account

    tax = create_bank_account(tenant_a.owner, company, nickname="Skatt", kind="tax_withholding",
                              account_number="86011117955",
                              gl_account=Account.objects.get(company=company, number="1950"))
    assert owner_client.post(url("wizard", company, step="tax"), {"account": tax.pk}).status_code == 302
    response = owner_client.post(url("wizard", company, step="connect"), {"connection": "file"})
    assert response.status_code == 302, response.content.decode()[:3000]
    agreement = BankAgreement.objects.get(company=company)
    assert agreement.status == AgreementStatus.ORDERED and agreement.tax_withholding_account == tax
    assert agreement.operating_account == account
    front = owner_client.get(reverse("companies:dashboard", args=[company.pk])).content.decode()
    assert "Waiting for" in front or "Venter på" in front


def test_api_lines_agreements_and_no_secrets(client, tenant_a, company, account):
    from avstem.banking.agreements import set_tokens
    from avstem.banking.connector import Tokens
    from avstem.users.services import create_token

    agreement = agreements.order_file_agreement(tenant_a.owner, company, bank_of_account(NUMBER), [account], on=DAY)
    set_tokens(agreement, Tokens("ACCESS-very-secret-123", "REFRESH-very-secret-456", 4_000_000_000.0))
    agreement.save()
    lines.create_manual_line(tenant_a.owner, account, date=DAY - datetime.timedelta(days=1), amount=-12345,
                             text="Kontantuttak")
    _, raw = create_token(tenant_a.owner, "api", two_factor=True)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    base = f"/api/companies/{company.pk}"
    answers = [client.get(f"{base}/bank-agreements", **headers), client.get(f"{base}/bank-agreements/{agreement.pk}", **headers),
               client.get(f"{base}/bank-accounts/{account.pk}/lines", **headers),
               client.get(f"{base}/bank-accounts/{account.pk}/balances", **headers)]
    assert all(a.status_code == 200 for a in answers)
    body = " ".join(a.content.decode() for a in answers)
    assert "very-secret" not in body and agreement.tokens not in body
    [line] = answers[2].json()
    assert line["amount"] == "-123.45" and line["sources"] == ["manual"]
    assert answers[1].json()["status"] == "ordered"
    assert client.post(f"{base}/bank-agreements/{agreement.pk}/fetch", **headers).status_code == 409
