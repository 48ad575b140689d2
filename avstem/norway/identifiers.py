"""Organisation numbers, national identity numbers, phone numbers and postal codes.

Each `validate_*` returns the compact canonical form (digits only, as text) or raises the
matching `InvalidNumber` subclass carrying seed 000's Norwegian form message.
"""

from __future__ import annotations

import datetime

from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.no import fodselsnummer, orgnr

from avstem.norway.errors import (
    InvalidMobileNumber,
    InvalidNationalId,
    InvalidNumber,
    InvalidOrganisationNumber,
    InvalidPhoneNumber,
    InvalidPostalCode,
    is_ascii_digits,
    require_text,
    strip_separators,
)

# --- Organisation number (organisasjonsnummer) -------------------------------------------------


def validate_organisation_number(value: str) -> str:
    """Return the 9-digit organisation number ("974 760 673" -> "974760673").

    Spaces and dots are accepted as separators. The first digit is not checked: real numbers
    start with 8 or 9, but Altinn's test environment uses synthetic ones starting with 2 or 3.
    """
    number = strip_separators(require_text(value, InvalidOrganisationNumber), ".")
    if number and not is_ascii_digits(number):
        raise InvalidOrganisationNumber("an organisation number contains only digits")
    if len(number) != 9:
        raise InvalidOrganisationNumber(
            f"an organisation number has 9 digits, this one has {len(number)}"
        )
    if orgnr.checksum(number) != 0:
        raise InvalidOrganisationNumber("the MOD11 check digit does not match")
    return number


def format_organisation_number(value: str) -> str:
    """The printed form "974 760 673"."""
    return orgnr.format(validate_organisation_number(value))


def is_valid_organisation_number(value: object) -> bool:
    return _is_valid(validate_organisation_number, value)


# --- National identity number (fødselsnummer, D-nummer) ----------------------------------------


def validate_national_id(
    value: str, *, allow_synthetic: bool = False, today: datetime.date | None = None
) -> str:
    """Return the 11-digit fødselsnummer or D-number, or raise InvalidNationalId.

    Checks both check digits, the birth date (day + 40 in a D-number) and that the person is
    born. H-numbers (month + 40) and FH-numbers are health-service numbers, not identities in the
    national register, and are refused. `allow_synthetic` also accepts the synthetic test
    persons of Skatteetaten's Tenor test register (month + 80), used in Altinn's test
    environment. Spaces are accepted as separators ("151086 95088").
    """
    number = strip_separators(require_text(value, InvalidNationalId))
    if number and not is_ascii_digits(number):
        raise InvalidNationalId("a national identity number contains only digits")
    if len(number) != 11:
        raise InvalidNationalId(
            f"a national identity number has 11 digits, this one has {len(number)}"
        )
    if (
        number[9] != fodselsnummer.calc_check_digit1(number)
        or number[10] != fodselsnummer.calc_check_digit2(number)
    ):
        raise InvalidNationalId("the check digits do not match")
    birth_date = _birth_date(number, allow_synthetic)
    if birth_date > (today or datetime.date.today()):
        raise InvalidNationalId("the birth date is in the future")
    return number


def national_id_birth_date(value: str, *, allow_synthetic: bool = False) -> datetime.date:
    """The birth date in a valid fødselsnummer or D-number."""
    return _birth_date(validate_national_id(value, allow_synthetic=allow_synthetic), allow_synthetic)


def is_d_number(value: str, *, allow_synthetic: bool = False) -> bool:
    """True for a valid D-number (issued to people not resident in Norway): day + 40."""
    return int(validate_national_id(value, allow_synthetic=allow_synthetic)[0]) >= 4


def is_valid_national_id(value: object, *, allow_synthetic: bool = False) -> bool:
    try:
        validate_national_id(value, allow_synthetic=allow_synthetic)  # type: ignore[arg-type]
    except InvalidNationalId:
        return False
    return True


def _birth_date(number: str, allow_synthetic: bool) -> datetime.date:
    day, month = int(number[:2]), int(number[2:4])
    if allow_synthetic and month > 80:
        month -= 80
    if not (1 <= day <= 31 or 41 <= day <= 71) or not 1 <= month <= 12:
        raise InvalidNationalId("the first four digits are not a birth date")
    # stdnum knows the century rules (individual number ranges) and D-numbers.
    try:
        return fodselsnummer.get_birth_date(f"{number[:2]}{month:02d}{number[4:]}")
    except StdnumValidationError as exc:
        raise InvalidNationalId("the birth date or century is not valid") from exc


# --- Phone numbers ------------------------------------------------------------------------------

_COUNTRY_PREFIXES = ("+47", "0047")


def validate_phone_number(value: str) -> str:
    """Return the 8-digit Norwegian phone number, or raise InvalidPhoneNumber.

    Accepts a +47 or 0047 prefix, spaces and hyphens ("+47 22 22 22 22" -> "22222222").
    Norwegian numbers have 8 digits; none starts with 0 or 1 (those are prefixes and short
    numbers).
    """
    return _phone_digits(value, InvalidPhoneNumber)


def validate_mobile_number(value: str) -> str:
    """Return the 8-digit Norwegian mobile number (starts with 4 or 9), or raise
    InvalidMobileNumber. Accepts +47/0047, spaces and hyphens ("+47 912 34 567" -> "91234567")."""
    number = _phone_digits(value, InvalidMobileNumber)
    if number[0] not in "49":
        raise InvalidMobileNumber("a Norwegian mobile number starts with 4 or 9")
    return number


def is_mobile_number(value: str) -> bool:
    return _is_valid(validate_mobile_number, value)


def is_valid_phone_number(value: object) -> bool:
    return _is_valid(validate_phone_number, value)


def phone_number_to_e164(value: str) -> str:
    """International form for SMS gateways: "912 34 567" -> "+4791234567"."""
    return "+47" + validate_phone_number(value)


def format_phone_number(value: str) -> str:
    """Printed form: mobile numbers "912 34 567", others "22 22 22 22"."""
    n = validate_phone_number(value)
    if n[0] in "49":
        return f"{n[:3]} {n[3:5]} {n[5:]}"
    return f"{n[:2]} {n[2:4]} {n[4:6]} {n[6:]}"


def _phone_digits(value: object, error: type[InvalidPhoneNumber]) -> str:
    number = strip_separators(require_text(value, error), "-")
    for prefix in _COUNTRY_PREFIXES:
        if number.startswith(prefix):
            number = number[len(prefix) :]
            break
    if number and not is_ascii_digits(number):
        raise error("a phone number contains only digits, spaces, hyphens and a +47 prefix")
    if len(number) != 8:
        raise error(f"a Norwegian phone number has 8 digits, this one has {len(number)}")
    if number[0] in "01":
        raise error("a Norwegian phone number does not start with 0 or 1")
    return number


# --- Postal code (postnummer) -------------------------------------------------------------------


def validate_postal_code(value: str) -> str:
    """Return the 4-digit postal code as text ("0150": leading zeros matter)."""
    code = strip_separators(require_text(value, InvalidPostalCode))
    if not is_ascii_digits(code) or len(code) != 4:
        raise InvalidPostalCode("a Norwegian postal code has 4 digits")
    return code


def is_valid_postal_code(value: object) -> bool:
    return _is_valid(validate_postal_code, value)


def _is_valid(validator, value: object) -> bool:  # type: ignore[no-untyped-def]
    try:
        validator(value)
    except InvalidNumber:
        return False
    return True
