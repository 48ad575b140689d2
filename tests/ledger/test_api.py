"""The ledger API: accounts, vouchers (post, check, reverse), customers, suppliers, invoices,
payments and settlement, open items, balances, reports, periods; permissions and refusals."""

from __future__ import annotations

import pytest

from avstem.companies.models import Membership, Role
from tests.conftest import PASSWORD


@pytest.fixture
def api(client, company, owner):
    from avstem.users.services import create_token

    _token, raw = create_token(owner, "test", two_factor=True)
    base = f"/api/companies/{company.pk}/ledger"
    # Messages follow Accept-Language (bokmål by default); these tests read the English ones.
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}", "HTTP_ACCEPT_LANGUAGE": "en"}

    class Api:
        def get(self, path, **params):
            return client.get(base + path, params, **headers)

        def post(self, path, data=None):
            return client.post(base + path, data or {}, content_type="application/json", **headers)

        def patch(self, path, data):
            return client.patch(base + path, data, content_type="application/json", **headers)

        def delete(self, path):
            return client.delete(base + path, **headers)

    return Api()


def ok(response, status=200):
    assert response.status_code == status, response.content.decode()[:800]
    return response.json() if response.content else None


def test_accounts(api):
    accounts = ok(api.get("/accounts"))
    assert len(accounts) == 745 and accounts[0]["number"] == "1000"
    created = ok(api.post("/accounts", {"number": "1921", "name": "Bank, sparekonto", "is_bank": True}), 201)
    assert created["grouping_code"] == "1920" and created["account_type"] == "asset"
    changed = ok(api.patch(f"/accounts/{created['id']}", {"active": False}))
    assert changed["active"] is False
    assert api.post("/accounts", {"number": "1921", "name": "Dobbel"}).json()["detail"] == "Account 1921 already exists."
    codes = {c["code"]: c for c in ok(api.get("/vat-codes", date="2020-06-01"))}
    assert codes["33"]["percent"] == "6" and codes["3"]["output_account"] == "2700"


def test_voucher_post_check_reverse(api):
    voucher = {"date": "2025-03-10", "description": "Kontorrekvisita", "lines": [
        {"account": "6800", "amount": "1250.00", "vat_code": "1", "gross": True}, {"account": "1920", "amount": "-1250.00"}]}
    preview = ok(api.post("/vouchers/check", voucher))
    assert [(p["account"], p["amount"]) for p in preview] == [("6800", "1000.00"), ("2710", "250.00"), ("1920", "-1250.00")]
    assert ok(api.get("/vouchers")) == []
    posted = ok(api.post("/vouchers", voucher), 201)
    assert posted["number"] == "M2025-1" and len(posted["postings"]) == 3
    reversal = ok(api.post(f"/vouchers/{posted['id']}/reverse", {}), 201)
    assert reversal["reversal_of_id"] == posted["id"]
    assert ok(api.get(f"/vouchers/{posted['id']}"))["reversed_by_id"] == reversal["id"]
    balances = ok(api.get("/balances", date="2025-12-31", accounts="1920,6800"))
    assert balances == [{"account": "1920", "date": "2025-12-31", "balance": "0.00"},
                        {"account": "6800", "date": "2025-12-31", "balance": "0.00"}]


def test_voucher_refusals_name_the_problem(api):
    response = api.post("/vouchers", {"date": "2025-03-10", "description": "Skjev", "lines": [
        {"account": "6800", "amount": "1250"}, {"account": "1920", "amount": "-1200"}]})
    assert response.status_code == 400
    assert response.json()["detail"] == "The voucher does not balance: debit 1 250,00, credit 1 200,00."
    response = api.post("/vouchers", {"date": "2025-03-10", "description": "x", "lines": [
        {"account": "6800", "amount": "12.505"}, {"account": "1920", "amount": "-12.505"}]})
    assert response.status_code == 422  # three decimals


