"""pain.001 writer and reader: XSD-valid output, strict refusals, lossless round trip, hostile input."""

from __future__ import annotations

import functools
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from schwifty import IBAN

from avstem.formats import KID, KidAlgorithm
from avstem.formats.errors import FormatError, MalformedFile, UnsupportedMessage
from avstem.formats.pain001 import PAIN001_VERSIONS, Pain001Error, read_pain001, write_pain001
from avstem.formats.payments import (
    BASIC_LATIN,
    NORWEGIAN,
    AccountId,
    ChargeBearer,
    CreditTransfer,
    DuplicateId,
    PaymentBlock,
    PaymentError,
    PaymentOrder,
    PostalAddress,
    reference_dir,
)

NS03 = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"


@functools.cache
def _schema(version: str) -> etree.XMLSchema | None:
    path = reference_dir() / "iso20022" / "xsd" / f"{version}.xsd"
    return etree.XMLSchema(etree.parse(str(path))) if path.exists() else None


def assert_xsd_valid(xml: bytes, version: str) -> None:
    schema = _schema(version)
    if schema is None:
        pytest.skip(f"official XSD not found: reference folder {reference_dir()} is absent "
                    "(set AVSTEM_REFERENCE_DIR)")
    doc = etree.fromstring(xml)
    assert schema.validate(doc), f"{version} not XSD-valid: {schema.error_log}"


# --- fixtures --------------------------------------------------------------------------------

DEBTOR = AccountId(bban="8601.11.17947")
CREDITOR = AccountId(bban="12345678903")
GERMAN = AccountId(iban="DE89 3704 0044 0532 0130 00")


def transfer(**kw) -> CreditTransfer:
    values = dict(end_to_end_id="E2E-1", instruction_id="INSTR-1", amount=Decimal("1500"),
                  creditor_name="Kåre Ås AS", creditor_account=CREDITOR)
    values.update(kw)
    return CreditTransfer(**values)


def block(*transactions: CreditTransfer, **kw) -> PaymentBlock:
    values = dict(payment_information_id="PMT-1", debtor_name="Avstem Testfirma AS",
                  debtor_account=DEBTOR, requested_execution_date=date(2024, 2, 1),
                  transactions=transactions or (transfer(),))
    values.update(kw)
    return PaymentBlock(**values)


def order(*blocks: PaymentBlock, **kw) -> PaymentOrder:
    values = dict(message_id="MSG-2024-0001", creation_time=datetime(2024, 1, 31, 10, 0, 5),
                  initiating_party_name="Avstem Testfirma AS", initiating_party_org_number="923609016",
                  payment_blocks=blocks or (block(),))
    values.update(kw)
    return PaymentOrder(**values)


def sample_order() -> PaymentOrder:
    supplier = block(
        transfer(kid=KID.create("1234567", KidAlgorithm.MOD10)),
        transfer(end_to_end_id="E2E-2", instruction_id="INSTR-2", amount=Decimal("99.9"),
                 currency="EUR", creditor_name="Muller GmbH", creditor_account=GERMAN,
                 creditor_agent_bic="COBADEFFXXX", charge_bearer="SHAR", message="Invoice 42",
                 purpose="GDDS",
                 creditor_address=PostalAddress(street_name="Hauptstr.", building_number="1",
                                                post_code="10115", town_name="Berlin", country="DE")),
        category_purpose="SUPP",
    )
    salary = block(
        transfer(end_to_end_id="E2E-3", instruction_id="INSTR-3", amount=Decimal("25000.00"),
                 creditor_name="Ola Nordmann", message="Lønn januar"),
        payment_information_id="PMT-2", debtor_account=AccountId(iban="NO9386011117947"),
        debtor_agent_bic="DNBANOKK", category_purpose="SALA", service_level="NURG", batch_booking=True,
    )
    return order(supplier, salary)


