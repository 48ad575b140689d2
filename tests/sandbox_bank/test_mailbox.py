"""File exchange through the per-customer mailbox: pain.001 in, pain.002, camt.053/054 and OCR out."""

from __future__ import annotations

from avstem.formats import camt
from avstem.formats.ocr import read_ocr
from avstem.formats.pain002 import read_pain002

from .conftest import ALFA, BETA, assert_valid_xsd, pain001

SUPPLIER = "86011117947"


def test_file_agreement_mailbox_flow(bank):
    client = bank.client
    customer = client.admin("GET", f"/sandbox/customers/{ALFA['org_number']}")
    operating = customer["accounts"][0]
    agreement = client.order_agreement(ALFA["org_number"], confirm_after_days=1)
    assert agreement["status"] == "pending" and agreement["active_from"] == "2025-03-04"
    mailbox = bank.data_dir / "mailbox" / ALFA["org_number"]
    (mailbox / "inbound" / "early.xml").write_bytes(
        pain001(operating["account_number"], [{"e2e": "FILE-0", "amount": "1.00", "account": SUPPLIER}],
                message_id="FILE-EARLY", day="2025-03-03"))
    assert client.process_mailboxes()["mailbox_files_read"] == []  # not active yet: left alone

    client.add_transactions({"account": operating["account_number"], "batch": [
        {"amount": "500.00", "kid": "0000100016", "counterparty": {"name": "Kafé Nord AS", "account": "86011117947"},
         "reference": "000000011"}]})
    result = client.advance_day()  # closes 3 March; the agreement is active as 4 March opens
    # R3.7: statements from the activation date (the ordering day), so the waiting period's come now
    assert sorted(result["files_written"]) == sorted([
        f"camt053_{operating['account_number']}_20250303.xml", f"camt054_{operating['account_number']}_20250303.xml",
        f"camt053_{customer['accounts'][1]['account_number']}_20250303.xml", f"ocr_{ALFA['org_number']}_20250303.txt"])
    waiting = camt.read(mailbox / "outbound" / f"camt053_{operating['account_number']}_20250303.xml").statements[0]
    assert [e.amount for e in waiting.entries] == [500]
    assert client.admin("GET", f"/sandbox/agreements?org_number={ALFA['org_number']}")["agreements"][0][
        "delivered_through"] == "2025-03-03"

    (mailbox / "inbound" / "early.xml").unlink()
    (mailbox / "inbound" / "pay.xml.part").write_bytes(b"half a file")
    (mailbox / "inbound" / "pay.xml").write_bytes(
        pain001(operating["account_number"], [{"e2e": "FILE-1", "amount": "250.00", "account": SUPPLIER,
                                               "message": "Faktura 5"}], message_id="FILE-MSG-1", day="2025-03-04"))
    read = client.process_mailboxes()["mailbox_files_read"]
    assert [(r["file"], r["status"]) for r in read] == [("pay.xml", "ACCP")]
    payment_id = read[0]["payment_id"]
    assert (mailbox / "inbound" / "pay.xml.part").exists() and not (mailbox / "inbound" / "pay.xml").exists()
    assert (mailbox / "archive" / f"{payment_id}-pay.xml").exists()
    ack = read_pain002(mailbox / "outbound" / f"pain002_{payment_id}_1.xml").report
    assert ack.group.status == "ACCP" and ack.group.original_message_id == "FILE-MSG-1"

    client.add_transactions({"account": operating["account_number"], "batch": [
        {"amount": "700.00", "kid": "0000200014", "counterparty": {"name": "Bygg og Bad AS", "account": "86011117947"},
         "reference": "000000012"}]})
    result = client.advance_day()
    assert result["closed_days"] == ["2025-03-04"]
    out = mailbox / "outbound"
    done = read_pain002(out / f"pain002_{payment_id}_2.xml").report
    assert done.status_of("FILE-1") == "ACSC"
    statement_file = out / f"camt053_{operating['account_number']}_20250304.xml"
    assert_valid_xsd(statement_file.read_bytes(), "camt.053.001.02")
    entries = camt.read(statement_file).statements[0].entries
    assert "FILE-1" in {tx.references.end_to_end_id for e in entries for tx in e.transactions}
    tax_account = customer["accounts"][1]["account_number"]
    assert (out / f"camt053_{tax_account}_20250304.xml").exists()  # every account under the agreement
    notification = out / f"camt054_{operating['account_number']}_20250304.xml"
    assert_valid_xsd(notification.read_bytes(), "camt.054.001.02")
    ocr = read_ocr(out / f"ocr_{ALFA['org_number']}_20250304.txt")
    assert [str(t.kids[0]) for e in ocr.statements[0].entries for t in e.transactions] == ["0000200014"]
    assert not list(out.glob("*.tmp"))

    again = client.process_mailboxes()
    assert again["mailbox_files_read"] == []  # the archived file is not read twice


