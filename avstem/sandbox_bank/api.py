"""The customer-facing API (JSON, Bearer token): account information and payments.

A token reaches the accounts of the one company its consent names; any other account id is 404
(as if it did not exist), so nothing about other customers leaks.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import sqlite3
from typing import TYPE_CHECKING

from avstem.sandbox_bank import accounts as acc
from avstem.sandbox_bank import oauth, payments, statements
from avstem.sandbox_bank.store import bank_day
from avstem.sandbox_bank.web import Param, Request, Response, bad_request, json_response, not_found

if TYPE_CHECKING:
    from avstem.sandbox_bank.server import SandboxBank

MAX_RANGE_DAYS = 400
MAX_PAGE_SIZE = 1000

ERROR = {"$ref": "#/components/schemas/Error"}
JSON_ERROR = {"application/json": {"schema": ERROR}}
AUTH_ERRORS = {"401": {"description": "missing, unknown, expired or revoked token, or consent expired",
                       "content": JSON_ERROR},
               "429": {"description": "rate limited; see Retry-After", "content": JSON_ERROR}}
NOT_FOUND = {"404": {"description": "no such account for this consent", "content": JSON_ERROR}}
FROM_TO = (Param("from", "first date (YYYY-MM-DD), default 30 days before the bank day", schema={"type": "string", "format": "date"}),
           Param("to", "last date (YYYY-MM-DD), default the bank day", schema={"type": "string", "format": "date"}))
XML = {"application/xml": {"schema": {"type": "string"}}}


def register(app: SandboxBank) -> None:
    route = app.router.add

    def grant_for(request: Request, conn: sqlite3.Connection, scope: str) -> oauth.Grant:
        grant = oauth.authenticate(conn, request.header("Authorization"), scope)
        app.limit_client(grant.client_id)
        return grant

    def own_account(conn: sqlite3.Connection, grant: oauth.Grant, account_id: str) -> sqlite3.Row:
        try:
            account = acc.get_account(conn, account_id)
        except acc.NotFound:
            account = None
        if account is None or account["org_number"] != grant.org_number:
            raise not_found(f"no account {account_id!r} under this consent", "account_not_found")
        return account

    @route("GET", "/api/v1/accounts", "The accounts the consent covers", "Account information", auth="bearer",
           responses={"200": {"description": "accounts and the consent", "content": {"application/json": {
               "schema": {"$ref": "#/components/schemas/AccountList"}}}}, **AUTH_ERRORS})
    def list_accounts(request: Request) -> Response:
        with app.store.read() as conn:
            grant = grant_for(request, conn, "accounts")
            rows = acc.accounts_of(conn, grant.org_number)
            return json_response({
                "accounts": [acc.account_json(r) for r in rows],
                "consent": {"org_number": grant.org_number, "expires": grant.consent_expires,
                            "scope": " ".join(grant.scope)},
                "bank_day": bank_day(conn)})

    @route("GET", "/api/v1/accounts/{account_id}", "One account", "Account information", auth="bearer",
           responses={"200": {"description": "the account", "content": {"application/json": {
               "schema": {"$ref": "#/components/schemas/Account"}}}}, **AUTH_ERRORS, **NOT_FOUND})
    def get_account(request: Request) -> Response:
        with app.store.read() as conn:
            grant = grant_for(request, conn, "accounts")
            return json_response(acc.account_json(own_account(conn, grant, request.params["account_id"])))

    @route("GET", "/api/v1/accounts/{account_id}/balances", "Balances per business day", "Account information",
           auth="bearer", query=FROM_TO,
           responses={"200": {"description": "opening booked, closing booked and available per business day; "
                                             "today's are interim (final: false)", "content": {"application/json": {
               "schema": {"$ref": "#/components/schemas/Balances"}}}}, **AUTH_ERRORS, **NOT_FOUND})
    def balances(request: Request) -> Response:
        with app.store.read() as conn:
            grant = grant_for(request, conn, "accounts")
            account = own_account(conn, grant, request.params["account_id"])
            today = bank_day(conn)
            first, last = _range(request, today)
            return json_response({"account_id": account["id"], "currency": account["currency"], "bank_day": today,
                                  "balances": acc.daily_balances(conn, account, first, last, today)})

    @route("GET", "/api/v1/accounts/{account_id}/transactions", "Transactions, booked and pending, paged",
           "Account information", auth="bearer",
           query=(*FROM_TO,
                  Param("page_size", f"entries per page, 1-{MAX_PAGE_SIZE} (default 100)", schema={"type": "integer"}),
                  Param("cursor", "next_cursor of the previous page"),
                  Param("status", "booked or pending (default both)", schema={"type": "string", "enum": ["booked", "pending"]})),
           description="Ordered by date (booking date once booked, transaction date while pending), then by "
                       "arrival. Ids are stable: a pending entry keeps its id when it books.",
           responses={"200": {"description": "one page", "content": {"application/json": {
               "schema": {"$ref": "#/components/schemas/TransactionPage"}}}},
               "400": {"description": "bad date, page size or cursor", "content": JSON_ERROR}, **AUTH_ERRORS, **NOT_FOUND})
    def transactions(request: Request) -> Response:
        with app.store.read() as conn:
            grant = grant_for(request, conn, "accounts")
            account = own_account(conn, grant, request.params["account_id"])
            today = bank_day(conn)
            first, last = _range(request, today)
            size = _int(request.query.get("page_size", "100"), "page_size", 1, MAX_PAGE_SIZE)
            status = {"booked": "BOOK", "pending": "PDNG", None: None}.get(request.query.get("status"), "?")
            if status == "?":
                raise bad_request("status must be booked or pending")
            after = _cursor(request.query.get("cursor"), account["id"], first, last)
            rows = acc.entry_rows(conn, account["id"], first, last, after=after, limit=size + 1, status=status)
            more = len(rows) > size
            rows = rows[:size]
            details = acc.details_of(conn, [r["id"] for r in rows])
            cursor = _make_cursor(account["id"], first, last, rows[-1]) if more else None
            return json_response({"account_id": account["id"], "from": first, "to": last, "bank_day": today,
                                  "transactions": [acc.entry_json(r, details[r["id"]]) for r in rows],
                                  "next_cursor": cursor})

    @route("GET", "/api/v1/accounts/{account_id}/statements/{day}.camt053", "The day's statement (camt.053)",
           "Account information", auth="bearer",
           query=(Param("version", "camt.053.001.02 (default, the Norwegian baseline) or camt.053.001.08"),),
           description="Made when the business day closes: available from the next bank day.",
           responses={"200": {"description": "camt.053 document", "content": XML},
                      "404": {"description": "no such account, or the day has no statement (yet)", "content": JSON_ERROR},
                      **AUTH_ERRORS})
    def statement(request: Request) -> Response:
        with app.store.read() as conn:
            grant = grant_for(request, conn, "accounts")
            account = own_account(conn, grant, request.params["account_id"])
            day = _date(request.params["day"], "date")
            version = request.query.get("version", "camt.053.001.02")
            try:
                document = statements.statement_document(conn, account, day, bank_day(conn), version)
            except statements.NotAvailable as exc:
                raise not_found(str(exc), "statement_not_available") from None
            except ValueError as exc:
                raise bad_request(str(exc)) from None
            return _xml(statements.to_bytes(document), f"camt053_{account['number']}_{day:%Y%m%d}.xml")

    @route("GET", "/api/v1/accounts/{account_id}/notifications/{day}.camt054",
           "The day's debit and credit notifications (camt.054)", "Account information", auth="bearer",
           query=(Param("version", "camt.054.001.02 (default) or camt.054.001.08"),
                  Param("direction", "credit or debit (default both)", schema={"type": "string", "enum": ["credit", "debit"]})),
           description="Every booked entry of the day with transaction details: incoming payments (KID as SCOR "
                       "references, OCR batches with one TxDtls per payment) and executed payments with their "
                       "end-to-end ids. Today's is interim and grows during the day.",
           responses={"200": {"description": "camt.054 document", "content": XML},
                      "404": {"description": "no such account, or nothing to notify that day", "content": JSON_ERROR},
                      **AUTH_ERRORS})
    def notification(request: Request) -> Response:
        with app.store.read() as conn:
            grant = grant_for(request, conn, "accounts")
            account = own_account(conn, grant, request.params["account_id"])
            day = _date(request.params["day"], "date")
            try:
                document = statements.notification_document(
                    conn, [account], day, bank_day(conn), request.query.get("version", "camt.054.001.02"),
                    request.query.get("direction"))
            except statements.NotAvailable as exc:
                raise not_found(str(exc), "notification_not_available") from None
            except ValueError as exc:
                raise bad_request(str(exc)) from None
            return _xml(statements.to_bytes(document), f"camt054_{account['number']}_{day:%Y%m%d}.xml")

    @route("GET", "/api/v1/accounts/{account_id}/ocr/{day}.txt", "The day's Nets OCR giro file",
           "Account information", auth="bearer",
           description="For accounts with an OCR agreement: the day's KID payments, 80-character records, ISO-8859-1.",
           responses={"200": {"description": "Nets OCR giro file", "content": {"text/plain": {"schema": {"type": "string"}}}},
                      "404": {"description": "no such account, no OCR agreement, or no OCR payments", "content": JSON_ERROR},
                      **AUTH_ERRORS})
    def ocr(request: Request) -> Response:
        with app.store.read() as conn:
            grant = grant_for(request, conn, "accounts")
            account = own_account(conn, grant, request.params["account_id"])
            day = _date(request.params["day"], "date")
            if not account["ocr_agreement_id"]:
                raise not_found(f"account {account['number']} has no OCR agreement", "no_ocr_agreement")
            if day >= bank_day(conn):
                raise not_found(f"the OCR file for {day} is made when the day closes", "ocr_not_available")
            try:
                text = statements.ocr_file(conn, [account], day)
            except statements.NotAvailable as exc:
                raise not_found(str(exc), "ocr_not_available") from None
            return Response(200, text.encode("latin-1"), [("Content-Disposition", f'attachment; filename="ocr_{day:%Y%m%d}.txt"')],
                            "text/plain; charset=iso-8859-1")

    @route("POST", "/api/v1/payments", "Send a pain.001 payment order", "Payments", auth="bearer",
           body={"required": True, "description": "a pain.001.001.03 or .09 document",
                 "content": {"application/xml": {"schema": {"type": "string"}}}},
           description="Answers 201 with the payment and its first pain.002: ACCP, PART or RJCT with ISO reason "
                       "codes (AC01 creditor account, RR09 KID check digit, DU01 message id used before - never "
                       "paid twice, DT01 date in the past, AC02 debtor account not yours). Accepted payments are "
                       "executed on their business day when the bank day advances, with a second pain.002 "
                       "(ACSC, or RJCT AM04 for insufficient funds).",
           responses={"201": {"description": "received; see status and status_reports[0].document", "content": {
               "application/json": {"schema": {"$ref": "#/components/schemas/Payment"}}}},
               "400": {"description": "not XML, or not a pain.001", "content": JSON_ERROR},
               "403": {"description": "the token lacks the payments scope", "content": JSON_ERROR}, **AUTH_ERRORS})
    def submit_payment(request: Request) -> Response:
        with app.store.write() as conn:
            grant = grant_for(request, conn, "payments")
            if not request.body.strip():
                raise bad_request("the body must be a pain.001 XML document", "empty_document")
            try:
                payment = payments.receive(conn, grant.org_number, request.body, channel="api",
                                           client_id=grant.client_id)
            except payments.DocumentRefused as exc:
                raise bad_request(str(exc), "unreadable_document") from None
        return json_response(payment, 201, headers=[("Location", f"/api/v1/payments/{payment['id']}")])

    @route("GET", "/api/v1/payments/{payment_id}", "A payment and its status", "Payments", auth="bearer",
           responses={"200": {"description": "the payment", "content": {"application/json": {
               "schema": {"$ref": "#/components/schemas/Payment"}}}},
               "404": {"description": "no such payment for this consent's company", "content": JSON_ERROR}, **AUTH_ERRORS})
    def get_payment(request: Request) -> Response:
        with app.store.read() as conn:
            grant = grant_for(request, conn, "payments")
            return json_response(_own_payment(conn, grant, request.params["payment_id"], with_reports=False))

    @route("GET", "/api/v1/payments/{payment_id}/status-reports", "Every pain.002 for a payment so far", "Payments",
           auth="bearer", query=(Param("after", "only reports with a higher seq", schema={"type": "integer"}),),
           responses={"200": {"description": "status reports, oldest first, each with its pain.002 document",
                              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/StatusReports"}}}},
                      "404": {"description": "no such payment", "content": JSON_ERROR}, **AUTH_ERRORS})
    def status_reports(request: Request) -> Response:
        with app.store.read() as conn:
            grant = grant_for(request, conn, "payments")
            payment = _own_payment(conn, grant, request.params["payment_id"], with_reports=False)
            after = _int(request.query.get("after", "0"), "after", 0, 10**6)
            rows = payments.status_report_rows(conn, payment["id"], after)
            return json_response({"payment_id": payment["id"], "status": payment["status"],
                                  "status_reports": [payments.report_json(r) for r in rows]})

    @route("GET", "/api/v1/payments/{payment_id}/status-reports/{seq}.pain002", "One pain.002 document", "Payments",
           auth="bearer", responses={"200": {"description": "pain.002 document", "content": XML},
                                     "404": {"description": "no such report", "content": JSON_ERROR}, **AUTH_ERRORS})
    def status_report(request: Request) -> Response:
        with app.store.read() as conn:
            grant = grant_for(request, conn, "payments")
            payment = _own_payment(conn, grant, request.params["payment_id"], with_reports=False)
            seq = _int(request.params["seq"], "seq", 1, 10**6)
            row = conn.execute("SELECT document FROM status_reports WHERE payment_id = ? AND seq = ?",
                               (payment["id"], seq)).fetchone()
            if row is None:
                raise not_found(f"payment {payment['id']} has no status report {seq}")
            return _xml(bytes(row[0]), f"pain002_{payment['id']}_{seq}.xml")


def _own_payment(conn: sqlite3.Connection, grant: oauth.Grant, payment_id: str, with_reports: bool) -> dict:
    try:
        payment = payments.payment_json(conn, payment_id, with_reports=with_reports)
    except acc.NotFound:
        payment = None
    if payment is None or payment["org_number"] != grant.org_number:
        raise not_found(f"no payment {payment_id!r} under this consent", "payment_not_found")
    return payment


def _xml(data: bytes, filename: str) -> Response:
    return Response(200, data, [("Content-Disposition", f'attachment; filename="{filename}"')],
                    "application/xml; charset=utf-8")


def _date(text: str | None, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text or "")
    except ValueError:
        raise bad_request(f"{name} {text!r} is not a date (YYYY-MM-DD)", "invalid_date") from None


def _range(request: Request, today: dt.date) -> tuple[dt.date, dt.date]:
    last = _date(request.query["to"], "to") if "to" in request.query else today
    first = _date(request.query["from"], "from") if "from" in request.query else last - dt.timedelta(days=30)
    if first > last:
        raise bad_request(f"from {first} is after to {last}", "invalid_range")
    if (last - first).days > MAX_RANGE_DAYS:
        raise bad_request(f"at most {MAX_RANGE_DAYS} days per request", "invalid_range")
    return first, last


def _int(text: str, name: str, low: int, high: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise bad_request(f"{name} {text!r} is not a whole number") from None
    if not low <= value <= high:
        raise bad_request(f"{name} must be from {low} to {high}")
    return value


def _make_cursor(account_id: str, first: dt.date, last: dt.date, row: sqlite3.Row) -> str:
    raw = json.dumps([account_id, first.isoformat(), last.isoformat(), row["day"], row["seq"]]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _cursor(text: str | None, account_id: str, first: dt.date, last: dt.date) -> tuple[str, int] | None:
    if not text:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
        owner, cursor_first, cursor_last, day, seq = data
        valid = isinstance(day, str) and isinstance(seq, int)
    except (ValueError, TypeError):
        valid = False
    if not valid:
        raise bad_request("cursor is not one this API gave out", "invalid_cursor")
    if (owner, cursor_first, cursor_last) != (account_id, first.isoformat(), last.isoformat()):
        raise bad_request("cursor belongs to another account or date range; keep from/to unchanged while paging",
                          "invalid_cursor")
    return day, seq

