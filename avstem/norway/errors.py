"""The one error type of every validator in `avstem.norway`.

Each invalid-input error is an `InvalidNumber` (a `ValueError`) carrying
- `message_nb`: the Norwegian form message to show the user (seed 000's form strings, R1.6),
- `message_en`: the same for the English UI,
- `code`: the key of that message in seed 000 (handy as a Django `ValidationError` code),
- `detail` (also `str(error)`): an English sentence naming the problem, for logs and API errors.

Details never repeat a national identity number: it is personal data and must stay out of logs.
"""

from __future__ import annotations

from typing import ClassVar

# Form strings from seed 000 (the bank's own web forms), quoted exactly.
ACCOUNT_FIELD_ERROR = "Skriv inn et gyldig kontonummer (11 siffer)."
ORGANISATION_FIELD_ERROR = "Skriv inn et gyldig organisasjonsnummer (9 siffer)."
SSN_ERROR = "Skriv inn et gyldig fødselsnummer (11 siffer)."
PHONE_ERROR = "Skriv inn et gyldig telefonnummer (8 siffer)."
MOBILE_PHONE_NO_ERROR = "Skriv inn et gyldig norsk mobilnummer (8 siffer)"
POSTAL_CODE_ERROR = "Skriv inn et gyldig postnummer (4 siffer)."
TEXT_FIELD_CONTENTS_ERROR = "Ugyldig verdi."

# Not in seed 000: worded in the same style.
IBAN_ERROR = "Skriv inn et gyldig IBAN-nummer."
NORWEGIAN_IBAN_ERROR = "Skriv inn et gyldig norsk IBAN-nummer (NO + 13 tegn)."
BIC_ERROR = "Skriv inn en gyldig BIC/SWIFT-kode (8 eller 11 tegn)."


class InvalidNumber(ValueError):
    """Input that is not a valid number of its kind. `str(error)` is the English detail."""

    code: ClassVar[str] = "TEXT_FIELD_CONTENTS_ERROR"
    message_nb: str = TEXT_FIELD_CONTENTS_ERROR
    message_en: str = "Enter a valid value."

    def __init__(self, detail: str, *, message_nb: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if message_nb is not None:
            self.message_nb = message_nb


class InvalidAccountNumber(InvalidNumber):
    code = "ACCOUNT_FIELD_ERROR"
    message_nb = ACCOUNT_FIELD_ERROR
    message_en = "Enter a valid account number (11 digits)."


class InvalidIban(InvalidNumber):
    code = "IBAN_ERROR"
    message_nb = IBAN_ERROR
    message_en = "Enter a valid IBAN."


class InvalidNorwegianIban(InvalidIban):
    code = "NORWEGIAN_IBAN_ERROR"
    message_nb = NORWEGIAN_IBAN_ERROR
    message_en = "Enter a valid Norwegian IBAN (NO + 13 characters)."


class InvalidBic(InvalidNumber):
    code = "BIC_ERROR"
    message_nb = BIC_ERROR
    message_en = "Enter a valid BIC/SWIFT code (8 or 11 characters)."


class InvalidOrganisationNumber(InvalidNumber):
    code = "ORGANISATION_FIELD_ERROR"
    message_nb = ORGANISATION_FIELD_ERROR
    message_en = "Enter a valid organisation number (9 digits)."


class InvalidNationalId(InvalidNumber):
    code = "SSN_ERROR"
    message_nb = SSN_ERROR
    message_en = "Enter a valid national identity number (11 digits)."


class InvalidPhoneNumber(InvalidNumber):
    code = "PHONE_ERROR"
    message_nb = PHONE_ERROR
    message_en = "Enter a valid phone number (8 digits)."


class InvalidMobileNumber(InvalidPhoneNumber):
    code = "MOBILE_PHONE_NO_ERROR"
    message_nb = MOBILE_PHONE_NO_ERROR
    message_en = "Enter a valid Norwegian mobile number (8 digits)."


class InvalidPostalCode(InvalidNumber):
    code = "POSTAL_CODE_ERROR"
    message_nb = POSTAL_CODE_ERROR
    message_en = "Enter a valid postal code (4 digits)."


def require_text(value: object, error: type[InvalidNumber]) -> str:
    """Numbers are text: an int would already have lost its leading zeros, so refuse it."""
    if not isinstance(value, str):
        raise error(f"expected text, got {type(value).__name__}")
    return value


def strip_separators(value: str, separators: str = "") -> str:
    """Remove all whitespace (spaces, tabs, no-break spaces from copy-paste) and `separators`."""
    text = "".join(value.split())
    for sep in separators:
        text = text.replace(sep, "")
    return text


def is_ascii_digits(text: str) -> bool:
    # str.isdigit() alone accepts '²' and Arabic-Indic digits, which int() would then read.
    return text.isascii() and text.isdigit()
