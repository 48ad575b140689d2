"""File exchange: the bank's outbound mailbox for a company (an SFTP directory at a real bank;
DATA/mailbox/<orgnr>/outbound at the sandbox bank). The bank writes each file under a temporary
name and renames it, so files still being written (".tmp", ".part", dot-files) are left alone."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

IN_PROGRESS = (".tmp", ".part")
_DAY = re.compile(r"_(\d{8})(?:\D|$)")
_ORDER = {"camt053": 0, "camt054": 1, "ocr": 2}


@dataclass(frozen=True)
class MailboxFile:
    path: Path
    day: datetime.date | None

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def sort_key(self) -> tuple:
        kind = self.name.split("_", 1)[0].lower()
        return (self.day or datetime.date.min, _ORDER.get(kind, 9), self.name)


def day_in_name(name: str) -> datetime.date | None:
    match = _DAY.search(name)
    if not match:
        return None
    try:
        return datetime.datetime.strptime(match.group(1), "%Y%m%d").date()
    except ValueError:
        return None


def outbound_files(root: Path, org_number: str) -> list[MailboxFile]:
    """The complete files in the company's outbound mailbox, by day, statements first."""
    folder = Path(root) / org_number / "outbound"
    if not folder.is_dir():
        return []
    files = [MailboxFile(p, day_in_name(p.name)) for p in folder.iterdir()
             if p.is_file() and not p.name.startswith(".") and not p.name.endswith(IN_PROGRESS)]
    return sorted(files, key=lambda f: f.sort_key)
