"""Sandbox administration under /sandbox/ (header X-Admin-Key): customers, accounts and
transactions, the bank day, faults, settings, clients, tokens, consents, agreements, mailboxes
and scenario generation. These stand in for the bank's back office and for the world outside
(other people paying our customers)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import TYPE_CHECKING, Any

from avstem.sandbox_bank import accounts as acc
from avstem.sandbox_bank import bankday, mailbox, oauth
from avstem.sandbox_bank.store import bank_day, ore, settings, update_settings
from avstem.sandbox_bank.web import Request, Response, bad_request, json_response

if TYPE_CHECKING:
    from avstem.sandbox_bank.server import SandboxBank

ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
OBJECT = {"application/json": {"schema": {"type": "object"}}}


def _body(description: str, schema: dict | None = None, required: bool = True) -> dict:
    return {"required": required, "description": description,
            "content": {"application/json": {"schema": schema or {"type": "object"}}}}


def _ok(description: str, status: str = "200") -> dict:
    return {status: {"description": description, "content": OBJECT},
            "400": {"description": "invalid request (the message names the field)", "content": ERROR},
            "401": {"description": "missing or wrong X-Admin-Key", "content": ERROR}}


def register(app: SandboxBank) -> None:
    route = app.router.add
    tag = "Sandbox administration"

    @route("GET", "/sandbox/state", "Bank day, settings, faults and counts", tag, auth="admin",
           responses=_ok("the state"))
    def state(request: Request) -> Response:
        with app.store.read() as conn:
            counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                      for t in ("customers", "accounts", "entries", "payments")}
            return json_response({"bank_day": bank_day(conn), "settings": settings(conn),
                                  "faults": app.faults.describe(), "counts": counts})

    @route("POST", "/sandbox/advance-day", "Move the bank day forward (closing each day passed)", tag, auth="admin",
           body=_body("{} for the next business day, {\"days\": n} business days, or {\"to\": \"YYYY-MM-DD\"} "
                      "(the business day on or after it)", {"type": "object", "properties": {
                          "days": {"type": "integer", "minimum": 1}, "to": {"type": "string", "format": "date"}}},
                      required=False),
           responses=_ok("the new bank day and what closing the days did"))
    def advance(request: Request) -> Response:
        data = request.json(required=False)
        _only(data, {"days", "to"})
        return json_response(bankday.advance(app.store, days=data.get("days"), to=data.get("to")))

    @route("POST", "/sandbox/customers", "Create a customer (company), its persons and accounts", tag, auth="admin",
           body=_body("{org_number, name, persons?: [{national_id, name}], accounts?: [account...], "
                      "file_exchange?: bool}"), responses=_ok("the customer", "201"))
    def create_customer(request: Request) -> Response:
        data = request.json()
        _only(data, {"org_number", "name", "persons", "accounts", "file_exchange"})
        with app.store.write() as conn:
            customer = acc.create_customer(conn, data.get("org_number", ""), data.get("name", ""),
                                           _list(data, "persons"))
            for spec in _list(data, "accounts"):
                _create_account(conn, {**spec, "org_number": customer["org_number"]})
            if data.get("file_exchange"):
                mailbox.order_agreement(conn, app.store.data_dir, customer["org_number"])
            result = acc.customer(conn, customer["org_number"])
        return json_response(result, 201)

    @route("GET", "/sandbox/customers", "Every customer with persons and accounts", tag, auth="admin",
           responses=_ok("customers"))
    def list_customers(request: Request) -> Response:
        with app.store.read() as conn:
            return json_response({"customers": acc.customers(conn)})

    @route("GET", "/sandbox/customers/{org_number}", "One customer", tag, auth="admin", responses=_ok("the customer"))
    def get_customer(request: Request) -> Response:
        with app.store.read() as conn:
            return json_response(acc.customer(conn, request.params["org_number"]))

    @route("POST", "/sandbox/customers/{org_number}/persons", "Let a person act for the customer", tag, auth="admin",
           body=_body("{national_id, name}"), responses=_ok("the customer", "201"))
    def add_person(request: Request) -> Response:
        data = request.json()
        _only(data, {"national_id", "name"})
        with app.store.write() as conn:
            org_number = acc.customer(conn, request.params["org_number"])["org_number"]
            acc.add_person(conn, org_number, data.get("national_id"), data.get("name"))
            return json_response(acc.customer(conn, org_number), 201)

    @route("POST", "/sandbox/accounts", "Open an account", tag, auth="admin",
           body=_body("{org_number, bank?: key|registration number|name, account_number?, currency?, name?, "
                      "balance?, credit_limit?, opened_on?, ocr_agreement_id?}"), responses=_ok("the account", "201"))
    def create_account(request: Request) -> Response:
        with app.store.write() as conn:
            return json_response(_create_account(conn, request.json()), 201)

    @route("POST", "/sandbox/transactions", "Book (or hold as pending) transactions on accounts", tag, auth="admin",
           body=_body("one transaction or {\"transactions\": [...]}; each {account, amount (signed, credits "
                      "positive), kind?, date?, status?: booked|pending, book_on?, value_date?, description?, "
                      "counterparty?: {name, account, bic, org_number}, kid? | kids?, message?, end_to_end_id?, "
                      "batch?: [{amount, kid, counterparty, message, reference}]}"),
           responses=_ok("the ids of the new entries", "201"))
    def create_transactions(request: Request) -> Response:
        data = request.json()
        specs = data["transactions"] if "transactions" in data else [data]
        if not isinstance(specs, list) or not specs:
            raise bad_request("transactions must be a non-empty list")
        with app.store.write() as conn:
            today = bank_day(conn)
            entries = [new_entry(conn, spec, today, f"transactions[{n}]") for n, spec in enumerate(specs)]
            ids = acc.add_entries(conn, entries)
        return json_response({"ids": ids}, 201)

    @route("POST", "/sandbox/transactions/{entry_id}/cancel", "Cancel a pending transaction (the bank drops it)",
           tag, auth="admin",
           responses={**_ok("the cancelled transaction"),
                      "404": {"description": "no such transaction", "content": ERROR},
                      "409": {"description": "the transaction is booked, or belongs to a payment", "content": ERROR}})
    def cancel_transaction(request: Request) -> Response:
        with app.store.write() as conn:
            return json_response(acc.cancel_pending(conn, request.params["entry_id"]))

    @route("GET", "/sandbox/faults", "The fault switch", tag, auth="admin", responses=_ok("the fault switch"))
    def get_faults(request: Request) -> Response:
        return json_response(app.faults.describe())

    @route("POST", "/sandbox/faults", "Make API requests fail: a seeded share, or the next N", tag, auth="admin",
           body=_body("{error_rate?: 0..1, status?: 500|502|503|504, seed?, fail_next?: n, retry_after?: s, "
                      "paths?: [prefix]} (replaces the previous setting)"), responses=_ok("the fault switch"))
    def set_faults(request: Request) -> Response:
        return json_response(app.faults.configure(request.json(required=False)))

    @route("DELETE", "/sandbox/faults", "Switch faults off", tag, auth="admin", responses=_ok("the fault switch"))
    def clear_faults(request: Request) -> Response:
        return json_response(app.faults.clear())

    @route("GET", "/sandbox/settings", "Token lifetimes, consent days and the default rate limit", tag, auth="admin",
           responses=_ok("the settings"))
    def get_settings(request: Request) -> Response:
        with app.store.read() as conn:
            return json_response(settings(conn))

    @route("POST", "/sandbox/settings", "Change settings (e.g. access_token_seconds: 2 for tests)", tag, auth="admin",
           body=_body("any of access_token_seconds, refresh_token_days, authorization_code_seconds, consent_days, "
                      "rate_limit_requests, rate_limit_seconds"), responses=_ok("the settings"))
    def set_settings(request: Request) -> Response:
        with app.store.write() as conn:
            return json_response(update_settings(conn, request.json()))

    @route("POST", "/sandbox/clients", "Register (or replace) an OAuth client", tag, auth="admin",
           body=_body("{client_id, name?, redirect_uris: [...], loopback?: bool, client_secret?, "
                      "rate_limit?: {requests, per_seconds}}"), responses=_ok("the client", "201"))
    def register_client(request: Request) -> Response:
        with app.store.write() as conn:
            return json_response(oauth.register_client(conn, request.json()), 201)

    @route("GET", "/sandbox/clients", "Registered OAuth clients", tag, auth="admin", responses=_ok("clients"))
    def list_clients(request: Request) -> Response:
        with app.store.read() as conn:
            return json_response({"clients": [oauth.client_json(r) for r in
                                              conn.execute("SELECT * FROM clients ORDER BY client_id")]})

    @route("POST", "/sandbox/clients/{client_id}/rate-limit", "Set a client's rate limit (null: the default)", tag,
           auth="admin", body=_body("{requests, per_seconds} or {\"rate_limit\": null}"), responses=_ok("the client"))
    def set_rate_limit(request: Request) -> Response:
        data = request.json()
        limit = data.get("rate_limit", data) if "rate_limit" in data else data
        with app.store.write() as conn:
            client = oauth.set_rate_limit(conn, request.params["client_id"], limit)
        app.limiter.reset()
        return json_response(client)

    @route("POST", "/sandbox/tokens/expire", "Expire access tokens now (token expiry mid-sync)", tag, auth="admin",
           body=_body("{org_number?, client_id?} (default all)", required=False), responses=_ok("how many"))
    def expire_tokens(request: Request) -> Response:
        data = request.json(required=False)
        _only(data, {"org_number", "client_id"})
        with app.store.write() as conn:
            return json_response({"expired": oauth.expire_tokens(conn, data.get("org_number"), data.get("client_id"))})

    @route("GET", "/sandbox/consents", "Consents (grants)", tag, auth="admin", responses=_ok("consents"))
    def list_consents(request: Request) -> Response:
        with app.store.read() as conn:
            return json_response({"consents": oauth.consents(conn, request.query.get("org_number"))})

    @route("POST", "/sandbox/consents/expire", "Make consents expire (as if 180 days had passed)", tag, auth="admin",
           body=_body("{org_number?} (default all)", required=False), responses=_ok("how many"))
    def expire_consents(request: Request) -> Response:
        data = request.json(required=False)
        _only(data, {"org_number"})
        with app.store.write() as conn:
            return json_response({"expired": oauth.expire_consents(conn, data.get("org_number"))})

    @route("POST", "/sandbox/process-mailboxes", "Read the inbound mailboxes now", tag, auth="admin",
           responses=_ok("files read and written"))
    def process_mailboxes(request: Request) -> Response:
        return json_response(bankday.process_mailboxes(app.store))

    @route("GET", "/sandbox/agreements", "File-exchange agreements", tag, auth="admin", responses=_ok("agreements"))
    def list_agreements(request: Request) -> Response:
        with app.store.read() as conn:
            return json_response({"agreements": mailbox.agreements(conn, request.query.get("org_number"))})

    @route("POST", "/sandbox/agreements", "Order a file-exchange agreement", tag, auth="admin",
           body=_body("{org_number, accounts?: [id or number] (default all), confirm_after_days?: 0-30 business "
                      "days (default 0: active at once), statements_from?: YYYY-MM-DD (the customer's activation "
                      "date, default the bank day; once active, the files of every business day from it are "
                      "delivered, those of the waiting period at once)}"),
           responses=_ok("the agreement (pending until active_from)", "201"))
    def order_agreement(request: Request) -> Response:
        data = request.json()
        _only(data, {"org_number", "accounts", "confirm_after_days", "statements_from"})
        work = mailbox.FileWork()
        with app.store.write() as conn:
            agreement = mailbox.order_agreement(
                conn, app.store.data_dir, str(data.get("org_number", "")), accounts=data.get("accounts"),
                confirm_after_days=data.get("confirm_after_days", 0), statements_from=data.get("statements_from"))
            bankday.write_due_files(conn, app.store.data_dir, bank_day(conn), work)  # active at once: days owed
            agreement = mailbox.agreement_json(conn.execute("SELECT * FROM agreements WHERE id = ?",
                                                            (agreement["id"],)).fetchone(), bank_day(conn))
        work.apply()
        return json_response(agreement, 201)

    @route("POST", "/sandbox/agreements/{agreement_id}/deactivate",
           "End a file-exchange agreement, or take some accounts off it", tag, auth="admin",
           body=_body("{} to end it; {\"accounts\": [id or number]} to stop files for those accounts only (an "
                      "agreement left without accounts ends)", {"type": "object", "properties": {
                          "accounts": {"type": "array", "items": {"type": "string"}, "minItems": 1}}},
                      required=False),
           responses=_ok("the agreement"))
    def deactivate_agreement(request: Request) -> Response:
        data = request.json(required=False)
        _only(data, {"accounts"})
        with app.store.write() as conn:
            return json_response(mailbox.deactivate_agreement(conn, request.params["agreement_id"],
                                                              accounts=data.get("accounts")))

    @route("POST", "/sandbox/generate", "Generate a scenario's traffic into the bank", tag, auth="admin",
           body=_body("{scenario: <scenario JSON>, seed, days, start?: date}"),
           responses=_ok("the ground truth", "201"))
    def generate(request: Request) -> Response:
        from avstem.sandbox_bank import generator, scenario

        data = request.json()
        _only(data, {"scenario", "seed", "days", "start"})
        company = scenario.Scenario.from_dict(data.get("scenario"))
        start = dt.date.fromisoformat(data["start"]) if data.get("start") else None
        truth = generator.generate_into(app.store, company, seed=_int(data, "seed", 0), days=_int(data, "days", 20),
                                        start=start)
        return json_response(truth, 201)


def _only(data: dict, allowed: set[str]) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise bad_request(f"unknown field(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}")


def _list(data: dict, name: str) -> list:
    value = data.get(name) or []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise bad_request(f"{name} must be a list of objects")
    return value


def _int(data: dict, name: str, default: int) -> int:
    value = data.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad_request(f"{name} must be a whole number")
    return value


def _create_account(conn: sqlite3.Connection, data: dict) -> dict:
    _only(data, {"org_number", "bank", "account_number", "currency", "name", "balance", "credit_limit", "opened_on",
                 "ocr_agreement_id"})
    opened = data.get("opened_on")
    return acc.create_account(
        conn, str(data.get("org_number", "")), bank=data.get("bank"), number=data.get("account_number"),
        currency=data.get("currency", "NOK"), name=str(data.get("name") or "Driftskonto"),
        balance=_money(data.get("balance", "0"), "balance"), credit_limit=_money(data.get("credit_limit", "0"), "credit_limit"),
        opened_on=dt.date.fromisoformat(opened) if opened else None, ocr_agreement_id=data.get("ocr_agreement_id"))


def _money(value: Any, name: str) -> int:
    if isinstance(value, float):
        raise ValueError(f"{name} must be a string or integer amount, never a float: {value!r}")
    try:
        return ore(value)
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None


def new_entry(conn: sqlite3.Connection, spec: Any, today: dt.date, where: str) -> acc.NewEntry:
    """One transaction of POST /sandbox/transactions (also the demo's traffic file) as an entry;
    a ValueError names the field (`where` first) when it is not right."""
    if not isinstance(spec, dict):
        raise ValueError(f"{where} must be an object")
    allowed = {"account", "amount", "kind", "date", "status", "book_on", "value_date", "description", "counterparty",
               "kid", "kids", "message", "end_to_end_id", "batch", "id", "reference"}
    unknown = sorted(set(spec) - allowed)
    if unknown:
        raise ValueError(f"{where}: unknown field(s) {', '.join(unknown)}")
    try:
        account = acc.get_account(conn, str(spec.get("account", "")))
    except acc.NotFound:
        raise ValueError(f"{where}.account: no account {spec.get('account')!r}") from None
    day = _day(spec.get("date"), f"{where}.date") or today
    if day > today:
        raise ValueError(f"{where}.date {day} is after the bank day {today}")
    status = {"booked": "BOOK", "pending": "PDNG"}.get(spec.get("status", "booked"))
    if status is None:
        raise ValueError(f"{where}.status must be booked or pending")
    book_on = _day(spec.get("book_on"), f"{where}.book_on")
    if status == "PDNG":
        book_on = book_on or today
        if book_on < today:
            raise ValueError(f"{where}.book_on {book_on} is before the bank day {today}")
    elif book_on is not None:
        raise ValueError(f"{where}.book_on is only for pending transactions")
    batch = spec.get("batch")
    if batch is not None:
        if not isinstance(batch, list) or not batch:
            raise ValueError(f"{where}.batch must be a non-empty list")
        details = [_detail(item, f"{where}.batch[{n}]") for n, item in enumerate(batch)]
        amount = sum(d.amount for d in details)
        if "amount" in spec and _money(spec["amount"], f"{where}.amount") != amount:
            raise ValueError(f"{where}.amount differs from the sum of its batch")
        kind = spec.get("kind", "ocr_batch")
    else:
        amount = _money(spec.get("amount"), f"{where}.amount")
        plain = spec.get("kind") in ("fee", "interest", "card") and not spec.get("counterparty")
        details = [] if plain else [_detail(spec, where)]
        kind = spec.get("kind") or ("credit_transfer" if amount >= 0 else "payment")
    if amount == 0:
        raise ValueError(f"{where}.amount must not be zero")
    if kind not in acc.KINDS:
        raise ValueError(f"{where}.kind must be one of {', '.join(acc.KINDS)}")
    return acc.NewEntry(account_id=account["id"], amount=amount, kind=kind, transaction_date=day,
                        currency=account["currency"], status=status, book_on=book_on,
                        value_date=_day(spec.get("value_date"), f"{where}.value_date"),
                        info=spec.get("description"), batch=batch is not None, details=details, id=spec.get("id"))


def _detail(item: Any, where: str) -> acc.Detail:
    if not isinstance(item, dict):
        raise ValueError(f"{where} must be an object")
    party = item.get("counterparty") or {}
    if not isinstance(party, dict):
        raise ValueError(f"{where}.counterparty must be an object")
    kids = item.get("kids") or ([item["kid"]] if item.get("kid") else [])
    if not isinstance(kids, list) or not all(isinstance(k, str) and k.strip() and " " not in k.strip() for k in kids):
        raise ValueError(f"{where}.kids must be a list of KIDs (text without spaces)")
    return acc.Detail(amount=_money(item.get("amount"), f"{where}.amount"), name=party.get("name"),
                      account=party.get("account"), bic=party.get("bic"), org_id=party.get("org_number"),
                      kids=tuple(k.strip() for k in kids), message=item.get("message"),
                      end_to_end_id=item.get("end_to_end_id"), reference=item.get("reference"))


def _day(value: Any, where: str) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{where} {value!r} is not a date (YYYY-MM-DD)") from None
