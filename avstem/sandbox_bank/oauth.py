"""Onboarding: OAuth 2.0 authorization code flow with PKCE (S256 only), standing in for the
bank's BankID login. A grant ties one client, one person and one company (organisation number);
its tokens reach that company's accounts only, until the consent expires (PSD2-style, counted
in bank days) or is revoked.

Tokens, codes and refresh tokens are random (secrets.token_urlsafe) and stored only as SHA-256
hashes; none is ever logged. Refresh tokens rotate: each is good for one refresh. A code used
twice is refused and revokes what the first use gave (RFC 6749 §4.1.2).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
import secrets
import sqlite3
import time
import urllib.parse
from dataclasses import dataclass
from typing import TYPE_CHECKING

from avstem.sandbox_bank.accounts import accounts_of, check_national_id, companies_of
from avstem.sandbox_bank.store import bank_day, settings
from avstem.sandbox_bank.web import HTTPError

if TYPE_CHECKING:
    from avstem.sandbox_bank.server import SandboxBank

SCOPES = ("accounts", "payments")
DEFAULT_CLIENT_ID = "avstem-dev"
VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")
CHALLENGE = re.compile(r"[A-Za-z0-9\-_]{43}")
LOGIN_SECONDS = 15 * 60
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


class OAuthError(HTTPError):
    """A token endpoint error as RFC 6749 §5.2 has it (plus our usual "message")."""

    def __init__(self, code: str, description: str, status: int = 400) -> None:
        super().__init__(status, code, description, error_description=description)


@dataclass(frozen=True)
class Grant:
    id: str
    client_id: str
    national_id: str
    org_number: str
    scope: tuple[str, ...]
    consent_expires: dt.date


# --- clients -------------------------------------------------------------------------------------


def ensure_default_client(conn: sqlite3.Connection) -> None:
    """The development client: public (PKCE, no secret), any loopback redirect URI and port."""
    conn.execute("INSERT INTO clients (client_id, name, redirect_uris, loopback) VALUES (?, ?, '[]', 1) "
                 "ON CONFLICT DO NOTHING", (DEFAULT_CLIENT_ID, "Avstem (utvikling)"))


def register_client(conn: sqlite3.Connection, data: dict) -> dict:
    client_id = data.get("client_id")
    if not isinstance(client_id, str) or not re.fullmatch(r"[A-Za-z0-9._\-]{3,64}", client_id):
        raise ValueError("client_id must be 3-64 letters, digits, '.', '_' or '-'")
    uris = data.get("redirect_uris") or []
    if not isinstance(uris, list) or not all(isinstance(u, str) and _absolute_uri(u) for u in uris):
        raise ValueError("redirect_uris must be a list of absolute http(s) URIs without fragment")
    loopback = bool(data.get("loopback", False))
    if not uris and not loopback:
        raise ValueError("give redirect_uris, or loopback: true for any localhost redirect")
    secret = data.get("client_secret")
    if secret is not None and (not isinstance(secret, str) or len(secret) < 16):
        raise ValueError("client_secret must be at least 16 characters")
    limit = data.get("rate_limit")
    requests, seconds = _rate_limit(limit) if limit is not None else (None, None)
    conn.execute(
        "INSERT INTO clients (client_id, name, redirect_uris, secret_hash, loopback, rate_requests, rate_seconds) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (client_id) DO UPDATE SET name = excluded.name, "
        "redirect_uris = excluded.redirect_uris, secret_hash = excluded.secret_hash, loopback = excluded.loopback, "
        "rate_requests = excluded.rate_requests, rate_seconds = excluded.rate_seconds",
        (client_id, str(data.get("name") or client_id), json.dumps(uris), digest(secret) if secret else None,
         int(loopback), requests, seconds))
    return client_json(get_client(conn, client_id))


def set_rate_limit(conn: sqlite3.Connection, client_id: str, limit: object) -> dict:
    get_client(conn, client_id)
    requests, seconds = _rate_limit(limit) if limit is not None else (None, None)
    conn.execute("UPDATE clients SET rate_requests = ?, rate_seconds = ? WHERE client_id = ?",
                 (requests, seconds, client_id))
    return client_json(get_client(conn, client_id))


def _rate_limit(limit: object) -> tuple[int, float]:
    if not isinstance(limit, dict):
        raise ValueError('rate_limit must be {"requests": n, "per_seconds": s}')
    requests, seconds = limit.get("requests"), limit.get("per_seconds", 1)
    if not isinstance(requests, int) or isinstance(requests, bool) or requests < 1:
        raise ValueError("rate_limit.requests must be a whole number of at least 1")
    if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or seconds <= 0:
        raise ValueError("rate_limit.per_seconds must be a positive number")
    return requests, float(seconds)


def get_client(conn: sqlite3.Connection, client_id: str | None) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM clients WHERE client_id = ?", (client_id or "",)).fetchone()
    if row is None:
        raise LookupError(f"unknown client_id {client_id!r}")
    return row


def client_json(row: sqlite3.Row) -> dict:
    limit = {"requests": row["rate_requests"], "per_seconds": row["rate_seconds"]} if row["rate_requests"] else None
    return {"client_id": row["client_id"], "name": row["name"], "redirect_uris": json.loads(row["redirect_uris"]),
            "loopback": bool(row["loopback"]), "confidential": row["secret_hash"] is not None, "rate_limit": limit}


def _absolute_uri(uri: str) -> bool:
    parts = urllib.parse.urlsplit(uri)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not parts.fragment


def redirect_allowed(client: sqlite3.Row, uri: str) -> bool:
    if not _absolute_uri(uri):
        return False
    if uri in json.loads(client["redirect_uris"]):
        return True
    parts = urllib.parse.urlsplit(uri)
    return bool(client["loopback"]) and parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS


def with_query(uri: str, **params: str | None) -> str:
    parts = urllib.parse.urlsplit(uri)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    query += [(k, v) for k, v in params.items() if v is not None]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


# --- authorization ---------------------------------------------------------------------------------


class RedirectError(Exception):
    """An authorization error reported to the client by redirect (RFC 6749 §4.1.2.1)."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


