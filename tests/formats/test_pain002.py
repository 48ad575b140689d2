"""pain.002 reader and writer: Norwegian .03 files, .10 XSD-valid output, round trips, hostile input."""

from __future__ import annotations

import functools
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from avstem.formats.errors import FormatError, InvalidContent, MalformedFile, UnsupportedMessage
from avstem.formats.pain001 import write_pain001
from avstem.formats.pain002 import (
    PAIN002_VERSIONS,
    read_pain002,
    report_for_order,
    write_pain002,
)
from avstem.formats.payments import (
    GROUP_STATUS_V03,
    TRANSACTION_STATUS_V03,
    AccountId,
    CreditTransfer,
    OriginalGroupStatus,
    PaymentBlock,
    PaymentError,
    PaymentInformationStatus,
    PaymentOrder,
    StatusReason,
    StatusReport,
    TransactionStatus,
    reference_dir,
)

DATA = Path(__file__).parent / "data"
NS = "urn:iso:std:iso:20022:tech:xsd:"


def code_sets_present() -> bool:
    return (reference_dir() / "iso20022" / "external-code-sets" / "external_status_reason_code.json").exists()


needs_reference = pytest.mark.skipif(
    not code_sets_present(),
    reason=f"ISO external code sets not found: reference folder {reference_dir()} is absent "
    "(set AVSTEM_REFERENCE_DIR)",
)


@functools.cache
def _schema10() -> etree.XMLSchema | None:
    path = reference_dir() / "iso20022" / "xsd" / "pain.002.001.10.xsd"
    return etree.XMLSchema(etree.parse(str(path))) if path.exists() else None


def assert_xsd_valid(xml: bytes, version: str) -> None:
    """.10 against its official XSD. There is no ISO .03 XSD in the reference (only a German
    SEPA-restricted one); the .03 elements we write are laid out as in .10, minus OrgnlUETR, so
    .03 output must validate against the .10 schema once the namespace is swapped."""
    schema = _schema10()
    if schema is None:
        pytest.skip(f"official XSD not found: reference folder {reference_dir()} is absent")
    if version.endswith(".03"):
        xml = xml.replace(f"{NS}pain.002.001.03".encode(), f"{NS}pain.002.001.10".encode())
    assert schema.validate(etree.fromstring(xml)), f"{version} not XSD-valid: {schema.error_log}"


def sample_report() -> StatusReport:
    return StatusReport(
        message_id="STS-1",
        creation_time=datetime(2024, 2, 1, 8, 0, tzinfo=timezone.utc),
        initiating_party_name="DNB Bank ASA",
        group=OriginalGroupStatus(original_message_id="MSG-1", original_message_name_id="pain.001.001.03",
                                  status="PART", original_number_of_transactions=3,
                                  original_control_sum=Decimal("26599.90"),
                                  original_creation_time=datetime(2024, 1, 31, 10, 0)),
        payment_informations=(
            PaymentInformationStatus(original_payment_information_id="PMT-1", status="PART", transactions=(
                TransactionStatus(original_instruction_id="I-1", original_end_to_end_id="E2E-1", status="RJCT",
                                  reasons=(StatusReason(code="AC03", additional_info=("Kontonummer finnes ikke",)),),
                                  original_amount=Decimal("1500.00"), original_currency="NOK"),
                TransactionStatus(original_end_to_end_id="E2E-2", status="ACSC", account_servicer_reference="ARK1"),
            )),
            PaymentInformationStatus(original_payment_information_id="PMT-2", status="ACSP",
                                     reasons=(StatusReason(proprietary="OK01", originator_name="DNB"),)),
        ),
    )


# --- writer ----------------------------------------------------------------------------------


@pytest.mark.parametrize("version", PAIN002_VERSIONS)
def test_sample_report_is_valid_and_reads_back_equal(version):
    xml = write_pain002(sample_report(), version)
    assert_xsd_valid(xml, version)
    doc = read_pain002(xml)
    assert doc.version == version
    assert doc.warnings == ()
    assert doc.report == sample_report()


