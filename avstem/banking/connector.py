"""The bank's API, spoken over HTTP: OAuth2 authorization code with PKCE, account information
(accounts, balances per day, transactions paged), camt.053/054 documents. Pure Python (stdlib
urllib), no Django: a real bank is the same code with another base URL.

Resilience lives here: 429 waits for Retry-After, 5xx and network errors back off exponentially,
both up to `max_attempts`; what still fails raises a BankError the caller can schedule a retry
for. Tokens and codes are never put in an exception message or a log line.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import logging
import secrets
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from avstem.formats.model import (
    BankTransactionCode,
    Batch,
    Counterparty,
    CreditorReference,
    Entry,
    EntryDetails,
    EntryStatus,
    References,
    Transaction,
)

from .mapping import BalanceData, ore

log = logging.getLogger("avstem.banking.connector")

USER_AGENT = "Avstem bank connector"


class BankError(Exception):
    """The bank answered with an error, or could not be reached."""

    def __init__(self, message: str, *, status: int | None = None, code: str = "", retry_after: float | None = None):
        super().__init__(message)
        self.status, self.code, self.retry_after = status, code, retry_after


class BankUnavailable(BankError):
    """5xx, a timeout or a refused connection, still there after the retries."""


class RateLimited(BankError):
    """429 after the retries."""


class TokenInvalid(BankError):
    """401: the access token expired or was revoked; refresh it."""


class ConsentExpired(BankError):
    """The user's consent (PSD2-style, limited in time) ended: the user must renew it."""


class AuthorizationFailed(BankError):
    """The token endpoint refused the code or the refresh token (invalid_grant)."""


class NotAvailable(BankError):
    """404: no such account under this consent, or a document not made (yet)."""


@dataclass
class Tokens:
    access_token: str
    refresh_token: str
    expires_at: float  # epoch seconds
    consent_expires: datetime.date | None = None
    org_number: str = ""
    scope: str = ""

    def __repr__(self) -> str:  # never the secrets
        return f"<Tokens expires_at={self.expires_at} consent_expires={self.consent_expires}>"

    def secrets(self) -> dict:
        return {"access": self.access_token, "refresh": self.refresh_token}


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, S256 code_challenge), RFC 7636."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