def start_login(conn: sqlite3.Connection, query: dict[str, str]) -> tuple[str, sqlite3.Row, str]:
    """Check an authorization request and open a login; returns (login id, client, scope).

    An unknown client or a redirect URI it has not registered is shown to the user (never
    redirected to); every other problem goes back to the client as `error=` on the redirect.
    """
    try:
        client = get_client(conn, query.get("client_id"))
    except LookupError as exc:
        raise HTTPError(400, "invalid_client", str(exc)) from None
    redirect_uri = query.get("redirect_uri", "")
    if not redirect_allowed(client, redirect_uri):
        raise HTTPError(400, "invalid_redirect_uri", f"redirect_uri {redirect_uri!r} is not registered for "
                                                     f"client {client['client_id']}")
    state = query.get("state")

    def fail(code: str, description: str) -> RedirectError:
        return RedirectError(with_query(redirect_uri, error=code, error_description=description, state=state))

    if query.get("response_type") != "code":
        raise fail("unsupported_response_type", "response_type must be code")
    challenge = query.get("code_challenge", "")
    if query.get("code_challenge_method", "S256") != "S256":
        raise fail("invalid_request", "code_challenge_method must be S256")
    if not CHALLENGE.fullmatch(challenge):
        raise fail("invalid_request", "code_challenge is required: BASE64URL(SHA256(code_verifier)), 43 characters")
    scope = " ".join(query.get("scope", "accounts payments").split()) or "accounts payments"
    unknown = [s for s in scope.split() if s not in SCOPES]
    if unknown:
        raise fail("invalid_scope", f"unknown scope {' '.join(unknown)}; use {' '.join(SCOPES)}")
    login_id = secrets.token_urlsafe(24)
    conn.execute("DELETE FROM logins WHERE created_at < ?", (time.time() - LOGIN_SECONDS,))
    conn.execute("INSERT INTO logins (id, client_id, redirect_uri, state, code_challenge, scope, created_at) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?)", (login_id, client["client_id"], redirect_uri, state, challenge,
                                                  scope, time.time()))
    return login_id, client, scope


def get_login(conn: sqlite3.Connection, login_id: str | None) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM logins WHERE id = ? AND created_at >= ?",
                       (login_id or "", time.time() - LOGIN_SECONDS)).fetchone()
    if row is None:
        raise HTTPError(400, "login_expired", "the login has expired or does not exist; start again from the program")
    return row


def identify(conn: sqlite3.Connection, login: sqlite3.Row, national_id: str) -> str:
    """The BankID stand-in: a valid national identity number of a person the bank knows."""
    try:
        number = check_national_id(national_id)
    except ValueError:
        raise ValueError("Fødselsnummeret er ugyldig (11 siffer med gyldige kontrollsifre).") from None
    if conn.execute("SELECT 1 FROM persons WHERE national_id = ?", (number,)).fetchone() is None:
        raise ValueError("Banken kjenner ingen kunde med dette fødselsnummeret.")
    conn.execute("UPDATE logins SET national_id = ? WHERE id = ?", (number, login["id"]))
    return number


