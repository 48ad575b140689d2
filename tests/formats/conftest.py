"""Shared helpers for the camt tests: the official XSDs and small hand-built documents."""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest
from lxml import etree

DATA = Path(__file__).resolve().parent / "data"
REFERENCE_DIR = Path(
    os.environ.get("AVSTEM_REFERENCE_DIR", Path(__file__).resolve().parents[3] / "shared" / "reference")
)
XSD_DIR = REFERENCE_DIR / "iso20022" / "xsd"


@functools.cache
def _schema(format_id: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD_DIR / f"{format_id}.xsd")))


@pytest.fixture(scope="session")
def camt_schema():
    """`camt_schema("camt.053.001.02")` -> XMLSchema from the reference dir, or skip."""
    if not XSD_DIR.is_dir():
        pytest.skip(f"official XSDs not found in {XSD_DIR} (set AVSTEM_REFERENCE_DIR)")
    return _schema


def assert_valid(schema: etree.XMLSchema, xml: bytes) -> None:
    doc = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))
    if not schema.validate(doc):
        raise AssertionError("\n".join(str(e) for e in schema.error_log))


# -- tiny camt builders for hostile and lenient cases ----------------------------------------

NS053 = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"

ACCOUNT = "<Acct><Id><IBAN>NO9386011117947</IBAN></Id><Ccy>NOK</Ccy></Acct>"


def balance(code: str, amount: str, sign: str = "CRDT") -> str:
    return (
        f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy=\"NOK\">{amount}</Amt>"
        f"<CdtDbtInd>{sign}</CdtDbtInd><Dt><Dt>2024-03-12</Dt></Dt></Bal>"
    )


def entry(amount: str = "100.00", sign: str = "CRDT", status: str = "<Sts>BOOK</Sts>", extra: str = "", ccy: str = "NOK") -> str:
    return (
        f"<Ntry><Amt Ccy=\"{ccy}\">{amount}</Amt><CdtDbtInd>{sign}</CdtDbtInd>{status}"
        f"<BookgDt><Dt>2024-03-12</Dt></BookgDt><BkTxCd/>{extra}</Ntry>"
    )


def statement(body: str, account: str = ACCOUNT, name: str = "Stmt", stmt_id: str = "S1") -> str:
    return f"<{name}><Id>{stmt_id}</Id><CreDtTm>2024-03-13T05:00:00</CreDtTm>{account}{body}</{name}>"


def camt053(*statements: str, ns: str | None = NS053, message: str = "BkToCstmrStmt", prolog: str = "") -> bytes:
    xmlns = f' xmlns="{ns}"' if ns else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{prolog}<Document{xmlns}><{message}>'
        f"<GrpHdr><MsgId>MSG-1</MsgId><CreDtTm>2024-03-13T05:00:00</CreDtTm></GrpHdr>"
        + "".join(statements)
        + f"</{message}></Document>"
    ).encode()
