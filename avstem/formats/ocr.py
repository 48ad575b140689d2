"""Nets OCR giro files (incoming KID payments) read into the common Document model.

Each 80-character record is parsed by netsgiro's record classes; around them this module adds
what netsgiro leaves out (LIBRARIES.md): line numbers in every error, the assignment and
transmission control totals and counts, KID check digits, signed amounts computed exactly from
øre, ISO-8859-1 with LF or CRLF (a missing final newline is fine), and the MOD11 KID whose
check digit is "-" (netsgiro's pattern only allows digits there).

Mapping: one Statement per assignment (account = assignment account, id = assignment number),
one booked Entry per transaction (booking and value date = Nets date) holding one Transaction
(KID as an SCOR creditor reference, signed amount, bank date, payer account, archive reference,
free text, transaction type).

A broken record or structure raises InvalidContent naming the line; totals that do not add
up, KIDs that fail their check digit and other doubts are warnings (and make the statement's
consistency False), unless `strict=True`, which raises on a totals mismatch too.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from netsgiro import records as ng

from avstem.formats.errors import InvalidContent, MalformedFile, UnsupportedMessage
from avstem.formats.model import (
    Account,
    BankTransactionCode,
    Consistency,
    Counterparty,
    CreditorReference,
    Document,
    Entry,
    EntryDetails,
    EntryStatus,
    ParseWarning,
    References,
    Statement,
    Transaction,
)
from avstem.formats.xmlsafe import Source, source_name
from avstem.norway.kid import KID, InvalidKid

__all__ = ["OCR_FORMAT", "TRANSACTION_TYPES", "is_ocr", "read_ocr"]

OCR_FORMAT = "nets.ocr"
RECORD_LENGTH = 80
START_OF_TRANSMISSION = b"NY000010"

TRANSACTION_TYPES = {
    "10": "Giro debited account",
    "11": "Standing order",
    "12": "Direct remittance",
    "13": "Business terminal giro (BTG)",
    "14": "Counter giro",
    "15": "AvtaleGiro",
    "16": "Telegiro",
    "17": "Giro paid in cash",
    "18": "Reversal with KID",
    "19": "Purchase with KID",
    "20": "Reversal with free text",
    "21": "Purchase with free text",
}
REVERSAL_TYPES = {"18", "20"}
TEXT_TYPES = {"20", "21"}

_RECORD_CLASSES = {
    "10": ng.TransmissionStart,
    "20": ng.AssignmentStart,
    "30": ng.TransactionAmountItem1,
    "31": ng.TransactionAmountItem2,
    "32": ng.TransactionAmountItem3,
    "88": ng.AssignmentEnd,
    "89": ng.TransmissionEnd,
}
_RECORD_NAMES = {"10": "start of transmission", "20": "start of assignment", "30": "amount item 1",
                 "31": "amount item 2", "32": "amount item 3", "88": "end of assignment",
                 "89": "end of transmission"}


def is_ocr(head: bytes) -> bool:
    """Whether a file starts like a Nets OCR transmission (its first record `NY000010`)."""
    return head.lstrip(b"\xef\xbb\xbf").startswith(START_OF_TRANSMISSION)


def read_ocr(source: Source, label: str | None = None, *, strict: bool = False) -> Document:
    """Read a Nets OCR giro file. See the module docstring for the mapping and the checks."""
    label = label or source_name(source)
    data = _read_bytes(source, label)
    return _Reader(label, strict).read(data)


def _read_bytes(source: Source, label: str) -> bytes:
    if isinstance(source, bytes | bytearray):
        return bytes(source)
    if isinstance(source, str | os.PathLike):
        try:
            with open(source, "rb") as fh:
                return fh.read()
        except OSError as exc:
            raise MalformedFile(f"cannot read the file: {exc.strerror or exc}", source=label) from None
    if hasattr(source, "read"):
        return source.read()
    raise TypeError(f"cannot read an OCR file from {type(source).__name__}")


@dataclass
class _Tx:
    line: int
    item1: ng.TransactionAmountItem1
    kid: str | None
    oere: int  # signed
    amount: Decimal  # the same, in kroner
    item2: ng.TransactionAmountItem2 | None = None
    item3: ng.TransactionAmountItem3 | None = None
    text: str | None = None  # amount item 3, left-aligned and blank-filled


@dataclass
class _Assignment:
    line: int
    start: ng.AssignmentStart
    records: int = 1
    done: list[_Tx] = field(default_factory=list)
    pending: _Tx | None = None


class _Reader:
    def __init__(self, label: str, strict: bool) -> None:
        self.label = label
        self.strict = strict
        self.warnings: list[ParseWarning] = []
        self.statements: list[Statement] = []
        self.transmission: ng.TransmissionStart | None = None
        self.assignment: _Assignment | None = None
        self.ended = False
        self.records = 0
        self.transactions = 0
        self.net_total = 0
        self.gross_total = 0

    # --- lines -----------------------------------------------------------------------------

    def read(self, data: bytes) -> Document:
        if not is_ocr(data[:16]):
            raise UnsupportedMessage("not a Nets OCR file (the first record must start with NY000010)",
                                     line=1, source=self.label)
        lines = self._lines(data)
        for number, line in lines:
            self.record(number, line)
        last = lines[-1][0] if lines else 1
        if not self.ended:
            where = "assignment " + self.assignment.start.assignment_number if self.assignment else "transmission"
            raise self.error(last, f"the file ends before the end of the {where} (truncated?)")
        return Document(format_id=OCR_FORMAT, message_id=self.transmission.transmission_number if self.transmission
                        else None, statements=tuple(self.statements), warnings=tuple(self.warnings))

    def _lines(self, data: bytes) -> list[tuple[int, str]]:
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
            self.warn(1, "file", "UTF-8 byte order mark before the first record; OCR files are ISO-8859-1")
        text = data.decode("iso-8859-1")  # every byte decodes: lengths are checked below
        raw = text.split("\n")  # not splitlines(): 0x85 and 0x0c are ordinary characters here
        if any(len(line.rstrip("\r")) != RECORD_LENGTH for line in raw if line.strip()):
            utf8 = self._as_utf8(data)
            if utf8 is not None:
                raw = utf8
                self.warn(1, "file", "the file is UTF-8, not ISO-8859-1; read as UTF-8")
        lines = []
        for number, line in enumerate(raw, 1):
            line = line[:-1] if line.endswith("\r") else line
            if not line.strip():
                if any(rest.strip() for rest in raw[number:]):  # blank lines at the end are normal
                    self.warn(number, "file", "blank line skipped")
                continue
            if len(line) != RECORD_LENGTH:
                stripped = line.rstrip(" ")
                if len(stripped) == RECORD_LENGTH:
                    self.warn(number, _record_name(line), "blanks after the 80 characters of the record ignored")
                    line = stripped
                else:
                    raise self.error(number, f"a record must be {RECORD_LENGTH} characters, this line has "
                                             f"{len(line)}", line)
            lines.append((number, line))
        return lines

    @staticmethod
    def _as_utf8(data: bytes) -> list[str] | None:
        try:
            raw = data.decode("utf-8").split("\n")
        except UnicodeDecodeError:
            return None
        ok = all(len(line.rstrip("\r")) == RECORD_LENGTH for line in raw if line.strip())
        return raw if ok else None

    # --- records ---------------------------------------------------------------------------

    def record(self, number: int, line: str) -> None:
        if self.ended:
            raise self.error(number, "record after the end of the transmission", line)
        if line[:2] != "NY":
            raise self.error(number, f"a record starts with NY, not {line[:2]!r}", line)
        service, kind = line[2:4], line[6:8]
        if service == "21":
            raise UnsupportedMessage("an AvtaleGiro file (service code 21), not an OCR giro payment file",
                                     line=number, source=self.label)
        if kind not in _RECORD_CLASSES:
            raise self.error(number, f"unknown record type {kind!r}", line)
        if self.transmission is None and kind != "10":
            raise self.error(number, "the first record must be the start of transmission (NY000010)", line)
        record, kid = self._parse(number, line, kind)
        self.records += 1
        if isinstance(record, ng.TransmissionStart):
            if self.transmission is not None:
                raise self.error(number, "a second start of transmission", line)
            self.transmission = record
        elif isinstance(record, ng.AssignmentStart):
            if self.assignment is not None:
                raise self.error(number, f"assignment {self.assignment.start.assignment_number} has no end record "
                                         "before the next assignment starts", line)
            self.assignment = _Assignment(number, record)
        elif isinstance(record, ng.AssignmentEnd):
            self.end_assignment(number, line, record)
        elif isinstance(record, ng.TransmissionEnd):
            if self.assignment is not None:
                raise self.error(number, f"assignment {self.assignment.start.assignment_number} has no end record",
                                 line)
            self.end_transmission(number, line, record)
        else:
            self.transaction_record(number, line, record, kid)

    def _parse(self, number: int, line: str, kind: str) -> tuple[ng.Record, str | None]:
        kid = None
        parse_line = line
        if kind == "30":
            kid = line[49:74].strip(" ") or None
            # netsgiro's pattern allows only digits in the KID and zeros in 75-80 (card field).
            parse_line = line[:49] + line[49:74].replace("-", "0") + "000000"
        try:
            record = _RECORD_CLASSES[kind].from_string(parse_line)
        except ValueError as exc:
            detail = str(exc)
            if "did not match" in detail:
                detail = "fields are not in the expected format (digits where digits belong, zero fillers)"
            raise self.error(number, f"bad {_RECORD_NAMES[kind]} record: {detail}", line) from None
        return record, kid

    def transaction_record(self, number: int, line: str, record: ng.TransactionRecord, kid: str | None) -> None:
        assignment = self.assignment
        if assignment is None:
            raise self.error(number, "transaction record outside an assignment", line)
        assignment.records += 1
        tx_type = f"{int(record.transaction_type):02d}"
        pending = assignment.pending
        if isinstance(record, ng.TransactionAmountItem1):
            self.finish_transaction(assignment)
            oere = -record.amount if record.sign == "-" else record.amount
            amount = Decimal(oere).scaleb(-2)  # exact: never through float or int(amount * 100)
            if record.sign == "-" and oere == 0:
                amount = Decimal("-0.00")  # a zero keeps its direction (model convention)
            assignment.pending = _Tx(number, record, kid, oere, amount)
            if tx_type not in TRANSACTION_TYPES:
                self.warn(number, "amount item 1", f"unknown transaction type {tx_type}")
            return
        if pending is None or pending.item1.transaction_number != record.transaction_number:
            name = "amount item 2" if isinstance(record, ng.TransactionAmountItem2) else "amount item 3"
            raise self.error(number, f"{name} of transaction {record.transaction_number} does not follow its "
                                     "amount item 1", line)
        if record.transaction_type != pending.item1.transaction_type:
            raise self.error(number, f"transaction type {tx_type} differs from its amount item 1 "
                                     f"({int(pending.item1.transaction_type):02d})", line)
        if isinstance(record, ng.TransactionAmountItem2):
            if pending.item2 is not None:
                raise self.error(number, f"transaction {record.transaction_number} has two amount item 2", line)
            pending.item2 = record
        else:
            if pending.item2 is None or pending.item3 is not None:
                raise self.error(number, "amount item 3 must follow amount item 2, once", line)
            pending.item3 = record
            # From the line, not netsgiro: its str.strip() also eats 0x85 and other "spaces".
            pending.text = line[15:55].rstrip(" ") or None

    def finish_transaction(self, assignment: _Assignment) -> None:
        tx = assignment.pending
        if tx is None:
            return
        if tx.item2 is None:
            raise self.error(tx.line, f"transaction {tx.item1.transaction_number} has no amount item 2")
        assignment.done.append(tx)
        assignment.pending = None

    def end_assignment(self, number: int, line: str, end: ng.AssignmentEnd) -> None:
        assignment = self.assignment
        if assignment is None:
            raise self.error(number, "end of assignment without a start", line)
        self.finish_transaction(assignment)
        assignment.records += 1
        self.assignment = None
        txs = assignment.done
        net = sum(t.oere for t in txs)
        gross = sum(abs(t.oere) for t in txs)
        self.transactions += len(txs)
        self.net_total += net
        self.gross_total += gross
        label = f"assignment {assignment.start.assignment_number}"
        problems = self.check_totals(number, line, label, end.num_transactions, len(txs), end.num_records,
                                     assignment.records, end.total_amount or 0, net, gross)
        dates = [t.item1.nets_date for t in txs]
        if dates and (end.nets_date_earliest, end.nets_date_latest) != (min(dates), max(dates)):
            self.warn(number, "end of assignment", f"{label}: earliest/latest Nets date in the end record "
                                    f"({end.nets_date_earliest}, {end.nets_date_latest}) differ from the "
                                    f"transactions ({min(dates)}, {max(dates)})")
        self.statements.append(self.statement(assignment, end, problems))

    def end_transmission(self, number: int, line: str, end: ng.TransmissionEnd) -> None:
        self.ended = True
        problems = self.check_totals(number, line, "transmission", end.num_transactions, self.transactions,
                                     end.num_records, self.records, end.total_amount, self.net_total,
                                     self.gross_total)
        if problems and self.statements:  # a transmission mismatch puts every statement in doubt
            self.statements = [_with_problems(s, problems) for s in self.statements]

    def check_totals(self, number: int, line: str, label: str, given_count: int, count: int, given_records: int,
                     records: int, given_total: int, net: int, gross: int) -> list[str]:
        problems = []
        if given_count != count:
            problems.append(f"{label}: the end record counts {given_count} transactions, the file has {count}")
        if given_records != records:
            problems.append(f"{label}: the end record counts {given_records} records, the file has {records}")
        if given_total != net:
            if net < 0 and given_total == -net:  # the field has no sign
                self.warn(number, _record_name(line), f"{label}: the amounts add up to {_kr(net)}, a net "
                                                      "debit; the end record gives it without sign")
            elif given_total == gross and net != gross:
                self.warn(number, _record_name(line), f"{label}: the end record total {_kr(given_total)} is the unsigned sum; "
                                        f"the net sum of the amounts is {_kr(net)}")
            else:
                problems.append(f"{label}: the end record total is {_kr(given_total)}, the amounts add up to "
                                f"{_kr(net)}")
        for problem in problems:
            if self.strict:
                raise self.error(number, problem, line)
            self.warn(number, _record_name(line), problem)
        return problems

    # --- model -----------------------------------------------------------------------------

    def statement(self, assignment: _Assignment, end: ng.AssignmentEnd, problems: list[str]) -> Statement:
        start = assignment.start
        entries = tuple(self.entry(tx) for tx in assignment.done)
        info = f"Nets OCR assignment {start.assignment_number}"
        if start.agreement_id:
            info += f", agreement {start.agreement_id}"
        if end.nets_date:
            info += f", Nets date {end.nets_date.isoformat()}"
        return Statement(
            account=Account(bban=start.assignment_account, currency="NOK"),
            id=start.assignment_number,
            entries=entries,
            additional_info=info,
            consistency=Consistency(balances=None, batches=not problems, messages=tuple(problems)),
        )

    def entry(self, tx: _Tx) -> Entry:
        item1, item2, item3 = tx.item1, tx.item2, tx.item3
        assert item2 is not None
        tx_type = f"{int(item1.transaction_type):02d}"
        kid = tx.kid
        if kid is not None:
            self.check_kid(tx.line, kid)
        if tx_type in REVERSAL_TYPES and tx.amount > 0:
            self.warn(tx.line, "amount item 1", f"transaction {item1.transaction_number} is a reversal (type {tx_type}) "
                                   "without a '-' sign; the amount is kept positive as given")
        archive = item2.reference
        payer = item2.debit_account if item2.debit_account and item2.debit_account.strip("0") else None
        text = tx.text
        transaction = Transaction(
            amount=tx.amount,
            currency="NOK",
            references=References(account_servicer_reference=archive,
                                  transaction_id=str(item1.transaction_number)),
            counterparty=Counterparty(bban=payer) if payer else None,
            creditor_references=(CreditorReference(ref=kid, type_code="SCOR"),) if kid else (),
            remittance_lines=(text,) if text else (),
            date=item2.bank_date,
            archive_reference=archive,
            payer_account=payer,
            free_text=text,
            form_number=item2.form_number if item2.form_number and item2.form_number.strip("0") else None,
            transaction_type=tx_type,
        )
        nets_date: date = item1.nets_date
        return Entry(
            amount=tx.amount,
            currency="NOK",
            status=EntryStatus.BOOK,
            booking_date=nets_date,
            value_date=nets_date,
            reversal=tx_type in REVERSAL_TYPES,
            entry_reference=str(item1.transaction_number),
            account_servicer_reference=archive,
            bank_transaction_code=BankTransactionCode(proprietary=tx_type, issuer="NETS"),
            additional_info=TRANSACTION_TYPES.get(tx_type),
            details=(EntryDetails(transactions=(transaction,)),),
        )

    def check_kid(self, number: int, text: str) -> None:
        try:
            kid = KID(text)
        except InvalidKid as exc:
            self.warn(number, "amount item 1", f"KID {text!r} is malformed: {exc}")
            return
        if not kid.valid:
            self.warn(number, "amount item 1", f"KID {text} fails both the MOD10 and the MOD11 check digit")

    # --- problems --------------------------------------------------------------------------

    def warn(self, number: int, where: str, message: str) -> None:
        """`where` names the record ("amount item 1") or "file"; the line number goes alongside."""
        self.warnings.append(ParseWarning(where, message, number))

    def error(self, number: int, message: str, line: str | None = None) -> InvalidContent:
        shown = f" ({line!r})" if line is not None else ""
        return InvalidContent(f"{message}{shown}", line=number, source=self.label)


def _with_problems(statement: Statement, problems: list[str]) -> Statement:
    from dataclasses import replace

    c = statement.consistency
    return replace(statement, consistency=Consistency(balances=c.balances, batches=False,
                                                      messages=tuple(c.messages) + tuple(problems)))


def _kr(oere: int) -> str:
    return f"{Decimal(oere).scaleb(-2):f}"


def _record_name(line: str) -> str:
    return _RECORD_NAMES.get(line[6:8], "record")
