"""The sandbox bank's state: one SQLite database under its data directory (stdlib sqlite3).

Every operation runs in one transaction (`Store.write()` takes the write lock at BEGIN, so two
requests never interleave half-done work; `Store.read()` reads one consistent snapshot).
Money is integer øre; dates are ISO text; the bank day lives in `meta`.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from avstem.norway.calendar import business_day_on_or_after

SCHEMA_VERSION = "1"

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);

CREATE TABLE IF NOT EXISTS customers (
    org_number TEXT PRIMARY KEY, name TEXT NOT NULL, created_day TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS persons (national_id TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS person_rights (
    national_id TEXT NOT NULL REFERENCES persons, org_number TEXT NOT NULL REFERENCES customers,
    PRIMARY KEY (national_id, org_number));

CREATE TABLE IF NOT EXISTS accounts (
    id TEXT PRIMARY KEY, number TEXT NOT NULL UNIQUE, iban TEXT NOT NULL,
    org_number TEXT NOT NULL REFERENCES customers, registration_number TEXT NOT NULL,
    currency TEXT NOT NULL, name TEXT NOT NULL, opened_on TEXT NOT NULL,
    opening_balance INTEGER NOT NULL, credit_limit INTEGER NOT NULL DEFAULT 0,
    ocr_agreement_id TEXT);
CREATE INDEX IF NOT EXISTS accounts_by_owner ON accounts (org_number);

-- One line on the statement (camt Ntry). `day` orders and filters: the booking date once
-- booked, the transaction date while pending (a pending entry keeps its id when it books).
CREATE TABLE IF NOT EXISTS entries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
    account_id TEXT NOT NULL REFERENCES accounts, status TEXT NOT NULL CHECK (status IN ('BOOK', 'PDNG')),
    amount INTEGER NOT NULL, currency TEXT NOT NULL, day TEXT NOT NULL, transaction_date TEXT NOT NULL,
    booking_date TEXT, value_date TEXT, book_on TEXT, kind TEXT NOT NULL,
    domain TEXT, family TEXT, sub_family TEXT, info TEXT, batch INTEGER NOT NULL DEFAULT 0,
    payment_id TEXT);
CREATE INDEX IF NOT EXISTS entries_by_account_day ON entries (account_id, day, seq);
CREATE INDEX IF NOT EXISTS entries_pending ON entries (status, book_on) WHERE status = 'PDNG';

-- The transactions inside an entry (camt TxDtls); a batch entry has many.
CREATE TABLE IF NOT EXISTS details (
    entry_id TEXT NOT NULL, n INTEGER NOT NULL, amount INTEGER NOT NULL,
    name TEXT, account TEXT, bic TEXT, org_id TEXT, kids TEXT, message TEXT,
    end_to_end_id TEXT, instruction_id TEXT, payment_information_id TEXT, message_id TEXT,
    reference TEXT, info TEXT, PRIMARY KEY (entry_id, n)) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS payments (
    id TEXT PRIMARY KEY, org_number TEXT NOT NULL, message_id TEXT, channel TEXT NOT NULL,
    received_at TEXT NOT NULL, received_day TEXT NOT NULL, version TEXT, status TEXT NOT NULL,
    duplicate_of TEXT, filename TEXT, client_id TEXT,
    original_created TEXT, original_count INTEGER, original_sum TEXT, document BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS payments_by_message ON payments (org_number, message_id);
CREATE TABLE IF NOT EXISTS payment_transactions (
    payment_id TEXT NOT NULL, n INTEGER NOT NULL, payment_information_id TEXT,
    block_count INTEGER, block_sum TEXT, batch_booking INTEGER NOT NULL DEFAULT 0,
    end_to_end_id TEXT, instruction_id TEXT, debtor_account_id TEXT, debtor_account TEXT,
    debtor_name TEXT, creditor_account TEXT, creditor_name TEXT, creditor_bic TEXT,
    amount INTEGER NOT NULL, currency TEXT NOT NULL, kid TEXT, message TEXT,
    requested_date TEXT, execution_date TEXT, status TEXT NOT NULL, reason TEXT, reason_info TEXT,
    entry_id TEXT, PRIMARY KEY (payment_id, n));
CREATE INDEX IF NOT EXISTS payment_transactions_due ON payment_transactions (status, execution_date);
CREATE TABLE IF NOT EXISTS status_reports (
    payment_id TEXT NOT NULL, seq INTEGER NOT NULL, created_at TEXT NOT NULL, status TEXT,
    document BLOB NOT NULL, PRIMARY KEY (payment_id, seq));

-- A file-exchange agreement. statements_from: the first day whose files are delivered (the
-- customer's activation date, by default the ordering day); delivered_through: the last closed
-- day whose files were written; ended_accounts: {account id: day} for accounts taken off it.
CREATE TABLE IF NOT EXISTS agreements (
    id TEXT PRIMARY KEY, org_number TEXT NOT NULL REFERENCES customers, kind TEXT NOT NULL,
    ordered_day TEXT NOT NULL, active_from TEXT NOT NULL, deactivated_on TEXT, accounts TEXT,
    statements_from TEXT, delivered_through TEXT, ended_accounts TEXT);

CREATE TABLE IF NOT EXISTS clients (
    client_id TEXT PRIMARY KEY, name TEXT NOT NULL, redirect_uris TEXT NOT NULL,
    secret_hash TEXT, loopback INTEGER NOT NULL DEFAULT 0,
    rate_requests INTEGER, rate_seconds REAL);
CREATE TABLE IF NOT EXISTS logins (
    id TEXT PRIMARY KEY, client_id TEXT NOT NULL, redirect_uri TEXT NOT NULL, state TEXT,
    code_challenge TEXT NOT NULL, scope TEXT NOT NULL, national_id TEXT, created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS grants (
    id TEXT PRIMARY KEY, client_id TEXT NOT NULL, national_id TEXT NOT NULL,
    org_number TEXT NOT NULL, scope TEXT NOT NULL, created_day TEXT NOT NULL,
    consent_expires TEXT NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS codes (
    code_hash TEXT PRIMARY KEY, grant_id TEXT NOT NULL, client_id TEXT NOT NULL,
    redirect_uri TEXT NOT NULL, code_challenge TEXT NOT NULL, expires_at REAL NOT NULL,
    used INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS tokens (
    token_hash TEXT PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
    grant_id TEXT NOT NULL, expires_at REAL NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS tokens_by_grant ON tokens (grant_id);
"""