def test_batch_is_all_or_nothing(api):
    good = {"date": "2025-03-10", "description": "A", "lines": [{"account": "6800", "amount": "10"}, {"account": "1920", "amount": "-10"}]}
    bad = {"date": "2024-03-10", "description": "B", "lines": [{"account": "6800", "amount": "10"}, {"account": "1920", "amount": "-10"}]}
    response = api.post("/vouchers/batch", [good, bad])
    assert response.status_code == 400 and "before the conversion date" in response.json()["detail"]
    assert ok(api.get("/vouchers")) == []
    assert [v["number"] for v in ok(api.post("/vouchers/batch", [good, good]), 201)] == ["M2025-1", "M2025-2"]


def test_invoice_to_payment_flow(api):
    customer = ok(api.post("/customers", {"name": "Kafé Solsiden AS", "org_number": "923 456 783"}), 201)
    assert customer["number"] == 10000 and customer["org_number"] == "923456783"
    invoice = ok(api.post("/invoices", {"customer_id": customer["id"], "invoice_date": "2025-03-03", "lines": [
        {"description": "Grovbrød", "quantity": "10", "unit_price": "45.50", "account": "3030", "vat_code": "31"}]}), 201)
    assert invoice["status"] == "draft" and invoice["gross_amount"] == "523.25"
    invoice = ok(api.post(f"/invoices/{invoice['id']}/post"))
    assert invoice["number"] == 1 and invoice["kid"].startswith("10000000001") and invoice["remaining"] == "523.25"
    items = ok(api.get("/open-items", kid=invoice["kid"]))
    assert [i["id"] for i in items] == [invoice["open_item_id"]]
    payment = ok(api.post("/payments", {"date": "2025-03-20", "amount": "600.00", "customer_id": customer["id"],
                                         "allocations": [{"open_item_id": invoice["open_item_id"], "amount": "523.25"}]}), 201)
    assert payment["voucher"]["number"] == "B2025-1"
    assert ok(api.get(f"/invoices/{invoice['id']}"))["remaining"] == "0.00"
    assert ok(api.get(f"/customers/{customer['id']}"))["balance"] == "-76.75"  # over-paid: a credit
    report = ok(api.get("/reports/open-items", kind="customer", as_of="2025-03-31"))
    assert report["total"] == "-76.75" and report["buckets"]["1_30"] == "-76.75"  # dated 20.03, aged from then
    settlement_id = payment["settlement"]["id"]
    undone = ok(api.post(f"/settlements/{settlement_id}/unsettle"))
    assert undone["reversed"] is True
    assert ok(api.get(f"/invoices/{invoice['id']}"))["remaining"] == "523.25"
    again = ok(api.post("/settlements", {"payment_posting_id": payment["voucher"]["postings"][1]["id"],
                                         "allocations": [{"open_item_id": invoice["open_item_id"], "amount": "100.00"}]}), 201)
    assert sorted(line["amount"] for line in again["lines"]) == ["-100.00", "100.00"]
    credit = ok(api.post(f"/invoices/{invoice['id']}/credit-note", {"date": "2025-03-25"}), 201)
    assert credit["kind"] == "credit_note" and credit["number"] == 2
    assert ok(api.get(f"/invoices/{invoice['id']}"))["remaining"] == "0.00"


def test_supplier_invoice_flow(api):
    supplier = ok(api.post("/suppliers", {"name": "Mølle Mel AS", "bank_account": "8601.11.17947", "default_account": "4030"}), 201)
    assert supplier["bank_account"] == "86011117947" and supplier["default_account"] == "4030"
    bad = api.post("/supplier-invoices", {"supplier_id": supplier["id"], "supplier_invoice_number": "1", "invoice_date": "2025-03-05",
                                          "gross_amount": "1150.00", "kid": "123456781"})
    assert bad.status_code == 400 and "Ugyldig KID" in bad.json()["detail"]
    invoice = ok(api.post("/supplier-invoices", {"supplier_id": supplier["id"], "supplier_invoice_number": "1",
                                                 "invoice_date": "2025-03-05", "gross_amount": "1150.00", "kid": "123456782",
                                                 "post": True}), 201)
    assert (invoice["vat_code"], invoice["vat_amount"], invoice["remaining"]) == ("11", "150.00", "-1150.00")
    payment = ok(api.post("/payments", {"date": "2025-03-19", "amount": "1150.00", "supplier_id": supplier["id"], "allocations": "oldest"}), 201)
    assert payment["settlement"] is not None
    assert ok(api.get(f"/supplier-invoices/{invoice['id']}"))["remaining"] == "0.00"


