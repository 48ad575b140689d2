"""The banks the sandbox stands in for: real names, registration numbers and BICs from the
registry (avstem.norway.accounts). Any registration number the registry knows may hold a sandbox
account; these are the ones offered by name.

Sbanken is not listed: its registration numbers (e.g. 9710) now belong to DNB Bank ASA in the
registry, as Sbanken merged into DNB in 2024.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass

from avstem.norway.accounts import (
    InvalidAccountNumber,
    account_number_to_iban,
    bank_for_registration_number,
    complete_account_number,
)

# key -> the registration number new accounts get at that bank
SANDBOX_BANKS: dict[str, str] = {
    "dnb": "1503",
    "sparebank1": "4202",  # SpareBank 1 SMN
    "nordea": "6003",
    "danske": "8601",
    "handelsbanken": "9041",
}


@dataclass(frozen=True, slots=True)
class OfferedBank:
    key: str
    registration_number: str
    name: str
    bic: str


def sandbox_banks() -> list[OfferedBank]:
    banks = []
    for key, code in SANDBOX_BANKS.items():
        info = bank_for_registration_number(code)
        if info is not None:
            banks.append(OfferedBank(key, code, info.name, info.bic))
    return banks


def resolve_bank(value: str) -> OfferedBank:
    """A bank by key ("dnb"), registration number ("1503") or name; ValueError naming the choices."""
    text = (value or "").strip()
    if text.lower() in SANDBOX_BANKS:
        text = SANDBOX_BANKS[text.lower()]
    if len(text) == 4 and text.isdigit():
        info = bank_for_registration_number(text)
        if info is None:
            raise ValueError(f"registration number {text} is not in the bank registry")
        key = next((k for k, c in SANDBOX_BANKS.items() if c == text), text)
        return OfferedBank(key, text, info.name, info.bic)
    for bank in sandbox_banks():
        if bank.name.casefold() == text.casefold():
            return bank
    raise ValueError(f"unknown bank {value!r}; use a registration number or one of {', '.join(SANDBOX_BANKS)}")


def new_account_number(conn: sqlite3.Connection, registration_number: str, seed: str) -> str:
    """A valid, unused 11-digit account number at the bank, chosen deterministically from `seed`."""
    start = int(hashlib.sha256(seed.encode()).hexdigest()[:12], 16) % 1_000_000
    for step in range(1_000_000):
        first_ten = f"{registration_number}{(start + step) % 1_000_000:06d}"
        try:
            number = complete_account_number(first_ten)
        except InvalidAccountNumber:
            continue
        if conn.execute("SELECT 1 FROM accounts WHERE number = ?", (number,)).fetchone() is None:
            return number
    raise ValueError(f"no free account numbers left at {registration_number}")


def iban_of(number: str) -> str:
    return account_number_to_iban(number)
