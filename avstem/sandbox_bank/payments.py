"""Payments: a pain.001 comes in (API or mailbox), is acknowledged with a pain.002 (ACCP, PART or
RJCT with ISO reasons), and each accepted payment is executed on its business day, which gives
a second pain.002 (ACSC, or RJCT AM04 for insufficient funds) and the debit on the statement.

Reasons given (ISO external status reason codes):
- AC01 creditor account number invalid (MOD11), per transaction
- RR09 structured creditor reference (KID) invalid: its check digit fails MOD10 and MOD11
- DU01 the message id was used before by this customer: the whole message, never paid twice
- DT01 requested execution date in the past; CH03 more than a year ahead
- AC02 the debtor account is not this customer's account at this bank
- AM11 the payment currency is not the debtor account's currency
- AM04 insufficient funds on the execution day
- anything else the pain.001 reader refuses: the code it names (FF01, AM18, AM10, CH16 ...)
"""

from __future__ import annotations

import copy
import datetime as dt
import sqlite3
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from lxml import etree

from avstem.formats.errors import FormatError, MalformedFile, UnsupportedMessage
from avstem.formats.pain001 import Pain001Error, child, children, local_name, parse_xml, read_pain001, text_of
from avstem.formats.pain002 import write_pain002
from avstem.formats.payments import (
    OriginalGroupStatus,
    PaymentInformationStatus,
    StatusReason,
    StatusReport,
    TransactionStatus,
)
from avstem.norway.accounts import validate_account_number, validate_norwegian_iban
from avstem.norway.calendar import business_day_on_or_after
from avstem.norway.errors import InvalidNumber
from avstem.norway.kid import KID, InvalidKid
from avstem.sandbox_bank.accounts import Detail, NewEntry, NotFound, add_entries, available_balance, get_account
from avstem.sandbox_bank.statements import OSLO
from avstem.sandbox_bank.store import bank_day, kroner, next_number, ore

FINAL = ("ACSC", "RJCT")


class DocumentRefused(ValueError):
    """Not a pain.001 at all (not XML, another message): nothing to acknowledge (HTTP 400)."""


@dataclass(frozen=True)
class Rejection:
    code: str
    text: str


# --- receiving -----------------------------------------------------------------------------------


def receive(conn: sqlite3.Connection, org_number: str, document: bytes, *, channel: str,
            client_id: str | None = None, filename: str | None = None, now: dt.datetime | None = None) -> dict:
    """Read, check and store a pain.001; returns the payment with its first pain.002.

    A document that is not XML or not a pain.001 raises DocumentRefused on the API channel; in
    a mailbox it is answered with a group RJCT FF01 like any unreadable file.
    """
    now = now or dt.datetime.now(OSLO).replace(microsecond=0)
    today = bank_day(conn)
    payment_id = f"P{next_number(conn, 'payment'):08d}"
    try:
        root = parse_xml(document, filename or "pain.001")
        initiation = child(root, "CstmrCdtTrfInitn")
        if local_name(root) != "Document" or initiation is None:
            raise UnsupportedMessage(f"not a pain.001 credit transfer initiation (root {local_name(root)!r})")
    except FormatError as exc:
        if channel == "api":
            raise DocumentRefused(str(exc)) from None
        return _store_group_reject(conn, payment_id, org_number, document, channel, now, today, None,
                                   "pain.001.001.03", Rejection("FF01", str(exc)), filename=filename,
                                   client_id=client_id)
    ns = root.nsmap.get(None) or ""
    version = "pain.001.001.09" if ns.endswith("pain.001.001.09") else "pain.001.001.03"
    message_id = text_of(initiation, "GrpHdr", "MsgId")
    earlier = None
    if message_id:
        earlier = conn.execute(
            "SELECT id FROM payments WHERE org_number = ? AND message_id = ? AND duplicate_of IS NULL "
            "ORDER BY received_at LIMIT 1", (org_number, message_id)).fetchone()
    if earlier is not None:
        return _store_group_reject(
            conn, payment_id, org_number, document, channel, now, today, message_id, version,
            Rejection("DU01", f"message id {message_id} was received before as payment {earlier[0]}; not paid again"),
            duplicate_of=earlier[0], filename=filename, client_id=client_id)

    rejected: list[tuple[dict, Rejection]] = []
    try:
        order = read_pain001(document).order
    except Pain001Error as first_error:
        rejected = _bad_transactions(initiation)
        if not rejected:
            return _store_group_reject(conn, payment_id, org_number, document, channel, now, today, message_id,
                                       version, Rejection(first_error.reason_code, str(first_error)),
                                       filename=filename, client_id=client_id)
        pruned = _prune(root, [r[0]["element"] for r in rejected])
        order = None
        if pruned is not None:
            try:
                order = read_pain001(pruned).order
            except (Pain001Error, MalformedFile) as second_error:
                reason = getattr(second_error, "reason_code", "FF01")
                return _store_group_reject(conn, payment_id, org_number, document, channel, now, today, message_id,
                                           version, Rejection(reason, str(second_error)), filename=filename,
                                           client_id=client_id)

    header = _header_totals(initiation)
    conn.execute(
        "INSERT INTO payments (id, org_number, message_id, channel, received_at, received_day, version, status, "
        "filename, client_id, original_created, original_count, original_sum, document) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, 'RCVD', ?, ?, ?, ?, ?, ?)",
        (payment_id, org_number, message_id, channel, now.isoformat(), today.isoformat(), version, filename,
         client_id, header[0], header[1], header[2], document))
    rows = []
    n = 0
    if order is not None:
        for block, tx in order.transactions():
            n += 1
            rows.append(_checked_transaction(conn, org_number, today, block, tx, n))
    for info, rejection in rejected:
        n += 1
        rows.append({**info["row"], "n": n, "status": "RJCT", "reason": rejection.code, "reason_info": rejection.text})
    _insert_transactions(conn, payment_id, rows)
    statuses = {r["status"] for r in rows}
    group = statuses.pop() if len(statuses) == 1 else "PART"
    _set_status(conn, payment_id)
    add_status_report(conn, payment_id, group, [r["n"] for r in rows], now)
    return payment_json(conn, payment_id, with_reports=True)


