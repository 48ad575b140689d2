"""The standard chart of accounts the project ships (`data/accounts.csv`).

Account numbers are those of the Norwegian standard chart (the 4-digit SAF-T list); the names
are the project's own short names. Each account carries its type, a default VAT code and its
SAF-T 1.30 grouping category and code (næringsspesifikasjon), so the SAF-T export needs no
mapping. Pure Python: no Django import.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "accounts.csv"
ACCOUNT_TYPES = ("asset", "liability", "equity", "revenue", "expense", "appropriation")


@dataclass(frozen=True)
class StandardAccount:
    number: str
    name: str
    account_type: str
    vat_code: str
    grouping_category: str
    grouping_code: str
    subledger: str  # "customer", "supplier" or ""
    is_bank: bool


@functools.cache
def standard_accounts() -> tuple[StandardAccount, ...]:
    with open(DATA_FILE, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    accounts = []
    for row in rows:
        if row["type"] not in ACCOUNT_TYPES:
            raise ValueError(f"accounts.csv: account {row['number']} has unknown type {row['type']!r}")
        accounts.append(
            StandardAccount(
                number=row["number"],
                name=row["name"],
                account_type=row["type"],
                vat_code=row["vat_code"],
                grouping_category=row["grouping_category"],
                grouping_code=row["grouping_code"],
                subledger=row["subledger"],
                is_bank=row["bank"] == "1",
            )
        )
    return tuple(accounts)


@functools.cache
def by_number() -> dict[str, StandardAccount]:
    return {a.number: a for a in standard_accounts()}


def type_for_number(number: str) -> str:
    """The account type a new account gets from its class (first digits) in the standard chart."""
    n = int(number[:4].ljust(4, "0"))
    if n < 2000:
        return "asset"
    if n < 2100:
        return "equity"
    if n < 3000:
        return "liability"
    if n < 4000 or 8000 <= n < 8100:
        return "revenue"
    if n < 8800:
        return "expense"
    return "appropriation"


def nearest_standard(number: str) -> StandardAccount | None:
    """The standard account a user's own account most likely belongs with: the closest one at
    or below it in the same class (1921 -> 1920). Used to prefill the SAF-T grouping."""
    key = int(number[:4].ljust(4, "0"))
    candidates = [a for a in standard_accounts() if int(a.number) <= key and a.number[0] == str(key)[0]]
    return candidates[-1] if candidates else None