def companies_for_consent(conn: sqlite3.Connection, national_id: str) -> list[dict]:
    return [{"org_number": c["org_number"], "name": c["name"],
             "accounts": [f"{a['number']} {a['name']}" for a in accounts_of(conn, c["org_number"])]}
            for c in companies_of(conn, national_id)]


def approve(conn: sqlite3.Connection, login: sqlite3.Row, org_number: str) -> str:
    """The user's consent for one company: a grant and a one-time code; returns the redirect."""
    if login["national_id"] is None:
        raise ValueError("Logg inn først.")
    if org_number not in {c["org_number"] for c in companies_of(conn, login["national_id"])}:
        raise ValueError("Du kan ikke disponere kontoene til dette selskapet.")
    config = settings(conn)
    today = bank_day(conn)
    grant_id = secrets.token_hex(12)
    conn.execute("INSERT INTO grants (id, client_id, national_id, org_number, scope, created_day, consent_expires) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?)",
                 (grant_id, login["client_id"], login["national_id"], org_number, login["scope"], today.isoformat(),
                  (today + dt.timedelta(days=int(config["consent_days"]))).isoformat()))
    code = secrets.token_urlsafe(32)
    conn.execute("INSERT INTO codes (code_hash, grant_id, client_id, redirect_uri, code_challenge, expires_at) "
                 "VALUES (?, ?, ?, ?, ?, ?)", (digest(code), grant_id, login["client_id"], login["redirect_uri"],
                                               login["code_challenge"],
                                               time.time() + float(config["authorization_code_seconds"])))
    conn.execute("DELETE FROM logins WHERE id = ?", (login["id"],))
    return with_query(login["redirect_uri"], code=code, state=login["state"])


def deny(conn: sqlite3.Connection, login: sqlite3.Row) -> str:
    conn.execute("DELETE FROM logins WHERE id = ?", (login["id"],))
    return with_query(login["redirect_uri"], error="access_denied", error_description="the user declined",
                      state=login["state"])


# --- tokens --------------------------------------------------------------------------------------


def token(conn: sqlite3.Connection, form: dict[str, str], basic_auth: tuple[str, str] | None) -> dict:
    client = _authenticate_client(conn, form, basic_auth)
    grant_type = form.get("grant_type")
    if grant_type == "authorization_code":
        return _exchange_code(conn, client, form)
    if grant_type == "refresh_token":
        return _refresh(conn, client, form)
    raise OAuthError("unsupported_grant_type", "grant_type must be authorization_code or refresh_token")


def _authenticate_client(conn: sqlite3.Connection, form: dict[str, str], basic: tuple[str, str] | None) -> sqlite3.Row:
    client_id = basic[0] if basic else form.get("client_id")
    secret = basic[1] if basic else form.get("client_secret")
    try:
        client = get_client(conn, client_id)
    except LookupError:
        raise OAuthError("invalid_client", f"unknown client_id {client_id!r}", 401) from None
    if client["secret_hash"] is not None and (secret is None or
                                              not secrets.compare_digest(digest(secret), client["secret_hash"])):
        raise OAuthError("invalid_client", "client authentication failed", 401)
    return client


def _exchange_code(conn: sqlite3.Connection, client: sqlite3.Row, form: dict[str, str]) -> dict:
    code, verifier = form.get("code", ""), form.get("code_verifier", "")
    row = conn.execute("SELECT * FROM codes WHERE code_hash = ?", (digest(code),)).fetchone()
    if row is None or row["client_id"] != client["client_id"]:
        raise OAuthError("invalid_grant", "the authorization code is unknown")
    if row["used"]:
        # A replayed code: whoever holds it is not to be trusted; withdraw what it gave.
        conn.execute("UPDATE tokens SET revoked = 1 WHERE grant_id = ?", (row["grant_id"],))
        conn.execute("UPDATE grants SET revoked = 1 WHERE id = ?", (row["grant_id"],))
        raise OAuthError("invalid_grant", "the authorization code was used before; its tokens are revoked")
    conn.execute("UPDATE codes SET used = 1 WHERE code_hash = ?", (row["code_hash"],))
    if row["expires_at"] < time.time():
        raise OAuthError("invalid_grant", "the authorization code has expired")
    if form.get("redirect_uri") != row["redirect_uri"]:
        raise OAuthError("invalid_grant", "redirect_uri differs from the one in the authorization request")
    if not VERIFIER.fullmatch(verifier):
        raise OAuthError("invalid_request", "code_verifier must be 43-128 characters of A-Z a-z 0-9 - . _ ~")
    if not secrets.compare_digest(s256(verifier), row["code_challenge"]):
        raise OAuthError("invalid_grant", "code_verifier does not match the code_challenge (PKCE S256)")
    return _issue(conn, _grant(conn, row["grant_id"]))


