"""Customers, the people who may act for them, their accounts, and the entries on those accounts.

Functions take an open connection (the caller owns the transaction). Amounts are øre.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from stdnum.no import fodselsnummer

from avstem.norway.accounts import bank_for_registration_number, validate_account_number
from avstem.norway.errors import InvalidNumber
from avstem.norway.identifiers import validate_national_id, validate_organisation_number
from avstem.sandbox_bank.banks import iban_of, new_account_number, resolve_bank
from avstem.sandbox_bank.store import bank_day, kroner, next_number

CURRENCIES = ("NOK", "EUR", "USD", "SEK", "DKK", "GBP")


class Conflict(ValueError):
    """The thing exists already (HTTP 409)."""


class NotFound(LookupError):
    pass


# --- people and customers ------------------------------------------------------------------------


def test_national_id(seed: str) -> str:
    """A valid fødselsnummer for a test person, chosen deterministically from `seed`."""
    n = int(hashlib.sha256(seed.encode()).hexdigest()[:12], 16)
    for step in range(10_000):
        k = n + step
        born = dt.date(1950, 1, 1) + dt.timedelta(days=k % 18_000)
        individual = 100 + (k // 18_000) % 400  # 1900-1999 births use individual numbers 000-499
        base = f"{born:%d%m%y}{individual:03d}"
        d1 = fodselsnummer.calc_check_digit1(base)
        if d1 == "10" or len(d1) != 1:
            continue
        d2 = fodselsnummer.calc_check_digit2(base + d1)
        if len(d2) != 1:
            continue
        number = base + d1 + d2
        try:
            return validate_national_id(number)
        except InvalidNumber:
            continue
    raise ValueError("no national identity number found")  # pragma: no cover


def check_org_number(value: object) -> str:
    try:
        return validate_organisation_number(str(value))
    except InvalidNumber as exc:
        raise ValueError(f"org_number {value!r}: {exc}") from None


def check_national_id(value: object) -> str:
    try:
        return validate_national_id(str(value), allow_synthetic=True)
    except InvalidNumber as exc:
        raise ValueError(f"national_id {value!r}: {exc}") from None


def create_customer(conn: sqlite3.Connection, org_number: str, name: str,
                    persons: Iterable[dict] | None = None) -> dict:
    """A company customer; `persons` ({national_id, name}) may act for it. Without persons, one
    test person is made for it, so every customer can be logged in to."""
    org_number = check_org_number(org_number)
    name = (name or "").strip()
    if not name:
        raise ValueError("name is required")
    if conn.execute("SELECT 1 FROM customers WHERE org_number = ?", (org_number,)).fetchone():
        raise Conflict(f"customer {org_number} exists already")
    conn.execute("INSERT INTO customers (org_number, name, created_day) VALUES (?, ?, ?)",
                 (org_number, name, bank_day(conn).isoformat()))
    people = list(persons or []) or [{"national_id": test_national_id(org_number), "name": f"Daglig leder {name}"}]
    for person in people:
        add_person(conn, org_number, person.get("national_id"), person.get("name"))
    return customer(conn, org_number)


def add_person(conn: sqlite3.Connection, org_number: str, national_id: object, name: object) -> None:
    national_id = check_national_id(national_id)
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"persons: name is required for {national_id}")
    conn.execute("INSERT INTO persons (national_id, name) VALUES (?, ?) ON CONFLICT DO NOTHING",
                 (national_id, name.strip()))
    conn.execute("INSERT INTO person_rights (national_id, org_number) VALUES (?, ?) ON CONFLICT DO NOTHING",
                 (national_id, org_number))


def customer(conn: sqlite3.Connection, org_number: str) -> dict:
    row = conn.execute("SELECT * FROM customers WHERE org_number = ?", (org_number,)).fetchone()
    if row is None:
        raise NotFound(f"no customer with organisation number {org_number}")
    persons = conn.execute(
        "SELECT p.national_id, p.name FROM persons p JOIN person_rights r USING (national_id) "
        "WHERE r.org_number = ? ORDER BY p.name", (org_number,)).fetchall()
    return {"org_number": row["org_number"], "name": row["name"], "created_day": row["created_day"],
            "persons": [dict(p) for p in persons],
            "accounts": [account_json(a) for a in accounts_of(conn, org_number)]}


def customers(conn: sqlite3.Connection) -> list[dict]:
    return [customer(conn, r[0]) for r in conn.execute("SELECT org_number FROM customers ORDER BY name")]


def persons(conn: sqlite3.Connection) -> list[dict]:
    """Every test person with the companies they may act for (the login page's picker)."""
    rows = conn.execute(
        "SELECT p.national_id, p.name, c.org_number, c.name AS company FROM persons p "
        "JOIN person_rights r USING (national_id) JOIN customers c ON c.org_number = r.org_number "
        "ORDER BY p.name, c.name").fetchall()
    result: dict[str, dict] = {}
    for r in rows:
        person = result.setdefault(r["national_id"], {"national_id": r["national_id"], "name": r["name"], "companies": []})
        person["companies"].append({"org_number": r["org_number"], "name": r["company"]})
    return list(result.values())


def companies_of(conn: sqlite3.Connection, national_id: str) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT c.org_number, c.name FROM customers c JOIN person_rights r USING (org_number) "
        "WHERE r.national_id = ? ORDER BY c.name", (national_id,)).fetchall()


