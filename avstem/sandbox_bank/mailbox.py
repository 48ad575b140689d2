"""File exchange: a directory per customer, as a bank's SFTP mailbox would be.

    DATA/mailbox/<orgnr>/inbound/    the customer drops pain.001 files here
    DATA/mailbox/<orgnr>/outbound/   the bank writes camt.053 (per account per business day),
                                     camt.054 notifications, pain.002 reports and Nets OCR files
    DATA/mailbox/<orgnr>/archive/    inbound files the bank has read, prefixed by the payment id

Only customers with an active file agreement are served. Inbound files are read when the bank
day advances (and on POST /sandbox/process-mailboxes); names starting with "." or ending in
".tmp" or ".part" are still being written and are left alone (write, then rename). The bank
writes the same way, so a reader of outbound/ never sees half a file.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from avstem.sandbox_bank import payments
from avstem.sandbox_bank.accounts import NotFound, get_account
from avstem.sandbox_bank.store import bank_day

IN_PROGRESS_SUFFIXES = (".tmp", ".part")


def mailbox_dir(data_dir: Path, org_number: str) -> Path:
    return Path(data_dir) / "mailbox" / org_number


def ensure_mailbox(data_dir: Path, org_number: str) -> Path:
    root = mailbox_dir(data_dir, org_number)
    for name in ("inbound", "outbound", "archive"):
        (root / name).mkdir(parents=True, exist_ok=True)
    return root


@dataclass
class FileWork:
    """Files to write and move once the database transaction has committed."""

    writes: list[tuple[Path, bytes]] = field(default_factory=list)
    moves: list[tuple[Path, Path]] = field(default_factory=list)

    def write(self, path: Path, data: bytes) -> None:
        self.writes.append((path, data))

    def apply(self) -> None:
        for path, data in self.writes:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_bytes(data)
            os.replace(tmp, path)
        for source, target in self.moves:
            target.parent.mkdir(parents=True, exist_ok=True)
            if source.exists():
                os.replace(source, target)

    @property
    def names(self) -> list[str]:
        return [p.name for p, _ in self.writes]


# --- agreements ----------------------------------------------------------------------------------


MAX_DAYS_APART = 400  # how far statements_from may be from the ordering day


def order_agreement(conn: sqlite3.Connection, data_dir: Path, org_number: str, *, accounts: list[str] | None = None,
                    confirm_after_days: int = 0, statements_from: object = None) -> dict:
    """A file-exchange agreement, active `confirm_after_days` business days after the bank day.

    Statements are delivered from `statements_from` (the customer's activation date; default the
    ordering day): when the agreement becomes active, the files of the closed business days from
    that date up to the confirmation are written once, then every day's as it closes."""
    from avstem.norway.calendar import add_business_days

    if conn.execute("SELECT 1 FROM customers WHERE org_number = ?", (org_number,)).fetchone() is None:
        raise NotFound(f"no customer with organisation number {org_number}")
    if not isinstance(confirm_after_days, int) or isinstance(confirm_after_days, bool) or not 0 <= confirm_after_days <= 30:
        raise ValueError("confirm_after_days must be a whole number of business days from 0 to 30")
    today = bank_day(conn)
    first = _statements_from(statements_from, today)
    ids = None
    if accounts is not None:
        ids = [_own_account(conn, org_number, key)["id"] for key in accounts]
    agreement_id = f"AGR{org_number}-{conn.execute('SELECT count(*) FROM agreements').fetchone()[0] + 1}"
    active_from = add_business_days(today, confirm_after_days)
    conn.execute("INSERT INTO agreements (id, org_number, kind, ordered_day, active_from, accounts, statements_from) "
                 "VALUES (?, ?, 'file', ?, ?, ?, ?)",
                 (agreement_id, org_number, today.isoformat(), active_from.isoformat(),
                  None if ids is None else json.dumps(ids), first.isoformat()))
    ensure_mailbox(data_dir, org_number)
    return agreement_json(conn.execute("SELECT * FROM agreements WHERE id = ?", (agreement_id,)).fetchone(), today)


