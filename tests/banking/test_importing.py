"""Idempotent import: the same transaction by API, camt.053, camt.054, OCR or CSV is stored once."""

from __future__ import annotations

import datetime

import pytest

from avstem.audit.models import AuditEntry
from avstem.banking import bankfiles, importing
from avstem.banking.importing import ImportRefused, import_document
from avstem.banking.models import BankLine, BankLineDetail, DailyBalance, LineStatus, Source
from avstem.formats import camt
from tests.banking.builders import DAY, camt_bytes, document, entry, statement, tx

from .conftest import IBAN, NUMBER

NEXT = DAY + datetime.timedelta(days=1)
OTHER_IBAN = "NO5412010012358"


def run(company, doc, source=Source.CAMT053, **kw):
    return import_document(doc, company=company, source=source, job="test", **kw)


def lines(account):
    return list(BankLine.objects.filter(bank_account=account).order_by("id"))


def test_a_file_imported_twice_adds_nothing(company, account):
    doc = document(statement(IBAN, [entry("100.00", "A1"), entry("-20.50", "A2")], opening="1000", closing="1079.50"))
    first = run(company, doc)
    second = run(company, doc)
    assert (first.new, first.updated) == (2, 0)
    assert (second.new, second.updated, second.unchanged) == (0, 0, 2)
    assert [line.amount for line in lines(account)] == [10000, -2050]
    balance = DailyBalance.objects.get(bank_account=account, date=DAY)
    assert (balance.opening_booked, balance.closing_booked) == (100000, 107950)
    assert AuditEntry.objects.filter(company=company, action="bank.import").count() == 1  # the second changed nothing


def test_the_same_transaction_by_api_camt053_and_camt054_is_one_line(company, account):
    plain = entry("500.00", "T1")  # camt.053 without transaction details
    detailed = entry("500.00", "T1", transactions=[tx("500.00", kid="1234567890128", name="Kunde AS", e2e="E2E-1")])
    run(company, document(statement(IBAN, [detailed])), source=Source.API)
    run(company, document(statement(IBAN, [plain], opening="0", closing="500")), source=Source.CAMT053)
    run(company, document(statement(IBAN, [detailed]), kind="054"), source=Source.CAMT054)
    [line] = lines(account)
    assert line.source == Source.API and line.source_list() == ["api", "camt053", "camt054"]
    [detail] = line.details.all()
    assert (detail.kid, detail.end_to_end_id, detail.counterparty_name, detail.amount) == (
        "1234567890128", "E2E-1", "Kunde AS", 50000)


def test_details_arrive_later_with_camt054(company, account):
    run(company, document(statement(IBAN, [entry("300.00", "B1")])))
    outcome = run(company, document(statement(IBAN, [entry("300.00", "B1", transactions=[
        tx("100.00", kid="0000000000018"), tx("200.00", kid="0000000000026")])], ), kind="054"),
        source=Source.CAMT054)
    assert (outcome.new, outcome.updated) == (0, 1)
    [line] = lines(account)
    assert [d.amount for d in line.details.all()] == [10000, 20000]


def test_overlapping_date_ranges(company, account):
    week1 = [entry("10", f"R{n}", day=DAY + datetime.timedelta(days=n)) for n in range(0, 4)]
    week2 = [entry("10", f"R{n}", day=DAY + datetime.timedelta(days=n)) for n in range(2, 7)]
    run(company, document(statement(IBAN, week1)))
    outcome = run(company, document(statement(IBAN, week2)))
    assert (outcome.new, outcome.unchanged) == (3, 2)
    assert len(lines(account)) == 7


def test_pending_then_booked_is_upgraded_in_place(company, account):
    run(company, document(statement(IBAN, [entry("-99.90", "P1", status="PDNG")])), source=Source.API)
    [pending] = lines(account)
    assert pending.status == LineStatus.PENDING and pending.booking_date is None
    outcome = run(company, document(statement(IBAN, [entry("-99.90", "P1", day=NEXT)])), source=Source.API)
    assert (outcome.new, outcome.updated) == (0, 1)
    [booked] = lines(account)
    assert booked.pk == pending.pk and booked.status == LineStatus.BOOKED and booked.date == NEXT
    # a late pending delivery never turns it back
    run(company, document(statement(IBAN, [entry("-99.90", "P1", status="PDNG")])), source=Source.API)
    assert lines(account)[0].status == LineStatus.BOOKED


