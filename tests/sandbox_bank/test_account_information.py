"""Accounts, balances, transactions (paging, stable ids, pending that books), camt.053/054 and
OCR documents read back with avstem.formats and validated against the official XSDs."""

from __future__ import annotations

import re
from decimal import Decimal

from avstem.formats import camt
from avstem.formats.ocr import read_ocr
from avstem.norway.accounts import bank_for_account_number, is_valid_account_number

from .conftest import BETA, BETA_PERSON, accounts, assert_valid_xsd, connect, get


def test_accounts_are_valid_numbers_at_real_banks(bank):
    token = connect(bank)["access_token"]
    for account in accounts(bank, token):
        assert is_valid_account_number(account["account_number"])
        assert account["iban"] == "NO" + account["iban"][2:4] + account["account_number"]
        registry = bank_for_account_number(account["account_number"])
        assert (account["bank_name"], account["bic"]) == (registry.name, registry.bic)


def test_transactions_balances_statements_and_notifications(bank):
    token = connect(bank)["access_token"]
    operating, tax = accounts(bank, token)
    kid = "0000100016"  # MOD10
    ids = bank.client.add_transactions(
        {"account": operating["account_number"], "amount": "1250.00", "kid": kid,
         "counterparty": {"name": "Kafé Nord AS", "account": "86011117947"}},
        {"account": operating["account_number"], "amount": "-89.00", "kind": "fee", "description": "Gebyr"},
        {"account": operating["account_number"], "amount": "-450.50", "kind": "card", "status": "pending",
         "description": "*4521 03.03 REMA 1000", "book_on": "2025-03-04"},
        {"account": operating["account_number"], "batch": [
            {"amount": "100.00", "kid": "0000200014", "counterparty": {"name": "A", "account": "86011117947"}, "reference": "000000001"},
            {"amount": "200.00", "kid": "0000300012", "counterparty": {"name": "B"}, "reference": "000000002"},
            {"amount": "300.00", "kid": "0000400010", "counterparty": {"name": "C"}, "reference": "000000003"}]})
    pending_id = ids[2]
    page = get(bank, f"/api/v1/accounts/{operating['id']}/transactions?from=2025-03-03&to=2025-03-03&page_size=2", token).json()
    assert len(page["transactions"]) == 2 and page["next_cursor"]
    rest = get(bank, f"/api/v1/accounts/{operating['id']}/transactions?from=2025-03-03&to=2025-03-03&page_size=2"
                     f"&cursor={page['next_cursor']}", token).json()
    seen = [t["id"] for t in page["transactions"] + rest["transactions"]]
    assert sorted(seen) == sorted(ids) and rest["next_cursor"] is None
    pending = next(t for t in rest["transactions"] + page["transactions"] if t["id"] == pending_id)
    assert pending["status"] == "pending" and pending["expected_booking_date"] == "2025-03-04"
    batch = next(t for t in rest["transactions"] + page["transactions"] if t["id"] == ids[3])
    assert batch["batch"]["number_of_transactions"] == 3 and batch["amount"] == "600.00"

    assert bank.client.advance_day()["bank_day"] == "2025-03-04"
    booked = get(bank, f"/api/v1/accounts/{operating['id']}/transactions?from=2025-03-03&to=2025-03-04", token).json()
    card = next(t for t in booked["transactions"] if t["id"] == pending_id)
    assert card["status"] == "booked" and card["booking_date"] == "2025-03-04"  # same id, booked next day

    balances = get(bank, f"/api/v1/accounts/{operating['id']}/balances?from=2025-03-03&to=2025-03-04", token).json()["balances"]
    monday = balances[0]
    assert (monday["opening_booked"], monday["closing_booked"], monday["final"]) == ("50000.00", "51761.00", True)
    assert monday["available"] == "51310.50"  # the card reservation is held
    assert balances[1]["opening_booked"] == "51761.00" and balances[1]["final"] is False

    xml = get(bank, f"/api/v1/accounts/{operating['id']}/statements/2025-03-03.camt053", token)
    assert xml.status == 200
    assert_valid_xsd(xml.body, "camt.053.001.02")
    document = camt.read(xml.body)
    statement = document.statements[0]
    assert statement.consistency.consistent is True
    assert statement.opening_booked.amount + sum(e.amount for e in statement.entries) == statement.closing_booked.amount
    assert statement.account.iban == operating["iban"]
    refs = {e.account_servicer_reference: e for e in statement.entries}
    assert refs[ids[0]].transactions[0].kids[0].value == kid
    assert len(refs[ids[3]].transactions) == 3 and refs[ids[3]].batch.number_of_transactions == 3
    assert pending_id not in refs  # pending is not on the statement

    v08 = get(bank, f"/api/v1/accounts/{operating['id']}/statements/2025-03-03.camt053?version=camt.053.001.08", token)
    assert_valid_xsd(v08.body, "camt.053.001.08")

    notification = get(bank, f"/api/v1/accounts/{operating['id']}/notifications/2025-03-03.camt054", token)
    assert_valid_xsd(notification.body, "camt.054.001.02")
    entries = camt.read(notification.body).statements[0].entries
    assert {e.account_servicer_reference for e in entries} == {ids[0], ids[3]}  # the ones with details
    assert [str(k) for t in entries[1].transactions for k in t.kids] == ["0000200014", "0000300012", "0000400010"]

    ocr = get(bank, f"/api/v1/accounts/{operating['id']}/ocr/2025-03-03.txt", token)
    assert ocr.status == 200
    read = read_ocr(ocr.body)
    assert read.statements[0].consistency.batches is not False
    assert [str(t.kids[0]) for e in read.statements[0].entries for t in e.transactions] == ["0000200014", "0000300012", "0000400010"]
    assert sum(e.amount for e in read.statements[0].entries) == Decimal("600.00")

    today = get(bank, f"/api/v1/accounts/{operating['id']}/statements/2025-03-04.camt053", token)
    assert today.status == 404 and today.json()["error"] == "statement_not_available"
    assert "when the day closes" in today.json()["message"]