def xpath(xml: bytes, expr: str, version: str = "pain.001.001.03") -> list:
    return etree.fromstring(xml).xpath(expr, namespaces={"p": f"urn:iso:std:iso:20022:tech:xsd:{version}"})


# --- writer ----------------------------------------------------------------------------------


@pytest.mark.parametrize("version", PAIN001_VERSIONS)
def test_sample_order_is_xsd_valid_and_reads_back_equal(version):
    original = sample_order()
    xml = write_pain001(original, version)
    assert_xsd_valid(xml, version)
    doc = read_pain001(xml)
    assert doc.version == version
    assert doc.warnings == ()
    assert doc.order == original


def test_counts_and_control_sums_are_computed():
    xml = write_pain001(sample_order())
    assert xpath(xml, "/p:Document/p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs/text()") == ["3"]
    assert xpath(xml, "/p:Document/p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum/text()") == ["26599.90"]
    assert xpath(xml, "//p:PmtInf/p:NbOfTxs/text()") == ["2", "1"]
    assert xpath(xml, "//p:PmtInf/p:CtrlSum/text()") == ["1599.90", "25000.00"]


def test_amounts_have_the_currency_decimals():
    jpy = transfer(end_to_end_id="E2E-J", instruction_id="I-J", amount=Decimal("1500"), currency="JPY",
                   creditor_name="Tanaka", creditor_account=AccountId(iban="GB29NWBK60161331926819"),
                   creditor_agent_bic="NWBKGB2L")
    kwd = transfer(end_to_end_id="E2E-K", instruction_id="I-K", amount=Decimal("1.5"), currency="KWD",
                   creditor_name="Trading Co", creditor_account=AccountId(iban="GB29NWBK60161331926819"),
                   creditor_agent_bic="NWBKGB2L")
    xml = write_pain001(order(block(transfer(amount=Decimal("10")), jpy, kwd)))
    assert xpath(xml, "//p:InstdAmt/text()") == ["10.00", "1500", "1.500"]
    assert xpath(xml, "//p:InstdAmt/@Ccy") == ["NOK", "JPY", "KWD"]
    assert_xsd_valid(xml, "pain.001.001.03")


def test_execution_date_and_agent_differ_between_versions():
    o = order(block(debtor_agent_bic="DNBANOKK"))
    v03, v09 = write_pain001(o, "pain.001.001.03"), write_pain001(o, "pain.001.001.09")
    assert xpath(v03, "//p:ReqdExctnDt/text()") == ["2024-02-01"]
    assert xpath(v09, "//p:ReqdExctnDt/p:Dt/text()", "pain.001.001.09") == ["2024-02-01"]
    assert xpath(v03, "//p:DbtrAgt/p:FinInstnId/p:BIC/text()") == ["DNBANOKK"]
    assert xpath(v09, "//p:DbtrAgt/p:FinInstnId/p:BICFI/text()", "pain.001.001.09") == ["DNBANOKK"]


def test_domestic_account_is_bban_with_scheme_and_kid_is_structured():
    kid = KID.create("00012345", KidAlgorithm.MOD11)
    xml = write_pain001(order(block(transfer(kid=kid))))
    tx = xpath(xml, "//p:CdtTrfTxInf")[0]
    ns = {"p": NS03}
    assert tx.xpath("p:CdtrAcct/p:Id/p:Othr/p:Id/text()", namespaces=ns) == ["12345678903"]
    assert tx.xpath("p:CdtrAcct/p:Id/p:Othr/p:SchmeNm/p:Cd/text()", namespaces=ns) == ["BBAN"]
    assert tx.xpath("p:RmtInf/p:Strd/p:CdtrRefInf/p:Tp/p:CdOrPrtry/p:Cd/text()", namespaces=ns) == ["SCOR"]
    assert tx.xpath("p:RmtInf/p:Strd/p:CdtrRefInf/p:Ref/text()", namespaces=ns) == [kid.value]
    assert tx.xpath("p:RmtInf/p:Ustrd", namespaces=ns) == []