def _checked_transaction(conn: sqlite3.Connection, org_number: str, today: dt.date, block, tx, n: int) -> dict:
    """The stored row of one accepted-by-the-reader transaction, with the bank's own checks."""
    row = {
        "n": n, "payment_information_id": block.payment_information_id, "block_count": block.number_of_transactions,
        "block_sum": str(block.control_sum), "batch_booking": int(bool(block.batch_booking)),
        "end_to_end_id": tx.end_to_end_id, "instruction_id": tx.instruction_id,
        "debtor_account": str(block.debtor_account), "debtor_account_id": None, "debtor_name": block.debtor_name,
        "creditor_account": str(tx.creditor_account), "creditor_name": tx.creditor_name,
        "creditor_bic": tx.creditor_agent_bic, "amount": ore(tx.amount), "currency": tx.currency,
        "kid": str(tx.kid) if tx.kid else None, "message": tx.message,
        "requested_date": block.requested_execution_date.isoformat(),
        "execution_date": business_day_on_or_after(block.requested_execution_date).isoformat(),
        "status": "ACCP", "reason": None, "reason_info": None,
    }
    problem = None
    try:
        account = get_account(conn, str(block.debtor_account))
    except NotFound:
        account = None
    if account is None or account["org_number"] != org_number:
        problem = Rejection("AC02", f"debtor account {block.debtor_account} is not an account of customer "
                                    f"{org_number} at this bank")
    else:
        row["debtor_account_id"] = account["id"]
        if tx.currency != account["currency"]:
            problem = Rejection("AM11", f"payment in {tx.currency} from a {account['currency']} account; "
                                        "the sandbox bank does not convert currencies")
    if problem is None and block.requested_execution_date < today:
        problem = Rejection("DT01", f"requested execution date {block.requested_execution_date} is in the past "
                                    f"(the bank day is {today})")
    if problem is None and block.requested_execution_date > today + dt.timedelta(days=366):
        problem = Rejection("CH03", f"requested execution date {block.requested_execution_date} is more than "
                                    "a year ahead")
    if problem is not None:
        row.update(status="RJCT", reason=problem.code, reason_info=problem.text)
    return row


