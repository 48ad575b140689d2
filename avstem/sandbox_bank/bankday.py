"""The bank day: always a Norwegian business day, moved forward only by the tests or the
operator (POST /sandbox/advance-day), so "the next morning" can be simulated.

Closing a day, in order: read the mailboxes' inbound files; execute the payments due (booked on
that day, with their second pain.002); book pending entries due; then write the files due as the
next day opens (camt.053 per account, camt.054, Nets OCR) to the outbound mailbox of customers
with an active file agreement: the closed day's, and for an agreement that has just become active
those of every business day from its activation date (`statements_from`) on, once. The whole
advance is one database transaction; files are written after commit.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from avstem.norway.calendar import add_business_days, business_day_on_or_after, next_business_day
from avstem.sandbox_bank import mailbox, payments, statements
from avstem.sandbox_bank.accounts import book_pending
from avstem.sandbox_bank.statements import OSLO, NotAvailable
from avstem.sandbox_bank.store import Store, bank_day, set_meta

MAX_DAYS = 400  # one advance closes at most this many business days


def target_day(today: dt.date, days: object = None, to: object = None) -> dt.date:
    if days is not None and to is not None:
        raise ValueError("give days or to, not both")
    if to is not None:
        try:
            wanted = dt.date.fromisoformat(str(to))
        except ValueError:
            raise ValueError(f"to {to!r} is not a date (YYYY-MM-DD)") from None
        target = business_day_on_or_after(wanted)
        if target <= today:
            raise ValueError(f"the bank day is {today}; it only moves forward (to {wanted} gives {target})")
        return target
    count = 1 if days is None else days
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_DAYS:
        raise ValueError(f"days must be a whole number of business days from 1 to {MAX_DAYS}")
    return add_business_days(today, count)


def advance(store: Store, *, days: object = None, to: object = None, now: dt.datetime | None = None) -> dict:
    work = mailbox.FileWork()
    with store.write() as conn:
        today = bank_day(conn)
        target = target_day(today, days, to)
        closed, received, executed, booked = [], [], [], 0
        day = today
        while day < target:
            stamp = now or dt.datetime.combine(day, dt.time(17, 0), OSLO)
            received += mailbox.process_inbound(conn, store.data_dir, day, stamp, work)
            done = payments.execute_due(conn, day, stamp)
            executed += done
            for payment_id in done:
                mailbox.write_reports(conn, store.data_dir, payment_id, work)
            booked += book_pending(conn, day)
            write_due_files(conn, store.data_dir, next_business_day(day), work)
            closed.append(day)
            day = next_business_day(day)
        set_meta(conn, "bank_day", target.isoformat())
        booked += book_pending(conn, target)  # what was due to book on the new day books as it opens
    work.apply()
    return {"bank_day": target, "closed_days": closed, "mailbox_files_read": received,
            "payments_with_new_status": executed, "pending_booked": booked, "files_written": work.names}


def process_mailboxes(store: Store) -> dict:
    work = mailbox.FileWork()
    with store.write() as conn:
        today = bank_day(conn)
        received = mailbox.process_inbound(conn, store.data_dir, today, dt.datetime.now(OSLO).replace(microsecond=0),
                                           work)
    work.apply()
    return {"bank_day": today, "mailbox_files_read": received, "files_written": work.names}


def write_due_files(conn: sqlite3.Connection, data_dir: Path, opened: dt.date, work: mailbox.FileWork) -> None:
    """The files due as the bank day `opened` opens (mailbox.due_deliveries): each closed day's
    documents exactly as they would have been written the evening that day closed."""
    for day, customers in mailbox.due_deliveries(conn, opened).items():
        for org_number, accounts in customers.items():
            write_day_files(conn, data_dir, day, org_number, accounts, work)


def write_day_files(conn: sqlite3.Connection, data_dir: Path, day: dt.date, org_number: str,
                    accounts: list[sqlite3.Row], work: mailbox.FileWork) -> None:
    """One customer's documents of one closed day: camt.053 and camt.054 per account, Nets OCR."""
    today = next_business_day(day)
    outbound = mailbox.mailbox_dir(data_dir, org_number) / "outbound"
    for account in accounts:
        document = statements.statement_document(conn, account, day, today)
        work.write(outbound / f"camt053_{account['number']}_{day:%Y%m%d}.xml", statements.to_bytes(document))
        try:
            notification = statements.notification_document(conn, [account], day, today)
        except NotAvailable:
            pass
        else:
            work.write(outbound / f"camt054_{account['number']}_{day:%Y%m%d}.xml", statements.to_bytes(notification))
    try:
        ocr = statements.ocr_file(conn, accounts, day)
    except NotAvailable:
        return
    work.write(outbound / f"ocr_{org_number}_{day:%Y%m%d}.txt", ocr.encode("latin-1"))
