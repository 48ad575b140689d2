"""The scenario generator: reproducible, realistic, fast, and its ground truth agrees with the
statements it produced."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import time
from collections import Counter
from decimal import Decimal

import pytest

from avstem.formats import camt
from avstem.formats.ocr import read_ocr
from avstem.sandbox_bank import generator, scenario

from .conftest import AVSTEM

START = dt.date(2025, 3, 3)


@pytest.fixture(scope="module")
def company_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("scenario") / "company.json"
    company = scenario.example_scenario(seed=3, invoices=120, around=dt.date(2025, 3, 10))
    path.write_text(json.dumps(company.to_dict()), encoding="utf-8")
    return path


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([AVSTEM, "sandbox-bank", *args], capture_output=True, text=True, timeout=120)


def test_same_seed_gives_identical_output_and_another_seed_differs(company_file, tmp_path):
    outputs = []
    for name, seed in (("a", "7"), ("b", "7"), ("c", "8")):
        done = run("generate", "--input", str(company_file), "--seed", seed, "--days", "25", "--start", "2025-03-03",
                   "--out", str(tmp_path / name), "--truth", str(tmp_path / f"{name}.json"))
        assert done.returncode == 0, done.stderr
        files = {p.name: p.read_bytes() for p in sorted((tmp_path / name).iterdir())}
        outputs.append(((tmp_path / f"{name}.json").read_bytes(), files))
    assert outputs[0] == outputs[1]
    assert outputs[0][0] != outputs[2][0]
    assert "bank lines" in done.stdout


def test_truth_agrees_with_the_statements(company_file, tmp_path):
    done = run("generate", "--input", str(company_file), "--seed", "11", "--days", "30", "--start", "2025-03-03",
               "--out", str(tmp_path / "out"), "--truth", str(tmp_path / "truth.json"))
    assert done.returncode == 0, done.stderr
    truth = json.loads((tmp_path / "truth.json").read_text())
    company = scenario.load(company_file)
    lines = {}
    for path in sorted((tmp_path / "out").glob("camt053_*.xml")):
        statement = camt.read(path).statements[0]
        assert statement.consistency.consistent is True, statement.consistency.messages
        for entry in statement.entries:
            lines[entry.account_servicer_reference] = (statement.account.iban[4:], entry)
    assert len(lines) == truth["summary"]["lines"]
    cases = Counter(t["case"] for t in truth["transactions"])
    for case in ("kid", "kid_typo", "free_text_invoice_number", "multi_invoice", "partial", "overpayment",
                 "fee_deducted", "duplicate", "equal_amount_twins", "ocr_batch", "card", "bank_fee", "interest",
                 "salary", "tax_withholding", "own_transfer", "supplier_payment"):
        assert cases[case] > 0, case
    invoices = {i.number: i for i in company.invoices}
    settled: Counter = Counter()
    covered = Counter()
    for item in truth["transactions"]:
        account, entry = lines[item["entry_id"]]  # every truth item is a real bank line
        assert account == item["account"] and entry.booking_date.isoformat() == item["date"]
        covered[item["entry_id"]] += 1
        amount = Decimal(item["amount"])
        if item["detail"] is None:
            assert entry.amount == amount
        else:
            assert entry.transactions[item["detail"]].amount == amount
        if item["settles"] or item["unapplied"]:
            total = sum(Decimal(s["amount"]) for s in item["settles"]) - Decimal(item["fee"] or 0) + \
                Decimal(item["unapplied"] or 0)
            assert abs(amount) == total, item
        else:
            assert item["gl_account"], item
        for s in item["settles"]:
            if s["ledger"] == "customer":
                settled[s["invoice"]] += Decimal(s["amount"])
        if item["case"] == "kid_typo":
            kid = str(entry.transactions[item["detail"]].creditor_references[0].ref)
            assert kid != invoices[item["settles"][0]["invoice"]].kid
        if item["case"] == "duplicate":
            assert lines[item["duplicate_of"]["entry_id"]]
        if item["counterpart"]:
            assert lines[item["counterpart"]["entry_id"]][0] == item["counterpart"]["account"]
    assert set(covered) == set(lines)  # and every bank line has its truth
    for number, amount in settled.items():
        assert amount <= invoices[number].amount
    open_left = {o["invoice"]: Decimal(o["remaining"]) for o in truth["open_invoices"]}
    for number, invoice in invoices.items():
        assert settled[number] + open_left.get(number, 0) == invoice.amount
    ocr_kids = [str(t.kids[0]) for p in (tmp_path / "out").glob("ocr_*.txt")
                for s in read_ocr(p).statements for e in s.entries for t in e.transactions]
    assert len(ocr_kids) == sum(1 for t in truth["transactions"] if t["in_batch"])


def test_generated_traffic_is_served_by_the_bank(company_file, tmp_path):
    from avstem.sandbox_bank.process import SandboxBankProcess

    data = tmp_path / "bank"
    done = run("generate", "--input", str(company_file), "--seed", "5", "--days", "10", "--start", "2025-03-03",
               "--data", str(data), "--out", str(tmp_path / "out"), "--truth", str(tmp_path / "truth.json"))
    assert done.returncode == 0, done.stderr
    company = scenario.load(company_file)
    with SandboxBankProcess(data, command=[AVSTEM]) as bank:
        tokens = bank.client.connect(national_id=bank.client.admin("GET", f"/sandbox/customers/{company.org_number}")
                                     ["persons"][0]["national_id"], org_number=company.org_number)
        listed = bank.client.request("GET", "/api/v1/accounts", token=tokens["access_token"]).json()
        operating = next(a for a in listed["accounts"] if a["account_number"] == company.operating.account_number)
        assert listed["bank_day"] == "2025-03-17"  # the business day after the last generated one
        served = bank.client.request("GET", f"/api/v1/accounts/{operating['id']}/statements/2025-03-05.camt053",
                                     token=tokens["access_token"])
    assert served.body == (tmp_path / "out" / f"camt053_{operating['account_number']}_20250305.xml").read_bytes()


def test_generation_is_fast(tmp_path):
    company = scenario.example_scenario(seed=1, invoices=3000, around=START)
    started = time.perf_counter()
    result = generator.generate(company, seed=1, days=60, start=START)
    seconds = time.perf_counter() - started
    transactions = len(result.truth["transactions"])
    assert transactions > 3000
    assert transactions / seconds > 2000, f"{transactions / seconds:.0f} bank transactions per second"


def test_bad_input_is_named(tmp_path):
    data = scenario.example_scenario(seed=1, invoices=3, around=START).to_dict()
    data["invoices"][1]["kid"] = "0000100017"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    done = run("generate", "--input", str(path), "--seed", "1", "--days", "5")
    assert done.returncode == 2 and "invoices[1].kid" in done.stderr
    with pytest.raises(ValueError, match=r"accounts\[0\]\.account_number"):
        scenario.Scenario.from_dict({**data, "accounts": [{"account_number": "12345678901"}]})
    with pytest.raises(ValueError, match="float"):
        scenario.Scenario.from_dict({**data, "invoices": [{**data["invoices"][0], "amount": 12.5}]})
