"""The ledger pages: every page renders with data, forms post through the services, refusals
show their message, a viewer cannot change anything, CSV downloads."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from avstem.companies.models import Membership, Role
from avstem.ledger import invoicing, subledger
from avstem.ledger.models import Account, Invoice, OpenItem, PeriodLock, Voucher
from tests.conftest import PASSWORD

D = datetime.date


@pytest.fixture
def data(company, owner, customer, supplier):
    invoice = invoicing.create_invoice(owner, company, customer=customer, invoice_date=D(2025, 3, 3), post=True,
                                       lines=[invoicing.InvoiceLineInput("Grovbrød", Decimal(10), 4550, account="3030", vat_code="31")])
    draft = invoicing.create_invoice(owner, company, customer=customer, invoice_date=D(2025, 3, 4),
                                     lines=[invoicing.InvoiceLineInput("Kaffe", Decimal(1), 3000)])
    supplier_invoice = invoicing.create_supplier_invoice(owner, company, supplier=supplier, supplier_invoice_number="F-1",
                                                         invoice_date=D(2025, 3, 5), gross_amount=115000, post=True)
    voucher, settlement = subledger.post_payment(owner, company, date=D(2025, 3, 10), amount=30000, customer=customer,
                                                 allocations=[(invoicing.open_item_of(invoice), 30000)])
    return dict(invoice=invoice, draft=draft, supplier_invoice=supplier_invoice, voucher=voucher, settlement=settlement)


@pytest.fixture
def browser(client, owner, settings):
    client.force_login(owner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # pages in their English source text
    return client


def url(name, company, *args):
    return reverse(f"ledger:{name}", args=[company.pk, *args])


def test_every_page_renders(browser, company, customer, supplier, data):
    invoice, voucher = data["invoice"], data["voucher"]
    item = invoicing.open_item_of(invoice)
    pages = [
        (url("overview", company), "Customers owe"),
        (url("accounts", company), "1920"),
        (url("accounts", company) + "?q=bank&show=", "Bank, driftskonto"),
        (url("account", company, Account.objects.get(company=company, number="1920").pk), "Bank, driftskonto"),
        (url("vat_codes", company), "2701"),
        (url("vouchers", company), voucher.display_number),
        (url("voucher_new", company), "Post voucher"),
        (url("voucher", company, voucher.pk), "1920"),
        (url("customers", company), customer.name),
        (url("customer_new", company), "New customer"),
        (url("customer", company, customer.pk), invoice.kid),
        (url("suppliers", company), supplier.name),
        (url("supplier_new", company), "New supplier"),
        (url("supplier", company, supplier.pk), "F-1"),
        (url("invoices", company), invoice.kid),
        (url("invoices", company) + "?status=open", invoice.kid),
        (url("invoice_new", company), "Post invoice"),
        (url("invoice", company, invoice.pk), "523,25"),
        (url("invoice_edit", company, data["draft"].pk), "Kaffe"),
        (url("supplier_invoices", company), "F-1"),
        (url("supplier_invoice_new", company), "Register supplier invoice"),
        (url("supplier_invoice", company, data["supplier_invoice"].pk), "1 150,00"),
        (url("open_items", company), customer.name),
        (url("open_items", company) + "?kind=supplier", supplier.name),
        (url("open_item", company, item.pk), "Settlements"),
        (url("trial_balance", company) + "?date_from=01.01.2025&date_to=31.12.2025", "1920"),
        (url("general_ledger", company) + "?account=1500&date_from=01.01.2025&date_to=31.12.2025", invoice.voucher.display_number),
        (url("periods", company) + "?year=2025", "March"),
        (url("settings", company), "MOD10"),
    ]
    for path, text in pages:
        response = browser.get(path)
        assert response.status_code == 200, path
        assert text in response.content.decode().replace("\u00a0", " "), (path, text)


def test_manual_voucher_form_with_vat_taken_out(browser, company):
    form = {"date": "10.03.2025", "series": "manual", "description": "Kontorstol", "amounts_include_vat": "on",
            "lines-TOTAL_FORMS": "4", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "2", "lines-MAX_NUM_FORMS": "200",
            "lines-0-account": "6540 Inventar (kostnadsført)", "lines-0-debit": "2 500,00", "lines-0-vat_code": "1",
            "lines-1-account": "1920", "lines-1-credit": "2500"}
    response = browser.post(url("voucher_new", company), form)
    assert response.status_code == 302
    voucher = Voucher.objects.get(company=company)
    assert sorted((p.account.number, p.amount) for p in voucher.postings.all()) == [("1920", -250000), ("2710", 50000), ("6540", 200000)]


def test_manual_voucher_refusal_shows_the_message(browser, company):
    form = {"date": "10.03.2025", "series": "manual", "description": "Skjev",
            "lines-TOTAL_FORMS": "2", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "2", "lines-MAX_NUM_FORMS": "200",
            "lines-0-account": "6800", "lines-0-debit": "1250", "lines-1-account": "1920", "lines-1-credit": "1200"}
    response = browser.post(url("voucher_new", company), form)
    assert response.status_code == 200
    assert "The voucher does not balance: debit 1 250,00, credit 1 200,00." in response.content.decode()
    assert not Voucher.objects.filter(company=company).exists()


def test_invoice_form_posts_the_invoice(browser, company, customer):
    form = {"customer": customer.pk, "invoice_date": "03.03.2025", "due_date": "", "reference": "Ola", "note": "",
            "lines-TOTAL_FORMS": "3", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "1", "lines-MAX_NUM_FORMS": "200",
            "lines-0-description": "Kanelboller", "lines-0-quantity": "2,5", "lines-0-unit_price": "144,00",
            "lines-0-account": "3030", "lines-0-vat_code": "31",
            "lines-1-account": "3000", "lines-1-vat_code": "3", "lines-1-quantity": "1",
            "lines-2-account": "3000", "lines-2-vat_code": "3", "lines-2-quantity": "1", "post": "1"}
    response = browser.post(url("invoice_new", company), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    invoice = Invoice.objects.get(company=company)
    assert invoice.number == 1 and invoice.gross_amount == 41400 and invoice.kid
    page = browser.get(response["Location"]).content.decode().replace("\u00a0", " ")
    assert invoice.kid in page and "414,00" in page


def test_credit_settle_unsettle_and_periods_from_the_pages(browser, company, customer, data):
    item = invoicing.open_item_of(data["invoice"])
    payment_item = OpenItem.objects.get(posting__voucher=data["voucher"])
    browser.post(reverse("ledger:unsettle", args=[company.pk, data["settlement"].pk]))
    item.refresh_from_db()
    assert item.remaining == 52325
    response = browser.post(url("open_item", company, payment_item.pk), {f"item_{item.pk}": "300,00", "date": ""})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.remaining == 22325
    response = browser.post(url("open_item", company, payment_item.pk), {f"item_{item.pk}": "1,00"})
    assert "already settled in full" in response.content.decode()
    browser.post(url("invoice_credit", company, data["invoice"].pk), {"date": "20.03.2025"})
    item.refresh_from_db()
    assert item.remaining == 0
    browser.post(url("periods", company), {"year": "2025", "month": "3", "action": "lock"})
    assert PeriodLock.objects.filter(company=company, year=2025, month=3).exists()
    response = browser.post(url("invoice_post", company, data["draft"].pk), follow=True)
    assert "The period March 2025 is locked." in response.content.decode()


def test_reverse_from_the_page(browser, company, data):
    voucher = data["voucher"]
    subledger.unsettle(None, data["settlement"])
    response = browser.post(url("voucher_reverse", company, voucher.pk), {"date": "11.03.2025"})
    assert response.status_code == 302
    voucher.refresh_from_db()
    assert voucher.is_reversed


def test_csv_downloads(browser, company, data):
    response = browser.get(url("trial_balance", company) + "?date_from=01.01.2025&date_to=31.12.2025&format=csv")
    assert response["Content-Type"].startswith("text/csv") and "saldobalanse-2025-01-01-2025-12-31.csv" in response["Content-Disposition"]
    assert "1500;" in response.content.decode("utf-8-sig")
    response = browser.get(url("general_ledger", company) + "?account=1500&date_from=01.01.2025&date_to=31.12.2025&format=csv")
    assert "hovedbok-1500" in response["Content-Disposition"]
    response = browser.get(url("open_items", company) + "?kind=customer&as_of=31.12.2025&format=csv")
    assert "kundereskontro-2025-12-31.csv" in response["Content-Disposition"] and data["invoice"].kid in response.content.decode("utf-8-sig")


def test_customer_and_account_forms(browser, company):
    response = browser.post(url("customer_new", company), {"name": "Ny Kunde AS", "org_number": "123", "active": "on"})
    assert "Enter a valid organisation number" in response.content.decode() or "organisasjonsnummer" in response.content.decode()
    response = browser.post(url("customer_new", company), {"name": "Ny Kunde AS", "org_number": "923456783", "active": "on"})
    assert response.status_code == 302
    response = browser.post(url("accounts", company), {"number": "1921", "name": "Bank, sparekonto", "is_bank": "on"})
    account = Account.objects.get(company=company, number="1921")
    assert response.status_code == 302 and account.is_bank and account.grouping_code == "1920"
    browser.post(url("account", company, account.pk), {"name": "Bank, sparekonto", "grouping_category": account.grouping_category,
                                                        "grouping_code": "1920", "vat_code": ""})
    account.refresh_from_db()
    assert account.active is False  # the unchecked box deactivates it


def test_a_viewer_sees_but_cannot_change(client, company, data):
    from avstem.users.services import create_user

    viewer = create_user("leser@example.no", PASSWORD, name="Leser")
    Membership.objects.create(user=viewer, company=company, role=Role.VIEWER)
    client.force_login(viewer)
    assert client.get(url("invoices", company)).status_code == 200
    assert client.get(url("voucher_new", company)).status_code == 403
    assert client.post(url("invoice_post", company, data["draft"].pk)).status_code == 403
    assert client.post(url("customer_new", company), {"name": "X"}).status_code == 403
    assert client.post(url("periods", company), {"year": "2025", "month": "4"}).status_code == 403
    data["draft"].refresh_from_db()
    assert data["draft"].is_draft


def test_attachments_are_added_and_served_only_to_the_company(browser, company, data, tenant_b):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from avstem.ledger.errors import ImmutableError
    from avstem.ledger.models import Attachment

    voucher = data["voucher"]
    upload = SimpleUploadedFile("kvittering.pdf", b"%PDF-1.4 kvittering", content_type="application/pdf")
    response = browser.post(url("voucher", company, voucher.pk), {"file": upload})
    assert response.status_code == 302
    attachment = Attachment.objects.get(voucher=voucher)
    response = browser.get(url("attachment", company, attachment.pk))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 kvittering"
    assert "kvittering.pdf" in browser.get(url("voucher", company, voucher.pk)).content.decode()
    with pytest.raises(ImmutableError):
        attachment.delete()
    browser.force_login(tenant_b.owner)
    assert browser.get(url("attachment", company, attachment.pk)).status_code == 404
