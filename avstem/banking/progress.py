"""Progress of a long import, readable while its database transaction is still open.

An import is one transaction (all or nothing), so progress written to the database would stay
invisible to the page polling for it until the end (and SQLite would block the write). It goes
to a small file under the data directory instead, replaced atomically, a few times a second.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from django.conf import settings

INTERVAL = 0.25


def _path(key: str) -> Path:
    return Path(settings.DATA_DIR) / "progress" / f"{key}.json"


class Reporter:
    def __init__(self, key: str, total: int = 0) -> None:
        self.key, self.total, self.done = key, total, 0
        self._last = 0.0

    def add(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if now - self._last >= INTERVAL:
            self._last = now
            write(self.key, self.done, self.total)


def write(key: str, done: int, total: int) -> None:
    path = _path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"done": done, "total": total}))
    os.replace(tmp, path)


def read(key: str) -> tuple[int, int] | None:
    try:
        data = json.loads(_path(key).read_text())
    except (OSError, ValueError):
        return None
    return int(data.get("done", 0)), int(data.get("total", 0))


def clear(key: str) -> None:
    try:
        _path(key).unlink()
    except OSError:
        pass
