"""Behaving like a real service under stress: per-client rate limits (429 + Retry-After) and a
fault switch that makes requests fail with 5xx (a share of them, seeded, or the next N).

Both live in memory (a restart clears them) and apply to the customer-facing API (/api/ and
/oauth/token), never to the sandbox admin endpoints.
"""

from __future__ import annotations

import math
import random
import threading
import time
from dataclasses import dataclass, field

from avstem.sandbox_bank.web import HTTPError

FAULT_STATUSES = (500, 502, 503, 504)


@dataclass
class FaultSwitch:
    error_rate: float = 0.0
    status: int = 503
    fail_next: int = 0
    retry_after: int | None = 1
    prefixes: tuple[str, ...] = ("/api/", "/oauth/token")
    seed: int | None = None
    injected: int = 0
    _rng: random.Random = field(default_factory=random.Random)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def configure(self, data: dict) -> dict:
        unknown = sorted(set(data) - {"error_rate", "status", "fail_next", "seed", "retry_after", "paths"})
        if unknown:
            raise ValueError(f"unknown fault setting(s): {', '.join(unknown)}")
        rate = data.get("error_rate", 0.0)
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
            raise ValueError("error_rate must be a number from 0 to 1")
        status = data.get("status", 503)
        if status not in FAULT_STATUSES:
            raise ValueError(f"status must be one of {', '.join(map(str, FAULT_STATUSES))}")
        fail_next = data.get("fail_next", 0)
        if isinstance(fail_next, bool) or not isinstance(fail_next, int) or fail_next < 0:
            raise ValueError("fail_next must be a whole number >= 0")
        retry_after = data.get("retry_after", 1)
        if retry_after is not None and (isinstance(retry_after, bool) or not isinstance(retry_after, int)
                                        or retry_after < 0):
            raise ValueError("retry_after must be whole seconds >= 0, or null")
        paths = data.get("paths", ["/api/", "/oauth/token"])
        if not isinstance(paths, list) or not all(isinstance(p, str) and p.startswith("/") for p in paths):
            raise ValueError("paths must be a list of path prefixes starting with '/'")
        seed = data.get("seed")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise ValueError("seed must be a whole number")
        with self._lock:
            self.error_rate, self.status, self.fail_next = float(rate), status, fail_next
            self.retry_after, self.prefixes, self.seed = retry_after, tuple(paths), seed
            self._rng = random.Random(seed)
            self.injected = 0
        return self.describe()

    def clear(self) -> dict:
        return self.configure({})

    def describe(self) -> dict:
        return {"error_rate": self.error_rate, "status": self.status, "fail_next": self.fail_next,
                "retry_after": self.retry_after, "paths": list(self.prefixes), "seed": self.seed,
                "injected": self.injected}

    def check(self, path: str) -> None:
        """Raise the configured 5xx for this request, or do nothing."""
        if not path.startswith(self.prefixes):
            return
        with self._lock:
            if self.fail_next > 0:
                self.fail_next -= 1
            elif not (self.error_rate and self._rng.random() < self.error_rate):
                return
            self.injected += 1
        headers = [("Retry-After", str(self.retry_after))] if self.retry_after is not None else []
        raise HTTPError(self.status, "sandbox_fault", f"injected fault (HTTP {self.status}); try again later",
                        headers=headers)


class RateLimiter:
    """A sliding window per key: at most `requests` per `seconds`."""

    def __init__(self) -> None:
        self._hits: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def check(self, key: str, requests: int, seconds: float) -> None:
        now = time.monotonic()
        with self._lock:
            hits = [t for t in self._hits.get(key, ()) if t > now - seconds]
            if len(hits) >= requests:
                self._hits[key] = hits
                wait = max(1, math.ceil(hits[0] + seconds - now))
                raise HTTPError(429, "rate_limited", f"more than {requests} requests in {seconds:g} s from client "
                                f"{key}; retry after {wait} s", headers=[("Retry-After", str(wait))], retry_after=wait)
            hits.append(now)
            self._hits[key] = hits

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()