# --- accounts ------------------------------------------------------------------------------------


def account_id_for(number: str) -> str:
    """Opaque but stable: the same account number always has the same id."""
    return "acc-" + hashlib.sha256(f"sandbox-account:{number}".encode()).hexdigest()[:16]


def create_account(conn: sqlite3.Connection, org_number: str, *, bank: str | None = None,
                   number: str | None = None, currency: str = "NOK", name: str = "Driftskonto",
                   balance: int = 0, opened_on: dt.date | None = None, credit_limit: int = 0,
                   ocr_agreement_id: str | None = None) -> dict:
    """An account at `bank` (key, registration number or name) or with the given `number`
    (which decides the bank). A new number is valid (MOD11) and unused."""
    if conn.execute("SELECT 1 FROM customers WHERE org_number = ?", (org_number,)).fetchone() is None:
        raise NotFound(f"no customer with organisation number {org_number}")
    if currency not in CURRENCIES:
        raise ValueError(f"currency {currency!r} is not offered; use one of {', '.join(CURRENCIES)}")
    if number is not None:
        try:
            number = validate_account_number(str(number))
        except InvalidNumber as exc:
            raise ValueError(f"account_number {number!r}: {exc}") from None
        if bank_for_registration_number(number[:4]) is None:
            raise ValueError(f"account_number {number}: registration number {number[:4]} is not in the bank registry")
        if bank is not None and resolve_bank(bank).registration_number != number[:4]:
            raise ValueError(f"account_number {number} does not belong to bank {bank!r}")
        if conn.execute("SELECT 1 FROM accounts WHERE number = ?", (number,)).fetchone():
            raise Conflict(f"account {number} exists already")
    else:
        registration = resolve_bank(bank or "dnb").registration_number
        sequence = conn.execute("SELECT count(*) FROM accounts WHERE org_number = ?", (org_number,)).fetchone()[0]
        number = new_account_number(conn, registration, f"{org_number}:{name}:{currency}:{sequence}")
    if ocr_agreement_id is not None and not (len(str(ocr_agreement_id)) == 9 and str(ocr_agreement_id).isdigit()):
        raise ValueError("ocr_agreement_id must be 9 digits (the Nets agreement id)")
    if credit_limit < 0:
        raise ValueError("credit_limit cannot be negative")
    opened = opened_on or bank_day(conn)
    account_id = account_id_for(number)
    conn.execute(
        "INSERT INTO accounts (id, number, iban, org_number, registration_number, currency, name, opened_on, "
        "opening_balance, credit_limit, ocr_agreement_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (account_id, number, iban_of(number), org_number, number[:4], currency, name.strip() or "Konto",
         opened.isoformat(), balance, credit_limit, ocr_agreement_id))
    return account_json(get_account(conn, account_id))


def get_account(conn: sqlite3.Connection, key: str) -> sqlite3.Row:
    """An account by id, 11-digit number or IBAN."""
    compact = key.replace(".", "").replace(" ", "")
    row = conn.execute("SELECT a.*, c.name AS owner_name FROM accounts a JOIN customers c USING (org_number) "
                       "WHERE a.id = ? OR a.number = ? OR a.iban = ?", (key, compact, compact.upper())).fetchone()
    if row is None:
        raise NotFound(f"no account {key!r}")
    return row