def _bad_transactions(initiation: etree._Element) -> list[tuple[dict, Rejection]]:
    """Transactions a bank refuses one by one: a creditor account failing MOD11 (AC01) or a KID
    whose check digit fails (RR09). Each comes with what is needed to report it."""
    found = []
    for pmt in children(initiation, "PmtInf"):
        for el in children(pmt, "CdtTrfTxInf"):
            rejection = _transaction_problem(el)
            if rejection is None:
                continue
            amount_el = child(el, "Amt", "InstdAmt")
            try:
                amount = ore(amount_el.text) if amount_el is not None and amount_el.text else 0
            except ValueError:
                amount = 0
            kid = None
            for s in children(child(el, "RmtInf"), "Strd"):
                kid = kid or text_of(s, "CdtrRefInf", "Ref")
            found.append(({"element": el, "row": {
                "payment_information_id": text_of(pmt, "PmtInfId"), "block_count": None, "block_sum": None,
                "batch_booking": 0, "end_to_end_id": text_of(el, "PmtId", "EndToEndId"),
                "instruction_id": text_of(el, "PmtId", "InstrId"), "debtor_account": _account_text(pmt, "DbtrAcct"),
                "debtor_account_id": None, "debtor_name": text_of(pmt, "Dbtr", "Nm"),
                "creditor_account": _account_text(el, "CdtrAcct"), "creditor_name": text_of(el, "Cdtr", "Nm"),
                "creditor_bic": None, "amount": amount,
                "currency": (amount_el.get("Ccy") if amount_el is not None else None) or "NOK",
                "kid": kid, "message": None, "requested_date": _date_text(pmt), "execution_date": None}}, rejection))
    return found


def _transaction_problem(el: etree._Element) -> Rejection | None:
    account = _account_text(el, "CdtrAcct")
    if account is not None:
        try:
            if account[:2].isalpha():
                if account.upper().startswith("NO"):
                    validate_norwegian_iban(account)
            else:
                validate_account_number(account)
        except InvalidNumber as exc:
            return Rejection("AC01", f"creditor account {account}: {exc}")
    for s in children(child(el, "RmtInf"), "Strd"):
        ref = text_of(s, "CdtrRefInf", "Ref")
        if ref is None or text_of(s, "CdtrRefInf", "Tp", "CdOrPrtry", "Cd") != "SCOR":
            continue
        try:
            kid = KID.parse(ref)
        except InvalidKid as exc:
            return Rejection("RR09", f"KID {ref}: {exc}")
        if not kid.valid:
            return Rejection("RR09", f"KID {ref}: the check digit fails both MOD10 and MOD11")
    return None


def _account_text(el: etree._Element, tag: str) -> str | None:
    ident = child(el, tag, "Id")
    return text_of(ident, "IBAN") or text_of(ident, "Othr", "Id")


def _date_text(pmt: etree._Element) -> str | None:
    when = child(pmt, "ReqdExctnDt")
    return text_of(when, "Dt") or text_of(when)


def _prune(root: etree._Element, bad: Sequence[etree._Element]) -> bytes | None:
    """The document without the refused transactions, the counts and sums lowered by theirs (so
    a total that was wrong before stays wrong and is still reported). None when nothing is left."""
    paths = {root.getroottree().getpath(el) for el in bad}
    clone = copy.deepcopy(root)
    tree = clone.getroottree()
    initiation = child(clone, "CstmrCdtTrfInitn")
    removed_count, removed_sum = 0, Decimal(0)
    for pmt in list(children(initiation, "PmtInf")):
        block_count, block_sum = 0, Decimal(0)
        for el in list(children(pmt, "CdtTrfTxInf")):
            if tree.getpath(el) in paths:
                amount = _decimal(text_of(el, "Amt", "InstdAmt"))
                block_count += 1
                block_sum += amount
                pmt.remove(el)
        _lower_totals(pmt, block_count, block_sum)
        removed_count += block_count
        removed_sum += block_sum
        if not list(children(pmt, "CdtTrfTxInf")):
            initiation.remove(pmt)
    if not list(children(initiation, "PmtInf")):
        return None
    _lower_totals(child(initiation, "GrpHdr"), removed_count, removed_sum)
    return etree.tostring(clone, xml_declaration=True, encoding="UTF-8")


def _lower_totals(el: etree._Element | None, count: int, total: Decimal) -> None:
    number = child(el, "NbOfTxs")
    if number is not None and (number.text or "").strip().isdigit():
        number.text = str(int(number.text) - count)
    control = child(el, "CtrlSum")
    if control is not None and control.text:
        try:
            control.text = f"{Decimal(control.text.strip()) - total:f}"
        except ArithmeticError:
            pass


def _decimal(text: str | None) -> Decimal:
    try:
        return Decimal((text or "0").strip())
    except ArithmeticError:
        return Decimal(0)


def _header_totals(initiation: etree._Element) -> tuple[str | None, int | None, str | None]:
    created = text_of(initiation, "GrpHdr", "CreDtTm")
    count = text_of(initiation, "GrpHdr", "NbOfTxs")
    total = text_of(initiation, "GrpHdr", "CtrlSum")
    return created, int(count) if count and count.isdigit() else None, total


