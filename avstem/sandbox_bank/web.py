"""A tiny WSGI layer: requests, responses, JSON errors and a router whose routes carry their own
OpenAPI description (so the published spec cannot drift from what is served).

Deliberately small: the sandbox bank has a few dozen routes and no need for a framework.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

MAX_BODY = 50 * 1024 * 1024  # a pain.001 with tens of thousands of payments still fits

REASONS = {
    200: "OK", 201: "Created", 204: "No Content", 302: "Found", 400: "Bad Request",
    401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
    409: "Conflict", 413: "Payload Too Large", 415: "Unsupported Media Type",
    422: "Unprocessable Entity", 429: "Too Many Requests", 500: "Internal Server Error",
    502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
}


class HTTPError(Exception):
    """Becomes a JSON error response: {"error": code, "message": message, **extra}."""

    def __init__(self, status: int, code: str, message: str, *, headers: Iterable[tuple[str, str]] = (),
                 **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = list(headers)
        self.extra = extra

    def response(self) -> Response:
        body = {"error": self.code, "message": self.message, **self.extra}
        return json_response(body, self.status, headers=self.headers)


def bad_request(message: str, code: str = "invalid_request", **extra: Any) -> HTTPError:
    return HTTPError(400, code, message, **extra)


def not_found(message: str, code: str = "not_found") -> HTTPError:
    return HTTPError(404, code, message)


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    content_type: str = "application/json"

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return format(value, "f")
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[union-attr]
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def json_response(data: object, status: int = 200, headers: Iterable[tuple[str, str]] = ()) -> Response:
    body = json.dumps(data, default=_json_default, ensure_ascii=False, indent=1).encode()
    return Response(status, body, list(headers), "application/json")


def html_response(html: str, status: int = 200) -> Response:
    return Response(status, html.encode(), [("Cache-Control", "no-store")], "text/html; charset=utf-8")


def redirect(location: str) -> Response:
    return Response(302, b"", [("Location", location), ("Cache-Control", "no-store")], "text/plain")


class Request:
    """What a handler needs from the WSGI environ, read lazily."""

    def __init__(self, environ: dict) -> None:
        self.environ = environ
        self.method: str = environ.get("REQUEST_METHOD", "GET").upper()
        self.path: str = environ.get("PATH_INFO", "/") or "/"
        self.query: dict[str, str] = {
            k: v[0] for k, v in urllib.parse.parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True).items()
        }
        self.params: dict[str, str] = {}  # path parameters, set by the router
        self.context: dict[str, Any] = {}  # set by authentication (grant, client ...)
        self._body: bytes | None = None

    def header(self, name: str) -> str | None:
        key = name.upper().replace("-", "_")
        if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            return self.environ.get(key) or None
        return self.environ.get("HTTP_" + key)

    @property
    def content_type(self) -> str:
        return (self.header("Content-Type") or "").split(";")[0].strip().lower()

    @property
    def body(self) -> bytes:
        if self._body is None:
            try:
                length = int(self.environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                raise bad_request("Content-Length is not a number") from None
            if length > MAX_BODY:
                raise HTTPError(413, "payload_too_large", f"the body is {length} bytes; at most {MAX_BODY} allowed")
            self._body = self.environ["wsgi.input"].read(length) if length > 0 else b""
        return self._body

    def json(self, *, required: bool = True) -> dict:
        """The body as a JSON object; an empty body is {} unless `required`."""
        if not self.body.strip():
            if required:
                raise bad_request("the request body must be a JSON object")
            return {}
        try:
            data = json.loads(self.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise bad_request(f"the body is not valid JSON: {exc}", "invalid_json") from None
        if not isinstance(data, dict):
            raise bad_request("the request body must be a JSON object", "invalid_json")
        return data

    def form(self) -> dict[str, str]:
        """An application/x-www-form-urlencoded body (OAuth endpoints), also accepting JSON."""
        if self.content_type == "application/json":
            return {k: str(v) for k, v in self.json(required=False).items() if v is not None}
        try:
            text = self.body.decode()
        except UnicodeDecodeError:
            raise bad_request("the form body is not UTF-8") from None
        return {k: v[0] for k, v in urllib.parse.parse_qs(text, keep_blank_values=True).items()}


# --- routing -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    """A documented query parameter."""

    name: str
    description: str
    required: bool = False
    schema: dict = field(default_factory=lambda: {"type": "string"})


@dataclass
class Route:
    method: str
    pattern: str  # "/api/v1/accounts/{account_id}/statements/{day}.camt053"
    handler: Callable[[Request], Response]
    summary: str
    tag: str
    auth: str = "none"  # none | bearer | admin
    query: tuple[Param, ...] = ()
    body: dict | None = None  # OpenAPI requestBody
    responses: dict = field(default_factory=dict)  # status -> OpenAPI response object
    description: str = ""
    regex: re.Pattern = field(init=False)

    def __post_init__(self) -> None:
        parts = re.split(r"(\{[a-z_]+\})", self.pattern)
        regex = "".join(f"(?P<{p[1:-1]}>[^/]+?)" if p.startswith("{") else re.escape(p) for p in parts)
        self.regex = re.compile(f"^{regex}$")

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"\{([a-z_]+)\}", self.pattern)


class Router:
    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(self, method: str, pattern: str, summary: str, tag: str, **doc: Any) -> Callable:
        def register(handler: Callable[[Request], Response]) -> Callable[[Request], Response]:
            self.routes.append(Route(method, pattern, handler, summary, tag, **doc))
            return handler

        return register

    def match(self, request: Request) -> Route:
        allowed = []
        for route in self.routes:
            found = route.regex.match(request.path)
            if found:
                if route.method == request.method or (route.method == "GET" and request.method == "HEAD"):
                    request.params = {k: urllib.parse.unquote(v) for k, v in found.groupdict().items()}
                    return route
                allowed.append(route.method)
        if allowed:
            raise HTTPError(405, "method_not_allowed", f"{request.method} is not allowed on {request.path}; "
                            f"use {', '.join(sorted(set(allowed)))}", headers=[("Allow", ", ".join(sorted(set(allowed))))])
        raise not_found(f"no such resource: {request.path}")


def start_response_with(response: Response, start_response: Callable, head_only: bool = False) -> list[bytes]:
    headers = [("Content-Type", response.content_type), ("Content-Length", str(len(response.body))), *response.headers]
    start_response(f"{response.status} {REASONS.get(response.status, 'Unknown')}", headers)
    return [b""] if head_only else [response.body]