def test_retry_writes_identical_bytes():
    assert write_pain001(sample_order()) == write_pain001(sample_order())


def test_unknown_version_is_refused():
    with pytest.raises(ValueError, match="unsupported pain.001 version"):
        write_pain001(sample_order(), "pain.001.001.12")


# --- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        (dict(amount=Decimal("-5")), "amount", "positive"),
        (dict(amount=Decimal("0.00")), "amount", "positive"),
        (dict(amount=Decimal("10.005")), "amount", "more than 2 decimals"),
        (dict(amount=10.5), "amount", "never float"),
        (dict(amount=Decimal("NaN")), "amount", "finite"),
        (dict(creditor_name="Smith € Co"), "creditor_name", "'€'"),
        (dict(creditor_name="   "), "creditor_name", "empty"),
        (dict(creditor_name="x" * 141), "creditor_name", "at most 140"),
        (dict(message="Faktura <42>"), "message", "'<'"),
        (dict(kid="1234567890"), "kid", "kontrollsifferet"),
        (dict(kid="12AB"), "kid", "sifre"),
        (dict(end_to_end_id="A" * 36), "end_to_end_id", "at most 35"),
        (dict(end_to_end_id="/E2E"), "end_to_end_id", "'/'"),
        (dict(end_to_end_id="E2E 1"), "end_to_end_id", "' '"),
        (dict(charge_bearer="BOTH"), "charge_bearer", "SLEV"),
        (dict(currency="EUR"), "creditor_account", "BBAN is for domestic NOK"),
        (dict(creditor_account=GERMAN, currency="EUR"), "creditor_agent_bic", "required"),
        (dict(creditor_account=GERMAN, currency="EUR", creditor_agent_bic="COBADEFF",
              creditor_name="Müller GmbH"), "creditor_name", "SEPA or cross-border"),
        (dict(creditor_agent_bic="DNB"), "creditor_agent_bic", "not a BIC"),
        (dict(currency="nok"), "currency", "ISO 4217"),
    ],
)
def test_invalid_transfer_is_refused_naming_the_field(changes, field, fragment):
    with pytest.raises(PaymentError) as info:
        transfer(**changes)
    assert info.value.field == field
    assert fragment in str(info.value)


def test_kid_and_message_together_are_refused():
    with pytest.raises(PaymentError, match="either a KID or a message, not both"):
        transfer(kid=KID.create("1234567"), message="Faktura 42")


@pytest.mark.parametrize(
    ("bban", "fragment"),
    [
        ("86011117948", "MOD11"),
        ("8601111794", "11-digit"),
        ("1234567", "11-digit"),  # a 7-digit postgiro number that stdnum alone accepts
        ("0000.00.00000", "bank registration"),
        ("８６０１１１１７９４７", "11-digit"),  # full-width digits are not ASCII
    ],
)
def test_bad_domestic_account_is_refused(bban, fragment):
    with pytest.raises(PaymentError, match=fragment):
        AccountId(bban=bban)


def test_bad_iban_and_ambiguous_accounts_are_refused():
    with pytest.raises(PaymentError, match="not a valid IBAN"):
        AccountId(iban="NO9386011117948")
    with pytest.raises(PaymentError, match="exactly one"):
        AccountId(iban="NO9386011117947", bban="86011117947")
    with pytest.raises(PaymentError, match="exactly one"):
        AccountId()


def test_block_and_order_refusals():
    with pytest.raises(PaymentError, match="is empty"):
        PaymentBlock(payment_information_id="P", debtor_name="A", debtor_account=DEBTOR,
                     requested_execution_date=date(2024, 1, 1), transactions=())
    with pytest.raises(PaymentError, match="category_purpose"):
        block(category_purpose="salary")
    with pytest.raises(PaymentError, match="requested_execution_date"):
        block(requested_execution_date=datetime(2024, 1, 1, 12))
    with pytest.raises(PaymentError, match="organisation number"):
        order(initiating_party_org_number="923609017")
    with pytest.raises(PaymentError, match="UTC offset"):
        order(creation_time=datetime(2024, 1, 1, tzinfo=timezone(timedelta(seconds=30))))
    with pytest.raises(DuplicateId, match="E2E-1"):
        order(block(transfer(), transfer(instruction_id="INSTR-2")))