def accounts_of(conn: sqlite3.Connection, org_number: str) -> list[sqlite3.Row]:
    return conn.execute("SELECT a.*, c.name AS owner_name FROM accounts a JOIN customers c USING (org_number) "
                        "WHERE a.org_number = ? ORDER BY a.opened_on, a.number", (org_number,)).fetchall()


def account_json(row: sqlite3.Row) -> dict:
    bank = bank_for_registration_number(row["registration_number"])
    return {
        "id": row["id"], "account_number": row["number"], "iban": row["iban"],
        "name": row["name"], "currency": row["currency"],
        "bank_name": bank.name if bank else None, "bic": bank.bic if bank else None,
        "owner": {"name": row["owner_name"], "org_number": row["org_number"]},
        "opened_on": row["opened_on"], "credit_limit": kroner(row["credit_limit"]),
        "ocr_agreement_id": row["ocr_agreement_id"],
    }


# --- entries -------------------------------------------------------------------------------------


@dataclass(slots=True)
class Detail:
    """One transaction inside an entry (camt TxDtls). `amount` is signed øre."""

    amount: int
    name: str | None = None
    account: str | None = None  # the counterparty's account (BBAN or IBAN)
    bic: str | None = None
    org_id: str | None = None
    kids: tuple[str, ...] = ()  # structured references (SCOR), several for a multi-invoice payment
    message: str | None = None  # free text (Ustrd)
    end_to_end_id: str | None = None
    instruction_id: str | None = None
    payment_information_id: str | None = None
    message_id: str | None = None
    reference: str | None = None  # the bank's archive reference of this transaction
    info: str | None = None  # AddtlTxInf


@dataclass(slots=True)
class NewEntry:
    account_id: str
    amount: int  # signed øre: credits positive
    kind: str
    transaction_date: dt.date
    currency: str = "NOK"
    status: str = "BOOK"
    booking_date: dt.date | None = None  # default: transaction_date when booked
    value_date: dt.date | None = None
    book_on: dt.date | None = None  # pending: the day it books
    code: tuple[str, str, str] | None = None  # ISO bank transaction code (domain, family, sub-family)
    info: str | None = None  # AddtlNtryInf
    batch: bool = False
    details: Sequence[Detail] = field(default_factory=tuple)
    payment_id: str | None = None
    id: str | None = None


# ISO bank transaction codes by entry kind (domain, family, sub-family).
CODES = {
    "credit_transfer": ("PMNT", "RCDT", "DMCT"),
    "ocr_batch": ("PMNT", "RCDT", "DMCT"),
    "payment": ("PMNT", "ICDT", "DMCT"),
    "card": ("PMNT", "CCRD", "POSD"),
    "fee": ("ACMT", "MDOP", "CHRG"),
    "interest": ("ACMT", "MDOP", "INTR"),
    "salary": ("PMNT", "ICDT", "SALA"),
    "own_transfer": ("PMNT", "ICDT", "BOOK"),
    "own_transfer_in": ("PMNT", "RCDT", "BOOK"),
    "direct_debit": ("PMNT", "RDDT", "PMDD"),
}
KINDS = tuple(CODES)


def new_entry_id(conn: sqlite3.Connection) -> str:
    return f"T{next_number(conn, 'entry'):010d}"