def test_writer_layout():
    xml = write_pain002(sample_report(), "pain.002.001.10")
    ns = {"p": f"{NS}pain.002.001.10"}
    doc = etree.fromstring(xml)
    assert doc.xpath("//p:OrgnlGrpInfAndSts/p:GrpSts/text()", namespaces=ns) == ["PART"]
    assert doc.xpath("//p:OrgnlPmtInfAndSts/p:PmtInfSts/text()", namespaces=ns) == ["PART", "ACSP"]
    tx = doc.xpath("//p:TxInfAndSts", namespaces=ns)[0]
    assert [local.tag.split("}")[1] for local in tx] == ["OrgnlInstrId", "OrgnlEndToEndId", "TxSts", "StsRsnInf",
                                                         "OrgnlTxRef"]
    assert tx.xpath("p:StsRsnInf/p:Rsn/p:Cd/text()", namespaces=ns) == ["AC03"]
    assert tx.xpath("p:OrgnlTxRef/p:Amt/p:InstdAmt/text()", namespaces=ns) == ["1500.00"]


@pytest.mark.parametrize(
    ("report", "version", "fragment"),
    [
        (StatusReport(message_id="S", creation_time=datetime(2024, 1, 1)), "pain.002.001.03",
         "OrgnlGrpInfAndSts is required"),
        (StatusReport(message_id="S", group=OriginalGroupStatus(original_message_id="M",
                                                                original_message_name_id="pain.001.001.03")),
         "pain.002.001.03", "creation_time"),
        (StatusReport(message_id="S", creation_time=datetime(2024, 1, 1),
                      group=OriginalGroupStatus(original_message_name_id="pain.001.001.03")),
         "pain.002.001.10", "original_message_id"),
        (StatusReport(message_id="S", creation_time=datetime(2024, 1, 1),
                      group=OriginalGroupStatus(original_message_id="M", original_message_name_id="p",
                                                status="RCVC")),
         "pain.002.001.03", "RCVC is not a status pain.002.001.03 allows"),
        (StatusReport(message_id="S", creation_time=datetime(2024, 1, 1),
                      group=OriginalGroupStatus(original_message_id="M", original_message_name_id="p",
                                                status="ok")),
         "pain.002.001.10", "4-character status"),
        (StatusReport(message_id="S" * 36, creation_time=datetime(2024, 1, 1),
                      group=OriginalGroupStatus(original_message_id="M", original_message_name_id="p")),
         "pain.002.001.10", "at most 35"),
        (StatusReport(message_id="S", creation_time=datetime(2024, 1, 1),
                      group=OriginalGroupStatus(original_message_id="M", original_message_name_id="p",
                                                status="RJCT", reasons=(StatusReason(additional_info=("x" * 106,)),))),
         "pain.002.001.10", "additional_info[0]: is 106 characters"),
        (StatusReport(message_id="S", creation_time=datetime(2024, 1, 1, tzinfo=timezone(timedelta(seconds=1))),
                      group=OriginalGroupStatus(original_message_id="M", original_message_name_id="p")),
         "pain.002.001.10", "UTC offset"),
    ],
)
def test_writer_refuses_bad_content_naming_the_field(report, version, fragment):
    with pytest.raises(PaymentError, match=fragment.replace("[", r"\[").replace("]", r"\]")):
        write_pain002(report, version)


@needs_reference
def test_writer_refuses_unknown_codes_from_the_code_sets():
    group = OriginalGroupStatus(original_message_id="M", original_message_name_id="pain.001.001.03",
                                status="RJCT", reasons=(StatusReason(code="ZZ99"),))
    with pytest.raises(PaymentError, match="ZZ99 is not an ISO status reason code"):
        write_pain002(StatusReport(message_id="S", creation_time=datetime(2024, 1, 1), group=group), "pain.002.001.10")
    tx = PaymentInformationStatus(original_payment_information_id="P",
                                  transactions=(TransactionStatus(original_end_to_end_id="E", status="ABCD"),))
    report = StatusReport(message_id="S", creation_time=datetime(2024, 1, 1),
                          group=OriginalGroupStatus(original_message_id="M", original_message_name_id="p"),
                          payment_informations=(tx,))
    with pytest.raises(PaymentError, match=r"transactions\[0\].status: ABCD"):
        write_pain002(report, "pain.002.001.10")


