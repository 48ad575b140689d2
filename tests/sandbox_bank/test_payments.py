"""pain.001 in, pain.002 out: acknowledgement, rejections with ISO reasons, execution on the bank
day with the debit on the statement and in camt.054, duplicates never paid twice."""

from __future__ import annotations

from decimal import Decimal

from avstem.formats import camt
from avstem.formats.pain002 import read_pain002

from .conftest import BETA, BETA_PERSON, accounts, assert_valid_xsd, connect, get, pain001

SUPPLIER = "86011117947"
GOOD_KID = "0000100016"


def send(bank, token, xml: bytes):
    return bank.client.request("POST", "/api/v1/payments", data=xml, token=token,
                               headers={"Content-Type": "application/xml"})


def reports(bank, token, payment_id):
    result = get(bank, f"/api/v1/payments/{payment_id}/status-reports", token).json()["status_reports"]
    return [read_pain002(r["document"].encode()).report for r in result]


def test_accepted_payment_is_executed_on_its_day_with_our_end_to_end_id(bank):
    token = connect(bank)["access_token"]
    operating = accounts(bank, token)[0]
    xml = pain001(operating["account_number"], [
        {"e2e": "AVS-E2E-1", "amount": "1200.00", "account": SUPPLIER, "kid": GOOD_KID},
        {"e2e": "AVS-E2E-2", "amount": "300.00", "account": SUPPLIER, "message": "Faktura 77"}], message_id="PAY-OK")
    created = send(bank, token, xml)
    assert created.status == 201 and created.headers["Location"].endswith(created.json()["id"])
    payment = created.json()
    assert payment["status"] == "ACCP"
    ack = read_pain002(payment["status_reports"][0]["document"].encode()).report
    assert ack.group.status == "ACCP" and ack.group.original_message_id == "PAY-OK"
    assert ack.status_of("AVS-E2E-1") == "ACCP"

    day = bank.client.advance_day()
    assert payment["id"] in day["payments_with_new_status"]
    done = get(bank, f"/api/v1/payments/{payment['id']}", token).json()
    assert done["status"] == "ACSC" and all(t["status"] == "ACSC" for t in done["transactions"])
    second = reports(bank, token, payment["id"])[-1]
    assert second.group.status == "ACSC" and second.status_of("AVS-E2E-2") == "ACSC"
    entry_ids = {t["entry_id"] for t in done["transactions"]}
    assert {tx.account_servicer_reference for _, tx in second.transaction_statuses()} == entry_ids

    statement = get(bank, f"/api/v1/accounts/{operating['id']}/statements/2025-03-03.camt053", token)
    assert_valid_xsd(statement.body, "camt.053.001.02")
    entries = camt.read(statement.body).statements[0].entries
    debits = {tx.references.end_to_end_id: tx for e in entries for tx in e.transactions if e.amount < 0}
    assert debits["AVS-E2E-1"].amount == Decimal("-1200.00") and str(debits["AVS-E2E-1"].kids[0]) == GOOD_KID
    assert debits["AVS-E2E-2"].remittance_lines == ("Faktura 77",)
    notification = get(bank, f"/api/v1/accounts/{operating['id']}/notifications/2025-03-03.camt054?direction=debit", token)
    assert_valid_xsd(notification.body, "camt.054.001.02")
    e2e = {tx.references.end_to_end_id for e in camt.read(notification.body).statements[0].entries for tx in e.transactions}
    assert {"AVS-E2E-1", "AVS-E2E-2"} <= e2e