def test_one_company_never_sees_another_companys_accounts(bank):
    alfa = connect(bank)["access_token"]
    beta = connect(bank, who=BETA_PERSON, org=BETA)["access_token"]
    beta_account = accounts(bank, beta)[0]
    for path in ("", "/balances", "/transactions", "/statements/2025-03-03.camt053"):
        result = get(bank, f"/api/v1/accounts/{beta_account['id']}{path}", alfa)
        assert result.status == 404 and result.json()["error"] == "account_not_found"


def test_bad_requests_get_clear_json_errors(bank):
    token = connect(bank)["access_token"]
    account = accounts(bank, token)[0]
    cases = {
        f"/api/v1/accounts/{account['id']}/transactions?from=03.03.2025": "from '03.03.2025' is not a date",
        f"/api/v1/accounts/{account['id']}/transactions?page_size=0": "page_size must be from 1",
        f"/api/v1/accounts/{account['id']}/transactions?cursor=nonsense": "cursor",
        f"/api/v1/accounts/{account['id']}/transactions?from=2025-03-05&to=2025-03-01": "after",
        f"/api/v1/accounts/{account['id']}/statements/2025-13-01.camt053": "is not a date",
    }
    for path, words in cases.items():
        result = get(bank, path, token)
        assert result.status == 400, path
        assert words in result.json()["message"], (path, result.json())
    assert get(bank, "/api/v1/nowhere", token).json()["error"] == "not_found"
    assert bank.client.request("DELETE", "/api/v1/accounts", token=token).status == 405
    bad = bank.client.request("POST", "/sandbox/transactions", json_body={"account": "nope", "amount": "1"}, admin=True)
    assert bad.status == 400 and "transactions[0].account" in bad.json()["message"]
    floaty = bank.client.request("POST", "/sandbox/transactions", admin=True,
                                 json_body={"account": account["account_number"], "amount": 1.5})
    assert floaty.status == 400 and "float" in floaty.json()["message"]


def test_openapi_describes_every_route(bank, tmp_path):
    from avstem.sandbox_bank.server import SandboxBank

    spec = bank.client.request("GET", "/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    served = {(r.method.lower(), r.pattern) for r in SandboxBank(tmp_path, "k", access_log=False).router.routes}
    described = {(method, path) for path, ops in spec["paths"].items() for method in ops}
    assert served == described
    assert len(served) > 30
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            assert op["summary"] and op["responses"], (method, path)
            in_path = {p["name"] for p in op["parameters"] if p["in"] == "path"}
            assert in_path == set(re.findall(r"\{([a-z_]+)\}", path)), (method, path)
            for response in op["responses"].values():
                for media in response.get("content", {}).values():
                    ref = media["schema"].get("$ref")
                    assert ref is None or ref.split("/")[-1] in spec["components"]["schemas"], ref