@needs_reference
def test_verification_of_payee_statuses_only_in_v10():
    report = StatusReport(message_id="S", creation_time=datetime(2024, 1, 1),
                          group=OriginalGroupStatus(original_message_id="M", original_message_name_id="p",
                                                    status="RCVC"))
    assert_xsd_valid(write_pain002(report, "pain.002.001.10"), "pain.002.001.10")
    assert read_pain002(write_pain002(report, "pain.002.001.10")).report.group.status == "RCVC"


def test_report_for_order_answers_every_level():
    def tx(e2e: str, amount: str) -> CreditTransfer:
        return CreditTransfer(end_to_end_id=e2e, instruction_id=f"I{e2e}", amount=Decimal(amount),
                              creditor_name="Kari", creditor_account=AccountId(bban="12345678903"))

    def block(pid: str, *txs: CreditTransfer) -> PaymentBlock:
        return PaymentBlock(payment_information_id=pid, debtor_name="Firma AS",
                            debtor_account=AccountId(bban="86011117947"),
                            requested_execution_date=datetime(2024, 2, 1).date(), transactions=txs)

    order = PaymentOrder(message_id="MSG-9", creation_time=datetime(2024, 1, 31, 9), initiating_party_name="Firma AS",
                         payment_blocks=(block("P1", tx("A", "10"), tx("B", "20")), block("P2", tx("C", "5"))))
    rejected = StatusReason(code="AC01", additional_info=("Ugyldig konto",))
    report = report_for_order(order, message_id="STS-9", creation_time=datetime(2024, 2, 1, 7),
                              group_status="PART", transactions={"A": "ACSC", "B": ("RJCT", [rejected])})
    assert report.group.original_message_id == "MSG-9"
    assert report.group.original_number_of_transactions == 3
    assert report.group.original_control_sum == Decimal("35")
    assert [p.original_payment_information_id for p in report.payment_informations] == ["P1"]
    assert report.payment_informations[0].status == "PART"
    assert report.status_of("A") == "ACSC"
    assert report.status_of("B") == "RJCT"
    assert report.status_of("C") is None  # PART says nothing about an unlisted payment
    for version in PAIN002_VERSIONS:
        xml = write_pain002(report, version)
        assert_xsd_valid(xml, version)
        assert read_pain002(xml).report == report
    # the pain.001 it answers is consistent with it
    assert b"<MsgId>MSG-9</MsgId>" in write_pain001(order)


def test_status_of_uses_group_status_when_nothing_more_specific():
    accepted = StatusReport(group=OriginalGroupStatus(original_message_id="M", status="ACCP"))
    assert accepted.status_of("anything") == "ACCP"
    block_only = StatusReport(payment_informations=(PaymentInformationStatus(
        original_payment_information_id="P", status="RJCT",
        transactions=(TransactionStatus(original_end_to_end_id="E"),)),))
    assert block_only.status_of("E") == "RJCT"


# --- reader ----------------------------------------------------------------------------------


def test_reads_norwegian_acknowledgment():
    doc = read_pain002(DATA / "pain002_accepted_03.xml")
    assert doc.version == "pain.002.001.03"
    assert doc.warnings == ()
    report = doc.report
    assert report.message_id == "20240201081527-000001"
    assert report.creation_time == datetime(2024, 2, 1, 8, 15, 27)
    assert report.group == OriginalGroupStatus(
        original_message_id="MSG-2024-0001", original_message_name_id="pain.001.001.03", status="ACCP",
        original_number_of_transactions=3, original_control_sum=Decimal("26599.90"))
    assert report.payment_informations == ()
    assert report.status_of("E2E-1") == "ACCP"