class BankApi:
    def __init__(self, base_url: str, client_id: str, *, client_secret: str | None = None, timeout: float = 30,
                 max_attempts: int = 5, max_wait: float = 60, sleep: Callable[[float], None] = time.sleep) -> None:
        self.base_url = base_url.rstrip("/")
        self.client_id, self.client_secret = client_id, client_secret
        self.timeout, self.max_attempts, self.max_wait, self.sleep = timeout, max_attempts, max_wait, sleep
        self.requests = 0  # every HTTP request made, retries included

    # --- OAuth -------------------------------------------------------------------------------

    def authorize_url(self, redirect_uri: str, state: str, code_challenge: str, scope: str = "accounts payments") -> str:
        query = urllib.parse.urlencode({
            "response_type": "code", "client_id": self.client_id, "redirect_uri": redirect_uri, "state": state,
            "code_challenge": code_challenge, "code_challenge_method": "S256", "scope": scope})
        return f"{self.base_url}/oauth/authorize?{query}"

    def exchange_code(self, code: str, redirect_uri: str, verifier: str) -> Tokens:
        return self._token({"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
                            "client_id": self.client_id, "code_verifier": verifier})

    def refresh(self, refresh_token: str) -> Tokens:
        return self._token({"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": self.client_id})

    def _token(self, form: dict) -> Tokens:
        if self.client_secret:
            form = {**form, "client_secret": self.client_secret}
        data = self._json("POST", "/oauth/token", form=form)
        consent = data.get("consent_expires")
        return Tokens(access_token=data["access_token"], refresh_token=data.get("refresh_token", ""),
                      expires_at=time.time() + float(data.get("expires_in", 3600)),
                      consent_expires=datetime.date.fromisoformat(consent) if consent else None,
                      org_number=data.get("org_number", ""), scope=data.get("scope", ""))

    # --- account information -----------------------------------------------------------------

    def accounts(self, access_token: str) -> dict:
        return self._json("GET", "/api/v1/accounts", token=access_token)

    def balances(self, access_token: str, account_id: str, first: datetime.date, last: datetime.date) -> dict:
        return self._json("GET", f"/api/v1/accounts/{_segment(account_id)}/balances", token=access_token,
                          query={"from": first.isoformat(), "to": last.isoformat()})

    def transactions_page(self, access_token: str, account_id: str, first: datetime.date, last: datetime.date,
                          cursor: str | None = None, page_size: int = 500) -> dict:
        query = {"from": first.isoformat(), "to": last.isoformat(), "page_size": str(page_size)}
        if cursor:
            query["cursor"] = cursor
        return self._json("GET", f"/api/v1/accounts/{_segment(account_id)}/transactions", token=access_token,
                          query=query)

    def transactions(self, access_token: str, account_id: str, first: datetime.date, last: datetime.date,
                     page_size: int = 500) -> Iterator[dict]:
        """Every transaction in [first, last], page after page (the cursor keeps the range)."""
        cursor = None
        while True:
            page = self.transactions_page(access_token, account_id, first, last, cursor, page_size)
            yield from page.get("transactions", [])
            cursor = page.get("next_cursor")
            if not cursor:
                return

    def statement(self, access_token: str, account_id: str, day: datetime.date) -> bytes | None:
        """The day's camt.053, or None when the bank has not made it (yet)."""
        try:
            return self._request("GET", f"/api/v1/accounts/{_segment(account_id)}/statements/{day.isoformat()}.camt053",
                                 token=access_token, accept="application/xml")
        except NotAvailable:
            return None

    # --- HTTP with retries -------------------------------------------------------------------

    def _json(self, method: str, path: str, **kwargs) -> dict:
        body = self._request(method, path, **kwargs)
        try:
            return json.loads(body)
        except ValueError:
            raise BankError(f"{method} {path}: the bank's answer is not JSON", code="bad_response") from None

    def _request(self, method: str, path: str, *, token: str | None = None, form: dict | None = None,
                 query: dict | None = None, accept: str = "application/json") -> bytes:
        url = self.base_url + path + (f"?{urllib.parse.urlencode(query)}" if query else "")
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        headers = {"Accept": accept, "User-Agent": USER_AGENT}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if data is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        attempt = 0
        while True:
            attempt += 1
            self.requests += 1
            try:
                request = urllib.request.Request(url, data=data, headers=headers, method=method)
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    return response.read()
            except urllib.error.HTTPError as exc:
                error = _error(exc, method, path)
            except (urllib.error.URLError, socket.timeout, ConnectionError, TimeoutError) as exc:
                reason = getattr(exc, "reason", exc)
                error = BankUnavailable(f"{method} {path}: the bank cannot be reached ({reason})", code="unreachable")
            if not isinstance(error, (BankUnavailable, RateLimited)) or attempt >= self.max_attempts:
                raise error
            wait = error.retry_after if error.retry_after is not None else min(2 ** (attempt - 1), self.max_wait)
            wait = min(max(wait, 0.0), self.max_wait)
            log.warning("%s %s: %s; retry %d/%d in %.1f s", method, path, error.code or error.status, attempt,
                        self.max_attempts - 1, wait)
            self.sleep(wait)


def _segment(value: str) -> str:
    return urllib.parse.quote(value, safe="")


def _error(exc: urllib.error.HTTPError, method: str, path: str) -> BankError:
    try:
        payload = json.loads(exc.read() or b"{}")
    except ValueError:
        payload = {}
    code = str(payload.get("error") or "")
    message = str(payload.get("message") or payload.get("error_description") or exc.reason or "")
    retry = exc.headers.get("Retry-After") if exc.headers else None
    try:
        retry_after = float(retry) if retry is not None else None
    except ValueError:
        retry_after = None
    text = f"{method} {path}: HTTP {exc.code} {code} {message}".strip()
    status = exc.code
    if status == 429:
        return RateLimited(text, status=status, code=code or "rate_limited", retry_after=retry_after)
    if status >= 500:
        return BankUnavailable(text, status=status, code=code or "server_error", retry_after=retry_after)
    if status == 401 and code == "consent_expired":
        return ConsentExpired(text, status=status, code=code)
    if status == 401:
        return TokenInvalid(text, status=status, code=code or "invalid_token")
    if status == 400 and code in ("invalid_grant", "invalid_request") and path.startswith("/oauth/"):
        if "consent expired" in message:
            return ConsentExpired(text, status=status, code=code)
        return AuthorizationFailed(text, status=status, code=code)
    if status == 404:
        return NotAvailable(text, status=status, code=code)
    return BankError(text, status=status, code=code)


# --- the API's JSON as the formats model --------------------------------------------------------