def _refresh(conn: sqlite3.Connection, client: sqlite3.Row, form: dict[str, str]) -> dict:
    row = conn.execute("SELECT * FROM tokens WHERE token_hash = ? AND kind = 'refresh'",
                       (digest(form.get("refresh_token", "")),)).fetchone()
    if row is None:
        raise OAuthError("invalid_grant", "the refresh token is unknown")
    grant = _grant(conn, row["grant_id"])
    if grant is None or grant.client_id != client["client_id"]:
        raise OAuthError("invalid_grant", "the refresh token is unknown")
    if row["revoked"]:
        raise OAuthError("invalid_grant", "the refresh token was revoked or already used")
    if row["expires_at"] < time.time():
        raise OAuthError("invalid_grant", "the refresh token has expired; the user must log in again")
    if grant.consent_expires < bank_day(conn):
        raise OAuthError("invalid_grant", f"the consent expired on {grant.consent_expires}; the user must renew it")
    conn.execute("UPDATE tokens SET revoked = 1 WHERE token_hash = ?", (row["token_hash"],))
    return _issue(conn, grant)


def _grant(conn: sqlite3.Connection, grant_id: str) -> Grant:
    row = conn.execute("SELECT * FROM grants WHERE id = ?", (grant_id,)).fetchone()
    if row is None or row["revoked"]:
        raise OAuthError("invalid_grant", "the consent was revoked")
    return Grant(row["id"], row["client_id"], row["national_id"], row["org_number"], tuple(row["scope"].split()),
                 dt.date.fromisoformat(row["consent_expires"]))


def _issue(conn: sqlite3.Connection, grant: Grant) -> dict:
    config = settings(conn)
    access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = time.time()
    lifetime = float(config["access_token_seconds"])
    conn.executemany("INSERT INTO tokens (token_hash, kind, grant_id, expires_at) VALUES (?, ?, ?, ?)", [
        (digest(access), "access", grant.id, now + lifetime),
        (digest(refresh), "refresh", grant.id, now + float(config["refresh_token_days"]) * 86400),
    ])
    return {"access_token": access, "token_type": "Bearer", "expires_in": int(lifetime), "refresh_token": refresh,
            "scope": " ".join(grant.scope), "org_number": grant.org_number,
            "consent_expires": grant.consent_expires.isoformat()}


def authenticate(conn: sqlite3.Connection, authorization: str | None, scope: str) -> Grant:
    """The grant behind a Bearer access token, or 401/403 naming what is wrong."""
    if not authorization or not authorization.lower().startswith("bearer "):
        raise _unauthorized("invalid_request", "an Authorization: Bearer <access token> header is required")
    row = conn.execute("SELECT * FROM tokens WHERE token_hash = ? AND kind = 'access'",
                       (digest(authorization[7:].strip()),)).fetchone()
    if row is None:
        raise _unauthorized("invalid_token", "the access token is unknown")
    if row["revoked"]:
        raise _unauthorized("invalid_token", "the access token was revoked")
    if row["expires_at"] < time.time():
        raise _unauthorized("invalid_token", "the access token has expired; use the refresh token")
    try:
        grant = _grant(conn, row["grant_id"])
    except OAuthError:
        raise _unauthorized("invalid_token", "the consent behind this token was revoked") from None
    if grant.consent_expires < bank_day(conn):
        raise _unauthorized("consent_expired", f"the consent expired on {grant.consent_expires}; the user must renew it")
    if scope not in grant.scope:
        raise HTTPError(403, "insufficient_scope", f"this token does not have the {scope!r} scope",
                        headers=[("WWW-Authenticate", f'Bearer error="insufficient_scope", scope="{scope}"')])
    return grant


def _unauthorized(code: str, message: str) -> HTTPError:
    return HTTPError(401, code, message, headers=[("WWW-Authenticate", f'Bearer error="{code}", '
                                                                        f'error_description="{message}"')])