def test_objects_are_immutable():
    tx = transfer()
    with pytest.raises(AttributeError):
        tx.amount = Decimal("1")  # type: ignore[misc]


# --- reader: lenient where harmless, strict where a bank would refuse --------------------------


def test_reader_accepts_bom_and_missing_namespace_with_warning():
    xml = write_pain001(sample_order())
    bare = xml.replace(f' xmlns="{NS03}"'.encode(), b"")
    doc = read_pain001(b"\xef\xbb\xbf" + bare)
    assert doc.order == sample_order()
    assert doc.version == "pain.001.001.03"
    assert any("no ISO 20022 namespace" in w.message for w in doc.warnings)


def test_reader_accepts_path_str_and_stream(tmp_path):
    xml = write_pain001(sample_order(), "pain.001.001.09")
    path = tmp_path / "order.xml"
    path.write_bytes(xml)
    assert read_pain001(path).order == sample_order()
    assert read_pain001(str(path)).order == sample_order()
    with open(path, "rb") as fh:
        assert read_pain001(fh).order == sample_order()


def test_reader_warns_about_elements_it_ignores():
    xml = write_pain001(order()).replace(
        b"<Purp>", b"<Purp>").replace(b"</Amt>", b"</Amt><XchgRateInf><XchgRate>1</XchgRate></XchgRateInf>")
    doc = read_pain001(xml)
    assert [w.path for w in doc.warnings] == [
        "/Document/CstmrCdtTrfInitn/PmtInf/CdtTrfTxInf/XchgRateInf"]
    assert doc.warnings[0].line is not None


def test_reader_applies_a_block_level_charge_bearer_and_strips_ids():
    xml = write_pain001(order(block(transfer(), transfer(end_to_end_id="E2E-2", instruction_id="I-2",
                                                         charge_bearer="DEBT"))))
    xml = xml.replace(b"<ReqdExctnDt>", b"<ChrgBr>SLEV</ChrgBr><ReqdExctnDt>", 1)  # misplaced, still read
    xml = xml.replace(b"<EndToEndId>E2E-1</EndToEndId>", b"<EndToEndId> E2E-1\n</EndToEndId>")
    doc = read_pain001(xml)
    first, second = doc.order.payment_blocks[0].transactions
    assert (first.end_to_end_id, first.charge_bearer, second.charge_bearer) == ("E2E-1", "SLEV", "DEBT")
    assert doc.warnings == ()
    with_type = write_pain001(order(block(category_purpose="SUPP"))).replace(
        b"<CtgyPurp>", b"<LclInstrm><Cd>ONCL</Cd></LclInstrm><CtgyPurp>")
    assert [w.path for w in read_pain001(with_type).warnings] == [
        "/Document/CstmrCdtTrfInitn/PmtInf/PmtTpInf/LclInstrm"]