def _statements_from(value: object, today: dt.date) -> dt.date:
    if value in (None, ""):
        return today
    try:
        day = dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"statements_from {value!r} is not a date (YYYY-MM-DD)") from None
    if abs((today - day).days) > MAX_DAYS_APART:
        raise ValueError(f"statements_from {day} is more than {MAX_DAYS_APART} days from the bank day {today}")
    return day  # after the bank day too: the customer's clock may be ahead of the sandbox's


def _own_account(conn: sqlite3.Connection, org_number: str, key: object) -> sqlite3.Row:
    account = get_account(conn, str(key))
    if account["org_number"] != org_number:
        raise ValueError(f"account {key} does not belong to {org_number}")
    return account


def deactivate_agreement(conn: sqlite3.Connection, agreement_id: str, accounts: list | None = None) -> dict:
    """End the agreement, or with `accounts` only for those accounts (files stop for them from the
    bank day on); an agreement left with no account ends."""
    row = conn.execute("SELECT * FROM agreements WHERE id = ?", (agreement_id,)).fetchone()
    if row is None:
        raise NotFound(f"no agreement {agreement_id}")
    today = bank_day(conn)
    if accounts is not None and row["deactivated_on"] is None:
        if not isinstance(accounts, list) or not accounts:
            raise ValueError("accounts must be a non-empty list of account ids or numbers")
        covered = json.loads(row["accounts"]) if row["accounts"] else None
        ended = json.loads(row["ended_accounts"] or "{}")
        for key in accounts:
            account = _own_account(conn, row["org_number"], key)
            if covered is not None and account["id"] not in covered:
                raise ValueError(f"account {key} is not under agreement {agreement_id}")
            ended.setdefault(account["id"], today.isoformat())
        conn.execute("UPDATE agreements SET ended_accounts = ? WHERE id = ?", (json.dumps(ended), agreement_id))
        under = covered if covered is not None else [a["id"] for a in conn.execute(
            "SELECT id FROM accounts WHERE org_number = ?", (row["org_number"],))]
        if set(under) <= set(ended):
            conn.execute("UPDATE agreements SET deactivated_on = ? WHERE id = ?", (today.isoformat(), agreement_id))
    elif row["deactivated_on"] is None:
        conn.execute("UPDATE agreements SET deactivated_on = ? WHERE id = ?", (today.isoformat(), agreement_id))
    return agreement_json(conn.execute("SELECT * FROM agreements WHERE id = ?", (agreement_id,)).fetchone(), today)


def agreement_json(row: sqlite3.Row, today: dt.date) -> dict:
    if row["deactivated_on"] is not None and row["deactivated_on"] <= today.isoformat():
        status = "deactivated"
    elif row["active_from"] > today.isoformat():
        status = "pending"
    else:
        status = "active"
    return {"id": row["id"], "org_number": row["org_number"], "kind": row["kind"], "status": status,
            "ordered_on": row["ordered_day"], "statements_from": row["statements_from"] or row["ordered_day"],
            "active_from": row["active_from"], "deactivated_on": row["deactivated_on"],
            "delivered_through": row["delivered_through"],
            "accounts": json.loads(row["accounts"]) if row["accounts"] else None,
            "ended_accounts": json.loads(row["ended_accounts"] or "{}")}


def agreements(conn: sqlite3.Connection, org_number: str | None = None) -> list[dict]:
    today = bank_day(conn)
    sql, args = "SELECT * FROM agreements", ()
    if org_number:
        sql, args = sql + " WHERE org_number = ?", (org_number,)
    return [agreement_json(r, today) for r in conn.execute(sql + " ORDER BY id", args)]


def _accounts_on(conn: sqlite3.Connection, agreement: sqlite3.Row, day: dt.date) -> list[sqlite3.Row]:
    """The agreement's accounts open on `day` and not taken off it by then."""
    wanted = json.loads(agreement["accounts"]) if agreement["accounts"] else None
    ended = json.loads(agreement["ended_accounts"] or "{}")
    return [account for account in conn.execute(
        "SELECT a.*, c.name AS owner_name FROM accounts a JOIN customers c USING (org_number) "
        "WHERE a.org_number = ? ORDER BY a.number", (agreement["org_number"],))
        if (wanted is None or account["id"] in wanted) and account["opened_on"] <= day.isoformat()
        and (account["id"] not in ended or ended[account["id"]] > day.isoformat())]