def revoke(conn: sqlite3.Connection, form: dict[str, str], basic_auth: tuple[str, str] | None) -> None:
    """RFC 7009: revoking a refresh token ends the whole grant (consent); an access token, itself."""
    client = _authenticate_client(conn, form, basic_auth)
    row = conn.execute("SELECT t.*, g.client_id FROM tokens t JOIN grants g ON g.id = t.grant_id "
                       "WHERE t.token_hash = ?", (digest(form.get("token", "")),)).fetchone()
    if row is None or row["client_id"] != client["client_id"]:
        return  # unknown tokens are answered 200 too
    if row["kind"] == "refresh":
        conn.execute("UPDATE tokens SET revoked = 1 WHERE grant_id = ?", (row["grant_id"],))
        conn.execute("UPDATE grants SET revoked = 1 WHERE id = ?", (row["grant_id"],))
    else:
        conn.execute("UPDATE tokens SET revoked = 1 WHERE token_hash = ?", (row["token_hash"],))


# --- admin ---------------------------------------------------------------------------------------


def expire_tokens(conn: sqlite3.Connection, org_number: str | None = None, client_id: str | None = None) -> int:
    """Make matching access tokens expired now (refresh tokens keep working)."""
    sql = ("UPDATE tokens SET expires_at = ? WHERE kind = 'access' AND revoked = 0 AND expires_at > ? "
           "AND grant_id IN (SELECT id FROM grants WHERE (? IS NULL OR org_number = ?) AND (? IS NULL OR client_id = ?))")
    now = time.time()
    return conn.execute(sql, (now - 1, now, org_number, org_number, client_id, client_id)).rowcount


def expire_consents(conn: sqlite3.Connection, org_number: str | None = None) -> int:
    yesterday = (bank_day(conn) - dt.timedelta(days=1)).isoformat()
    return conn.execute("UPDATE grants SET consent_expires = ? WHERE revoked = 0 AND (? IS NULL OR org_number = ?)",
                        (yesterday, org_number, org_number)).rowcount


def consents(conn: sqlite3.Connection, org_number: str | None = None) -> list[dict]:
    today = bank_day(conn)
    rows = conn.execute("SELECT * FROM grants WHERE (? IS NULL OR org_number = ?) ORDER BY created_day, id",
                        (org_number, org_number)).fetchall()
    return [{"id": r["id"], "client_id": r["client_id"], "org_number": r["org_number"], "scope": r["scope"],
             "created_on": r["created_day"], "consent_expires": r["consent_expires"],
             "status": "revoked" if r["revoked"] else ("expired" if r["consent_expires"] < today.isoformat() else "active")}
            for r in rows]


# --- routes --------------------------------------------------------------------------------------