def _amount(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _day(value) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def entry_from_json(item: dict) -> Entry:
    """One transaction of GET /transactions as an Entry, so the API and camt share one import."""
    booked = item.get("status") == "booked"
    transactions = []
    for t in item.get("transactions") or []:
        party = t.get("counterparty") or {}
        account = party.get("account") or None
        is_iban = bool(account) and account[:2].isalpha()
        counterparty = None
        if any(party.get(k) for k in ("name", "account", "bic", "org_number")):
            counterparty = Counterparty(name=party.get("name"), iban=account if is_iban else None,
                                        bban=None if is_iban else account, bic=party.get("bic"),
                                        organisation_id=party.get("org_number"))
        transactions.append(Transaction(
            amount=_amount(t.get("amount")), counterparty=counterparty,
            references=References(end_to_end_id=t.get("end_to_end_id"), instruction_id=t.get("instruction_id"),
                                  payment_information_id=t.get("payment_information_id"),
                                  message_id=t.get("message_id"), account_servicer_reference=t.get("reference")),
            creditor_references=tuple(CreditorReference(ref=k, type_code="SCOR") for k in t.get("kids") or ()),
            remittance_lines=(t["message"],) if t.get("message") else (),
            additional_info=t.get("additional_info"),
            date=_day(item.get("transaction_date")),
        ))
    batch = item.get("batch")
    code = item.get("bank_transaction_code")
    details = ()
    if transactions:
        details = (EntryDetails(
            batch=Batch(number_of_transactions=batch.get("number_of_transactions"),
                        total_amount=_amount(batch.get("total"))) if batch else None,
            transactions=tuple(transactions)),)
    return Entry(
        amount=_amount(item["amount"]), currency=item.get("currency") or "NOK",
        status=EntryStatus.BOOK if booked else EntryStatus.PDNG,
        booking_date=_day(item.get("booking_date")) if booked else None,
        value_date=_day(item.get("value_date")),
        account_servicer_reference=item.get("archive_reference") or item.get("id"),
        bank_transaction_code=BankTransactionCode(domain=code.get("domain"), family=code.get("family"),
                                                  sub_family=code.get("sub_family")) if code else None,
        additional_info=item.get("description"),
        details=details,
    )


def balances_from_json(data: dict) -> list[BalanceData]:
    return [BalanceData(date=datetime.date.fromisoformat(b["date"]),
                        opening_booked=ore(_amount(b.get("opening_booked")), "opening_booked"),
                        closing_booked=ore(_amount(b.get("closing_booked")), "closing_booked"),
                        available=ore(_amount(b.get("available")), "available"),
                        final=bool(b.get("final", True)))
            for b in data.get("balances", [])]


# --- the sandbox bank's back office (file-exchange agreements) -----------------------------------


class SandboxBackOffice:
    """What a person does at the bank's counter, done by the program against the sandbox bank:
    ordering and ending file-exchange agreements. A real bank has no such API; there the user
    orders at the bank and the program waits for the first statement file."""

    def __init__(self, base_url: str, admin_key: str, timeout: float = 15) -> None:
        self.base_url, self.admin_key, self.timeout = base_url.rstrip("/"), admin_key, timeout

    def _call(self, method: str, path: str, payload: dict | None = None) -> dict:
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(self.base_url + path, data=data, method=method, headers={
            "X-Admin-Key": self.admin_key, "Content-Type": "application/json", "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            raise _error(exc, method, path) from None
        except (urllib.error.URLError, OSError) as exc:
            raise BankUnavailable(f"{method} {path}: the bank cannot be reached ({getattr(exc, 'reason', exc)})",
                                  code="unreachable") from None

    def order_agreement(self, org_number: str, accounts: list[str], confirm_after_days: int,
                        statements_from: datetime.date | None = None) -> dict:
        body = {"org_number": org_number, "accounts": accounts, "confirm_after_days": confirm_after_days}
        if statements_from is not None:
            body["statements_from"] = statements_from.isoformat()
        return self._call("POST", "/sandbox/agreements", body)

    def agreements(self, org_number: str) -> list[dict]:
        return self._call("GET", f"/sandbox/agreements?org_number={urllib.parse.quote(org_number)}")["agreements"]

    def deactivate(self, agreement_id: str, accounts: list[str] | None = None) -> dict:
        """End the agreement, or with `accounts` (numbers) stop the files for those accounts only."""
        return self._call("POST", f"/sandbox/agreements/{_segment(agreement_id)}/deactivate",
                          None if accounts is None else {"accounts": accounts})
