"""`avstem parse FILE [--json]`: detect a bank file's format, read it, and summarise or dump it.

Formats: camt.052/053/054 (any version the camt reader knows), pain.001, pain.002 and Nets
OCR giro. Exit status: 0 when the file was read (warnings included, unless --strict), 1 when
it could not be read (missing, unreadable, malformed, unknown format, invalid content) or, with
--strict, when it has warnings or does not add up; 2 for usage errors (argparse).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from avstem.formats import camt
from avstem.formats.errors import FormatError, UnsupportedMessage
from avstem.formats.jsonout import (
    StatementTotals,
    amount_text,
    consistent,
    dumps,
    to_json,
)
from avstem.formats.model import Document, Statement
from avstem.formats.ocr import OCR_FORMAT, is_ocr, read_ocr
from avstem.formats.pain001 import Pain001Document, read_pain001
from avstem.formats.pain002 import Pain002Document, read_pain002
from avstem.formats.xmlsafe import HEAD_SIZE, root_element

__all__ = ["detect", "parse_command", "register"]

EXIT_OK = 0
EXIT_ERROR = 1

_PAIN_ROOTS = {"CstmrCdtTrfInitn": "pain.001", "CstmrPmtStsRpt": "pain.002"}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "parse",
        help="read a bank file (camt.052/053/054, pain.001, pain.002, Nets OCR) and summarise it",
        description="Detect the format of a bank file, read it and print a summary (accounts, balances, "
        "entries, credit/debit sums, consistency, warnings), or the whole content as JSON.",
        epilog="Exit status: 0 read (even with warnings), 1 not readable or unknown format "
        "(or, with --strict, warnings or sums that do not add up), 2 usage error.",
    )
    parser.add_argument("file", metavar="FILE", help="the file to read")
    parser.add_argument("--json", action="store_true", help="print the whole content as JSON")
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 when the file has warnings or does not add up")
    parser.set_defaults(func=parse_command)


def detect(path: str) -> str:
    """The format of the file at `path`: "camt.053.001.02", "pain.001.001.03", "pain.002",
    "nets.ocr", ... Raises UnsupportedMessage when it is none we read."""
    with open(path, "rb") as fh:
        head = fh.read(HEAD_SIZE)
    if is_ocr(head):
        return OCR_FORMAT
    detected = camt.detect_format(head)
    if detected is None:
        root = root_element(head)
        container = re.search(rb"<(?:[\w.-]+:)?(CstmrCdtTrfInitn|CstmrPmtStsRpt)[\s>/]", head)
        if container:
            detected = _PAIN_ROOTS[container.group(1).decode()]
        elif root is None:
            raise UnsupportedMessage("unknown format: neither XML nor a Nets OCR file", line=1, source=path)
        else:
            raise UnsupportedMessage(f"unknown format: XML with root element <{root[1]}>", line=1, source=path)
    if detected.startswith(("camt.052", "camt.053", "camt.054", "pain.001", "pain.002")):
        return detected
    raise UnsupportedMessage(f"unsupported message {detected}", line=1, source=path)


def _reader(fmt: str) -> Callable[[str], Document | Pain001Document | Pain002Document]:
    if fmt == OCR_FORMAT:
        return read_ocr
    if fmt.startswith("pain.001"):
        return read_pain001
    if fmt.startswith("pain.002"):
        return read_pain002
    return camt.read


def parse_command(args: argparse.Namespace) -> int:
    path: str = args.file
    problem = _path_problem(path)
    if problem:
        return _fail(f"{path}: {problem}")
    try:
        fmt = detect(path)
        if args.json:
            parsed = _reader(fmt)(path)
            _write(dumps(to_json(parsed)))
            doubtful = _doubtful(parsed)
        else:
            doubtful = _summarise(path, fmt)
    except FormatError as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"{path}: cannot read: {exc.strerror or exc}")
    if args.strict and doubtful:
        print(f"avstem parse: {path}: {doubtful} (--strict)", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_OK


def _path_problem(path: str) -> str | None:
    if not os.path.exists(path):
        return "no such file"
    if os.path.isdir(path):
        return "is a directory"
    if not os.access(path, os.R_OK):
        return "permission denied"
    return None


def _fail(message: str) -> int:
    print(f"avstem parse: {message}", file=sys.stderr)
    return EXIT_ERROR


def _write(text: str) -> None:
    try:
        print(text)
    except UnicodeEncodeError:  # a terminal that cannot show æøå: escape rather than crash
        encoding = getattr(sys.stdout, "encoding", None) or "ascii"
        print(text.encode(encoding, "backslashreplace").decode(encoding))


def _doubtful(parsed: Document | Pain001Document | Pain002Document) -> str | None:
    """Why --strict refuses a file that was read, or None."""
    warnings = len(parsed.warnings)
    if isinstance(parsed, Document) and any(consistent(s.consistency) is False for s in parsed.statements):
        return "does not add up"
    return f"{warnings} warning(s)" if warnings else None


# --- the readable summary ------------------------------------------------------------------------


def _summarise(path: str, fmt: str) -> str | None:
    if fmt.startswith("camt"):
        return _summarise_camt(path)
    parsed = _reader(fmt)(path)
    lines = [f"File:    {path}", f"Format:  {parsed.format_id if isinstance(parsed, Document) else parsed.version}"]
    if isinstance(parsed, Document):
        lines += _document_header(parsed)
        for n, statement in enumerate(parsed.statements, 1):
            totals = StatementTotals()
            for entry in statement.entries:
                totals.add(entry)
            lines += _statement_lines(n, len(parsed.statements), statement, totals)
    elif isinstance(parsed, Pain001Document):
        lines += _pain001_lines(parsed)
    else:
        lines += _pain002_lines(parsed)
    lines += _warning_lines(parsed.warnings)
    _write("\n".join(lines))
    return _doubtful(parsed)


def _summarise_camt(path: str) -> str | None:
    """Streams the file, so a statement of any size is summarised in constant memory."""
    out: list[str] = []
    inconsistent = False
    with camt.stream(path) as stream:
        sections = []
        for section in stream:
            totals = StatementTotals()
            for entry in section:
                totals.add(entry)
            sections.append((section.summary, totals))
        out += [f"File:    {path}", f"Format:  {stream.format_id}"]
        out += _document_header(Document(format_id=stream.format_id, message_id=stream.message_id,
                                          created=stream.created, pagination=stream.pagination))
        for n, (statement, totals) in enumerate(sections, 1):
            out += _statement_lines(n, len(sections), statement, totals)
            inconsistent |= consistent(statement.consistency) is False
        out += _warning_lines(stream.warnings)
        warnings = len(stream.warnings)
    _write("\n".join(out))
    if inconsistent:
        return "does not add up"
    return f"{warnings} warning(s)" if warnings else None


def _document_header(doc: Document) -> list[str]:
    lines = []
    if doc.message_id:
        lines.append(f"Message: {doc.message_id}" + (f"  created {doc.created.isoformat()}" if doc.created else ""))
    if doc.pagination:
        lines.append(f"Page:    {doc.pagination.page_number}" + (" (last)" if doc.pagination.last_page else ""))
    return lines


def _money(amount: Decimal | None, currency: str | None = None) -> str:
    if amount is None:
        return "-"
    return f"{amount_text(amount)}" + (f" {currency}" if currency else "")


def _statement_lines(n: int, count: int, statement: Statement, totals: StatementTotals) -> list[str]:
    account = statement.account
    number = " / ".join(x for x in (account.iban, account.bban) if x) or "(no account number)"
    currency = account.currency
    lines = ["", f"Statement {n} of {count}" + (f": {statement.id}" if statement.id else "")]
    lines.append(f"  Account:     {number}" + (f" ({currency})" if currency else "")
                 + (f", {account.owner_name}" if account.owner_name else ""))
    if statement.additional_info:
        lines.append(f"  Info:        {statement.additional_info}")
    for balance in statement.balances:
        when = balance.date.isoformat() if balance.date else (balance.datetime.isoformat() if balance.datetime else "")
        lines.append(f"  Balance:     {balance.type:<5} {_money(balance.amount, balance.currency):>20}  {when}")
    pending = totals.entries - totals.booked
    lines.append(f"  Entries:     {totals.entries} ({totals.booked} booked"
                 + (f", {pending} not booked" if pending else "") + f"), {totals.transactions} transaction(s)")
    lines.append(f"  Credits:     {_money(totals.credit, currency):>20}  ({totals.credit_count} booked)")
    lines.append(f"  Debits:      {_money(totals.debit, currency):>20}  ({totals.debit_count} booked)")
    lines.append(f"  Net:         {_money(totals.net, currency):>20}")
    c = statement.consistency
    verdict = consistent(c)
    text = {True: "yes", False: "NO", None: "cannot tell (no opening and closing booked balance)"}[verdict]
    lines.append(f"  Consistent:  {text}")
    for message in (c.messages if c else ()):
        lines.append(f"    - {message}")
    if c and c.unlisted:
        lines.append(f"    - ... and {c.unlisted} more")
    return lines


def _warning_lines(warnings: Any) -> list[str]:
    warnings = list(warnings)
    if not warnings:
        return ["", "Warnings: none"]
    return ["", f"Warnings ({len(warnings)}):", *(f"  - {w}" for w in warnings)]


def _pain001_lines(doc: Pain001Document) -> list[str]:
    order = doc.order
    party = order.initiating_party_name + (f" ({order.initiating_party_org_number})"
                                           if order.initiating_party_org_number else "")
    lines = [f"Message: {order.message_id}  created {order.creation_time.isoformat()}",
             f"From:    {party}",
             f"Payments: {order.number_of_transactions}, control sum {amount_text(order.control_sum)}"]
    for block in order.payment_blocks:
        extras = ", ".join(x for x in (block.category_purpose, block.service_level) if x)
        lines += ["", f"Payment block {block.payment_information_id}" + (f" ({extras})" if extras else ""),
                  f"  Debtor:      {block.debtor_name}, account {block.debtor_account}",
                  f"  Execution:   {block.requested_execution_date.isoformat()}",
                  f"  Payments:    {block.number_of_transactions}, sum {amount_text(block.control_sum)}"]
        for tx in block.transactions:
            reference = f"KID {tx.kid}" if tx.kid else (f"'{tx.message}'" if tx.message else "")
            lines.append(f"    {tx.end_to_end_id:<20} {_money(tx.amount, tx.currency):>20}  to "
                         f"{tx.creditor_account} {tx.creditor_name}  {reference}".rstrip())
    return lines


def _pain002_lines(doc: Pain002Document) -> list[str]:
    report = doc.report
    lines = [f"Message: {report.message_id or '-'}"
             + (f"  created {report.creation_time.isoformat()}" if report.creation_time else "")]
    group = report.group
    if group is not None:
        lines.append(f"Answers: {group.original_message_name_id or '?'} {group.original_message_id or '?'}")
        lines.append(f"Group status: {group.status or '-'}")
        lines += [f"  - {r.describe()}" for r in group.reasons]
    counts: dict[str, int] = {}
    for pmt in report.payment_informations:
        lines += ["", f"Payment block {pmt.original_payment_information_id or '?'}: {pmt.status or '-'}"]
        lines += [f"  - {r.describe()}" for r in pmt.reasons]
        for tx in pmt.transactions:
            counts[tx.status or "-"] = counts.get(tx.status or "-", 0) + 1
            ids = tx.original_end_to_end_id or tx.original_instruction_id or "?"
            lines.append(f"    {ids:<24} {tx.status or '-'}")
            lines += [f"      - {r.describe()}" for r in tx.reasons]
    if counts:
        lines += ["", "Transactions by status: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))]
    return lines