def _mutate(xml: bytes, old: bytes, new: bytes) -> bytes:
    assert old in xml
    return xml.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "reason", "fragment"),
    [
        (b"<CtrlSum>26599.90</CtrlSum>", b"<CtrlSum>26599.80</CtrlSum>", "AM10", "CtrlSum"),
        (b"<CtrlSum>1599.90</CtrlSum>", b"<CtrlSum>abc</CtrlSum>", "AM10", "CtrlSum"),
        (b"<NbOfTxs>3</NbOfTxs>", b"<NbOfTxs>4</NbOfTxs>", "AM18", "NbOfTxs"),
        (b"<Id>12345678903</Id>", b"<Id>12345678904</Id>", "AC03", "MOD11"),
        (b"<Id>86011117947</Id>", b"<Id>8601111794</Id>", "AC02", "11-digit"),
        (b'<InstdAmt Ccy="NOK">1500.00</InstdAmt>', b'<InstdAmt Ccy="NOK">-1500.00</InstdAmt>', "AM12",
         "positive"),
        (b'<InstdAmt Ccy="NOK">1500.00</InstdAmt>', b'<InstdAmt Ccy="NOK">1.500,00</InstdAmt>', "AM12",
         "cannot be read"),
        (b"<EndToEndId>E2E-2</EndToEndId>", b"<EndToEndId>E2E-1</EndToEndId>", "DU04", "used twice"),
        (b"<Ref>", b"<Ref>1", "CH16", "KID"),
        (b"<PmtMtd>TRF</PmtMtd>", b"<PmtMtd>CHK</PmtMtd>", "FF01", "TRF"),
        (b"<Nm>Ola Nordmann</Nm>", b"<Nm></Nm>", "BE22", "Cdtr/Nm"),
        (b"<ReqdExctnDt>2024-02-01</ReqdExctnDt>", b"<ReqdExctnDt>1 feb</ReqdExctnDt>", "DT01", "not a date"),
    ],
)
def test_reader_refuses_what_a_bank_refuses_with_a_reason_code(old, new, reason, fragment):
    xml = _mutate(write_pain001(sample_order()), old, new)
    with pytest.raises(Pain001Error) as info:
        read_pain001(xml, label="order.xml")
    assert info.value.reason_code == reason
    assert fragment in str(info.value)
    assert "order.xml" in str(info.value)
    assert info.value.path and info.value.path.startswith("/Document/CstmrCdtTrfInitn")


def test_reader_refuses_kid_with_message():
    xml = _mutate(write_pain001(order(block(transfer(kid=KID.create("1234567"))))),
                  b"<RmtInf>", b"<RmtInf><Ustrd>Faktura 1</Ustrd>")
    with pytest.raises(Pain001Error, match="not both"):
        read_pain001(xml)


def test_malformed_xml_names_the_line():
    with pytest.raises(MalformedFile) as info:
        read_pain001(b"<?xml version='1.0'?>\n<Document>\n<CstmrCdtTrfInitn>\n</Document>")
    assert info.value.line == 4


@pytest.mark.parametrize("data", [b"", b"   ", b"not xml", b"\x00\x01\x02", b"<Document><</Document>"])
def test_garbage_is_malformed(data):
    with pytest.raises(MalformedFile):
        read_pain001(data)


def test_missing_file_is_a_format_error(tmp_path):
    with pytest.raises(MalformedFile, match="cannot read") as info:
        read_pain001(tmp_path / "nope.xml")
    assert "nope.xml" in str(info.value)