def test_reads_transaction_statuses_with_reasons():
    doc = read_pain002(DATA / "pain002_partly_rejected_03.xml")
    assert doc.warnings == ()
    report = doc.report
    assert report.creation_time == datetime(2024, 2, 2, 6, 0, tzinfo=timezone(timedelta(hours=1)))
    assert report.group.status == "PART"
    first, second = report.payment_informations
    ok, rejected = first.transactions
    assert (ok.original_end_to_end_id, ok.original_instruction_id, ok.status) == ("E2E-1", "INSTR-1", "ACSC")
    assert ok.status_id == "ST-1"
    assert ok.account_servicer_reference == "ARK-778899"
    assert (ok.original_amount, ok.original_currency) == (Decimal("1500.00"), "NOK")
    assert rejected.status == "RJCT"
    (reason,) = rejected.reasons
    assert reason == StatusReason(code="AC01", additional_info=("Mottakers konto er ugyldig", "Kontakt mottaker"),
                                  originator_name="DNB Bank ASA")
    assert second.status == "RJCT" and second.transactions == ()
    assert second.reasons[0].proprietary == "N123"
    assert second.reasons[0].additional_info == ("N123;Dekning mangler på konto",)
    assert report.status_of("E2E-1") == "ACSC"
    assert report.status_of("E2E-2") == "RJCT"


@needs_reference
def test_reason_meanings_come_from_the_iso_code_set():
    reason = read_pain002(DATA / "pain002_partly_rejected_03.xml").report.payment_informations[0] \
        .transactions[1].reasons[0]
    assert reason.meaning == "Account number is invalid or missing."
    assert reason.describe() == ("AC01 (Account number is invalid or missing.): "
                                 "Mottakers konto er ugyldig Kontakt mottaker")


def test_without_reference_folder_reasons_fall_back_to_the_code(monkeypatch, tmp_path):
    monkeypatch.setenv("AVSTEM_REFERENCE_DIR", str(tmp_path / "absent"))
    reason = read_pain002(DATA / "pain002_partly_rejected_03.xml").report.payment_informations[0] \
        .transactions[1].reasons[0]
    assert reason.meaning is None
    assert reason.describe() == "AC01: Mottakers konto er ugyldig Kontakt mottaker"
    # and writing still works, checking the shape of codes only
    assert read_pain002(write_pain002(sample_report(), "pain.002.001.10")).report == sample_report()


@needs_reference
def test_unknown_codes_are_kept_with_a_warning():
    xml = write_pain002(sample_report(), "pain.002.001.10").replace(b"<TxSts>ACSC</TxSts>", b"<TxSts>DONE</TxSts>") \
        .replace(b"<Cd>AC03</Cd>", b"<Cd>XX42</Cd>")
    doc = read_pain002(xml)
    statuses = [t.status for _, t in doc.report.transaction_statuses()]
    assert statuses == ["RJCT", "DONE"]
    messages = [w.message for w in doc.warnings]
    assert "XX42 is not an ISO status reason code" in messages
    assert "DONE is not a known TxSts status; kept as given" in messages
    # .03 enumerations are known without the reference folder
    xml03 = write_pain002(sample_report(), "pain.002.001.03").replace(b"<GrpSts>PART</GrpSts>",
                                                                      b"<GrpSts>RCVC</GrpSts>")
    assert any("RCVC" in w.message for w in read_pain002(xml03).warnings)


def test_any_level_may_be_missing():
    only_tx = (b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"><CstmrPmtStsRpt>'
               b"<GrpHdr><MsgId>S</MsgId><CreDtTm>2024-02-01T10:00:00Z</CreDtTm></GrpHdr>"
               b"<OrgnlPmtInfAndSts><OrgnlPmtInfId>P</OrgnlPmtInfId><TxInfAndSts>"
               b"<OrgnlEndToEndId>E</OrgnlEndToEndId><TxSts>ACSP</TxSts></TxInfAndSts></OrgnlPmtInfAndSts>"
               b"</CstmrPmtStsRpt></Document>")
    doc = read_pain002(only_tx)
    assert doc.report.group is None
    assert doc.report.status_of("E") == "ACSP"
    assert [w.message for w in doc.warnings] == [
        "no OrgnlGrpInfAndSts: the report does not say which message it is about"]