def _store_group_reject(conn: sqlite3.Connection, payment_id: str, org_number: str, document: bytes, channel: str,
                        now: dt.datetime, today: dt.date, message_id: str | None, version: str,
                        rejection: Rejection, *, duplicate_of: str | None = None, filename: str | None = None,
                        client_id: str | None = None) -> dict:
    conn.execute(
        "INSERT INTO payments (id, org_number, message_id, channel, received_at, received_day, version, status, "
        "duplicate_of, filename, client_id, document) VALUES (?, ?, ?, ?, ?, ?, ?, 'RJCT', ?, ?, ?, ?)",
        (payment_id, org_number, message_id, channel, now.isoformat(), today.isoformat(), version, duplicate_of,
         filename, client_id, document))
    add_status_report(conn, payment_id, "RJCT", [], now, group_reason=rejection)
    return payment_json(conn, payment_id, with_reports=True)


def _insert_transactions(conn: sqlite3.Connection, payment_id: str, rows: Iterable[dict]) -> None:
    columns = ("n", "payment_information_id", "block_count", "block_sum", "batch_booking", "end_to_end_id",
               "instruction_id", "debtor_account_id", "debtor_account", "debtor_name", "creditor_account",
               "creditor_name", "creditor_bic", "amount", "currency", "kid", "message", "requested_date",
               "execution_date", "status", "reason", "reason_info")
    conn.executemany(
        f"INSERT INTO payment_transactions (payment_id, {', '.join(columns)}) VALUES (?{', ?' * len(columns)})",
        [(payment_id, *(r.get(c) for c in columns)) for r in rows])


def _set_status(conn: sqlite3.Connection, payment_id: str) -> str:
    statuses = [r[0] for r in conn.execute("SELECT status FROM payment_transactions WHERE payment_id = ?", (payment_id,))]
    if not statuses:
        status = "RJCT"
    elif all(s == "ACSC" for s in statuses):
        status = "ACSC"
    elif all(s == "RJCT" for s in statuses):
        status = "RJCT"
    elif "RJCT" in statuses:
        status = "PART"
    else:
        status = "ACCP" if "ACCP" in statuses else "ACSP"
    conn.execute("UPDATE payments SET status = ? WHERE id = ?", (status, payment_id))
    return status


# --- status reports ------------------------------------------------------------------------------


def add_status_report(conn: sqlite3.Connection, payment_id: str, group_status: str, transaction_numbers: Sequence[int],
                      now: dt.datetime, group_reason: Rejection | None = None) -> int:
    payment = conn.execute("SELECT * FROM payments WHERE id = ?", (payment_id,)).fetchone()
    seq = 1 + conn.execute("SELECT count(*) FROM status_reports WHERE payment_id = ?", (payment_id,)).fetchone()[0]
    report = build_report(conn, payment, transaction_numbers, seq, group_status, group_reason, now)
    version = "pain.002.001.10" if payment["version"] == "pain.001.001.09" else "pain.002.001.03"
    conn.execute("INSERT INTO status_reports (payment_id, seq, created_at, status, document) VALUES (?, ?, ?, ?, ?)",
                 (payment_id, seq, now.isoformat(), group_status, write_pain002(report, version)))
    return seq


