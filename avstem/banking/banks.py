"""The banks a company can connect to (R3.1: the bank list is data, not code).

Every Norwegian bank in the registry (schwifty, via avstem.norway.accounts) offers file exchange;
data/api_banks.json names those that also offer the direct API integration and where their API
is. A bank's key is its BIC.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from avstem.norway.accounts import bank_for_registration_number, known_banks

DATA = Path(__file__).resolve().parent / "data" / "api_banks.json"


@dataclass(frozen=True)
class Bank:
    key: str
    name: str
    bic: str
    registration_numbers: tuple[str, ...]
    api: str | None  # "sandbox", a base URL, or None (file exchange only)

    @property
    def has_api(self) -> bool:
        return self.api is not None

    @property
    def api_url(self) -> str | None:
        if self.api is None:
            return None
        return settings.BANK_API_URL if self.api == "sandbox" else self.api


@functools.cache
def _api() -> dict[str, str]:
    return {b["bic"]: b["api"] for b in json.loads(DATA.read_text())["api_banks"]}


@functools.cache
def all_banks() -> tuple[Bank, ...]:
    merged: dict[str, Bank] = {}
    for known in known_banks():
        previous = merged.get(known.bic)
        numbers = (previous.registration_numbers if previous else ()) + known.registration_numbers
        merged[known.bic] = Bank(known.bic, previous.name if previous else known.name, known.bic,
                                 tuple(sorted(numbers)), _api().get(known.bic))
    return tuple(sorted(merged.values(), key=lambda b: b.name.casefold()))


def bank(key: str) -> Bank | None:
    return next((b for b in all_banks() if b.key == key), None)


def bank_of_account(account_number: str) -> Bank | None:
    info = bank_for_registration_number(account_number[:4])
    return bank(info.bic) if info else None


def api_banks() -> list[Bank]:
    return [b for b in all_banks() if b.has_api]
