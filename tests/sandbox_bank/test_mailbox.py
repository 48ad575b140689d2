"""File exchange through the per-customer mailbox: pain.001 in, pain.002, camt.053/054 and OCR out."""

from __future__ import annotations

from avstem.formats import camt
from avstem.formats.ocr import read_ocr
from avstem.formats.pain002 import read_pain002

from .conftest import ALFA, assert_valid_xsd, pain001

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
    client.advance_day()  # closes 3 March: before the agreement, so no files for it
    assert not list((mailbox / "outbound").glob("camt053_*_20250303.xml"))

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