DEFAULT_SETTINGS: dict[str, Any] = {
    "access_token_seconds": 3600,
    "refresh_token_days": 90,
    "authorization_code_seconds": 120,
    "consent_days": 180,
    "rate_limit_requests": 100,  # per client, unless the client has its own limit
    "rate_limit_seconds": 1.0,
}


class Store:
    def __init__(self, data_dir: str | Path, start_day: dt.date | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.path = self.data_dir / "sandbox-bank.sqlite3"
        self._init(start_day)

    def connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, timeout=30, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.execute("PRAGMA foreign_keys = ON")
        return conn

    def _init(self, start_day: dt.date | None) -> None:
        conn = self.connect()
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.executescript(SCHEMA)
            with _transaction(conn):
                if get_meta(conn, "schema_version") is None:
                    set_meta(conn, "schema_version", SCHEMA_VERSION)
                if get_meta(conn, "bank_day") is None:
                    day = business_day_on_or_after(start_day or dt.date.today())
                    set_meta(conn, "bank_day", day.isoformat())
                _upgrade(conn)
        finally:
            conn.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One all-or-nothing write transaction (BEGIN IMMEDIATE: writers queue up at the start)."""
        conn = self.connect()
        try:
            with _transaction(conn, immediate=True):
                yield conn
        finally:
            conn.close()

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A consistent read snapshot."""
        conn = self.connect()
        try:
            with _transaction(conn):
                yield conn
        finally:
            conn.close()


def _upgrade(conn: sqlite3.Connection) -> None:
    """Columns added after a data directory was made. Agreements already active were served day by
    day until now, so their files count as delivered through the last closed day."""
    have = {row[1] for row in conn.execute("PRAGMA table_info(agreements)")}
    added = [name for name in ("statements_from", "delivered_through", "ended_accounts") if name not in have]
    for name in added:
        conn.execute(f"ALTER TABLE agreements ADD COLUMN {name} TEXT")
    if "delivered_through" in added:
        from avstem.norway.calendar import previous_business_day

        today = bank_day(conn)
        conn.execute("UPDATE agreements SET delivered_through = ? WHERE active_from <= ?",
                     (previous_business_day(today).isoformat(), today.isoformat()))


@contextmanager
def _transaction(conn: sqlite3.Connection, immediate: bool = False) -> Iterator[sqlite3.Connection]:
    conn.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def get_meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else row[0]


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                 (key, value))


def bank_day(conn: sqlite3.Connection) -> dt.date:
    return dt.date.fromisoformat(get_meta(conn, "bank_day"))  # type: ignore[arg-type]


def settings(conn: sqlite3.Connection) -> dict[str, Any]:
    stored = json.loads(get_meta(conn, "settings") or "{}")
    return {**DEFAULT_SETTINGS, **stored}


def update_settings(conn: sqlite3.Connection, changes: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(changes) - set(DEFAULT_SETTINGS))
    if unknown:
        raise ValueError(f"unknown setting(s) {', '.join(unknown)}; known: {', '.join(DEFAULT_SETTINGS)}")
    current = settings(conn)
    for key, value in changes.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise ValueError(f"{key} must be a positive number, got {value!r}")
        current[key] = value
    set_meta(conn, "settings", json.dumps(current))
    return current


def next_number(conn: sqlite3.Connection, name: str) -> int:
    row = conn.execute(
        "INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = value + 1 "
        "RETURNING value", (name,)).fetchone()
    return int(row[0])


def ore(amount: Any) -> int:
    """Decimal kroner (or its text) -> integer øre; refuses fractions of an øre."""
    try:
        value = Decimal(str(amount).strip())
    except (InvalidOperation, ValueError):
        raise ValueError(f"{amount!r} is not an amount") from None
    if not value.is_finite():
        raise ValueError(f"{amount!r} is not an amount")
    scaled = value * 100
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} has more than 2 decimals")
    return int(scaled)


def kroner(amount_ore: int) -> Decimal:
    return Decimal(amount_ore).scaleb(-2)