def test_wrong_message_type_is_unsupported():
    camt = b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt/></Document>'
    with pytest.raises(UnsupportedMessage):
        read_pain001(camt)
    pain002 = (b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03">'
               b"<CstmrPmtStsRpt/></Document>")
    with pytest.raises(UnsupportedMessage):
        read_pain001(pain002)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE Document [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"><CstmrCdtTrfInitn><GrpHdr>
<MsgId>&f;</MsgId></GrpHdr></CstmrCdtTrfInitn></Document>"""


def test_entity_expansion_is_refused():
    # The DOCTYPE is refused before the parser reads it (libxml2 2.14 would stop at the entity
    # declarations with a message of its own).
    with pytest.raises(MalformedFile, match="DOCTYPE") as info:
        read_pain001(BILLION_LAUGHS)
    assert info.value.line == 1


def test_a_doctype_only_named_in_a_comment_is_no_doctype():
    from avstem.formats.xmlsafe import refuse_dtd_in_head

    refuse_dtd_in_head(b'<?xml version="1.0"?>\n<!-- no <!DOCTYPE here -->\n<Document/>', "x.xml")
    refuse_dtd_in_head(b"<Document><Note>&lt;!DOCTYPE</Note><!DOCTYPE></Document>", "x.xml")  # after the root
    with pytest.raises(MalformedFile, match="DOCTYPE"):
        refuse_dtd_in_head(b'<?xml version="1.0"?><!-- c --><!DOCTYPE Document><Document/>', "x.xml")


def test_external_entity_is_never_fetched(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    xml = (f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]>'
           f'<Document xmlns="{NS03}"><CstmrCdtTrfInitn><GrpHdr><MsgId>&x;</MsgId></GrpHdr>'
           "</CstmrCdtTrfInitn></Document>").encode()
    with pytest.raises(MalformedFile) as info:
        read_pain001(xml)
    assert "TOPSECRET" not in str(info.value)


# --- properties ------------------------------------------------------------------------------

NORWEGIAN_CHARS = "".join(sorted(NORWEGIAN))
BASIC_CHARS = "".join(sorted(BASIC_LATIN))
FOREIGN_IBANS = [("GB29NWBK60161331926819", "NWBKGB2L"), ("DE89370400440532013000", "COBADEFFXXX"),
                 ("SE4550000000058398257466", "ESSESESS"), ("DK5000400440116243", "DABADKKK")]


@functools.cache  # strategies are built once: regex and filter set-up is the slow part
def text(alphabet: str, max_size: int) -> st.SearchStrategy[str]:
    # blank text is refused by the objects; mapping (not filtering) keeps generation fast
    return st.text(alphabet, min_size=1, max_size=max_size).map(lambda s: s if s.strip() else "x" + s[1:])


@functools.cache
def ids(max_size: int = 35) -> st.SearchStrategy[str]:
    return st.from_regex(rf"[A-Za-z0-9][A-Za-z0-9/?:().,'+-]{{0,{max_size - 2}}}[A-Za-z0-9]?",
                         fullmatch=True).filter(lambda s: "//" not in s and not s.endswith("/"))


_BBAN_BODY = st.from_regex(r"[1-9][0-9]{9}", fullmatch=True)
_KID_PAYLOAD = st.from_regex(r"[0-9]{1,24}", fullmatch=True)


@st.composite
def bbans(draw) -> str:
    weights = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    while True:
        body = draw(_BBAN_BODY)
        check = 11 - sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11
        if check != 10:
            return body + str(check % 11)


@st.composite
def kids(draw) -> KID:
    return KID.create(draw(_KID_PAYLOAD), draw(st.sampled_from(KidAlgorithm)))


def amounts(decimals: int) -> st.SearchStrategy[Decimal]:
    return st.integers(1, 10**13).map(lambda n: Decimal(n).scaleb(-decimals))


addresses = st.builds(
    PostalAddress,
    street_name=st.none() | text(BASIC_CHARS, 70),
    building_number=st.none() | text(BASIC_CHARS, 16),
    post_code=st.none() | text(BASIC_CHARS, 16),
    town_name=text(BASIC_CHARS, 35),
    country=st.none() | st.sampled_from(["NO", "DE", "GB"]),
    address_lines=st.lists(text(BASIC_CHARS, 70), max_size=2).map(tuple),
)


@st.composite
def transfers(draw, n: int) -> CreditTransfer:
    abroad = draw(st.booleans())
    if abroad:
        iban, bic = draw(st.sampled_from(FOREIGN_IBANS))
        currency = draw(st.sampled_from(["EUR", "SEK", "JPY", "KWD", "NOK"]))
        account, alphabet = AccountId(iban=iban), BASIC_CHARS
    else:
        bban = draw(bbans())
        account = AccountId(iban=IBAN.from_bban("NO", bban).compact) if draw(st.booleans()) \
            else AccountId(bban=bban)
        currency, bic, alphabet = "NOK", draw(st.none() | st.just("DNBANOKK")), NORWEGIAN_CHARS
    remittance = draw(st.sampled_from(["kid", "message", "none"]))
    decimals = {"JPY": 0, "KWD": 3}.get(currency, 2)
    return CreditTransfer(
        end_to_end_id=f"{draw(ids(30))}-{n}",
        instruction_id=draw(st.none() | st.just(f"I{n}")),
        amount=draw(amounts(decimals)),
        currency=currency,
        creditor_name=draw(text(alphabet, 140)),
        creditor_account=account,
        creditor_address=draw(st.none() | addresses),
        creditor_agent_bic=bic,
        charge_bearer=draw(st.none() | st.sampled_from(ChargeBearer)),
        kid=draw(kids()) if remittance == "kid" else None,
        message=draw(text(alphabet, 140)) if remittance == "message" else None,
        purpose=draw(st.none() | st.sampled_from(["SALA", "GDDS", "SUPP"])),
    )


@st.composite
def blocks(draw, n: int) -> PaymentBlock:
    count = draw(st.integers(1, 3))
    return PaymentBlock(
        payment_information_id=f"PMT{n}-{draw(ids(20))}",
        debtor_name=draw(text(NORWEGIAN_CHARS, 140)),
        debtor_account=AccountId(bban=draw(bbans())),
        requested_execution_date=draw(st.dates(date(2000, 1, 1), date(2099, 12, 31))),
        transactions=tuple(draw(transfers(n * 10 + i)) for i in range(count)),
        debtor_agent_bic=draw(st.none() | st.sampled_from(["DNBANOKK", "NDEANOKKXXX"])),
        category_purpose=draw(st.none() | st.sampled_from(["SALA", "SUPP", "TAXS"])),
        service_level=draw(st.none() | st.sampled_from(["NURG", "SEPA", "SDVA"])),
        batch_booking=draw(st.none() | st.booleans()),
    )


timezones = st.none() | st.sampled_from([timezone.utc, timezone(timedelta(hours=2)),
                                          timezone(timedelta(hours=-5, minutes=-30))])


@st.composite
def orders(draw) -> PaymentOrder:
    count = draw(st.integers(1, 3))
    return PaymentOrder(
        message_id=draw(ids()),
        creation_time=draw(st.datetimes(datetime(2000, 1, 1), datetime(2099, 12, 31), timezones=timezones)),
        initiating_party_name=draw(text(NORWEGIAN_CHARS, 140)),
        initiating_party_org_number=draw(st.none() | st.sampled_from(["923609016", "974760673"])),
        payment_blocks=tuple(draw(blocks(n)) for n in range(count)),
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(original=orders(), version=st.sampled_from(PAIN001_VERSIONS))
def test_property_write_is_xsd_valid_and_reads_back_equal(original, version):
    xml = write_pain001(original, version)
    assert_xsd_valid(xml, version)
    doc = read_pain001(xml)
    assert doc.version == version
    assert doc.warnings == ()
    assert doc.order == original
    assert doc.order.control_sum == sum(tx.amount for _, tx in original.transactions())


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_property_arbitrary_input_raises_only_format_errors(data):
    try:
        read_pain001(data)
    except FormatError:
        pass


_VALID = None


def _valid_bytes() -> bytes:
    global _VALID
    if _VALID is None:
        _VALID = write_pain001(sample_order())
    return _VALID


@settings(max_examples=150, deadline=None)
@given(position=st.integers(0, 10_000), length=st.integers(1, 40), junk=st.binary(max_size=8))
def test_property_damaged_file_reads_or_raises_format_error(position, length, junk):
    xml = _valid_bytes()
    position %= len(xml)
    damaged = xml[:position] + junk + xml[position + length:]
    try:
        doc = read_pain001(damaged)
    except FormatError as exc:
        assert str(exc)
    else:
        assert doc.order.number_of_transactions >= 1