def register(app: SandboxBank) -> None:
    from avstem.sandbox_bank import pages
    from avstem.sandbox_bank.accounts import persons
    from avstem.sandbox_bank.web import Param, Request, Response, html_response, json_response, redirect

    route = app.router.add
    form_body = {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": {"type": "object"}}}}
    oauth_error = {"application/json": {"schema": {"$ref": "#/components/schemas/OAuthError"}}}

    @route("GET", "/oauth/authorize", "Start the login (BankID stand-in) and consent", "Onboarding",
           query=(Param("response_type", "code", required=True), Param("client_id", "registered client", required=True),
                  Param("redirect_uri", "registered redirect URI (any loopback URI for avstem-dev)", required=True),
                  Param("state", "opaque value returned on the redirect"),
                  Param("code_challenge", "BASE64URL(SHA256(code_verifier))", required=True),
                  Param("code_challenge_method", "S256 (the only one)"),
                  Param("scope", "accounts and/or payments, space-separated (default both)")),
           responses={"200": {"description": "the login page", "content": {"text/html": {"schema": {"type": "string"}}}},
                      "302": {"description": "error=... back to the client (bad request parameters)"},
                      "400": {"description": "unknown client or redirect URI (shown, never redirected)"}})
    def authorize_page(request: Request) -> Response:
        try:
            with app.store.write() as conn:
                login_id, client, scope = start_login(conn, request.query)
                people = persons(conn)
        except RedirectError as exc:
            return redirect(exc.location)
        except HTTPError as exc:
            return html_response(pages.error_page(exc.message), exc.status)
        return html_response(pages.login_page(login_id, client["name"], scope, people))

    @route("POST", "/oauth/authorize", "Log in, then approve or deny the consent", "Onboarding",
           body={"required": True, "content": {"application/x-www-form-urlencoded": {"schema": {
               "type": "object", "required": ["login"], "properties": {
                   "login": {"type": "string"}, "national_id": {"type": "string"},
                   "org_number": {"type": "string"}, "decision": {"type": "string", "enum": ["approve", "deny"]}}}}}},
           description="With national_id: identifies the user (a valid fødselsnummer of a person the bank knows) "
                       "and shows the companies they may act for. With org_number and decision=approve (in the "
                       "same or a later post): redirects to redirect_uri with code and state.",
           responses={"200": {"description": "the next page (or the same with an error)"},
                      "302": {"description": "back to the client with code+state, or error=access_denied"},
                      "400": {"description": "the login expired or does not exist"}})
    def authorize_post(request: Request) -> Response:
        form = request.form()
        with app.store.write() as conn:
            try:
                login = get_login(conn, form.get("login"))
            except HTTPError as exc:
                return html_response(pages.error_page(exc.message), exc.status)
            client = get_client(conn, login["client_id"])
            consent_days = int(settings(conn)["consent_days"])
            national_id = login["national_id"]
            if form.get("national_id"):
                try:
                    national_id = identify(conn, login, form["national_id"])
                except ValueError as exc:
                    return html_response(pages.login_page(login["id"], client["name"], login["scope"], persons(conn),
                                                          str(exc), form["national_id"]), 200)
                login = get_login(conn, login["id"])
            if national_id is None:
                return html_response(pages.login_page(login["id"], client["name"], login["scope"], persons(conn),
                                                      "Skriv inn fødselsnummeret ditt."), 200)
            if form.get("decision") == "deny":
                return redirect(deny(conn, login))
            name = conn.execute("SELECT name FROM persons WHERE national_id = ?", (national_id,)).fetchone()[0]
            companies = companies_for_consent(conn, national_id)
            if form.get("decision") == "approve" and form.get("org_number"):
                try:
                    return redirect(approve(conn, login, form["org_number"].strip()))
                except ValueError as exc:
                    return html_response(pages.consent_page(login["id"], client["name"], login["scope"], name,
                                                            companies, consent_days, str(exc)))
            return html_response(pages.consent_page(login["id"], client["name"], login["scope"], name, companies,
                                                    consent_days))

    @route("POST", "/oauth/token", "Exchange a code (with the PKCE verifier) or a refresh token", "Onboarding",
           body=form_body,
           description="grant_type=authorization_code with code, redirect_uri, client_id, code_verifier; or "
                       "grant_type=refresh_token with refresh_token and client_id (refresh tokens rotate). The "
                       "answer carries org_number and consent_expires besides the usual fields.",
           responses={"200": {"description": "tokens", "content": {"application/json": {
               "schema": {"$ref": "#/components/schemas/Token"}}}},
               "400": {"description": "invalid_grant, invalid_request, unsupported_grant_type", "content": oauth_error},
               "401": {"description": "invalid_client", "content": oauth_error},
               "429": {"description": "rate limited", "content": oauth_error}})
    def token_endpoint(request: Request) -> Response:
        form = request.form()
        basic = _basic_auth(request.header("Authorization"))
        app.limit_client(basic[0] if basic else form.get("client_id"))
        failure = None
        with app.store.write() as conn:
            try:
                result = token(conn, form, basic)
            except OAuthError as exc:
                failure = exc  # committed all the same: a replayed code's revocation must stick
        if failure is not None:
            raise failure
        return json_response(result, headers=[("Cache-Control", "no-store"), ("Pragma", "no-cache")])

    @route("POST", "/oauth/revoke", "Revoke an access or refresh token (RFC 7009)", "Onboarding", body=form_body,
           description="Revoking a refresh token withdraws the whole consent. Unknown tokens also answer 200.",
           responses={"200": {"description": "revoked (or unknown)"},
                      "401": {"description": "invalid_client", "content": oauth_error}})
    def revoke_endpoint(request: Request) -> Response:
        form = request.form()
        with app.store.write() as conn:
            revoke(conn, form, _basic_auth(request.header("Authorization")))
        return json_response({"revoked": True})


def _basic_auth(header: str | None) -> tuple[str, str] | None:
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        user, _, password = base64.b64decode(header[6:].strip()).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        raise OAuthError("invalid_client", "the Basic authorization header cannot be read", 401) from None
    return urllib.parse.unquote(user), urllib.parse.unquote(password)