def test_no_namespace_is_read_with_a_warning():
    xml = write_pain002(sample_report(), "pain.002.001.10").replace(
        b' xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"', b"")
    doc = read_pain002(xml)
    assert doc.version == "pain.002"
    assert doc.report == sample_report()
    assert [w.message for w in doc.warnings] == ["no ISO 20022 namespace; the version is unknown"]


def test_unreadable_values_are_warnings_not_failures():
    xml = write_pain002(sample_report(), "pain.002.001.03").replace(
        b"<OrgnlNbOfTxs>3</OrgnlNbOfTxs>", b"<OrgnlNbOfTxs>three</OrgnlNbOfTxs>").replace(
        b"<CreDtTm>2024-02-01T08:00:00+00:00</CreDtTm>", b"<CreDtTm>yesterday</CreDtTm>")
    doc = read_pain002(xml)
    assert doc.report.group.original_number_of_transactions is None
    assert doc.report.creation_time is None
    assert {w.path for w in doc.warnings} == {"/Document/CstmrPmtStsRpt/OrgnlGrpInfAndSts/OrgnlNbOfTxs",
                                              "/Document/CstmrPmtStsRpt/GrpHdr/CreDtTm"}


def test_a_report_without_any_status_is_refused():
    xml = (b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"><CstmrPmtStsRpt>'
           b"<GrpHdr><MsgId>S</MsgId></GrpHdr><OrgnlGrpInfAndSts><OrgnlMsgId>M</OrgnlMsgId>"
           b"</OrgnlGrpInfAndSts></CstmrPmtStsRpt></Document>")
    with pytest.raises(InvalidContent, match="no status at any level"):
        read_pain002(xml)


def test_wrong_message_type_is_unsupported():
    with pytest.raises(UnsupportedMessage):
        read_pain002(DATA / "camt053_001_02_ocr_batch.xml")
    order_xml = write_pain001(PaymentOrder(
        message_id="M", creation_time=datetime(2024, 1, 1), initiating_party_name="A",
        payment_blocks=(PaymentBlock(payment_information_id="P", debtor_name="A",
                                     debtor_account=AccountId(bban="86011117947"),
                                     requested_execution_date=datetime(2024, 1, 2).date(),
                                     transactions=(CreditTransfer(end_to_end_id="E", amount=Decimal(1),
                                                                  creditor_name="B",
                                                                  creditor_account=AccountId(bban="12345678903")),)),)))
    with pytest.raises(UnsupportedMessage):
        read_pain002(order_xml)
    with pytest.raises(UnsupportedMessage, match="pain.008"):
        read_pain002(b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.008.001.02"><CstmrPmtStsRpt/></Document>')


def test_malformed_and_hostile_xml():
    with pytest.raises(MalformedFile) as info:
        read_pain002(b"<Document>\n<CstmrPmtStsRpt>\n</Document>", label="status.xml")
    assert info.value.line == 3 and "status.xml" in str(info.value)
    xxe = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "http://127.0.0.1:9/leak">]>'
           b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"><CstmrPmtStsRpt><GrpHdr>'
           b"<MsgId>&x;</MsgId></GrpHdr></CstmrPmtStsRpt></Document>")
    with pytest.raises(MalformedFile, match="DOCTYPE"):
        read_pain002(xxe)


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=300))
def test_property_arbitrary_bytes_raise_only_format_errors(data):
    try:
        read_pain002(data)
    except FormatError:
        pass


@settings(max_examples=150, deadline=None)
@given(position=st.integers(0, 10_000), length=st.integers(1, 30), junk=st.binary(max_size=6))
def test_property_damaged_report_reads_or_raises_format_error(position, length, junk):
    xml = (DATA / "pain002_partly_rejected_03.xml").read_bytes()
    position %= len(xml)
    try:
        read_pain002(xml[:position] + junk + xml[position + length:])
    except FormatError as exc:
        assert str(exc)


# --- round-trip property -----------------------------------------------------------------------

