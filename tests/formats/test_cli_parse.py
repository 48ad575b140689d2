"""`avstem parse`: the real console script and main() in-process, on good, warning and bad files."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from avstem.cli import main
from avstem.formats import KID
from avstem.formats.pain001 import write_pain001
from avstem.formats.payments import AccountId, CreditTransfer, PaymentBlock, PaymentOrder

DATA = Path(__file__).parent / "data"
SCRIPT = Path(sys.executable).parent / "avstem"
AMOUNT = re.compile(r"-?\d+(\.\d+)?")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def run(*args: str) -> subprocess.CompletedProcess:
    if not SCRIPT.exists():
        pytest.fail(f"console script {SCRIPT} is missing: install the project (pip install -e .)")
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, encoding="utf-8", timeout=60)


def parse_json(capsys, *args: str) -> tuple[int, dict]:
    code = main(["parse", *args, "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out)


@pytest.fixture(scope="module")
def pain001_file(tmp_path_factory) -> Path:
    order = PaymentOrder(
        message_id="MSG-CLI-1", creation_time=datetime(2024, 3, 1, 9, 30), initiating_party_name="Brøndbo AS",
        initiating_party_org_number="923609016",
        payment_blocks=(PaymentBlock(
            payment_information_id="PMT-CLI-1", debtor_name="Brøndbo AS",
            debtor_account=AccountId(bban="86011117947"), requested_execution_date=date(2024, 3, 4),
            category_purpose="SUPP",
            transactions=(
                CreditTransfer(end_to_end_id="E2E-CLI-1", amount=Decimal("1234.5"), creditor_name="Kåre Ås",
                               creditor_account=AccountId(bban="12345678903"), kid=KID.create("4242")),
                CreditTransfer(end_to_end_id="E2E-CLI-2", amount=Decimal("99"), creditor_name="Ola",
                               creditor_account=AccountId(bban="12345678903"), message="Faktura 17"),
            )),),
    )
    path = tmp_path_factory.mktemp("cli") / "order.xml"
    path.write_bytes(write_pain001(order, "pain.001.001.09"))
    return path


# --- the real console script ---------------------------------------------------------------


def test_console_script_camt_json_shape():
    result = run("parse", str(DATA / "camt053_001_02_ocr_batch.xml"), "--json")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    data = json.loads(result.stdout)
    assert list(data)[:2] == ["format", "warnings"]
    assert data["format"] == "camt.053.001.02"
    assert data["warnings"] == []
    (statement,) = data["statements"]
    assert {"id", "account", "balances", "consistent", "entries"} <= set(statement)
    assert set(statement["account"]) >= {"iban", "bban", "currency"}
    assert statement["account"]["currency"] == "NOK"
    assert statement["consistent"] is True
    for balance in statement["balances"]:
        assert set(balance) >= {"type", "amount", "date"}
        assert AMOUNT.fullmatch(balance["amount"]) and ISO_DATE.fullmatch(balance["date"])
    assert {b["type"] for b in statement["balances"]} >= {"OPBD", "CLBD"}
    entry_keys = {"amount", "currency", "status", "booking_date", "value_date", "account_servicer_reference",
                  "bank_transaction_code", "reversal", "transactions"}
    tx_keys = {"amount", "end_to_end_id", "kid", "creditor_references", "remittance_text", "counterparty", "charges"}
    for entry in statement["entries"]:
        assert entry_keys <= set(entry)
        assert AMOUNT.fullmatch(entry["amount"])
        assert isinstance(entry["reversal"], bool)
        for tx in entry["transactions"]:
            assert tx_keys <= set(tx)
            assert tx["counterparty"] is None or {"name", "account"} <= set(tx["counterparty"])
    debits = [e for e in statement["entries"] if e["amount"].startswith("-")]
    assert debits, "the sample has debits, which must carry a minus sign"
    kids = [tx["kid"] for e in statement["entries"] for tx in e["transactions"] if tx["kid"]]
    assert "001002341236" in kids


def test_console_script_ocr_json_has_the_same_shape():
    result = run("parse", str(DATA / "ocr_two_assignments.txt"), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["format"] == "nets.ocr"
    first, second = data["statements"]
    assert first["account"] == {"iban": None, "bban": "86011117947", "currency": "NOK", "owner_name": None,
                                "servicer_bic": None}
    assert first["consistent"] is True and first["balances"] == []
    assert [e["amount"] for e in first["entries"]] == ["1500.00", "250.50", "0.99", "-43.00", "10.00"]
    giro = first["entries"][0]
    assert giro["status"] == "BOOK" and giro["booking_date"] == "2024-03-01"
    assert giro["bank_transaction_code"] == "10"
    tx = giro["transactions"][0]
    assert tx["kid"] == "12345674" and tx["kid_valid"] is True
    assert tx["creditor_references"] == [{"ref": "12345674", "type": "SCOR", "issuer": None}]
    assert tx["counterparty"]["account"] == "12345678903"
    assert tx["date"] == "2024-02-29" and tx["archive_reference"] == "123456789"
    assert first["entries"][4]["transactions"][0]["remittance_text"] == ["Betaling for strøm, mars"]
    assert second["totals"]["net"] == "19994.00"


def test_console_script_warning_file_exits_zero_and_strict_exits_one():
    result = run("parse", str(DATA / "ocr_totals_mismatch.txt"))
    assert result.returncode == 0, result.stderr
    assert "Consistent:  NO" in result.stdout
    assert "end of assignment (line 14)" in result.stdout
    strict = run("parse", str(DATA / "ocr_totals_mismatch.txt"), "--strict")
    assert strict.returncode == 1
    assert "does not add up" in strict.stderr


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (None, "no such file"),
        (b"", "unknown format"),
        (b"hello, world\n", "unknown format"),
        (b"<?xml version='1.0'?>\n<Document xmlns='urn:iso:std:iso:20022:tech:xsd:camt.053.001.02'>\n"
         b"<BkToCstmrStmt>\n</Document>", "not well-formed XML"),
        (b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.008.001.02"><CstmrDrctDbtInitn/></Document>',
         "unsupported message pain.008.001.02"),
        (b"<html><body>Not a bank file</body></html>", "unknown format: XML with root element <html>"),
        (b"NY000010" + b"ABC" + b"0" * 69 + b"\n", "bad start of transmission"),
    ],
)
def test_bad_files_exit_one_with_the_error_on_stderr(capsys, tmp_path, content, fragment):
    path = tmp_path / "bad.dat"
    if content is not None:
        path.write_bytes(content)
    for args in (["parse", str(path), "--json"], ["parse", str(path)]):
        assert main(args) == 1
        captured = capsys.readouterr()
        assert captured.out == ""
        assert captured.err.startswith("avstem parse: ")
        assert fragment in captured.err


def test_console_script_bad_file_exits_one_without_traceback(tmp_path):
    path = tmp_path / "bad.xml"
    path.write_bytes(b"<?xml version='1.0'?>\n<Document>\n<CstmrPmtStsRpt>\n</Document>")
    result = run("parse", str(path), "--json")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"avstem parse: {path}: line 4")
    assert "not well-formed XML" in result.stderr
    assert "Traceback" not in result.stderr
    missing = run("parse", str(tmp_path / "missing.xml"))
    assert missing.returncode == 1 and "no such file" in missing.stderr


def test_console_script_help():
    result = run("parse", "--help")
    assert result.returncode == 0
    assert "--json" in result.stdout and "Exit status" in result.stdout
    usage = run("parse")
    assert usage.returncode == 2 and "FILE" in usage.stderr


# --- main() in-process -----------------------------------------------------------------------


def test_main_summary_of_a_camt_statement(capsys):
    assert main(["parse", str(DATA / "camt053_001_02_ocr_batch.xml")]) == 0
    out = capsys.readouterr().out
    assert "Format:  camt.053.001.02" in out
    assert "NO5015032080119" in out
    assert re.search(r"OPBD\s+48210.35 NOK", out)
    assert "Entries:     6 (5 booked, 1 not booked)" in out
    assert "Consistent:  yes" in out
    assert "Warnings: none" in out


def test_main_pain001_json_and_summary(capsys, pain001_file):
    code, data = parse_json(capsys, str(pain001_file))
    assert code == 0
    assert list(data)[0] == "format" and data["format"] == "pain.001.001.09"
    assert data["message_id"] == "MSG-CLI-1"
    assert data["number_of_transactions"] == 2 and data["control_sum"] == "1333.50"
    (block,) = data["payment_blocks"]
    assert block["debtor_account"] == {"iban": None, "bban": "86011117947"}
    assert block["requested_execution_date"] == "2024-03-04"
    assert [t["amount"] for t in block["transactions"]] == ["1234.50", "99.00"]  # as written in the file
    assert block["transactions"][0]["kid"] == KID.create("4242").value
    assert block["transactions"][1]["message"] == "Faktura 17"
    assert main(["parse", str(pain001_file)]) == 0
    out = capsys.readouterr().out
    assert "Payments: 2, control sum 1333.50" in out and "Kåre Ås" in out


def test_main_pain002_json(capsys):
    code, data = parse_json(capsys, str(DATA / "pain002_partly_rejected_03.xml"))
    assert code == 0
    assert data["format"] == "pain.002.001.03"
    assert data["group"]["status"] == "PART"
    rejected = data["payment_informations"][0]["transactions"][1]
    assert rejected["original_end_to_end_id"] == "E2E-2" and rejected["status"] == "RJCT"
    (reason,) = rejected["reasons"]
    assert reason["code"] == "AC01"
    assert reason["additional_info"] == ["Mottakers konto er ugyldig", "Kontakt mottaker"]
    assert reason["text"].startswith("AC01")


def test_main_warnings_are_listed_in_json(capsys):
    code, data = parse_json(capsys, str(DATA / "ocr_totals_mismatch.txt"))
    assert code == 0
    assert any("line 14" in w and "end record total" in w for w in data["warnings"])
    assert data["warning_details"][0]["line"] == 14
    assert [s["consistent"] for s in data["statements"]] == [False, False]


def test_main_errors_go_to_stderr(capsys, tmp_path):
    assert main(["parse", str(tmp_path / "missing.xml")]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "no such file" in captured.err
    assert main(["parse", str(tmp_path)]) == 1
    assert "is a directory" in capsys.readouterr().err
    truncated = tmp_path / "truncated.txt"
    truncated.write_bytes(b"\n".join((DATA / "ocr_two_assignments.txt").read_bytes().split(b"\r\n")[:-1]))
    assert main(["parse", str(truncated)]) == 1
    err = capsys.readouterr().err
    assert "truncated" in err and "line 21" in err


def test_main_pain001_without_namespace_is_detected(capsys, tmp_path, pain001_file):
    bare = tmp_path / "bare.xml"
    bare.write_bytes(pain001_file.read_bytes().replace(
        b' xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"', b""))
    code, data = parse_json(capsys, str(bare))
    assert code == 0
    assert data["format"] == "pain.001.001.09"
    assert any("no ISO 20022 namespace" in w for w in data["warnings"])