GAMMA = {"org_number": "", "name": "Gamma Verksted AS"}


def _new_org_number() -> str:
    from avstem.norway.errors import InvalidNumber
    from avstem.norway.identifiers import validate_organisation_number

    for n in range(10_000):
        try:
            return validate_organisation_number(f"9877{n:04d}" + "0")
        except InvalidNumber:
            continue
    raise AssertionError("no organisation number found")


def _error(call) -> tuple[int, str]:
    import pytest

    from avstem.sandbox_bank.client import SandboxBankError

    with pytest.raises(SandboxBankError) as caught:
        call()
    return caught.value.result.status, str(caught.value)


def test_waiting_period_delivered_once_then_daily_and_per_account_deactivation(bank):
    """R3.7: the files of every business day from the activation date arrive when the agreement
    becomes active, once; taking one account off the agreement stops its files only."""
    import datetime as dt

    from avstem.norway.calendar import add_business_days, previous_business_day

    client = bank.client
    org = _new_org_number()
    made = client.create_customer(org, GAMMA["name"], accounts=[
        {"bank": "dnb", "name": "Driftskonto", "balance": "1000.00", "opened_on": "2025-01-01"},
        {"bank": "dnb", "name": "Skattetrekkskonto", "balance": "0.00", "opened_on": "2025-01-01"}])
    by_name = {a["name"]: a for a in made["accounts"]}
    drift, tax = by_name["Driftskonto"]["account_number"], by_name["Skattetrekkskonto"]["account_number"]
    today = dt.date.fromisoformat(client.state()["bank_day"])
    activation = previous_business_day(today)  # the customer activated the day before ordering at the bank
    client.add_transactions({"account": drift, "amount": "11.00", "date": activation.isoformat()},
                            {"account": drift, "amount": "22.00"}, {"account": tax, "amount": "-3.00"})
    other = client.admin("GET", f"/sandbox/customers/{ALFA['org_number']}")["accounts"][0]["account_number"]

    # hostile orders are refused, naming the field
    assert _error(lambda: client.order_agreement(org, statements_from="31.12.2024"))[0] == 400
    assert _error(lambda: client.order_agreement(org, statements_from="1990-01-01"))[0] == 400
    assert _error(lambda: client.order_agreement(org, accounts=[other]))[0] == 400
    assert client.admin("GET", f"/sandbox/agreements?org_number={org}")["agreements"] == []

    agreement = client.order_agreement(org, confirm_after_days=2, statements_from=activation.isoformat())
    assert (agreement["status"], agreement["statements_from"], agreement["delivered_through"]) == (
        "pending", activation.isoformat(), None)
    out = bank.data_dir / "mailbox" / org / "outbound"

    def mine(result):
        return sorted(n for n in result["files_written"] if drift in n or tax in n or org in n)

    assert mine(client.advance_day()) == []  # still waiting: nothing
    result = client.advance_day()  # the bank day the agreement becomes active
    days = [activation, today, add_business_days(today, 1)]
    assert mine(result) == sorted(
        [f"camt053_{n}_{d:%Y%m%d}.xml" for n in (drift, tax) for d in days]
        + [f"camt054_{drift}_{d:%Y%m%d}.xml" for d in days[:2]] + [f"camt054_{tax}_{today:%Y%m%d}.xml"])
    first = camt.read(out / f"camt053_{drift}_{activation:%Y%m%d}.xml").statements[0]
    assert [e.amount for e in first.entries] == [11]
    assert [(b.type, b.amount) for b in first.balances][:2] == [("OPBD", 1000), ("CLBD", 1011)]
    written = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}

    result = client.advance_day()  # then day by day, never the waiting period again
    assert mine(result) == sorted(f"camt053_{n}_{add_business_days(today, 2):%Y%m%d}.xml" for n in (drift, tax))
    assert all(out.joinpath(name).stat().st_mtime_ns == t for name, t in written.items())

    # one account off the agreement: its files stop, the other's go on
    assert _error(lambda: client.deactivate_agreement(agreement["id"], accounts=[other]))[0] == 400
    assert _error(lambda: client.deactivate_agreement(agreement["id"], accounts=[]))[0] == 400
    assert _error(lambda: client.deactivate_agreement("AGR-nope"))[0] == 404
    changed = client.deactivate_agreement(agreement["id"], accounts=[tax])
    assert changed["status"] == "active" and list(changed["ended_accounts"]) == [by_name["Skattetrekkskonto"]["id"]]
    closing = dt.date.fromisoformat(client.state()["bank_day"])
    assert mine(client.advance_day()) == [f"camt053_{drift}_{closing:%Y%m%d}.xml"]
    # the last account off: the agreement ends and the files stop
    assert client.deactivate_agreement(agreement["id"], accounts=[drift])["status"] == "deactivated"
    assert mine(client.advance_day()) == []


