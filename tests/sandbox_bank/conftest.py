"""The sandbox bank runs as a real process (one per test module) on a free localhost port; the
tests talk to it over HTTP only. Bank day 1: Monday 3 March 2025."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from avstem.formats.payments import AccountId, CreditTransfer, PaymentBlock, PaymentOrder
from avstem.formats.pain001 import write_pain001
from avstem.sandbox_bank.process import SandboxBankProcess

AVSTEM = str(Path(__file__).resolve().parents[2] / ".venv" / "bin" / "avstem")
START = "2025-03-03"
REDIRECT = "http://127.0.0.1:9/callback"
REFERENCE_DIR = Path(os.environ.get("AVSTEM_REFERENCE_DIR",
                                    Path(__file__).resolve().parents[3] / "shared" / "reference"))
XSD_DIR = REFERENCE_DIR / "iso20022" / "xsd"

ALFA = {"org_number": "923456783", "name": "Fjellbekk Bakeri AS"}
BETA = {"org_number": "934567897", "name": "Nordlys Konsult AS"}
ALFA_PERSON = {"national_id": "22125030401", "name": "Kari Alfa"}
BETA_PERSON = {"national_id": "14105336838", "name": "Ola Beta"}


@pytest.fixture(scope="module")
def bank(tmp_path_factory):
    """A running sandbox bank with two customers: Alfa (DNB + SpareBank 1) and Beta (Nordea)."""
    data = tmp_path_factory.mktemp("bank") / "data"
    command = [AVSTEM] if Path(AVSTEM).exists() else None
    with SandboxBankProcess(data, start_day=START, command=command) as running:
        client = running.client
        client.create_customer(ALFA["org_number"], ALFA["name"], persons=[ALFA_PERSON], accounts=[
            {"bank": "dnb", "name": "Driftskonto", "balance": "50000.00", "ocr_agreement_id": "923456001"},
            {"bank": "sparebank1", "name": "Skattetrekkskonto", "balance": "0.00"}])
        client.create_customer(BETA["org_number"], BETA["name"], persons=[BETA_PERSON], accounts=[
            {"bank": "nordea", "name": "Driftskonto", "balance": "1000.00"}])
        yield running


def connect(bank, who=ALFA_PERSON, org=ALFA, scope="accounts payments") -> dict:
    return bank.client.connect(national_id=who["national_id"], org_number=org["org_number"], redirect_uri=REDIRECT,
                               scope=scope)


def get(bank, path: str, token: str):
    return bank.client.request("GET", path, token=token)


def accounts(bank, token: str) -> list[dict]:
    result = get(bank, "/api/v1/accounts", token)
    assert result.status == 200, result.body
    return result.json()["accounts"]


def pain001(debtor: str, transfers: list[dict], *, message_id: str = "MSG-1", day: str = START,
            version: str = "pain.001.001.03", batch_booking: bool | None = None) -> bytes:
    """A valid pain.001; each transfer {e2e, amount, account, name, kid?|message?}."""
    order = PaymentOrder(
        message_id=message_id, creation_time=dt.datetime(2025, 3, 3, 9, 0), initiating_party_name=ALFA["name"],
        initiating_party_org_number=ALFA["org_number"],
        payment_blocks=(PaymentBlock(
            payment_information_id=f"{message_id}-B1", debtor_name=ALFA["name"], debtor_account=AccountId(bban=debtor),
            requested_execution_date=dt.date.fromisoformat(day), batch_booking=batch_booking,
            transactions=tuple(CreditTransfer(
                end_to_end_id=t["e2e"], amount=Decimal(t["amount"]), creditor_name=t.get("name", "Mølle AS"),
                creditor_account=AccountId(bban=t["account"]), kid=t.get("kid"), message=t.get("message"))
                for t in transfers)),))
    return write_pain001(order, version)


def assert_valid_xsd(xml: bytes, format_id: str) -> None:
    if not XSD_DIR.is_dir():
        pytest.skip(f"official XSDs not found in {XSD_DIR} (set AVSTEM_REFERENCE_DIR)")
    schema = etree.XMLSchema(etree.parse(str(XSD_DIR / f"{format_id}.xsd")))
    doc = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))
    assert schema.validate(doc), "\n".join(str(e) for e in schema.error_log)