def add_entries(conn: sqlite3.Connection, entries: Sequence[NewEntry]) -> list[str]:
    """Insert entries with their details in bulk; returns their ids."""
    rows, detail_rows, ids = [], [], []
    for e in entries:
        if e.status not in ("BOOK", "PDNG"):
            raise ValueError(f"status {e.status!r} is not BOOK or PDNG")
        if e.details and sum(d.amount for d in e.details) != e.amount:
            raise ValueError(f"entry amount {kroner(e.amount)} differs from its transactions' sum "
                             f"{kroner(sum(d.amount for d in e.details))}")
        entry_id = e.id or new_entry_id(conn)
        ids.append(entry_id)
        booked = e.status == "BOOK"
        booking = (e.booking_date or e.transaction_date) if booked else None
        if not booked and e.book_on is None:
            raise ValueError("a pending entry needs book_on (the day it books)")
        code = e.code or CODES.get(e.kind)
        rows.append((
            entry_id, e.account_id, e.status, e.amount, e.currency,
            (booking or e.transaction_date).isoformat(), e.transaction_date.isoformat(),
            booking.isoformat() if booking else None, (e.value_date or booking or e.transaction_date).isoformat(),
            None if booked else e.book_on.isoformat(),  # type: ignore[union-attr]
            e.kind, *(code or (None, None, None)), e.info, int(e.batch), e.payment_id))
        for n, d in enumerate(e.details):
            detail_rows.append((entry_id, n, d.amount, d.name, d.account, d.bic, d.org_id, " ".join(d.kids) or None,
                                d.message, d.end_to_end_id, d.instruction_id, d.payment_information_id,
                                d.message_id, d.reference, d.info))
    conn.executemany(
        "INSERT INTO entries (id, account_id, status, amount, currency, day, transaction_date, booking_date, "
        "value_date, book_on, kind, domain, family, sub_family, info, batch, payment_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.executemany("INSERT INTO details VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", detail_rows)
    return ids


def book_pending(conn: sqlite3.Connection, day: dt.date) -> int:
    """Pending entries due on or before `day` are booked on `day`, keeping their ids."""
    cur = conn.execute(
        "UPDATE entries SET status = 'BOOK', booking_date = ?, day = ?, book_on = NULL "
        "WHERE status = 'PDNG' AND book_on <= ?", (day.isoformat(), day.isoformat(), day.isoformat()))
    return cur.rowcount


def cancel_pending(conn: sqlite3.Connection, entry_id: str) -> dict:
    """A pending entry the bank drops (a card hold released, a transfer stopped): it disappears
    from every later answer and file. Booked entries are never removed; an entry made by a
    payment follows that payment instead."""
    row = conn.execute("SELECT * FROM entries WHERE id = ?", (str(entry_id),)).fetchone()
    if row is None:
        raise NotFound(f"no transaction {entry_id}")
    if row["status"] != "PDNG":
        raise Conflict(f"transaction {entry_id} is booked; only pending transactions can be cancelled")
    if row["payment_id"]:
        raise Conflict(f"transaction {entry_id} belongs to payment {row['payment_id']}; it cannot be cancelled alone")
    result = entry_json(row, details_of(conn, [row["id"]])[row["id"]])
    conn.execute("DELETE FROM details WHERE entry_id = ?", (row["id"],))
    conn.execute("DELETE FROM entries WHERE id = ?", (row["id"],))
    return {**result, "status": "cancelled"}


def booked_balance(conn: sqlite3.Connection, account: sqlite3.Row, before: dt.date | None = None,
                   through: dt.date | None = None) -> int:
    """The booked balance from all entries booked before `before` (or through `through`)."""
    sql = "SELECT coalesce(sum(amount), 0) FROM entries WHERE account_id = ? AND status = 'BOOK'"
    args: list = [account["id"]]
    if before is not None:
        sql += " AND day < ?"
        args.append(before.isoformat())
    if through is not None:
        sql += " AND day <= ?"
        args.append(through.isoformat())
    return int(account["opening_balance"]) + int(conn.execute(sql, args).fetchone()[0])


def pending_debits(conn: sqlite3.Connection, account: sqlite3.Row, through: dt.date | None = None) -> int:
    """Debits held but not booked (now, or at the end of `through`: made by then, booked later)."""
    if through is None:
        sql = "SELECT coalesce(sum(amount), 0) FROM entries WHERE account_id = ? AND status = 'PDNG' AND amount < 0"
        return int(conn.execute(sql, (account["id"],)).fetchone()[0])
    day = through.isoformat()
    sql = ("SELECT coalesce(sum(amount), 0) FROM entries WHERE account_id = ? AND amount < 0 AND transaction_date <= ? "
           "AND (status = 'PDNG' OR booking_date > ?)")
    return int(conn.execute(sql, (account["id"], day, day)).fetchone()[0])


def available_balance(conn: sqlite3.Connection, account: sqlite3.Row) -> int:
    """What can be spent now: booked balance, less pending debits, plus the credit line."""
    return booked_balance(conn, account) + pending_debits(conn, account) + int(account["credit_limit"])


def daily_balances(conn: sqlite3.Connection, account: sqlite3.Row, first: dt.date, last: dt.date,
                   today: dt.date) -> list[dict]:
    """Per business day in [first, last] (not after today): opening and closing booked, available."""
    from avstem.norway.calendar import business_days_in_range

    last = min(last, today)
    if last < first:
        return []
    opening = booked_balance(conn, account, before=first)
    moves = dict(conn.execute(
        "SELECT day, sum(amount) FROM entries WHERE account_id = ? AND status = 'BOOK' AND day BETWEEN ? AND ? "
        "GROUP BY day", (account["id"], first.isoformat(), last.isoformat())).fetchall())
    held_rows = conn.execute(
        "SELECT transaction_date, booking_date, amount FROM entries WHERE account_id = ? AND amount < 0 "
        "AND (status = 'PDNG' OR booking_date > transaction_date) AND transaction_date <= ?",
        (account["id"], last.isoformat())).fetchall()
    result = []
    for day in business_days_in_range(first, last):
        closing = opening + int(moves.get(day.isoformat(), 0))
        iso = day.isoformat()
        held = sum(int(h[2]) for h in held_rows if h[0] <= iso and (h[1] is None or h[1] > iso))
        result.append({
            "date": day, "opening_booked": kroner(opening), "closing_booked": kroner(closing),
            "available": kroner(closing + held + int(account["credit_limit"])),
            "final": day < today,  # today's figures are interim until the day closes
        })
        opening = closing
    return result


def entry_rows(conn: sqlite3.Connection, account_id: str, first: dt.date, last: dt.date, *,
               after: tuple[str, int] | None = None, limit: int | None = None,
               status: str | None = None, with_details: bool = False) -> list[sqlite3.Row]:
    sql = "SELECT * FROM entries WHERE account_id = ? AND day BETWEEN ? AND ?"
    args: list = [account_id, first.isoformat(), last.isoformat()]
    if status:
        sql += " AND status = ?"
        args.append(status)
    if after is not None:
        sql += " AND (day > ? OR (day = ? AND seq > ?))"
        args += [after[0], after[0], after[1]]
    sql += " ORDER BY day, seq"
    if limit is not None:
        sql += " LIMIT ?"
        args.append(limit)
    return conn.execute(sql, args).fetchall()


def details_of(conn: sqlite3.Connection, entry_ids: Sequence[str]) -> dict[str, list[sqlite3.Row]]:
    result: dict[str, list[sqlite3.Row]] = {i: [] for i in entry_ids}
    for start in range(0, len(entry_ids), 500):
        chunk = list(entry_ids[start:start + 500])
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(f"SELECT * FROM details WHERE entry_id IN ({marks}) ORDER BY entry_id, n", chunk):
            result[row["entry_id"]].append(row)
    return result


def entry_json(row: sqlite3.Row, details: Sequence[sqlite3.Row]) -> dict:
    booked = row["status"] == "BOOK"
    return {
        "id": row["id"],
        "status": "booked" if booked else "pending",
        "booking_date": row["booking_date"],
        "value_date": row["value_date"],
        "transaction_date": row["transaction_date"],
        "expected_booking_date": None if booked else row["book_on"],
        "amount": kroner(row["amount"]),
        "currency": row["currency"],
        "kind": row["kind"],
        "description": row["info"],
        "archive_reference": row["id"],
        "bank_transaction_code": (
            {"domain": row["domain"], "family": row["family"], "sub_family": row["sub_family"]}
            if row["domain"] else None),
        "batch": {"number_of_transactions": len(details), "total": kroner(row["amount"])} if row["batch"] else None,
        "payment_id": row["payment_id"],
        "transactions": [detail_json(d) for d in details],
    }


def detail_json(d: sqlite3.Row) -> dict:
    return {
        "amount": kroner(d["amount"]),
        "counterparty": {"name": d["name"], "account": d["account"], "bic": d["bic"], "org_number": d["org_id"]},
        "kids": d["kids"].split() if d["kids"] else [],
        "message": d["message"],
        "end_to_end_id": d["end_to_end_id"],
        "instruction_id": d["instruction_id"],
        "payment_information_id": d["payment_information_id"],
        "message_id": d["message_id"],
        "reference": d["reference"],
        "additional_info": d["info"],
    }
