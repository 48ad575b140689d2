"""Reading camt.052/053/054: the example files, .02 and .08 shapes, leniency, consistency and
the streaming API."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from avstem.formats import KidAlgorithm
from avstem.formats.camt import detect_format, read, stream
from avstem.formats.model import EntryStatus
from tests.formats.conftest import ACCOUNT, DATA, assert_valid, balance, camt053, entry, statement

OCR_053 = DATA / "camt053_001_02_ocr_batch.xml"
CREDIT_054 = DATA / "camt054_001_02_credit_notification.xml"
STATEMENT_08 = DATA / "camt053_001_08_statement.xml"


@pytest.mark.parametrize(
    "path, format_id",
    [(OCR_053, "camt.053.001.02"), (CREDIT_054, "camt.054.001.02"), (STATEMENT_08, "camt.053.001.08")],
)
def test_example_files_are_valid_against_the_official_schema(camt_schema, path, format_id):
    assert_valid(camt_schema(format_id), path.read_bytes())
    assert detect_format(path.read_bytes()[:4096]) == format_id


def test_norwegian_statement_with_ocr_batch():
    doc = read(OCR_053)
    assert doc.format_id == "camt.053.001.02" and doc.message_type == "camt.053"
    assert doc.message_id == "DNB20240312053000123"
    assert doc.created == datetime(2024, 3, 13, 5, 30, 12, tzinfo=timezone(timedelta(hours=1)))
    assert (doc.pagination.page_number, doc.pagination.last_page) == (1, True)
    assert doc.warnings == ()
    (stmt,) = doc.statements
    assert stmt.id == "15032080119-20240312" and stmt.electronic_sequence == 62 and stmt.legal_sequence == 62
    assert stmt.account.iban == "NO5015032080119" and stmt.account.currency == "NOK"
    assert stmt.account.owner_name == "Brøndbo Rørleggerservice AS" and stmt.account.servicer_bic == "DNBANOKKXXX"
    assert [(b.type, b.amount) for b in stmt.balances] == [
        ("OPBD", Decimal("48210.35")),
        ("CLBD", Decimal("45021.85")),
        ("CLAV", Decimal("44021.85")),
    ]
    assert stmt.consistency.consistent is True and stmt.consistency.batches is True
    assert [e.amount for e in stmt.entries] == [Decimal(x) for x in ("6605.50", "-12500.00", "-249.00", "3000.00", "-45.00", "-1000.00")]
    assert [e.status for e in stmt.entries][-2:] == [EntryStatus.BOOK, EntryStatus.PDNG]

    ocr = stmt.entries[0]
    assert ocr.batch.number_of_transactions == 3 and ocr.batch.total_amount == Decimal("6605.50")
    code = ocr.bank_transaction_code
    assert (code.domain, code.family, code.sub_family, code.proprietary, code.issuer) == ("PMNT", "RCDT", "DMCT", "230", "NETS")
    kids = [tx.creditor_references[0].kid for tx in ocr.transactions]
    assert [str(k) for k in kids] == ["001002341236", "001002351235", "10023475"]
    assert [k.algorithms for k in kids] == [(KidAlgorithm.MOD10,), (KidAlgorithm.MOD10,), (KidAlgorithm.MOD11,)]
    first = ocr.transactions[0]
    assert first.amount == Decimal("1250.00") and first.counterparty.name == "Kåre Ødegård"
    assert first.counterparty.bban == "30004112233" and first.references.account_servicer_reference == "52813020517"
    assert first.date == date(2024, 3, 12)
    assert ocr.transactions[1].counterparty.organisation_id == "998877665"

    payment = stmt.entries[1].transactions[0]
    # TxDtls without AmtDtls in a one-transaction entry takes the entry amount (signed).
    assert payment.amount == Decimal("-12500.00") and payment.currency == "NOK"
    assert payment.references.end_to_end_id == "AVS-2024-000117"
    assert payment.counterparty.name == "Rør & Varme Engros AS" and payment.counterparty.bic == "DNBANOKK"
    assert payment.remittance_lines == ("Faktura 88123",)
    assert stmt.entries[2].additional_info == "VISA 4921 Circle K Bryn 11.03" and stmt.entries[2].value_date == date(2024, 3, 11)
    assert stmt.entries[3].booking_datetime == datetime(2024, 3, 12, 14, 2, 51, tzinfo=timezone(timedelta(hours=1)))
    assert stmt.entries[3].booking_date == date(2024, 3, 12)


def test_credit_notification_with_kids_and_credit_note():
    doc = read(CREDIT_054)
    (ntf,) = doc.statements
    assert doc.format_id == "camt.054.001.02" and ntf.account.bban == "30004112233" and ntf.account.iban is None
    assert ntf.balances == () and ntf.consistency.balances is None and ntf.consistency.consistent is None
    batch = ntf.entries[0]
    assert [tx.kids[0].value for tx in batch.transactions] == ["0045011236", "450170"]
    assert all(tx.kids[0].valid for tx in batch.transactions)
    assert batch.transactions[0].counterparty.iban == "NO0430004112233"
    docs = ntf.entries[1].transactions[0].referred_documents
    assert [(d.number, d.type_code, d.amount) for d in docs] == [("10431", "CINV", Decimal("5000.00")), ("2021", "CREN", Decimal("-500.00"))]
    assert docs[0].date == date(2024, 3, 28)
    assert sum(d.amount for d in docs) == ntf.entries[1].amount


def test_version_08_shapes():
    doc = read(STATEMENT_08)
    (stmt,) = doc.statements
    assert stmt.account.servicer_bic == "NDEANOKK" and stmt.consistency.consistent is True
    euro, returned, paid = stmt.entries
    assert euro.status is EntryStatus.BOOK
    assert euro.booking_datetime == datetime(2024, 5, 20, 9, 14, 3, 218000, tzinfo=timezone(timedelta(hours=2)))
    tx = euro.transactions[0]
    assert tx.amount == Decimal("11458.20") and tx.references.uetr == "7c4a0b9e-3f1d-4e2a-9b6c-2d8e5f7a1c30"
    assert (tx.instructed.amount, tx.instructed.currency, tx.instructed.exchange_rate) == (Decimal("1000.00"), "EUR", Decimal("11.4832"))
    (charge,) = tx.charges
    assert (charge.amount, charge.included, charge.bearer) == (Decimal("-25.00"), True, "SHAR")
    assert (tx.counterparty.name, tx.counterparty.iban, tx.counterparty.bic) == ("Nordsee Räucherei GmbH", "DE89370400440532013000", "COBADEFFXXX")
    # A returned outgoing payment: credit with RvslInd; the counterparty is the original creditor.
    assert returned.reversal is True and returned.amount == Decimal("2300.00")
    assert returned.transactions[0].return_reason == "AC01"
    assert returned.transactions[0].counterparty.name == "Snekker Ås"
    ref = paid.transactions[0].creditor_references[0]
    assert (ref.ref, ref.type_code, ref.issuer, ref.kid) == ("RF18539007547034", "SCOR", "ISO", None)


def test_02_and_08_shapes_give_equal_objects():
    tx02 = "<NtryDtls><TxDtls><RltdPties><Dbtr><Nm>Åse</Nm></Dbtr></RltdPties><RltdAgts><DbtrAgt><FinInstnId><BIC>DNBANOKK</BIC></FinInstnId></DbtrAgt></RltdAgts></TxDtls></NtryDtls>"
    tx08 = "<NtryDtls><TxDtls><RltdPties><Dbtr><Pty><Nm>Åse</Nm></Pty></Dbtr></RltdPties><RltdAgts><DbtrAgt><FinInstnId><BICFI>DNBANOKK</BICFI></FinInstnId></DbtrAgt></RltdAgts></TxDtls></NtryDtls>"
    a = read(camt053(statement(entry(extra=tx02))))
    b = read(camt053(statement(entry(status="<Sts><Cd>BOOK</Cd></Sts>", extra=tx08)), ns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"))
    assert a.statements == b.statements
    assert a.statements[0].entries[0].transactions[0].counterparty.name == "Åse"


def test_lenient_namespace_bom_order_and_missing_blocks():
    body = (
        # Sts before Amt, booking date as DtTm without offset, a balance after the entries.
        "<Ntry><Sts>BOOK</Sts><CdtDbtInd>DBIT</CdtDbtInd><Amt Ccy=\"NOK\">0.00</Amt>"
        "<BookgDt><DtTm>2024-03-12T10:00:00</DtTm></BookgDt></Ntry>"
        + balance("CLBD", "5.00")
    )
    account = "<Acct><Id><Othr><Id>86011117947</Id><SchmeNm><Cd>BBAN</Cd></SchmeNm></Othr></Id></Acct>"
    xml = b"\xef\xbb\xbf" + camt053(statement(balance("OPBD", "5.00") + body, account=account), ns=None)
    doc = read(xml)
    (stmt,) = doc.statements
    assert doc.format_id == "camt.053"
    assert [w.message for w in doc.warnings] == ["no namespace; read as a camt message of unknown version"]
    (e,) = stmt.entries
    assert e.amount == 0 and e.amount.is_signed()  # a zero debit keeps its direction
    assert e.booking_datetime == datetime(2024, 3, 12, 10, 0) and e.booking_datetime.tzinfo is None
    assert stmt.account.bban == "86011117947" and stmt.account.number == "86011117947"
    assert [b.type for b in stmt.balances] == ["OPBD", "CLBD"] and stmt.consistency.consistent is True


def test_national_namespace_and_prefix():
    xml = camt053(statement(entry()), ns="urn:bits:no:camt.053.001.02:nordic").replace(b"<", b"<n1:").replace(b"<n1:/", b"</n1:")
    xml = xml.replace(b"<n1:?xml", b"<?xml").replace(b'xmlns="', b'xmlns:n1="')
    doc = read(xml)
    assert doc.format_id == "camt.053.001.02" and doc.statements[0].entries[0].amount == Decimal("100.00")
    assert doc.warnings == ()


def test_consistency_mismatches_are_reported_not_fixed():
    wrong_close = statement(balance("OPBD", "100.00") + balance("CLBD", "150.00") + entry("40.00"))
    batch = (
        "<NtryDtls><Btch><NbOfTxs>3</NbOfTxs><TtlAmt Ccy=\"NOK\">90.00</TtlAmt></Btch>"
        "<TxDtls><AmtDtls><TxAmt><Amt Ccy=\"NOK\">30.00</Amt></TxAmt></AmtDtls></TxDtls>"
        "<TxDtls><AmtDtls><TxAmt><Amt Ccy=\"NOK\">60.00</Amt></TxAmt></AmtDtls></TxDtls></NtryDtls>"
    )
    bad_batch = statement(balance("OPBD", "0.00") + balance("CLBD", "100.00") + entry("100.00", extra=batch), stmt_id="S2")
    doc = read(camt053(wrong_close, bad_batch))
    first, second = doc.statements
    assert first.consistency.consistent is False and first.consistency.balances is False
    assert first.consistency.messages == ("OPBD 100.00 + booked entries 40.00 = 140.00, but CLBD is 150.00 (difference 10.00)",)
    assert first.closing_booked.amount == Decimal("150.00")  # kept as the bank sent it
    assert second.consistency.balances is True and second.consistency.batches is False
    assert second.consistency.messages == (
        "Ntry[1]: NtryDtls/Btch/NbOfTxs is 3 but 2 TxDtls follow",
        "Ntry[1]: Amt is 100.00 but the TxDtls add up to 90.00",
    )


def test_pending_entries_do_not_count_as_booked():
    body = balance("OPBD", "10.00") + balance("CLBD", "15.00") + entry("5.00") + entry("70.00", status="<Sts>PDNG</Sts>")
    (stmt,) = read(camt053(statement(body))).statements
    assert stmt.consistency.consistent is True


def test_transaction_without_amount_in_a_batch_is_a_warning_with_path():
    txs = "<NtryDtls><TxDtls/><TxDtls><AmtDtls><TxAmt><Amt Ccy=\"NOK\">1.00</Amt></TxAmt></AmtDtls></TxDtls></NtryDtls>"
    doc = read(camt053(statement(entry("1.00", extra=txs))))
    (w,) = doc.warnings
    assert w.path == "/Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/NtryDtls/TxDtls[1]"
    assert w.message == "transaction without an amount in an entry with 2 transactions" and w.line == 2
    assert doc.statements[0].entries[0].transactions[0].amount is None


def test_warning_paths_name_statement_and_entry():
    stmts = [statement("".join(entry() for _ in range(14 if n == 2 else 3)), stmt_id=f"S{n}") for n in (1, 2)]
    stmts[1] = stmts[1][: stmts[1].rindex("<Ntry>")] + entry(ccy="NOX") + "</Stmt>"
    doc = read(camt053(*stmts))
    (w,) = doc.warnings
    assert w.path == "/Document/BkToCstmrStmt/Stmt[2]/Ntry[14]/Amt/@Ccy"
    assert "unknown currency code 'NOX'" in w.message
    assert doc.statements[1].entries[13].currency == "NOX"  # kept as given, not guessed


def test_unknown_status_is_warned_and_not_booked():
    body = balance("OPBD", "0.00") + balance("CLBD", "0.00") + entry(status="<Sts>DONE</Sts>")
    doc = read(camt053(statement(body)))
    assert [(w.path, w.message) for w in doc.warnings] == [
        ("/Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/Sts", "unknown entry status 'DONE'; the entry is not counted as booked")
    ]
    assert doc.statements[0].entries[0].status is None and doc.statements[0].consistency.consistent is True


def test_camt052_report_and_camt054_08():
    report = camt053(
        statement(balance("ITBD", "12.00") + entry(), name="Rpt"),
        ns="urn:iso:std:iso:20022:tech:xsd:camt.052.001.08",
        message="BkToCstmrAcctRpt",
    )
    doc = read(report)
    assert doc.format_id == "camt.052.001.08" and doc.statements[0].balances[0].type == "ITBD"
    ntf = camt053(statement(entry(), name="Ntfctn"), ns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08", message="BkToCstmrDbtCdtNtfctn")
    assert read(ntf).statements[0].entries[0].amount == Decimal("100.00")


def test_detect_format():
    assert detect_format(OCR_053.read_bytes()[:1024]) == "camt.053.001.02"
    assert detect_format(OCR_053.read_bytes()[:200]) is None  # cut inside the leading comment
    assert detect_format(b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03">') == "pain.001.001.03"
    assert detect_format(b"\xef\xbb\xbf<!-- <x> --><Document><BkToCstmrDbtCdtNtfctn>") == "camt.054"
    assert detect_format(b'<n:Document xmlns:n="urn:iso:std:iso:20022:tech:xsd:camt.052.001.08">') == "camt.052.001.08"
    assert detect_format(b"NY000010000080800000001") is None
    assert detect_format(b"<Document><Foo/>") is None


def test_stream_gives_header_entries_then_summary_per_account():
    second_account = "<Acct><Id><IBAN>NO5015032080119</IBAN></Id></Acct>"
    xml = camt053(
        statement(balance("OPBD", "1.00") + entry("2.00") + entry("3.00") + balance("CLBD", "6.00")),
        statement(entry("4.00"), account=second_account, stmt_id="S2"),
    )
    seen = []
    with stream(xml) as camt:
        assert camt.format_id == "camt.053.001.02" and camt.message_id == "MSG-1"
        for section in camt:
            seen.append(("header", section.header.account.iban, len(section.header.balances)))
            seen.extend(("entry", e.amount) for e in section)
            seen.append(("summary", [b.type for b in section.summary.balances], section.summary.consistency.consistent))
    assert seen == [
        ("header", "NO9386011117947", 1),
        ("entry", Decimal("2.00")),
        ("entry", Decimal("3.00")),
        ("summary", ["OPBD", "CLBD"], True),
        ("header", "NO5015032080119", 0),
        ("entry", Decimal("4.00")),
        ("summary", [], None),
    ]


def test_stream_skipping_entries_still_reaches_every_statement():
    xml = camt053(statement(entry() * 3), statement(entry("7.00"), stmt_id="S2"))
    with stream(xml) as camt:
        ids = [section.summary.id for section in camt]
    assert ids == ["S1", "S2"]
    assert read(xml).statements[1].entries[0].amount == Decimal("7.00")


def test_read_accepts_path_bytes_and_file(tmp_path):
    data = CREDIT_054.read_bytes()
    with open(CREDIT_054, "rb") as f:
        from_file = read(f)
    assert read(CREDIT_054) == read(str(CREDIT_054)) == read(data) == from_file


def test_entry_without_transactions_has_no_batch_checks():
    body = balance("OPBD", "0.00") + balance("CLBD", "1.00", "DBIT") + entry("1.00", "DBIT")
    stmt = read(camt053(statement(body))).statements[0]
    assert stmt.consistency.batches is None and stmt.consistency.consistent is True
    assert stmt.closing_booked.amount == Decimal("-1.00")


def test_unseekable_stream_takes_the_version_from_the_namespace():
    class Unseekable(io.BytesIO):
        def seekable(self) -> bool:
            return False

    doc = read(Unseekable(STATEMENT_08.read_bytes()))
    assert doc.format_id == "camt.053.001.08" and len(doc.statements[0].entries) == 3


def test_plus_sign_and_bare_point_amounts_are_decimals():
    doc = read(camt053(statement(entry("+12.50") + entry(".5"))))
    assert [e.amount for e in doc.statements[0].entries] == [Decimal("12.50"), Decimal("0.5")]