texts = st.text(st.characters(min_codepoint=32, max_codepoint=0x2FF, exclude_characters="\x7f"),
                min_size=1, max_size=35).map(str.strip).filter(bool)
lines = st.text(st.characters(min_codepoint=32, max_codepoint=0x2FF, exclude_characters="\x7f"),
                min_size=1, max_size=105).map(str.strip).filter(bool)
reason_codes = st.sampled_from(["AC01", "AC03", "AM04", "AM05", "FF01", "NARR", "RR04", "DT01", "MS03"])


@st.composite
def reasons(draw) -> StatusReason:
    kind = draw(st.sampled_from(["code", "proprietary", "none"]))
    return StatusReason(
        code=draw(reason_codes) if kind == "code" else None,
        proprietary=draw(texts) if kind == "proprietary" else None,
        additional_info=tuple(draw(st.lists(lines, max_size=2))),
        originator_name=draw(st.none() | texts),
    )


def statuses(version: str, level: str) -> st.SearchStrategy[str | None]:
    allowed = set(GROUP_STATUS_V03 if level == "group" else TRANSACTION_STATUS_V03)
    if version.endswith(".10"):  # external codes, e.g. verification of payee
        allowed |= {"RCVC", "ACCC"} if level == "group" else {"RCVC", "ACCC", "RVMC", "BLCK"}
        allowed -= {"ACCR"}  # a .03-only transaction status, not in the external code set
    return st.none() | st.sampled_from(sorted(allowed))


datetimes = st.datetimes(datetime(2000, 1, 1), datetime(2099, 1, 1),
                         timezones=st.none() | st.just(timezone.utc) | st.just(timezone(timedelta(hours=2))))
amounts = st.integers(0, 10**12).map(lambda n: Decimal(n).scaleb(-2))


@st.composite
def reports(draw, version: str) -> StatusReport:
    def transaction() -> TransactionStatus:
        return TransactionStatus(
            original_end_to_end_id=draw(texts), original_instruction_id=draw(st.none() | texts),
            status=draw(statuses(version, "tx")), reasons=tuple(draw(st.lists(reasons(), max_size=2))),
            status_id=draw(st.none() | texts), account_servicer_reference=draw(st.none() | texts),
            original_amount=(amount := draw(st.none() | amounts)),
            original_currency=None if amount is None else draw(st.sampled_from(["NOK", "EUR", "JPY"])),
        )

    def payment_info() -> PaymentInformationStatus:
        return PaymentInformationStatus(
            original_payment_information_id=draw(texts), status=draw(statuses(version, "group")),
            reasons=tuple(draw(st.lists(reasons(), max_size=2))),
            transactions=tuple(transaction() for _ in range(draw(st.integers(0, 3)))),
            original_number_of_transactions=draw(st.none() | st.integers(0, 10**6)),
            original_control_sum=draw(st.none() | amounts),
        )

    group_status = draw(st.sampled_from(sorted(GROUP_STATUS_V03)))  # at least one status somewhere
    return StatusReport(
        message_id=draw(texts), creation_time=draw(datetimes), initiating_party_name=draw(st.none() | texts),
        group=OriginalGroupStatus(
            original_message_id=draw(texts), original_message_name_id="pain.001.001.03", status=group_status,
            reasons=tuple(draw(st.lists(reasons(), max_size=2))), original_creation_time=draw(st.none() | datetimes),
            original_number_of_transactions=draw(st.none() | st.integers(0, 10**6)),
            original_control_sum=draw(st.none() | amounts)),
        payment_informations=tuple(payment_info() for _ in range(draw(st.integers(0, 3)))),
    )


@settings(max_examples=60, deadline=None)
@given(data=st.data(), version=st.sampled_from(PAIN002_VERSIONS))
def test_property_write_read_round_trip(data, version):
    report = data.draw(reports(version))
    xml = write_pain002(report, version)
    assert_xsd_valid(xml, version)
    doc = read_pain002(xml)
    assert doc.version == version
    assert doc.warnings == ()
    assert doc.report == report