def test_pending_with_another_reference_is_settled_by_its_end_to_end_id(company, account):
    pay = [tx("-250.00", e2e="INV-77", name="Leverandør AS")]
    run(company, document(statement(IBAN, [entry("-250.00", "PEND-1", status="PDNG", transactions=pay)])))
    run(company, document(statement(IBAN, [entry("-250.00", "BOOK-9", day=NEXT, transactions=pay)])))
    [line] = lines(account)
    assert line.status == LineStatus.BOOKED and line.ref == "PEND-1"


def test_two_equal_amounts_on_one_day_stay_two_lines(company, account):
    data = ("Dato;Forklaring;Rentedato;Ut fra konto;Inn på konto\n"
            f"{DAY:%d.%m.%Y};Kaffe;{DAY:%d.%m.%Y};45,00;\n"
            f"{DAY:%d.%m.%Y};Kaffe;{DAY:%d.%m.%Y};45,00;\n").encode()
    kind, doc = bankfiles.read(data, f"konto_{NUMBER}.csv")
    assert kind == "csv"
    assert run(company, doc, source=Source.CSV).new == 2
    assert run(company, doc, source=Source.CSV).new == 0
    # the bank's statement of the same day pairs each CSV line once, in either order
    outcome = run(company, document(statement(IBAN, [entry("-45", "K1"), entry("-45", "K2"), entry("-45", "K3")])))
    assert (outcome.new, outcome.updated) == (1, 2)
    assert sorted(line.ref for line in lines(account)) == ["K1", "K2", "K3"]
    assert run(company, doc, source=Source.CSV).new == 0


def test_csv_after_the_statement_adds_nothing(company, account):
    run(company, document(statement(IBAN, [entry("1500", "X1"), entry("-45", "X2")])))
    data = ("Bokføringsdato;Beløp;Avsender;Mottaker;Navn;Tittel;Valuta;Betalingstype\n"
            f"{DAY:%Y/%m/%d};1 500,00;;;Kunde AS;Faktura 12;NOK;Innbetaling\n"
            f"{DAY:%Y/%m/%d};-45,00;;;Kafé;Kaffe;NOK;Varekjøp\n").encode()
    _, doc = bankfiles.read(data, "nordea.csv")
    outcome = run(company, doc, source=Source.CSV, account=account)
    assert (outcome.new, outcome.updated) == (0, 2)
    assert len(lines(account)) == 2


def test_ocr_payments_meet_the_statements_batch_entry(company, account):
    batch = entry("300.00", "OCRB-1", transactions=[tx("100.00", kid="0000000000018"), tx("200.00", kid="0000000000026")],
                  batch=True)
    run(company, document(statement(IBAN, [batch])))
    from avstem.formats.model import Account, Statement

    ocr_statement = Statement(account=Account(bban=NUMBER), entries=(
        entry("100.00", transactions=[tx("100.00", kid="0000000000018")]),
        entry("200.00", transactions=[tx("200.00", kid="0000000000026")])))
    outcome = run(company, document(ocr_statement), source=Source.OCR)
    assert (outcome.new, outcome.updated) == (0, 1)
    [line] = lines(account)
    assert line.source_list() == ["camt053", "ocr"]


def test_gap_between_statements_warns(company, account):
    run(company, document(statement(IBAN, [entry("10", "G1")], opening="100", closing="110")))
    outcome = run(company, document(statement(IBAN, [entry("5", "G2", day=NEXT)], day=NEXT, opening="150",
                                              closing="155")))
    row = DailyBalance.objects.get(bank_account=account, date=NEXT)
    assert (row.gap, row.gap_from) == (4000, DAY)
    assert any("40,00" in w and "02.03.2026" in w for w in outcome.warnings)
    # the missing day arrives: nothing in between is wrong any more if it adds up
    run(company, document(statement(IBAN, [entry("-10", "G3", day=NEXT)], day=NEXT, opening="110", closing="155")))
    assert DailyBalance.objects.get(bank_account=account, date=NEXT).gap is None


