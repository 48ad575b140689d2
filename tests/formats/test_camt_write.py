"""Writing camt.053/054 (001.02 and 001.08): every written file validates against the official
XSD, and write -> validate -> read gives back equal objects (property tests)."""

from __future__ import annotations

import functools
import io
import uuid
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from avstem.formats import KID, KidAlgorithm
from avstem.formats.camt import read
from avstem.formats.camt_write import WRITABLE_FORMATS, CamtWriteError, CamtWriter, to_bytes, write
from avstem.formats.model import (
    Account,
    Balance,
    BankTransactionCode,
    Batch,
    Charge,
    Counterparty,
    CreditorReference,
    Document,
    Entry,
    EntryDetails,
    EntryStatus,
    InstructedAmount,
    Pagination,
    ReferredDocument,
    References,
    Statement,
    Transaction,
)
from tests.formats.conftest import DATA, assert_valid

# -- strategies -------------------------------------------------------------------------------

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyzÆØÅæøåÉéü0123456789"


@functools.cache
def text(max_size: int) -> st.SearchStrategy[str]:
    inner = st.text(LETTERS + " .,&/-'", max_size=max(0, max_size - 2))
    return st.builds(lambda a, mid, b: (a + mid + b)[:max_size], st.sampled_from(LETTERS), inner, st.sampled_from(LETTERS))


@functools.cache
def amounts(max_value: int = 10**7) -> st.SearchStrategy[Decimal]:
    # Whole øre, or now and then five decimals (the most camt allows).
    return st.integers(0, max_value * 100).map(lambda ore: Decimal(ore).scaleb(-2)) | st.integers(0, 10**7).map(
        lambda n: Decimal(n).scaleb(-5)
    )


