"""The sandbox bank as a WSGI application, served by waitress.

    app = SandboxBank(data_dir, admin_key)
    serve(app, host="127.0.0.1", port=8700)

Request logging names method, path (never the query string), status and time: no token, code
or key is ever written to the log.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import sys
import time
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path

from avstem.sandbox_bank import accounts as acc
from avstem.sandbox_bank import admin, api, oauth, openapi, pages
from avstem.sandbox_bank.banks import OfferedBank, sandbox_banks
from avstem.sandbox_bank.faults import FaultSwitch, RateLimiter
from avstem.sandbox_bank.store import Store, bank_day, settings
from avstem.sandbox_bank.web import (
    HTTPError,
    Request,
    Response,
    Router,
    html_response,
    json_response,
    start_response_with,
)

log = logging.getLogger("avstem.sandbox_bank")
ADMIN_HEADER = "X-Admin-Key"


class SandboxBank:
    def __init__(self, data_dir: str | Path, admin_key: str | None = None, *, start_day: dt.date | None = None,
                 access_log: bool = True) -> None:
        self.store = Store(data_dir, start_day)
        with self.store.write() as conn:
            oauth.ensure_default_client(conn)
        self.admin_key = admin_key or secrets.token_urlsafe(18)
        self.faults = FaultSwitch()
        self.limiter = RateLimiter()
        self.access_log = access_log
        self.router = Router()
        self._register()
        api.register(self)
        oauth.register(self)
        admin.register(self)

    # -- WSGI -------------------------------------------------------------------------------------

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        started = time.monotonic()
        request = Request(environ)
        try:
            route = self.router.match(request)
            if route.auth == "admin":
                self._check_admin(request)
            else:
                self.faults.check(request.path)
            response = route.handler(request)
        except HTTPError as exc:
            response = exc.response()
        except (ValueError, acc.Conflict, acc.NotFound) as exc:
            response = _domain_error(exc).response()
        except Exception:  # noqa: BLE001 - a bug must answer 500 and be logged, not kill the worker
            log.error("%s %s failed:\n%s", request.method, request.path, traceback.format_exc())
            response = HTTPError(500, "internal_error", "the sandbox bank failed; see its log").response()
        if self.access_log:
            log.info("%s %s %s %.0fms", request.method, request.path, response.status,
                     (time.monotonic() - started) * 1000)
        return start_response_with(response, start_response, head_only=request.method == "HEAD")

    def _check_admin(self, request: Request) -> None:
        given = request.header(ADMIN_HEADER) or ""
        if not secrets.compare_digest(given.encode(), self.admin_key.encode()):
            raise HTTPError(401, "admin_key_required", f"sandbox administration needs the {ADMIN_HEADER} header "
                                                       "(printed when the bank starts, or AVSTEM_SANDBOX_ADMIN_KEY)")

    def limit_client(self, client_id: str | None) -> None:
        """429 when the client has used up its rate limit (its own, or the default)."""
        if not client_id:
            return
        with self.store.read() as conn:
            row = conn.execute("SELECT rate_requests, rate_seconds FROM clients WHERE client_id = ?",
                               (client_id,)).fetchone()
            config = settings(conn)
        if row is not None and row["rate_requests"]:
            requests, seconds = int(row["rate_requests"]), float(row["rate_seconds"])
        else:
            requests, seconds = int(config["rate_limit_requests"]), float(config["rate_limit_seconds"])
        self.limiter.check(client_id, requests, seconds)

    # -- public routes ----------------------------------------------------------------------------

    def _register(self) -> None:
        route = self.router.add

        @route("GET", "/", "The front page: bank day, banks and customers", "Service",
               responses={"200": {"description": "HTML", "content": {"text/html": {"schema": {"type": "string"}}}}})
        def front(request: Request) -> Response:
            with self.store.read() as conn:
                return html_response(pages.front_page(bank_day(conn).isoformat(),
                                                      [_bank_json(b) for b in sandbox_banks()], acc.customers(conn)))

        @route("GET", "/health", "Liveness and the bank day", "Service",
               responses={"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}})
        def health(request: Request) -> Response:
            with self.store.read() as conn:
                return json_response({"status": "ok", "bank_day": bank_day(conn)})

        @route("GET", "/banks", "The banks the sandbox stands in for", "Service",
               responses={"200": {"description": "banks with registration numbers and BICs",
                                  "content": {"application/json": {"schema": {"type": "object"}}}}})
        def banks(request: Request) -> Response:
            return json_response({"banks": [_bank_json(b) for b in sandbox_banks()]})

        @route("GET", "/openapi.json", "This description (OpenAPI 3)", "Service",
               responses={"200": {"description": "OpenAPI 3.1 document",
                                  "content": {"application/json": {"schema": {"type": "object"}}}}})
        def spec(request: Request) -> Response:
            return json_response(openapi.document(self.router))


def _bank_json(bank: OfferedBank) -> dict:
    return {"key": bank.key, "name": bank.name, "bic": bank.bic, "registration_number": bank.registration_number}


def _domain_error(exc: Exception) -> HTTPError:
    if isinstance(exc, acc.Conflict):
        return HTTPError(409, "conflict", str(exc))
    if isinstance(exc, acc.NotFound):
        return HTTPError(404, "not_found", str(exc.args[0] if exc.args else exc))
    return HTTPError(400, "invalid_request", str(exc))


def serve(app: SandboxBank, host: str, port: int, threads: int = 8) -> None:
    from waitress import serve as waitress_serve

    waitress_serve(app, host=host, port=port, threads=threads, ident="avstem-sandbox-bank")


def configure_logging(quiet: bool = False) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    log.addHandler(handler)
    log.setLevel(logging.WARNING if quiet else logging.INFO)
    log.propagate = False