def build_report(conn: sqlite3.Connection, payment: sqlite3.Row, transaction_numbers: Sequence[int], seq: int,
                 group_status: str, group_reason: Rejection | None, now: dt.datetime) -> StatusReport:
    rows = []
    if transaction_numbers:
        marks = ",".join("?" * len(transaction_numbers))
        rows = conn.execute(f"SELECT * FROM payment_transactions WHERE payment_id = ? AND n IN ({marks}) ORDER BY n",
                            (payment["id"], *transaction_numbers)).fetchall()
    blocks: OrderedDict[str, list[sqlite3.Row]] = OrderedDict()
    for r in rows:
        blocks.setdefault(r["payment_information_id"] or "NOTPROVIDED", []).append(r)
    informations = []
    for block_id, txs in blocks.items():
        statuses = {t["status"] for t in txs}
        first = txs[0]
        informations.append(PaymentInformationStatus(
            original_payment_information_id=block_id,
            status=statuses.pop() if len(statuses) == 1 else "PART",
            original_number_of_transactions=first["block_count"],
            original_control_sum=Decimal(first["block_sum"]) if first["block_sum"] else None,
            transactions=tuple(TransactionStatus(
                original_instruction_id=t["instruction_id"], original_end_to_end_id=t["end_to_end_id"],
                status=t["status"], reasons=_reasons(t["reason"], t["reason_info"]),
                account_servicer_reference=t["entry_id"], original_amount=kroner(t["amount"]) if t["amount"] else None,
                original_currency=t["currency"] if t["amount"] else None) for t in txs)))
    created = None
    if payment["original_created"]:
        try:
            created = dt.datetime.fromisoformat(payment["original_created"])
        except ValueError:
            created = None
    total = None
    if payment["original_sum"]:
        try:
            total = Decimal(payment["original_sum"])
            total = total if total.is_finite() and total >= 0 else None
        except ArithmeticError:
            total = None
    return StatusReport(
        message_id=f"{payment['id']}-{seq}",
        creation_time=now,
        initiating_party_name="Avstem sandkassebank",
        group=OriginalGroupStatus(
            original_message_id=(payment["message_id"] or "NOTPROVIDED")[:35],
            original_message_name_id=payment["version"] or "pain.001.001.03",
            original_creation_time=created, status=group_status,
            reasons=_reasons(group_reason.code, group_reason.text) if group_reason else (),
            original_number_of_transactions=payment["original_count"], original_control_sum=total),
        payment_informations=tuple(informations))


def _reasons(code: str | None, text: str | None) -> tuple[StatusReason, ...]:
    if not code:
        return ()
    lines = []
    rest = " ".join((text or "").split())
    while rest and len(lines) < 5:
        cut = rest[:105]
        if len(rest) > 105 and " " in cut:
            cut = cut[:cut.rindex(" ")]
        lines.append(cut.strip())
        rest = rest[len(cut):].strip()
    return (StatusReason(code=code, additional_info=tuple(line for line in lines if line)),)


# --- execution -----------------------------------------------------------------------------------


def execute_due(conn: sqlite3.Connection, day: dt.date, now: dt.datetime) -> list[str]:
    """Execute every accepted payment due on or before `day` (booked on `day`); returns the
    payment ids that got a new status report."""
    due = conn.execute(
        "SELECT pt.*, p.org_number, p.message_id, c.name AS debtor_customer FROM payment_transactions pt "
        "JOIN payments p ON p.id = pt.payment_id JOIN customers c ON c.org_number = p.org_number "
        "WHERE pt.status = 'ACCP' AND pt.execution_date <= ? ORDER BY p.received_at, pt.payment_id, pt.n",
        (day.isoformat(),)).fetchall()
    spent: dict[str, int] = {}
    outcome: dict[tuple[str, int], tuple[str, str | None, str | None]] = {}
    groups: OrderedDict[tuple, list[sqlite3.Row]] = OrderedDict()
    for t in due:
        account = get_account(conn, t["debtor_account_id"])
        available = available_balance(conn, account) - spent.get(account["id"], 0)
        if t["amount"] > available:
            outcome[(t["payment_id"], t["n"])] = ("RJCT", "AM04", f"insufficient funds on {account['number']} on {day}: "
                                                  f"{kroner(t['amount'])} {t['currency']} to pay, {kroner(max(available, 0))} available")
            continue
        spent[account["id"]] = spent.get(account["id"], 0) + t["amount"]
        key = (t["payment_id"], t["payment_information_id"]) if t["batch_booking"] else (t["payment_id"], t["n"])
        groups.setdefault(key, []).append(t)
    credits = []
    for txs in groups.values():
        entry_id = f"T{next_number(conn, 'entry'):010d}"
        first = txs[0]
        details = [Detail(amount=-t["amount"], name=t["creditor_name"], account=t["creditor_account"],
                          bic=t["creditor_bic"], kids=(t["kid"],) if t["kid"] else (), message=t["message"],
                          end_to_end_id=t["end_to_end_id"], instruction_id=t["instruction_id"],
                          payment_information_id=t["payment_information_id"], message_id=t["message_id"],
                          reference=f"{t['payment_id']}-{t['n']}") for t in txs]
        info = (f"Betaling til {first['creditor_name']}" if len(txs) == 1
                else f"Betalinger {first['payment_information_id']} ({len(txs)} stk)")
        add_entries(conn, [NewEntry(account_id=first["debtor_account_id"], amount=-sum(t["amount"] for t in txs),
                                    kind="payment", transaction_date=day, currency=first["currency"],
                                    info=info[:500], batch=len(txs) > 1, details=details,
                                    payment_id=first["payment_id"], id=entry_id)])
        for t in txs:
            outcome[(t["payment_id"], t["n"])] = ("ACSC", None, entry_id)
            credits.extend(_internal_credit(conn, t, day))
    if credits:
        add_entries(conn, credits)
    touched: OrderedDict[str, list[int]] = OrderedDict()
    for (payment_id, n), (status, reason, extra) in outcome.items():
        if status == "ACSC":
            conn.execute("UPDATE payment_transactions SET status = 'ACSC', entry_id = ? WHERE payment_id = ? AND n = ?",
                         (extra, payment_id, n))
        else:
            conn.execute("UPDATE payment_transactions SET status = 'RJCT', reason = ?, reason_info = ? "
                         "WHERE payment_id = ? AND n = ?", (reason, extra, payment_id, n))
        touched.setdefault(payment_id, []).append(n)
    for payment_id, numbers in touched.items():
        statuses = {outcome[(payment_id, n)][0] for n in numbers}
        _set_status(conn, payment_id)
        add_status_report(conn, payment_id, statuses.pop() if len(statuses) == 1 else "PART", numbers, now)
    return list(touched)