def covered_accounts(conn: sqlite3.Connection, day: dt.date) -> dict[str, list[sqlite3.Row]]:
    """Per customer, the accounts under an agreement active on `day`."""
    result: dict[str, dict[str, sqlite3.Row]] = {}
    rows = conn.execute("SELECT * FROM agreements WHERE kind = 'file' AND active_from <= ? "
                        "AND (deactivated_on IS NULL OR deactivated_on > ?)", (day.isoformat(), day.isoformat()))
    for agreement in rows.fetchall():
        for account in _accounts_on(conn, agreement, day):
            result.setdefault(agreement["org_number"], {})[account["id"]] = account
    return {org: list(accounts.values()) for org, accounts in result.items()}


def due_deliveries(conn: sqlite3.Connection, opened: dt.date) -> dict[dt.date, dict[str, list[sqlite3.Row]]]:
    """As the bank day `opened` opens: per closed business day not delivered yet, per customer, the
    accounts whose files are due. An agreement active on `opened` is owed every business day from
    its `statements_from` (the days of the waiting period too, once) to the day before `opened`;
    each agreement's `delivered_through` moves on so that no day is written twice."""
    from avstem.norway.calendar import business_days_in_range, previous_business_day

    last = previous_business_day(opened)
    due: dict[dt.date, dict[str, dict[str, sqlite3.Row]]] = {}
    rows = conn.execute("SELECT * FROM agreements WHERE kind = 'file' AND active_from <= ? "
                        "AND (deactivated_on IS NULL OR deactivated_on > ?)", (opened.isoformat(), last.isoformat()))
    for agreement in rows.fetchall():
        first = dt.date.fromisoformat(agreement["statements_from"] or agreement["ordered_day"])
        if agreement["delivered_through"]:
            first = max(first, dt.date.fromisoformat(agreement["delivered_through"]) + dt.timedelta(days=1))
        for day in business_days_in_range(first, last):
            if agreement["deactivated_on"] is not None and agreement["deactivated_on"] <= day.isoformat():
                break
            for account in _accounts_on(conn, agreement, day):
                due.setdefault(day, {}).setdefault(agreement["org_number"], {})[account["id"]] = account
        if first <= last:
            conn.execute("UPDATE agreements SET delivered_through = ? WHERE id = ?", (last.isoformat(), agreement["id"]))
    return {day: {org: list(accounts.values()) for org, accounts in by_org.items()}
            for day, by_org in sorted(due.items())}


# --- inbound and outbound ------------------------------------------------------------------------


def process_inbound(conn: sqlite3.Connection, data_dir: Path, day: dt.date, now: dt.datetime,
                    work: FileWork) -> list[dict]:
    """Read every complete inbound file of customers with an agreement active on `day`."""
    received = []
    for org_number in sorted(covered_accounts(conn, day)):
        inbound = mailbox_dir(data_dir, org_number) / "inbound"
        if not inbound.is_dir():
            continue
        for path in sorted(p for p in inbound.iterdir() if p.is_file() and not _in_progress(p.name)):
            if any(source == path for source, _ in work.moves):
                continue
            payment = payments.receive(conn, org_number, path.read_bytes(), channel="file", filename=path.name, now=now)
            work.moves.append((path, mailbox_dir(data_dir, org_number) / "archive" / f"{payment['id']}-{path.name}"))
            write_reports(conn, data_dir, payment["id"], work)
            received.append({"org_number": org_number, "file": path.name, "payment_id": payment["id"],
                             "status": payment["status"]})
    return received


def write_reports(conn: sqlite3.Connection, data_dir: Path, payment_id: str, work: FileWork) -> None:
    """The payment's status reports not yet in the outbound mailbox (file payments only)."""
    payment = conn.execute("SELECT org_number, channel FROM payments WHERE id = ?", (payment_id,)).fetchone()
    if payment is None or payment["channel"] != "file":
        return
    outbound = mailbox_dir(data_dir, payment["org_number"]) / "outbound"
    for report in payments.status_report_rows(conn, payment_id):
        path = outbound / f"pain002_{payment_id}_{report['seq']}.xml"
        if not path.exists() and all(p != path for p, _ in work.writes):
            work.write(path, bytes(report["document"]))


def _in_progress(name: str) -> bool:
    return name.startswith(".") or name.endswith(IN_PROGRESS_SUFFIXES)
