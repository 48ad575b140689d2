"""Norwegian bank account numbers (kontonummer, BBAN), IBAN, BIC and the bank registry.

A kontonummer is 11 digits: bank registration number (4), account group (2), account number (4)
and a MOD11 check digit (weights 5,4,3,2,7,6,5,4,3,2 from the left; remainder 0 gives 0,
remainder 1 makes the number invalid). It is text: it may start with 0.

Two library traps are avoided here on purpose:
- stdnum's `kontonr` strips a leading "0000" and accepts 7-digit postgiro numbers, so the
  11-digit rule is ours.
- schwifty's Norwegian national check (`validate_bban=True`) computes the check digit of accounts
  whose group (digits 5-6) is "00" from digits 7-10 only, and so refuses most of those that pass
  the MOD11 rule above (and accepts others that fail it). The MOD11 check is therefore ours, and
  schwifty is used for what it is good at: IBAN structure and mod-97 check digits, and the bank
  registry.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from schwifty import BIC, IBAN, registry
from schwifty.domain import Bank
from schwifty.exceptions import SchwiftyException

from avstem.norway.errors import (
    InvalidAccountNumber,
    InvalidBic,
    InvalidIban,
    InvalidNorwegianIban,
    is_ascii_digits,
    require_text,
    strip_separators,
)

COUNTRY = "NO"
ACCOUNT_NUMBER_LENGTH = 11
IBAN_LENGTH = 15  # "NO" + 2 check digits + 11-digit account number
_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
# "0000" is the old postgiro prefix, never a bank: without this rule 0000.00.00000 would pass MOD11.
_NOT_A_BANK = "0000"


# --- Account number ---------------------------------------------------------------------------


def account_check_digit(first_ten: str) -> str | None:
    """The MOD11 check digit for the first 10 digits, or None when no digit fits (remainder 1)."""
    remainder = sum(w * int(d) for w, d in zip(_WEIGHTS, first_ten, strict=True)) % 11
    if remainder == 0:
        return "0"
    if remainder == 1:
        return None
    return str(11 - remainder)


def complete_account_number(first_ten: str) -> str:
    """Append the check digit to 10 digits (to make test and sandbox accounts); raises
    InvalidAccountNumber when no check digit fits (about one prefix in eleven)."""
    if not (isinstance(first_ten, str) and len(first_ten) == 10 and is_ascii_digits(first_ten)):
        raise InvalidAccountNumber("expected the first 10 digits of an account number")
    check = account_check_digit(first_ten)
    if check is None:
        raise InvalidAccountNumber("no check digit fits these ten digits (MOD11 remainder 1)")
    return validate_account_number(first_ten + check)


def validate_account_number(value: str) -> str:
    """Return the 11-digit compact account number, or raise InvalidAccountNumber.

    Spaces (any whitespace) and dots are accepted as separators: "8601 11 17947",
    "8601.11.17947".
    """
    number = strip_separators(require_text(value, InvalidAccountNumber), ".")
    if number and not is_ascii_digits(number):
        raise InvalidAccountNumber("an account number contains only digits, spaces and dots")
    if len(number) != ACCOUNT_NUMBER_LENGTH:
        raise InvalidAccountNumber(
            f"an account number has {ACCOUNT_NUMBER_LENGTH} digits, this one has {len(number)}"
        )
    if number[:4] == _NOT_A_BANK:
        raise InvalidAccountNumber("bank registration number 0000 does not exist")
    expected = account_check_digit(number[:10])
    if expected is None:
        raise InvalidAccountNumber(
            "no check digit fits the first ten digits (MOD11 remainder 1)"
        )
    if expected != number[10]:
        raise InvalidAccountNumber(
            f"the check digit is {number[10]}, MOD11 gives {expected}"
        )
    return number


def is_valid_account_number(value: object) -> bool:
    try:
        validate_account_number(value)  # type: ignore[arg-type]
    except InvalidAccountNumber:
        return False
    return True


def normalise_account_number(value: str) -> str:
    """Alias of validate_account_number: the compact form "86011117947"."""
    return validate_account_number(value)


def format_account_number(value: str) -> str:
    """The printed form "XXXX.XX.XXXXX" of a valid account number."""
    return _format_digits(validate_account_number(value))


def _format_digits(number: str) -> str:
    return f"{number[:4]}.{number[4:6]}.{number[6:]}"


def registration_number(value: str) -> str:
    """The bank registration number: the first 4 digits of a valid account number."""
    return validate_account_number(value)[:4]


# --- IBAN and BIC -------------------------------------------------------------------------------


def account_number_to_iban(value: str) -> str:
    """The compact IBAN of a valid account number: "8601 11 17947" -> "NO9386011117947"."""
    number = validate_account_number(value)
    # MOD11 is checked above; see the module docstring for why validate_bban stays False.
    return str(IBAN.from_bban(COUNTRY, number))


def validate_norwegian_iban(value: str) -> str:
    """Return the compact Norwegian IBAN (15 characters), or raise InvalidNorwegianIban.

    Checks the length, the mod-97 check digits and the account number's MOD11 check digit.
    """
    text = _compact_iban(value, InvalidNorwegianIban)
    if not text.startswith(COUNTRY):
        raise InvalidNorwegianIban(f"a Norwegian IBAN starts with NO, not {text[:2]!r}")
    if len(text) != IBAN_LENGTH:
        raise InvalidNorwegianIban(
            f"a Norwegian IBAN has {IBAN_LENGTH} characters, this one has {len(text)}"
        )
    iban = _schwifty_iban(text, InvalidNorwegianIban)
    try:
        validate_account_number(iban.bban)
    except InvalidAccountNumber as exc:
        raise InvalidNorwegianIban(f"the account number in the IBAN is invalid: {exc.detail}") from exc
    return str(iban)


def iban_to_account_number(value: str) -> str:
    """The 11-digit account number in a valid Norwegian IBAN: "NO93 8601 1117 947" -> "86011117947"."""
    return validate_norwegian_iban(value)[4:]


def validate_iban(value: str) -> str:
    """Return the compact IBAN of any country, or raise InvalidIban.

    Checks the country's length and structure and the mod-97 check digits (schwifty); a Norwegian
    IBAN's account number must also pass MOD11. Other countries' national check digits are not
    checked: mod-97 already catches typing errors, and a library's national rule can be wrong.
    """
    text = _compact_iban(value, InvalidIban)
    if text.startswith(COUNTRY):
        try:
            return validate_norwegian_iban(text)
        except InvalidNorwegianIban as exc:
            raise InvalidIban(exc.detail) from exc
    return str(_schwifty_iban(text, InvalidIban))


def is_valid_iban(value: object) -> bool:
    try:
        validate_iban(value)  # type: ignore[arg-type]
    except InvalidIban:
        return False
    return True


def format_iban(value: str) -> str:
    """The printed form in groups of four: "NO93 8601 1117 947"."""
    text = validate_iban(value)
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def validate_bic(value: str) -> str:
    """Return the BIC in upper case without spaces (8 or 11 characters), or raise InvalidBic."""
    text = strip_separators(require_text(value, InvalidBic)).upper()
    if not (text.isascii() and text.isalnum()):
        raise InvalidBic("a BIC contains only the letters A-Z and digits")
    try:
        return str(BIC(text))
    except SchwiftyException as exc:
        raise InvalidBic(f"not a valid BIC: {exc}") from exc


def is_valid_bic(value: object) -> bool:
    try:
        validate_bic(value)  # type: ignore[arg-type]
    except InvalidBic:
        return False
    return True


def _compact_iban(value: object, error: type[InvalidIban]) -> str:
    text = strip_separators(require_text(value, error)).upper()
    if not (text.isascii() and text.isalnum()):
        raise error("an IBAN contains only the letters A-Z, digits and spaces")
    return text


def _schwifty_iban(text: str, error: type[InvalidIban]) -> IBAN:
    try:
        return IBAN(text)
    except SchwiftyException as exc:
        raise error(f"not a valid IBAN: {exc}") from exc


# --- Bank registry ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BankInfo:
    """The bank behind a registration number (the first 4 digits of an account number)."""

    registration_number: str
    name: str
    bic: str


@dataclass(frozen=True, slots=True)
class KnownBank:
    """A bank in the registry with every registration number it holds."""

    name: str
    bic: str
    registration_numbers: tuple[str, ...]


def bank_for_registration_number(code: str) -> BankInfo | None:
    """The bank for a 4-digit registration number, or None when the registry does not know it."""
    if not (isinstance(code, str) and len(code) == 4 and is_ascii_digits(code)):
        return None
    return _bank_by_code().get(code)


def bank_for_account_number(value: str) -> BankInfo | None:
    """The bank of a valid account number (raises InvalidAccountNumber when it is not valid)."""
    return bank_for_registration_number(validate_account_number(value)[:4])


def bic_for_account_number(value: str) -> str | None:
    bank = bank_for_account_number(value)
    return bank.bic if bank else None


def known_banks() -> tuple[KnownBank, ...]:
    """Every Norwegian bank in schwifty's registry, sorted by name then BIC.

    A bank is a distinct (name, BIC) pair after name clean-up: the registry lists some banks
    twice, once with a trailing space, and some merged banks keep several BICs.
    """
    return _known_banks()


def clean_bank_name(name: str) -> str:
    """Registry names carry stray and doubled spaces: "Nordea Bank  Abp, Filial i Norge "."""
    return " ".join(name.split())


def choose_bank(banks: Iterable[Bank]) -> Bank | None:
    """One bank, deterministically, when several registry entries share a registration number:
    primary entries first, then by cleaned name and BIC."""
    ordered = sorted(banks, key=lambda b: (not b.primary, clean_bank_name(b.name or ""), b.bic or ""))
    return ordered[0] if ordered else None


@functools.cache
def _bank_by_code() -> dict[str, BankInfo]:
    by_code: defaultdict[str, list[Bank]] = defaultdict(list)
    for bank in registry.get_banks_by_country(COUNTRY):
        if bank.bank_code and bank.bic:
            by_code[bank.bank_code].append(bank)
    result = {}
    for code, banks in sorted(by_code.items()):
        chosen = choose_bank(banks)
        assert chosen is not None
        result[code] = BankInfo(code, clean_bank_name(chosen.name), str(chosen.bic))
    return result


@functools.cache
def _known_banks() -> tuple[KnownBank, ...]:
    codes: defaultdict[tuple[str, str], list[str]] = defaultdict(list)
    for info in _bank_by_code().values():
        codes[(info.name, info.bic)].append(info.registration_number)
    return tuple(
        KnownBank(name, bic, tuple(sorted(numbers)))
        for (name, bic), numbers in sorted(codes.items(), key=lambda kv: (kv[0][0].casefold(), kv[0]))
    )