def test_reports_and_periods(api):
    api.post("/vouchers", {"date": "2025-03-10", "description": "Salg", "lines": [
        {"account": "1920", "amount": "1250"}, {"account": "3000", "amount": "-1000", "vat_code": "3"}]})
    tb = ok(api.get("/reports/trial-balance", date_from="2025-01-01", date_to="2025-12-31"))
    assert [(r["account"], r["closing"]) for r in tb["rows"]] == [("1920", "1250.00"), ("2700", "-250.00"), ("3000", "-1000.00")]
    assert tb["totals"]["closing"] == "0.00"
    gl = ok(api.get("/reports/general-ledger", account="1920", date_from="2025-01-01", date_to="2025-12-31"))
    assert gl["closing"] == "1250.00" and gl["lines"][0]["voucher"] == "M2025-1"
    ok(api.post("/periods/lock", {"year": 2025, "month": 3}))
    assert ok(api.get("/periods"))[0]["month"] == 3
    refused = api.post("/vouchers", {"date": "2025-03-11", "description": "x", "lines": [
        {"account": "1920", "amount": "1"}, {"account": "3000", "amount": "-1"}]})
    assert refused.status_code == 400 and "is locked" in refused.json()["detail"]
    ok(api.post("/periods/unlock", {"year": 2025, "month": 3}), 204)
    settings = ok(api.patch("/settings", {"kid_algorithm": "MOD11"}))
    assert settings["kid_algorithm"] == "MOD11"


def test_a_viewer_may_read_but_not_write(client, company, owner):
    from avstem.users.services import create_token, create_user

    viewer = create_user("viewer@example.no", PASSWORD, name="Leser")
    Membership.objects.create(user=viewer, company=company, role=Role.VIEWER)
    _token, raw = create_token(viewer, "viewer", two_factor=True)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    base = f"/api/companies/{company.pk}/ledger"
    assert client.get(base + "/accounts", **headers).status_code == 200
    response = client.post(base + "/customers", {"name": "Ny"}, content_type="application/json", **headers)
    assert response.status_code == 403
    response = client.post(base + "/vouchers", {"date": "2025-03-10", "description": "x", "lines": []},
                           content_type="application/json", **headers)
    assert response.status_code == 403


def test_openapi_documents_the_ledger():
    from avstem.api import api as ninja_api

    paths = ninja_api.get_openapi_schema()["paths"]
    for path in ("/api/companies/{company_id}/ledger/vouchers", "/api/companies/{company_id}/ledger/settlements",
                 "/api/companies/{company_id}/ledger/reports/trial-balance", "/api/companies/{company_id}/ledger/balances"):
        assert path in paths


def test_voucher_drafts(api):
    draft = ok(api.post("/voucher-drafts", {"date": "2025-03-10", "description": "Gebyr", "series": "bank", "lines": [
        {"account": "7770", "amount": "45.00"}, {"account": "1920", "amount": "-45.00"}]}), 201)
    assert draft["lines"][0]["amount"] == "45.00" and draft["lines"][1]["account"] == "1920"
    assert [d["id"] for d in ok(api.get("/voucher-drafts"))] == [draft["id"]]
    voucher = ok(api.post(f"/voucher-drafts/{draft['id']}/post"), 201)
    assert voucher["number"] == "B2025-1"
    assert ok(api.get("/voucher-drafts")) == []
    other = ok(api.post("/voucher-drafts", {"date": "2025-03-10", "description": "Feil", "lines": [
        {"account": "7770", "amount": "1"}, {"account": "1920", "amount": "-2"}]}), 201)
    assert api.post(f"/voucher-drafts/{other['id']}/post").status_code == 400
    ok(api.delete(f"/voucher-drafts/{other['id']}"), 204)