def test_a_pending_transaction_can_be_cancelled_but_never_a_booked_one(bank):
    client = bank.client
    account = client.admin("GET", f"/sandbox/customers/{BETA['org_number']}")["accounts"][0]["account_number"]
    today = client.state()["bank_day"]
    hold, booked = client.add_transactions(
        {"account": account, "amount": "-45.00", "kind": "card", "status": "pending", "book_on": today},
        {"account": account, "amount": "-5.00"})
    assert _error(lambda: client.cancel_transaction(booked))[0] == 409
    assert _error(lambda: client.cancel_transaction("NO-SUCH-ENTRY"))[0] == 404
    cancelled = client.cancel_transaction(hold)
    assert cancelled["id"] == hold and cancelled["status"] == "cancelled"
    assert _error(lambda: client.cancel_transaction(hold))[0] == 404  # gone, once
    result = client.advance_day()
    assert result["pending_booked"] == 0
    spec = client.admin("GET", "/openapi.json")["paths"]
    assert "/sandbox/transactions/{entry_id}/cancel" in spec


def test_a_data_directory_from_before_statements_from_is_upgraded(tmp_path):
    """Agreements made before the delivery bookkeeping existed were served day by day: they count
    as delivered through the last closed day, so opening the old directory writes nothing twice."""
    import sqlite3

    from avstem.sandbox_bank.store import Store

    conn = sqlite3.connect(tmp_path / "sandbox-bank.sqlite3")
    conn.executescript("""
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO meta VALUES ('bank_day', '2025-03-05'), ('schema_version', '1');
        CREATE TABLE customers (org_number TEXT PRIMARY KEY, name TEXT NOT NULL, created_day TEXT NOT NULL);
        INSERT INTO customers VALUES ('923456783', 'Alfa', '2025-03-03');
        CREATE TABLE agreements (id TEXT PRIMARY KEY, org_number TEXT NOT NULL REFERENCES customers,
            kind TEXT NOT NULL, ordered_day TEXT NOT NULL, active_from TEXT NOT NULL, deactivated_on TEXT,
            accounts TEXT);
        INSERT INTO agreements VALUES ('A1', '923456783', 'file', '2025-03-03', '2025-03-04', NULL, NULL),
                                      ('A2', '923456783', 'file', '2025-03-05', '2025-03-07', NULL, NULL);
    """)
    conn.commit()
    conn.close()
    store = Store(tmp_path)
    with store.read() as db:
        rows = {r["id"]: r for r in db.execute("SELECT * FROM agreements")}
    assert rows["A1"]["delivered_through"] == "2025-03-04" and rows["A2"]["delivered_through"] is None
    assert rows["A1"]["statements_from"] is None and rows["A1"]["ended_accounts"] is None
    Store(tmp_path)  # opening it again changes nothing