def _internal_credit(conn: sqlite3.Connection, t: sqlite3.Row, day: dt.date) -> list[NewEntry]:
    """A payment to another account in the sandbox is credited there the same day."""
    try:
        target = get_account(conn, t["creditor_account"])
    except NotFound:
        return []
    if target["currency"] != t["currency"]:
        return []
    debtor = get_account(conn, t["debtor_account_id"])
    return [NewEntry(account_id=target["id"], amount=t["amount"], kind="credit_transfer", transaction_date=day,
                     currency=t["currency"], info=f"Innbetaling fra {t['debtor_customer']}"[:500],
                     details=[Detail(amount=t["amount"], name=t["debtor_customer"], account=debtor["number"],
                                     org_id=t["org_number"], kids=(t["kid"],) if t["kid"] else (),
                                     message=t["message"], end_to_end_id=t["end_to_end_id"],
                                     reference=f"{t['payment_id']}-{t['n']}C")])]


# --- reading back --------------------------------------------------------------------------------


def payment_json(conn: sqlite3.Connection, payment_id: str, *, with_reports: bool = False) -> dict:
    p = conn.execute("SELECT * FROM payments WHERE id = ?", (payment_id,)).fetchone()
    if p is None:
        raise NotFound(f"no payment {payment_id}")
    txs = conn.execute("SELECT * FROM payment_transactions WHERE payment_id = ? ORDER BY n", (payment_id,)).fetchall()
    reports = conn.execute("SELECT payment_id, seq, created_at, status, document FROM status_reports "
                           "WHERE payment_id = ? ORDER BY seq", (payment_id,)).fetchall()
    result = {
        "id": p["id"], "message_id": p["message_id"], "channel": p["channel"], "org_number": p["org_number"],
        "received_at": p["received_at"], "received_on": p["received_day"], "status": p["status"],
        "duplicate_of": p["duplicate_of"], "filename": p["filename"], "format": p["version"],
        "transactions": [{
            "end_to_end_id": t["end_to_end_id"], "instruction_id": t["instruction_id"],
            "payment_information_id": t["payment_information_id"], "debtor_account": t["debtor_account"],
            "creditor_account": t["creditor_account"], "creditor_name": t["creditor_name"],
            "amount": kroner(t["amount"]), "currency": t["currency"], "kid": t["kid"], "message": t["message"],
            "requested_execution_date": t["requested_date"], "execution_date": t["execution_date"],
            "status": t["status"],
            "reason": {"code": t["reason"], "text": t["reason_info"]} if t["reason"] else None,
            "entry_id": t["entry_id"]} for t in txs],
        "status_reports": [report_json(r, include_document=with_reports) for r in reports],
    }
    return result


def report_json(row: sqlite3.Row, include_document: bool = True) -> dict:
    data = {"seq": row["seq"], "status": row["status"], "created_at": row["created_at"],
            "url": f"/api/v1/payments/{row['payment_id']}/status-reports/{row['seq']}.pain002"}
    if include_document:
        data["document"] = bytes(row["document"]).decode()
    return data


def status_report_rows(conn: sqlite3.Connection, payment_id: str, after: int = 0) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM status_reports WHERE payment_id = ? AND seq > ? ORDER BY seq",
                        (payment_id, after)).fetchall()