days = st.dates(min_value=date(2017, 1, 1), max_value=date(2030, 12, 31))
zones = st.sampled_from([None, timezone.utc, timezone(timedelta(hours=1)), timezone(timedelta(hours=2))])
moments = st.builds(
    lambda d, t, tz: datetime.combine(d, t, tzinfo=tz),
    days,
    st.times().map(lambda t: t.replace(microsecond=t.microsecond // 1000 * 1000)),
    zones,
)
codes4 = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=4, max_size=4)
ibans = st.sampled_from(["NO9386011117947", "NO5015032080119", "NO0430004112233", "DE89370400440532013000", "SE4550000000058398257466"])
bbans = st.sampled_from(["86011117947", "15032080119", "30004112233", "12002869533"])
bics = st.sampled_from(["DNBANOKK", "DNBANOKKXXX", "NDEANOKK", "SPRONO22", "HANDNOKK", "COBADEFFXXX"])
kids = st.builds(
    lambda digits, algorithm: KID.create(digits, algorithm).value,
    st.text("0123456789", min_size=1, max_size=24),
    st.sampled_from(list(KidAlgorithm)),
)


@functools.cache
def maybe(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.none() | strategy


def signed(amount: Decimal, negative: bool) -> Decimal:
    return amount.copy_negate() if negative else amount  # -0.00 keeps the debit direction


@functools.cache
def transactions(v08: bool, currency: str, negative: bool) -> st.SearchStrategy[Transaction]:
    return _transactions(v08, currency, negative)


@st.composite
def _transactions(draw, v08: bool, currency: str, negative: bool) -> Transaction:
    tx_negative = draw(st.booleans()) if v08 else negative
    counterparty = draw(
        st.none()
        | st.builds(
            lambda name, acct, bic, org: Counterparty(name=name, iban=acct[0], bban=acct[1], bic=bic, organisation_id=org),
            text(140),
            st.one_of(st.just((None, None)), ibans.map(lambda i: (i, None)), bbans.map(lambda b: (None, b))),
            st.none() | bics,
            st.none() | st.integers(800000000, 999999999).map(str),
        )
    )
    refs = References(
        end_to_end_id=draw(st.none() | st.just("NOTPROVIDED") | text(35)),
        instruction_id=draw(maybe(text(35))),
        payment_information_id=draw(maybe(text(35))),
        message_id=draw(maybe(text(35))),
        account_servicer_reference=draw(maybe(text(35))),
        transaction_id=draw(maybe(text(35))),
        uetr=draw(st.none() | st.builds(lambda: str(uuid.uuid4()))) if v08 else None,
    )
    creditor_refs = draw(
        st.lists(
            st.one_of(
                kids.map(lambda k: CreditorReference(k, "SCOR")),
                st.just(CreditorReference("RF18539007547034", "SCOR", "ISO")),
                text(35).map(lambda r: CreditorReference(r)),
            ),
            max_size=2,
        )
    )
    documents = draw(
        st.lists(
            st.builds(
                lambda nb, tp, amount, neg, d: ReferredDocument(nb, tp, None if amount is None else signed(amount, neg), currency if amount is not None else None, d),
                st.none() | text(35),
                st.none() | st.sampled_from(["CINV", "CREN", "Faktura"]),
                st.none() | amounts(10**6),
                st.booleans(),
                st.none() | days,
            ).filter(lambda d: d.number or d.type_code or d.date or d.amount is not None),
            max_size=2,
        )
    )
    charges = draw(
        st.lists(
            st.builds(
                lambda amount, neg, incl, br, tp: Charge(signed(amount, neg), currency, incl if v08 else None, br, tp),
                amounts(1000),
                st.booleans(),
                st.none() | st.booleans(),
                st.none() | st.sampled_from(["DEBT", "CRED", "SHAR", "SLEV"]),
                st.none() | st.sampled_from(["COMM", "Gebyr utland"]),
            ),
            max_size=2,
        )
    )
    instructed = draw(
        st.none()
        | st.builds(
            InstructedAmount,
            amounts(10**6),
            st.sampled_from(["EUR", "USD", "SEK"]),
            st.none() | st.integers(1, 10**6).map(lambda n: Decimal(n).scaleb(-4)),
        )
    )
    return Transaction(
        amount=signed(draw(amounts()), tx_negative),
        currency=currency,
        instructed=instructed,
        references=refs,
        counterparty=counterparty,
        creditor_references=tuple(creditor_refs),
        referred_documents=tuple(documents),
        remittance_lines=tuple(draw(st.lists(text(140), max_size=2))),
        additional_info=draw(maybe(text(500))),
        charges=tuple(charges),
        return_reason=draw(st.none() | st.sampled_from(["AC01", "AM04", "MS03"])),
        date=draw(maybe(days)),
    )


@functools.cache
def entries(v08: bool, currency: str) -> st.SearchStrategy[Entry]:
    return _entries(v08, currency)


@st.composite
def _entries(draw, v08: bool, currency: str) -> Entry:
    negative = draw(st.booleans())
    statuses = list(EntryStatus) if v08 else [EntryStatus.BOOK, EntryStatus.PDNG, EntryStatus.INFO]
    booking = draw(st.one_of(st.just((None, None)), days.map(lambda d: (d, None)), moments.map(lambda m: (m.date(), m))))
    value = draw(st.one_of(st.just((None, None)), days.map(lambda d: (d, None)), moments.map(lambda m: (m.date(), m))))
    details = draw(
        st.lists(
            st.builds(
                EntryDetails,
                st.none()
                | st.builds(
                    Batch,
                    st.none() | st.integers(0, 999),
                    st.none() | amounts().map(lambda a: signed(a, negative)),
                    st.none() | text(35),
                    st.none() | text(35),
                ),
                st.lists(transactions(v08, currency, negative), max_size=2).map(tuple),
            ),
            max_size=2,
        )
    )
    code = draw(
        st.none()
        | st.builds(
            lambda iso, prtry: BankTransactionCode(*(iso or (None, None, None)), *(prtry or (None, None))),
            st.none() | st.tuples(codes4, codes4, codes4),
            st.none() | st.tuples(text(35), st.none() | text(35)),
        ).filter(lambda c: c != BankTransactionCode())
    )
    return Entry(
        amount=signed(draw(amounts()), negative),
        currency=currency,
        status=draw(st.sampled_from(statuses)),
        booking_date=booking[0],
        booking_datetime=booking[1],
        value_date=value[0],
        value_datetime=value[1],
        reversal=draw(st.booleans()),
        entry_reference=draw(maybe(text(35))),
        account_servicer_reference=draw(maybe(text(35))),
        bank_transaction_code=code,
        additional_info=draw(maybe(text(500))),
        details=tuple(details),
    )


@functools.cache
def statements(kind: str, v08: bool) -> st.SearchStrategy[Statement]:
    return _statements(kind, v08)


@st.composite
def _statements(draw, kind: str, v08: bool) -> Statement:
    currency = draw(st.sampled_from(["NOK", "NOK", "EUR"]))
    account = draw(
        st.builds(
            lambda acct, owner, bic: Account(iban=acct[0], bban=acct[1], currency=currency, owner_name=owner, servicer_bic=bic),
            st.one_of(ibans.map(lambda i: (i, None)), bbans.map(lambda b: (None, b))),
            st.none() | text(140),
            st.none() | bics,
        )
    )
    balances: tuple[Balance, ...] = ()
    if kind == "camt.053":
        balances = tuple(
            draw(
                st.lists(
                    st.builds(
                        lambda tp, amount, neg, when: Balance(tp, signed(amount, neg), currency, when[0], when[1]),
                        st.sampled_from(["OPBD", "CLBD", "CLAV", "ITBD", "PRCD", "FWAV"]),
                        amounts(),
                        st.booleans(),
                        st.one_of(days.map(lambda d: (d, None)), moments.map(lambda m: (m.date(), m))),
                    ),
                    min_size=1,
                    max_size=3,
                )
            )
        )
    period = draw(st.none() | st.tuples(moments, moments))
    return Statement(
        account=account,
        id=draw(text(35)),
        electronic_sequence=draw(st.none() | st.integers(0, 10**6)),
        legal_sequence=draw(st.none() | st.integers(0, 10**6)),
        created=draw(moments),
        from_datetime=period[0] if period else None,
        to_datetime=period[1] if period else None,
        balances=balances,
        entries=tuple(draw(st.lists(entries(v08, currency), max_size=3))),
        additional_info=draw(maybe(text(500))),
    )


@st.composite
def documents(draw) -> Document:
    format_id = draw(st.sampled_from(WRITABLE_FORMATS))
    kind, v08 = format_id[:8], format_id.endswith(".08")
    return Document(
        format_id=format_id,
        message_id=draw(text(35)),
        created=draw(moments),
        pagination=draw(st.none() | st.builds(Pagination, st.integers(1, 99999), st.booleans())),
        statements=tuple(draw(st.lists(statements(kind, v08), min_size=1, max_size=2))),
    )


# -- properties -------------------------------------------------------------------------------


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(documents())
def test_write_validate_read_round_trip(camt_schema, doc):
    data = to_bytes(doc)
    assert_valid(camt_schema(doc.format_id), data)
    back = read(data)
    assert back.warnings == ()
    assert back == doc  # warnings and consistency are not part of equality; content is
    assert [s.consistency for s in back.statements] == [s.consistency for s in doc.statements]


def test_example_files_round_trip_in_both_versions(camt_schema):
    for name in ("camt053_001_02_ocr_batch", "camt054_001_02_credit_notification"):
        doc = read(DATA / f"{name}.xml")
        for version in ("001.02", "001.08"):
            format_id = f"{doc.message_type}.{version}"
            data = to_bytes(doc, format_id)
            assert_valid(camt_schema(format_id), data)
            assert read(data).statements == doc.statements
    doc08 = read(DATA / "camt053_001_08_statement.xml")
    assert read(to_bytes(doc08)).statements == doc08.statements


def test_streaming_writer_takes_a_generator(camt_schema, tmp_path):
    header = Statement(
        account=Account(iban="NO9386011117947", currency="NOK", owner_name="Bølgen & Moi AS"),
        id="STREAM-1",
        created=datetime(2024, 1, 31, 23, 0),
        balances=(Balance("OPBD", Decimal("0.00"), "NOK", date(2024, 1, 1)), Balance("CLBD", Decimal("3000.00"), "NOK", date(2024, 1, 31))),
    )

    def generated():
        for n in range(2000):
            kid = KID.create(f"{n:07d}")
            tx = Transaction(amount=Decimal("1.50"), currency="NOK", creditor_references=(CreditorReference(kid.value, "SCOR"),))
            yield Entry(Decimal("1.50"), "NOK", EntryStatus.BOOK, booking_date=date(2024, 1, 15), details=(EntryDetails(None, (tx,)),))

    path = tmp_path / "stream.xml"
    with CamtWriter(path, "camt.053.001.02", "MSG-S", datetime(2024, 2, 1, 6, 0)) as writer:
        writer.statement(header, generated())
    assert_valid(camt_schema("camt.053.001.02"), path.read_bytes())
    (stmt,) = read(path).statements
    assert len(stmt.entries) == 2000 and stmt.consistency.consistent is True
    assert all(e.transactions[0].kids[0].valid for e in stmt.entries)


def test_write_to_path_and_file(tmp_path):
    doc = read(DATA / "camt054_001_02_credit_notification.xml")
    write(doc, tmp_path / "a.xml")
    buffer = io.BytesIO()
    write(doc, buffer)
    assert (tmp_path / "a.xml").read_bytes() == buffer.getvalue() == to_bytes(doc)


# -- what a version cannot hold is refused, naming the field ----------------------------------

BASE = read(DATA / "camt053_001_02_ocr_batch.xml")
STMT = BASE.statements[0]
FIRST = STMT.entries[0]


def _with_entry(entry: Entry, **stmt_changes) -> Document:
    from dataclasses import replace

    return replace(BASE, statements=(replace(STMT, entries=(entry,), **stmt_changes),))


def _with_tx(tx: Transaction) -> Document:
    from dataclasses import replace

    return _with_entry(replace(FIRST, details=(EntryDetails(None, (tx,)),)))


@pytest.mark.parametrize(
    "doc, format_id, message",
    [
        (_with_entry(Entry(Decimal(1), "NOK", EntryStatus.FUTR)), "camt.053.001.02", r"entries\[1\]\.status FUTR does not exist in camt\.053\.001\.02"),
        (_with_tx(Transaction(Decimal(1), references=References(uetr=str(uuid.uuid4())))), "camt.053.001.02", r"references\.uetr has no place"),
        (_with_tx(Transaction(Decimal(1), references=References(uetr="7C4A0B9E-3F1D-1E2A-9B6C-2D8E5F7A1C30"))), "camt.053.001.08", "is not a lower-case v4 UUID"),
        (_with_tx(Transaction(Decimal(-1))), "camt.053.001.02", "opposite direction of its entry"),
        (_with_tx(Transaction(Decimal(1), remittance_lines=("x" * 141,))), "camt.053.001.02", r"remittance_lines\[1\] must be 1-140 characters, has 141"),
        (_with_entry(Entry(Decimal("1.000001"), "NOK", EntryStatus.BOOK)), "camt.053.001.02", "more than 5 decimals"),
        (_with_entry(Entry(Decimal("NaN"), "NOK", EntryStatus.BOOK)), "camt.053.001.02", "is not a number"),
        (_with_entry(Entry(Decimal(1), "nok", EntryStatus.BOOK)), "camt.053.001.02", "'nok' is not a three-letter currency code"),
        (_with_entry(FIRST, balances=()), "camt.053.001.02", "needs at least one balance"),
        (_with_entry(FIRST), "camt.054.001.02", "a camt.054 notification has no balances"),
        (_with_entry(FIRST, account=Account(iban="NO9386011117947", bban="86011117947")), "camt.053.001.02", "exactly one of iban and bban"),
        (_with_tx(Transaction(Decimal(1), archive_reference="123")), "camt.053.001.02", "Nets OCR fields"),
        (_with_tx(Transaction(Decimal(1), charges=(Charge(Decimal(1), "NOK", included=True),))), "camt.053.001.02", r"charges\[1\]\.included has no place"),
        (BASE, "camt.052.001.02", "cannot write 'camt.052.001.02'"),
    ],
)
def test_writer_refuses_what_the_version_cannot_hold(doc, format_id, message):
    with pytest.raises(CamtWriteError, match=message):
        to_bytes(doc, format_id)


def test_zero_debit_keeps_its_direction(camt_schema):
    doc = _with_entry(Entry(Decimal("-0.00"), "NOK", EntryStatus.BOOK, booking_date=date(2024, 3, 12)))
    data = to_bytes(doc)
    assert b"<Amt Ccy=\"NOK\">0.00</Amt><CdtDbtInd>DBIT</CdtDbtInd>" in data
    assert read(data).statements[0].entries[0].amount.is_signed()
    assert time  # imported for strategies