def test_each_rejection_has_its_iso_reason(bank):
    token = connect(bank)["access_token"]
    debtor = accounts(bank, token)[0]["account_number"]
    today = get(bank, "/api/v1/accounts", token).json()["bank_day"]
    good = pain001(debtor, [{"e2e": "OK-1", "amount": "10.00", "account": SUPPLIER},
                            {"e2e": "BAD-KID", "amount": "20.00", "account": SUPPLIER, "kid": GOOD_KID},
                            {"e2e": "BAD-ACCT", "amount": "30.00", "account": SUPPLIER}], message_id="PAY-MIX", day=today)
    broken = good.replace(b"<Ref>0000100016</Ref>", b"<Ref>0000100017</Ref>")  # a KID typo
    # the third transfer's creditor account gets a wrong check digit
    parts = broken.split(b"<Id>86011117947</Id>")
    broken = b"<Id>86011117947</Id>".join(parts[:-1]) + b"<Id>86011117948</Id>" + parts[-1]
    payment = send(bank, token, broken).json()
    assert payment["status"] == "PART"
    by_e2e = {t["end_to_end_id"]: t for t in payment["transactions"]}
    assert by_e2e["OK-1"]["status"] == "ACCP"
    assert by_e2e["BAD-KID"]["reason"]["code"] == "RR09" and "check digit" in by_e2e["BAD-KID"]["reason"]["text"]
    assert by_e2e["BAD-ACCT"]["reason"]["code"] == "AC01"
    ack = read_pain002(payment["status_reports"][0]["document"].encode()).report
    assert ack.group.status == "PART" and ack.status_of("BAD-KID") == "RJCT"
    reason = next(tx.reasons[0] for _, tx in ack.transaction_statuses() if tx.original_end_to_end_id == "BAD-KID")
    assert reason.code == "RR09" and reason.additional_info

    past = send(bank, token, pain001(debtor, [{"e2e": "OLD-1", "amount": "10.00", "account": SUPPLIER}],
                                     message_id="PAY-PAST", day="2025-01-02")).json()
    assert past["status"] == "RJCT" and past["transactions"][0]["reason"]["code"] == "DT01"

    duplicate = send(bank, token, good).json()  # PAY-MIX again
    assert duplicate["status"] == "RJCT" and duplicate["duplicate_of"] == payment["id"]
    nak = read_pain002(duplicate["status_reports"][0]["document"].encode()).report
    assert nak.group.status == "RJCT" and nak.group.reasons[0].code == "DU01"
    assert duplicate["transactions"] == []  # nothing of it will ever be paid

    beta_account = accounts(bank, connect(bank, who=BETA_PERSON, org=BETA)["access_token"])[0]["account_number"]
    theirs = send(bank, token, pain001(beta_account, [{"e2e": "X-1", "amount": "1.00", "account": SUPPLIER}],
                                       message_id="PAY-THEIRS", day=today)).json()
    assert theirs["transactions"][0]["reason"]["code"] == "AC02"

    not_xml = send(bank, token, b"this is not xml")
    assert not_xml.status == 400 and "not well-formed" in not_xml.json()["message"]
    other = send(bank, token, b"<Document><Nope/></Document>")
    assert other.status == 400 and "pain.001" in other.json()["message"]

    bank.client.advance_day()
    executed = get(bank, f"/api/v1/payments/{payment['id']}", token).json()
    assert [t["status"] for t in executed["transactions"]] == ["ACSC", "RJCT", "RJCT"]


def test_insufficient_funds_is_rejected_on_the_execution_day(bank):
    beta = connect(bank, who=BETA_PERSON, org=BETA)["access_token"]
    account = accounts(bank, beta)[0]
    today = get(bank, "/api/v1/accounts", beta).json()["bank_day"]
    xml = pain001(account["account_number"], [{"e2e": "BIG-1", "amount": "999999.00", "account": SUPPLIER},
                                              {"e2e": "SMALL-1", "amount": "5.00", "account": SUPPLIER}],
                  message_id="BETA-BIG", day=today)
    payment = send(bank, beta, xml).json()
    assert payment["status"] == "ACCP"
    bank.client.advance_day()
    done = get(bank, f"/api/v1/payments/{payment['id']}", beta).json()
    by_e2e = {t["end_to_end_id"]: t for t in done["transactions"]}
    assert by_e2e["BIG-1"]["status"] == "RJCT" and by_e2e["BIG-1"]["reason"]["code"] == "AM04"
    assert by_e2e["SMALL-1"]["status"] == "ACSC" and done["status"] == "PART"
    last = reports(bank, beta, payment["id"])[-1]
    assert last.status_of("BIG-1") == "RJCT" and last.group.status == "PART"


def test_payment_to_another_sandbox_customer_is_credited_there(bank):
    alfa = connect(bank)["access_token"]
    beta = connect(bank, who=BETA_PERSON, org=BETA)["access_token"]
    beta_account = accounts(bank, beta)[0]
    today = get(bank, "/api/v1/accounts", alfa).json()["bank_day"]
    xml = pain001(accounts(bank, alfa)[0]["account_number"], [
        {"e2e": "TO-BETA-1", "amount": "777.00", "account": beta_account["account_number"], "kid": GOOD_KID,
         "name": BETA["name"]}], message_id="PAY-BETA", day=today)
    assert send(bank, alfa, xml).json()["status"] == "ACCP"
    bank.client.advance_day()
    lines = get(bank, f"/api/v1/accounts/{beta_account['id']}/transactions?from={today}&to={today}", beta).json()
    credit = next(t for t in lines["transactions"] if t["transactions"] and t["transactions"][0]["end_to_end_id"] == "TO-BETA-1")
    assert credit["amount"] == "777.00" and credit["transactions"][0]["kids"] == [GOOD_KID]
