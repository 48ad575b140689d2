"""Nets OCR giro reader: the manual's example, our own files, totals, KIDs, hostile lines."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from avstem.formats import KID, EntryStatus, KidAlgorithm
from avstem.formats.errors import FormatError, InvalidContent, MalformedFile, UnsupportedMessage
from avstem.formats.ocr import OCR_FORMAT, is_ocr, read_ocr
from avstem.formats.payments import reference_dir

DATA = Path(__file__).parent / "data"


# --- an OCR builder written from the record table in FORMATS.md (independent of the reader) ----


@dataclass(frozen=True)
class Tx:
    type: str  # "10".."21"
    oere: int  # signed
    kid: str | None = None
    text: str | None = None  # amount item 3, types 20/21
    nets_date: date = date(2024, 3, 1)
    bank_date: date | None = date(2024, 2, 29)
    debit_account: str = "00000000000"
    archive: str = "000000000"
    form: str = "0000000000"


def ocr_lines(assignments: list[tuple[str, str, list[Tx]]], transmission: str = "0000017",
              nets_date: date = date(2024, 3, 1), unsigned_totals: bool = False) -> list[str]:
    """Records of a transmission; `assignments` are (account, agreement id, transactions)."""
    lines = [f"NY000010{'00008080'}{transmission}{'00012345'}" + "0" * 49]
    total_count = total_oere = 0
    for number, (account, agreement, txs) in enumerate(assignments, 1):
        start = len(lines)
        lines.append(f"NY090020{agreement}{number:07d}{account}" + "0" * 45)
        for n, tx in enumerate(txs, 1):
            sign = "-" if tx.oere < 0 else "0"
            lines.append(f"NY09{tx.type}30{n:07d}{tx.nets_date:%d%m%y}13{tx.nets_date.day:02d}1{n:05d}{sign}"
                         f"{abs(tx.oere):017d}{(tx.kid or ''):>25}000000")
            bank = f"{tx.bank_date:%d%m%y}" if tx.bank_date else "000000"
            lines.append(f"NY09{tx.type}31{n:07d}{tx.form}{tx.archive}0000000{bank}{tx.debit_account}" + "0" * 22)
            if tx.type in ("20", "21"):
                lines.append(f"NY09{tx.type}32{n:07d}{(tx.text or ''):<40}" + "0" * 25)
        oere = sum(abs(t.oere) if unsigned_totals else t.oere for t in txs)
        dates = [t.nets_date for t in txs] or [nets_date]
        records = len(lines) - start + 1
        lines.append(f"NY090088{len(txs):08d}{records:08d}{abs(oere):017d}{nets_date:%d%m%y}{min(dates):%d%m%y}"
                     f"{max(dates):%d%m%y}" + "0" * 21)
        total_count += len(txs)
        total_oere += oere
    # the total fields have no sign: a net debit is written as its absolute value
    lines.append(f"NY000089{total_count:08d}{len(lines) + 1:08d}{abs(total_oere):017d}{nets_date:%d%m%y}"
                 + "0" * 33)
    assert all(len(line) == 80 for line in lines), [len(line) for line in lines]
    return lines


def ocr_bytes(lines: list[str], newline: str = "\n", final_newline: bool = True) -> bytes:
    return (newline.join(lines) + (newline if final_newline else "")).encode("iso-8859-1")


KID10 = KID.create("1234567", KidAlgorithm.MOD10).value
KID11_DASH = "0000000006-"  # MOD11 remainder 1: the check digit is "-"
SAMPLE = [
    ("86011117947", "001008566", [
        Tx("10", 150000, KID10, debit_account="12345678903", archive="123456789", form="9636827194"),
        Tx("11", 25050, KID.create("42", KidAlgorithm.MOD11).value),
        Tx("13", 99, KID11_DASH, nets_date=date(2024, 3, 4)),
        Tx("18", -4300, KID10),
        Tx("21", 1000, None, "Betaling for strøm, mars"),
    ]),
    ("12345678903", "001008567", [
        Tx("15", 1999900, KID.create("98765432109876", KidAlgorithm.MOD10).value, bank_date=None),
        Tx("20", -500, None, "Retur av kjøp é\x85"),
    ]),
]


def test_kid_with_dash_check_digit_is_mod11():
    assert KID(KID11_DASH).algorithms == (KidAlgorithm.MOD11,)


# --- the example in the OCR system manual --------------------------------------------------


def manual_example() -> bytes:
    manual = reference_dir() / "nets" / "OCR_giro_system_manual.txt"
    if not manual.exists():
        pytest.skip(f"Nets OCR manual not found: reference folder {reference_dir()} is absent")
    lines = []
    for line in manual.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if re.match(r"NY\d{6}", line):
            # pdftotext put one blank too many into the blank-filled KID field of amount item 1
            lines.append(line[:49] + line[50:] if len(line) == 81 else line)
    return "\r\n".join(lines).encode("iso-8859-1")


def test_reads_the_example_of_the_ocr_manual():
    doc = read_ocr(manual_example())
    assert doc.format_id == OCR_FORMAT
    assert doc.message_id == "0170031"
    assert doc.warnings == ()
    (statement,) = doc.statements
    assert statement.account.bban == "99991042764"
    assert statement.id == "0000002"
    assert len(statement.entries) == 20
    assert sum(e.amount for e in statement.entries) == Decimal("51449.00")
    assert statement.consistency.consistent is not False and statement.consistency.batches is True
    first = statement.entries[0]
    tx = first.transactions[0]
    assert (first.amount, first.booking_date, first.status) == (Decimal("1020.00"), date(1992, 1, 20), EntryStatus.BOOK)
    assert tx.kids == (KID("0000531"),)
    assert tx.date == date(1992, 1, 16)
    assert tx.payer_account == "99990512341"
    assert tx.archive_reference == "099038562"
    assert tx.transaction_type == "10"
    # KIDs of both lengths and both algorithms occur, as FORMATS.md says
    kids = [e.transactions[0].kids[0] for e in statement.entries]
    assert {7, 14} <= {len(k.value) for k in kids}
    assert all(k.valid for k in kids)


# --- our sample file -----------------------------------------------------------------------


def test_sample_file_on_disk_is_what_the_builder_makes():
    expected = ocr_bytes(ocr_lines(SAMPLE), "\r\n", final_newline=False)
    assert (DATA / "ocr_two_assignments.txt").read_bytes() == expected


def test_reads_two_assignments_with_negative_amounts_and_net_totals():
    doc = read_ocr(DATA / "ocr_two_assignments.txt")
    assert doc.warnings == ()
    first, second = doc.statements
    assert (first.account.bban, first.account.currency, first.id) == ("86011117947", "NOK", "0000001")
    assert (second.account.bban, second.id) == ("12345678903", "0000002")
    assert [e.amount for e in first.entries] == [Decimal("1500.00"), Decimal("250.50"), Decimal("0.99"),
                                                 Decimal("-43.00"), Decimal("10.00")]
    assert [e.amount for e in second.entries] == [Decimal("19999.00"), Decimal("-5.00")]
    assert first.consistency.batches is True and second.consistency.batches is True
    giro, standing, dash, reversal, text = (e.transactions[0] for e in first.entries)
    assert giro.kids == (KID(KID10),)
    assert giro.creditor_references[0].type_code == "SCOR"
    assert giro.payer_account == "12345678903"
    assert giro.counterparty.account == "12345678903"
    assert giro.archive_reference == "123456789"
    assert first.entries[0].account_servicer_reference == "123456789"
    assert giro.form_number == "9636827194"
    assert giro.date == date(2024, 2, 29)
    assert first.entries[0].booking_date == first.entries[0].value_date == date(2024, 3, 1)
    assert standing.payer_account is None and standing.counterparty is None
    assert dash.kids == (KID(KID11_DASH),)
    assert first.entries[2].booking_date == date(2024, 3, 4)
    assert reversal.transaction_type == "18" and first.entries[3].reversal is True
    assert text.kids == () and text.free_text == "Betaling for strøm, mars"
    assert text.remittance_lines == ("Betaling for strøm, mars",)
    avtalegiro, text_reversal = (e.transactions[0] for e in second.entries)
    assert avtalegiro.date is None
    assert text_reversal.free_text == "Retur av kjøp é\x85"  # 0x85 is a character, not a line break
    assert second.entries[1].bank_transaction_code.proprietary == "20"


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("final_newline", [True, False])
def test_line_endings_and_final_newline_do_not_matter(newline, final_newline):
    reference = read_ocr(DATA / "ocr_two_assignments.txt")
    doc = read_ocr(ocr_bytes(ocr_lines(SAMPLE), newline, final_newline))
    assert doc.statements == reference.statements
    assert doc.warnings == ()


def test_is_ocr_sniffs_the_first_record():
    assert is_ocr((DATA / "ocr_two_assignments.txt").read_bytes()[:64])
    assert not is_ocr(b"<?xml version='1.0'?>")
    assert not is_ocr(b"NY090020")


# --- totals and counts -----------------------------------------------------------------------


def _replace(lines: list[str], index: int, start: int, text: str) -> list[str]:
    lines = list(lines)
    lines[index] = lines[index][:start] + text + lines[index][start + len(text):]
    return lines


def test_assignment_total_mismatch_is_a_warning_with_line_number():
    doc = read_ocr(DATA / "ocr_totals_mismatch.txt")
    first = doc.statements[0]
    assert first.consistency.consistent is False
    assert any("assignment 0000001: the end record total is 1718.49, the amounts add up to 1718.50" in m
               for m in first.consistency.messages)
    end_line = next(w.line for w in doc.warnings if "end record total" in w.message)
    lines = (DATA / "ocr_totals_mismatch.txt").read_text(encoding="iso-8859-1").splitlines()
    assert lines[end_line - 1].startswith("NY090088")
    assert "end of assignment (line" in str(next(w for w in doc.warnings if "end record total" in w.message))


def test_strict_mode_refuses_a_totals_mismatch():
    with pytest.raises(InvalidContent, match="end record total") as info:
        read_ocr(DATA / "ocr_totals_mismatch.txt", strict=True)
    assert info.value.line == 14


def test_counts_are_checked():
    lines = ocr_lines(SAMPLE)
    end_assignment = next(i for i, line in enumerate(lines) if line.startswith("NY090088"))
    doc = read_ocr(ocr_bytes(_replace(lines, end_assignment, 8, "00000004")))
    messages = [w.message for w in doc.warnings]
    assert "assignment 0000001: the end record counts 4 transactions, the file has 5" in messages
    doc = read_ocr(ocr_bytes(_replace(lines, end_assignment, 16, "00000099")))
    assert any("counts 99 records, the file has 13" in w.message for w in doc.warnings)
    doc = read_ocr(ocr_bytes(_replace(lines, len(lines) - 1, 16, "00000001")))
    assert any(w.message.startswith("transmission: the end record counts 1 records") for w in doc.warnings)
    assert all(s.consistency.consistent is False for s in doc.statements)


def test_transmission_total_is_checked():
    lines = ocr_lines(SAMPLE)
    doc = read_ocr(ocr_bytes(_replace(lines, len(lines) - 1, 24, f"{1:017d}")))
    assert [w.message for w in doc.warnings] == [
        "transmission: the end record total is 0.01, the amounts add up to 21712.49"]
    assert doc.warnings[0].line == len(lines)


def test_unsigned_totals_are_accepted_with_a_warning():
    doc = read_ocr(ocr_bytes(ocr_lines(SAMPLE, unsigned_totals=True)))
    assert all(s.consistency.batches for s in doc.statements)
    messages = [w.message for w in doc.warnings]
    assert "assignment 0000001: the end record total 1804.49 is the unsigned sum; the net sum of the amounts is " \
           "1718.49" in messages


# --- KIDs and amounts ------------------------------------------------------------------------


def test_kid_failing_its_check_digit_is_a_warning():
    lines = ocr_lines([("86011117947", "001008566", [Tx("10", 100, "12345678")])])
    doc = read_ocr(ocr_bytes(lines))
    (warning,) = doc.warnings
    assert warning.line == 3
    assert warning.message == "KID 12345678 fails both the MOD10 and the MOD11 check digit"
    assert doc.statements[0].entries[0].transactions[0].creditor_references[0].ref == "12345678"


def test_negative_zero_keeps_its_direction():
    lines = _replace(ocr_lines([("86011117947", "001008566", [Tx("18", 0, KID10)])]), 2, 31, "-")
    doc = read_ocr(ocr_bytes(lines))
    amount = doc.statements[0].entries[0].amount
    assert amount == 0 and amount.is_signed()


def test_reversal_without_sign_is_flagged():
    doc = read_ocr(ocr_bytes(ocr_lines([("86011117947", "001008566", [Tx("18", 100, KID10)])])))
    assert [w.message for w in doc.warnings] == [
        "transaction 1 is a reversal (type 18) without a '-' sign; the amount is kept positive as given"]


def test_large_amounts_are_exact():
    doc = read_ocr(ocr_bytes(ocr_lines([("86011117947", "001008566", [Tx("10", 10**17 - 1, KID10)])])))
    assert doc.statements[0].entries[0].amount == Decimal("999999999999999.99")


# --- broken files --------------------------------------------------------------------------


def test_wrong_line_length_names_the_line():
    lines = ocr_lines(SAMPLE)
    lines[3] = lines[3][:79]
    with pytest.raises(InvalidContent) as info:
        read_ocr(ocr_bytes(lines), label="ocr.txt")
    assert info.value.line == 4
    assert "must be 80 characters, this line has 79" in str(info.value)
    assert "ocr.txt: line 4" in str(info.value)


def test_trailing_blanks_after_a_record_are_tolerated():
    lines = ocr_lines(SAMPLE)
    lines[2] += "   "
    doc = read_ocr(ocr_bytes(lines))
    assert [(w.line, w.message) for w in doc.warnings] == [(3, "blanks after the 80 characters of the record ignored")]


@pytest.mark.parametrize(
    ("index", "start", "text", "fragment"),
    [
        (2, 32, "0000000000000A000", "bad amount item 1 record"),
        (2, 15, "320124", "bad amount item 1 record"),  # 32 January
        (2, 6, "77", "unknown record type '77'"),
        (2, 0, "XY", "starts with NY"),
        (3, 8, "0000002", "amount item 2 of transaction 2 does not follow"),
        (3, 4, "11", "transaction type 11 differs"),
        (0, 30, "X", "bad start of transmission record"),
        (1, 40, "1", "bad start of assignment record"),
    ],
)
def test_bad_records_name_the_line(index, start, text, fragment):
    lines = _replace(ocr_lines(SAMPLE), index, start, text)
    with pytest.raises(InvalidContent) as info:
        read_ocr(ocr_bytes(lines))
    assert info.value.line == index + 1
    assert fragment in str(info.value)


def test_structure_errors():
    lines = ocr_lines(SAMPLE)
    with pytest.raises(InvalidContent, match="ends before the end of the transmission"):
        read_ocr(ocr_bytes(lines[:-1]))
    with pytest.raises(InvalidContent, match="ends before the end of the assignment 0000002"):
        read_ocr(ocr_bytes(lines[:-3]))
    without_item2 = [line for i, line in enumerate(lines) if i != 3]
    with pytest.raises(InvalidContent, match="transaction 1 has no amount item 2") as info:
        read_ocr(ocr_bytes(without_item2))
    assert info.value.line == 3
    with pytest.raises(InvalidContent, match="after the end of the transmission"):
        read_ocr(ocr_bytes(lines + [lines[1]]))
    no_end = [line for line in lines if not line.startswith("NY090088")]
    with pytest.raises(InvalidContent, match="has no end record"):
        read_ocr(ocr_bytes(no_end))
    with pytest.raises(InvalidContent, match="second start of transmission"):
        read_ocr(ocr_bytes([lines[0], *lines]))
    with pytest.raises(InvalidContent, match="transaction record outside an assignment") as info:
        read_ocr(ocr_bytes([lines[0], *lines[2:]]))
    assert info.value.line == 2


def test_blank_lines_inside_are_skipped_with_a_warning():
    lines = ocr_lines(SAMPLE)
    doc = read_ocr(ocr_bytes(lines[:5] + [""] + lines[5:] + ["", ""]))
    assert [(w.line, w.message) for w in doc.warnings] == [(6, "blank line skipped")]


def test_utf8_file_is_read_with_a_warning():
    doc = read_ocr(("\n".join(ocr_lines(SAMPLE)) + "\n").encode("utf-8"))
    assert doc.warnings[0].message == "the file is UTF-8, not ISO-8859-1; read as UTF-8"
    assert doc.statements[0].entries[4].transactions[0].free_text == "Betaling for strøm, mars"


def test_not_ocr_and_avtalegiro_are_unsupported(tmp_path):
    with pytest.raises(UnsupportedMessage):
        read_ocr(b"<?xml version='1.0'?><Document/>")
    with pytest.raises(UnsupportedMessage):
        read_ocr(b"")
    avtalegiro = ["NY000010" + "00008080" + "0000017" + "00012345" + "0" * 49,
                  "NY212420" + "0" * 9 + "0000001" + "86011117947" + "0" * 45]
    with pytest.raises(UnsupportedMessage, match="AvtaleGiro"):
        read_ocr(ocr_bytes(avtalegiro))
    with pytest.raises(MalformedFile, match="cannot read"):
        read_ocr(tmp_path / "missing.txt")


# --- properties ------------------------------------------------------------------------------

LATIN1_TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=255, exclude_characters="\x7f"),
                      max_size=40).map(str.rstrip)


_KID_PAYLOAD = st.from_regex(r"[0-9]{1,24}", fullmatch=True)
_DIGITS11 = st.from_regex(r"[0-9]{11}", fullmatch=True)
_DIGITS9 = st.from_regex(r"[0-9]{9}", fullmatch=True)


@st.composite
def kids(draw) -> str:
    return KID.create(draw(_KID_PAYLOAD), draw(st.sampled_from(KidAlgorithm))).value


@st.composite
def transactions(draw) -> Tx:
    tx_type = draw(st.sampled_from(["10", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20", "21"]))
    reversal = tx_type in ("18", "20")
    oere = draw(st.integers(1, 10**12))
    return Tx(
        type=tx_type,
        oere=-oere if reversal else oere,
        kid=None if tx_type in ("20", "21") else draw(kids()),
        text=draw(LATIN1_TEXT) if tx_type in ("20", "21") else None,
        nets_date=draw(st.dates(date(2000, 1, 1), date(2068, 12, 31))),
        bank_date=draw(st.none() | st.dates(date(2000, 1, 1), date(2068, 12, 31))),
        debit_account=draw(_DIGITS11),
        archive=draw(_DIGITS9),
    )


files = st.lists(
    st.tuples(_DIGITS11, _DIGITS9,
              st.lists(transactions(), max_size=5)),
    min_size=1, max_size=3,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(assignments=files, newline=st.sampled_from(["\n", "\r\n"]), final=st.booleans())
def test_property_generated_files_read_back_exactly(assignments, newline, final):
    doc = read_ocr(ocr_bytes(ocr_lines(assignments), newline, final))
    negative = [f"assignment {n:07d}" for n, (_, _, txs) in enumerate(assignments, 1) if sum(t.oere for t in txs) < 0]
    if sum(t.oere for _, _, txs in assignments for t in txs) < 0:
        negative.append("transmission")
    assert [w.message.split(":")[0] for w in doc.warnings] == negative
    assert all("a net debit" in w.message for w in doc.warnings)
    assert len(doc.statements) == len(assignments)
    for statement, (account, _agreement, txs) in zip(doc.statements, assignments, strict=True):
        assert statement.account.bban == account
        assert statement.consistency.batches is True
        assert [e.amount for e in statement.entries] == [Decimal(t.oere).scaleb(-2) for t in txs]
        read = [e.transactions[0] for e in statement.entries]
        assert [r.kids[0].value if r.kids else None for r in read] == [t.kid for t in txs]
        assert [r.free_text for r in read] == [t.text or None for t in txs]
        assert [r.date for r in read] == [t.bank_date for t in txs]
        assert [e.booking_date for e in statement.entries] == [t.nets_date for t in txs]


_LINES = ocr_lines(SAMPLE)


@settings(max_examples=200, deadline=None)
@given(index=st.integers(0, len(_LINES) - 1),
       line=st.text(st.characters(min_codepoint=0, max_codepoint=255), max_size=100))
def test_property_a_hostile_line_reads_or_raises_a_format_error(index, line):
    lines = list(_LINES)
    lines[index] = line
    try:
        doc = read_ocr(ocr_bytes(lines))
    except FormatError as exc:
        assert exc.line is None or 1 <= exc.line <= len(lines) + line.count("\n") + 1
    else:
        assert doc.format_id == OCR_FORMAT


@settings(max_examples=200, deadline=None)
@given(index=st.integers(0, len(_LINES) - 1), position=st.integers(0, 79),
       char=st.characters(min_codepoint=32, max_codepoint=255))
def test_property_one_changed_character_reads_or_raises_a_format_error(index, position, char):
    lines = _replace(_LINES, index, position, char)
    try:
        doc = read_ocr(ocr_bytes(lines))
    except FormatError as exc:
        assert exc.line is not None
    else:
        # whatever changed and was accepted, the amounts still come from the file's digits
        assert all(isinstance(e.amount, Decimal) for s in doc.statements for e in s.entries)


@settings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=400))
def test_property_arbitrary_bytes_raise_only_format_errors(data):
    try:
        read_ocr(b"NY000010" + data)
    except FormatError:
        pass
