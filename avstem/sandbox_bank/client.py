"""A small stdlib HTTP client for the sandbox bank: its administration, and a user's side of the
onboarding (filling in the login page like a person would), for tests and the demo. The
program's own bank connector talks to the bank with its own code; this is the other side.

    bank = SandboxBankClient("http://127.0.0.1:8700", admin_key="...")
    bank.create_customer("923456783", "Fjellbekk Bakeri AS", accounts=[{"bank": "dnb", "balance": "1000.00"}])
    code = bank.consent(client_id="avstem-dev", redirect_uri="http://127.0.0.1:9/cb",
                        national_id=..., org_number="923456783", code_challenge=challenge)
    tokens = bank.exchange_code(code, verifier, redirect_uri="http://127.0.0.1:9/cb")
    bank.advance_day()
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from email.message import Message
from typing import Any


@dataclass
class HttpResult:
    status: int
    headers: Message  # case-insensitive: headers["retry-after"] == headers["Retry-After"]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode()


class SandboxBankError(Exception):
    def __init__(self, result: HttpResult) -> None:
        try:
            detail = result.json()
        except ValueError:
            detail = result.body[:300]
        super().__init__(f"HTTP {result.status}: {detail}")
        self.result = result


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, code_challenge) for S256."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


@dataclass
class SandboxBankClient:
    base_url: str
    admin_key: str | None = None
    timeout: float = 15.0
    _opener: urllib.request.OpenerDirector = field(default_factory=lambda: urllib.request.build_opener(_NoRedirect))

    # -- raw HTTP ---------------------------------------------------------------------------------

    def request(self, method: str, path: str, *, json_body: Any = None, data: bytes | None = None,
                form: dict | None = None, headers: dict[str, str] | None = None, token: str | None = None,
                admin: bool = False) -> HttpResult:
        headers = dict(headers or {})
        if json_body is not None:
            data = json.dumps(json_body).encode()
            headers.setdefault("Content-Type", "application/json")
        elif form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if admin and self.admin_key:
            headers["X-Admin-Key"] = self.admin_key
        req = urllib.request.Request(self.base_url.rstrip("/") + path, data=data, headers=headers, method=method)
        try:
            with self._opener.open(req, timeout=self.timeout) as response:
                return HttpResult(response.status, response.headers, response.read())
        except urllib.error.HTTPError as exc:
            return HttpResult(exc.code, exc.headers, exc.read())

    def _ok(self, result: HttpResult, *expected: int) -> Any:
        if result.status not in (expected or (200,)):
            raise SandboxBankError(result)
        return result.json() if result.headers.get("Content-Type", "").startswith("application/json") else result.body

    def admin(self, method: str, path: str, body: Any = None, expected: tuple[int, ...] = (200, 201)) -> Any:
        return self._ok(self.request(method, path, json_body=body, admin=True), *expected)

    # -- administration ---------------------------------------------------------------------------

    def state(self) -> dict:
        return self.admin("GET", "/sandbox/state")

    def create_customer(self, org_number: str, name: str, *, persons: list[dict] | None = None,
                        accounts: list[dict] | None = None, file_exchange: bool = False) -> dict:
        body: dict = {"org_number": org_number, "name": name, "accounts": accounts or []}
        if persons:
            body["persons"] = persons
        if file_exchange:
            body["file_exchange"] = True
        return self.admin("POST", "/sandbox/customers", body)

    def create_account(self, org_number: str, **fields: Any) -> dict:
        return self.admin("POST", "/sandbox/accounts", {"org_number": org_number, **fields})

    def add_transactions(self, *transactions: dict) -> list[str]:
        return self.admin("POST", "/sandbox/transactions", {"transactions": list(transactions)})["ids"]

    def advance_day(self, days: int | None = None, to: str | None = None) -> dict:
        body = {k: v for k, v in (("days", days), ("to", to)) if v is not None}
        return self.admin("POST", "/sandbox/advance-day", body)

    def set_faults(self, **settings: Any) -> dict:
        return self.admin("POST", "/sandbox/faults", settings)

    def clear_faults(self) -> dict:
        return self.admin("DELETE", "/sandbox/faults")

    def set_settings(self, **settings: Any) -> dict:
        return self.admin("POST", "/sandbox/settings", settings)

    def register_client(self, **client: Any) -> dict:
        return self.admin("POST", "/sandbox/clients", client)

    def set_rate_limit(self, client_id: str, requests: int | None, per_seconds: float = 1) -> dict:
        body = {"rate_limit": None} if requests is None else {"requests": requests, "per_seconds": per_seconds}
        return self.admin("POST", f"/sandbox/clients/{client_id}/rate-limit", body)

    def expire_tokens(self, org_number: str | None = None) -> int:
        return self.admin("POST", "/sandbox/tokens/expire", {"org_number": org_number} if org_number else {})["expired"]

    def expire_consents(self, org_number: str | None = None) -> int:
        return self.admin("POST", "/sandbox/consents/expire", {"org_number": org_number} if org_number else {})["expired"]

    def order_agreement(self, org_number: str, accounts: list[str] | None = None, confirm_after_days: int = 0,
                        statements_from: str | None = None) -> dict:
        body: dict = {"org_number": org_number, "confirm_after_days": confirm_after_days}
        if accounts is not None:
            body["accounts"] = accounts
        if statements_from is not None:
            body["statements_from"] = statements_from
        return self.admin("POST", "/sandbox/agreements", body)

    def deactivate_agreement(self, agreement_id: str, accounts: list[str] | None = None) -> dict:
        body = {} if accounts is None else {"accounts": accounts}
        return self.admin("POST", f"/sandbox/agreements/{urllib.parse.quote(agreement_id, safe='')}/deactivate", body)

    def cancel_transaction(self, entry_id: str) -> dict:
        """The bank drops a pending transaction."""
        return self.admin("POST", f"/sandbox/transactions/{urllib.parse.quote(entry_id, safe='')}/cancel")

    def process_mailboxes(self) -> dict:
        return self.admin("POST", "/sandbox/process-mailboxes")

    def generate(self, scenario: dict, seed: int, days: int, start: str | None = None) -> dict:
        body = {"scenario": scenario, "seed": seed, "days": days, **({"start": start} if start else {})}
        return self.admin("POST", "/sandbox/generate", body)

    # -- the user's side of onboarding ------------------------------------------------------------

    def authorize_url(self, *, client_id: str, redirect_uri: str, code_challenge: str, state: str = "xyz",
                      scope: str = "accounts payments") -> str:
        return "/oauth/authorize?" + urllib.parse.urlencode({
            "response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri, "state": state,
            "code_challenge": code_challenge, "code_challenge_method": "S256", "scope": scope})

    def consent(self, *, client_id: str, redirect_uri: str, national_id: str, org_number: str,
                code_challenge: str, state: str = "xyz", scope: str = "accounts payments") -> dict[str, str]:
        """Open the login page, log in with the national identity number, approve the company:
        returns the redirect's query parameters (code and state, or error)."""
        page = self.request("GET", self.authorize_url(client_id=client_id, redirect_uri=redirect_uri,
                                                      code_challenge=code_challenge, state=state, scope=scope))
        if page.status == 302:
            return _query(page.headers["Location"])
        if page.status != 200:
            raise SandboxBankError(page)
        login = re.search(r'name="login" value="([^"]+)"', page.text)
        if login is None:
            raise SandboxBankError(page)
        step = self.request("POST", "/oauth/authorize", form={"login": login.group(1), "national_id": national_id})
        if step.status != 200 or 'name="org_number"' not in step.text:
            raise SandboxBankError(step)
        done = self.request("POST", "/oauth/authorize", form={"login": login.group(1), "org_number": org_number,
                                                              "decision": "approve"})
        if done.status != 302:
            raise SandboxBankError(done)
        return _query(done.headers["Location"])

    def exchange_code(self, code: str, verifier: str, *, client_id: str = "avstem-dev", redirect_uri: str) -> HttpResult:
        return self.request("POST", "/oauth/token", form={"grant_type": "authorization_code", "code": code,
                                                          "code_verifier": verifier, "client_id": client_id,
                                                          "redirect_uri": redirect_uri})

    def refresh(self, refresh_token: str, client_id: str = "avstem-dev") -> HttpResult:
        return self.request("POST", "/oauth/token", form={"grant_type": "refresh_token",
                                                          "refresh_token": refresh_token, "client_id": client_id})

    def connect(self, *, national_id: str, org_number: str, client_id: str = "avstem-dev",
                redirect_uri: str = "http://127.0.0.1:9/callback", scope: str = "accounts payments") -> dict:
        """The whole onboarding in one call: returns the token response."""
        verifier, challenge = pkce_pair()
        answer = self.consent(client_id=client_id, redirect_uri=redirect_uri, national_id=national_id,
                              org_number=org_number, code_challenge=challenge, scope=scope)
        if "code" not in answer:
            raise RuntimeError(f"consent failed: {answer}")
        return self._ok(self.exchange_code(answer["code"], verifier, client_id=client_id, redirect_uri=redirect_uri))


def _query(location: str) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