def test_refused_files_import_nothing(company, account):
    with pytest.raises(ImportRefused, match="not one of the company's bank accounts"):
        run(company, document(statement(OTHER_IBAN, [entry("1", "U1")])))
    with pytest.raises(ImportRefused, match="fractions of an øre"):
        run(company, document(statement(IBAN, [entry("1", "F1"), entry("0.005", "F2")])))
    assert not BankLine.objects.exists()


def test_a_crash_mid_import_leaves_nothing(company, account, monkeypatch):
    original = importing._Store.flush

    def crash(self):
        original(self)
        raise RuntimeError("power cut")

    monkeypatch.setattr(importing._Store, "flush", crash)
    with pytest.raises(RuntimeError):
        run(company, document(statement(IBAN, [entry("1", "C1"), entry("2", "C2")], opening="0", closing="3")))
    assert not BankLine.objects.exists() and not BankLineDetail.objects.exists()
    assert not DailyBalance.objects.exists()


def test_camt_file_round_trip_through_the_reader(company, account):
    data = camt_bytes(statement(IBAN, [entry("42.00", "Z1", transactions=[tx("42.00", name="Ærlig Østby")])],
                                opening="0", closing="42"))
    kind, doc = bankfiles.read(data, "statement.xml")
    assert kind == "camt053"
    run(company, doc)
    assert lines(account)[0].counterparty_name == "Ærlig Østby"
    assert camt.detect_format(data).startswith("camt.053")


def test_lines_before_the_start_are_left_out(company, account):
    outcome = run(company, document(statement(IBAN, [entry("1", "S1"), entry("2", "S2", day=NEXT)])), not_before=NEXT)
    assert (outcome.new, outcome.skipped) == (1, 1)


def test_dropped_pending_lines_leave_only_when_unreported_and_come_back_when_reported(company, account, tenant_a):
    from avstem.banking.lines import remove_line
    from avstem.banking.mapping import BOOKED, PENDING, LineData, StatementData

    def deliver(*items):
        return importing.store(account, StatementData(None, None, None, list(items), [], []), source=Source.API)

    hold = LineData(PENDING, -4500, "NOK", DAY, ref="H1", description="Narvesen")
    other = LineData(PENDING, -1200, "NOK", NEXT, ref="H2")
    outside = LineData(PENDING, -300, "NOK", DAY - datetime.timedelta(days=10), ref="H3")
    booked = LineData(BOOKED, -700, "NOK", DAY, booking_date=DAY, ref="B1")
    deliver(hold, other, outside, booked)
    by_user = BankLine.objects.get(ref="H2")
    remove_line(tenant_a.owner, by_user, "feil")

    # the delivery covered DAY..NEXT and reported none of them: only H1 goes (H2 was removed by the
    # user already, H3 is outside the range covered, B1 is booked)
    importing.drop_unreported_pending(account, DAY, NEXT, set(), job="test")
    states = {line.ref: (line.deleted_at is not None, line.dropped_by_bank) for line in BankLine.objects.all()}
    assert states == {"H1": (True, True), "H2": (True, False), "H3": (False, False), "B1": (False, False)}
    assert AuditEntry.objects.filter(action="bank_line.dropped").count() == 1
    importing.drop_unreported_pending(account, DAY, NEXT, set(), job="test")  # again: nothing more
    assert AuditEntry.objects.filter(action="bank_line.dropped").count() == 1

    # reported again (here as booked): it comes back, booked; the user's removal stays
    outcome = deliver(LineData(BOOKED, -4500, "NOK", NEXT, booking_date=NEXT, ref="H1"),
                      LineData(PENDING, -1200, "NOK", NEXT, ref="H2"))
    h1, h2 = BankLine.objects.get(ref="H1"), BankLine.objects.get(ref="H2")
    assert (h1.deleted_at, h1.dropped_by_bank, h1.status, h1.date) == (None, False, LineStatus.BOOKED, NEXT)
    assert h2.deleted_at is not None and outcome.new == 0
    assert AuditEntry.objects.filter(action="bank_line.restore", object_id=str(h1.pk)).exists()
    # a reported reference keeps its line
    importing.drop_unreported_pending(account, DAY - datetime.timedelta(days=20), NEXT, {"H3"}, job="test")
    assert BankLine.objects.get(ref="H3").deleted_at is None
