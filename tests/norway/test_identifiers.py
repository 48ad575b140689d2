"""Organisation numbers, national identity numbers, phone numbers and postal codes."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from avstem.norway.errors import (
    MOBILE_PHONE_NO_ERROR,
    ORGANISATION_FIELD_ERROR,
    PHONE_ERROR,
    POSTAL_CODE_ERROR,
    SSN_ERROR,
    InvalidMobileNumber,
    InvalidNationalId,
    InvalidOrganisationNumber,
    InvalidPhoneNumber,
    InvalidPostalCode,
)
from avstem.norway.identifiers import (
    format_organisation_number,
    format_phone_number,
    is_d_number,
    is_mobile_number,
    is_valid_national_id,
    is_valid_organisation_number,
    is_valid_phone_number,
    is_valid_postal_code,
    national_id_birth_date,
    phone_number_to_e164,
    validate_mobile_number,
    validate_national_id,
    validate_organisation_number,
    validate_phone_number,
    validate_postal_code,
)

DIGITS = "0123456789"


def mod11(digits: str, weights: tuple[int, ...]) -> int | None:
    """Test oracle, written from the published rule: 11 - sum % 11; 11 -> 0; 10 -> no digit."""
    check = 11 - sum(w * int(d) for w, d in zip(weights, digits, strict=True)) % 11
    return None if check == 10 else check % 11


def change_one_digit(number: str, position: int, delta: int) -> str:
    return number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1 :]


# --- Organisation number -------------------------------------------------------------------------

ORG_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


@pytest.mark.parametrize(
    ("text", "compact"),
    [
        ("974760673", "974760673"),  # Brønnøysundregistrene
        ("923 609 016", "923609016"),  # Equinor ASA
        ("988 077 917", "988077917"),  # python-stdnum's documented example
        ("974.760.673", "974760673"),
    ],
)
def test_published_organisation_numbers(text, compact):
    assert validate_organisation_number(text) == compact
    assert format_organisation_number(text) == f"{compact[:3]} {compact[3:6]} {compact[6:]}"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("988 077 918", "check digit"),
        ("97476067", "9 digits"),
        ("9747606730", "9 digits"),
        ("NO974760673MVA", "only digits"),
        ("974-760-673", "only digits"),
        ("", "9 digits"),
    ],
)
def test_invalid_organisation_numbers(text, why):
    with pytest.raises(InvalidOrganisationNumber, match=why) as caught:
        validate_organisation_number(text)
    assert caught.value.message_nb == ORGANISATION_FIELD_ERROR
    assert caught.value.code == "ORGANISATION_FIELD_ERROR"


def test_organisation_number_must_be_text():
    assert not is_valid_organisation_number(974760673)


@st.composite
def organisation_numbers(draw) -> str:
    body = draw(st.text(DIGITS, min_size=8, max_size=8))
    check = mod11(body, ORG_WEIGHTS)
    assume(check is not None)
    return body + str(check)


@given(organisation_numbers(), st.integers(0, 8), st.integers(1, 9))
def test_generated_organisation_numbers_pass_and_mutations_fail(number, position, delta):
    assert validate_organisation_number(number) == number
    assert validate_organisation_number(format_organisation_number(number)) == number
    with pytest.raises(InvalidOrganisationNumber) as caught:
        validate_organisation_number(change_one_digit(number, position, delta))
    assert caught.value.message_nb == ORGANISATION_FIELD_ERROR


# --- National identity number ----------------------------------------------------------------------


def with_check_digits(first_nine: str) -> str | None:
    k1 = mod11(first_nine, (3, 7, 6, 1, 8, 9, 4, 5, 2))
    if k1 is None:
        return None
    k2 = mod11(first_nine + str(k1), (5, 4, 3, 2, 7, 6, 5, 4, 3, 2))
    if k2 is None:
        return None
    return f"{first_nine}{k1}{k2}"


def test_stdnum_documented_examples():
    assert validate_national_id("151086 95088") == "15108695088"
    assert national_id_birth_date("15108695088") == datetime.date(1986, 10, 15)
    assert not is_d_number("15108695088")
    with pytest.raises(InvalidNationalId, match="check digits") as caught:
        validate_national_id("15108695077")
    assert caught.value.message_nb == SSN_ERROR == "Skriv inn et gyldig fødselsnummer (11 siffer)."


def test_d_number():
    number = with_check_digits("550586" + "123")  # day 15 + 40, 1986, individual number 123
    assert number is not None
    assert validate_national_id(number) == number
    assert is_d_number(number)
    assert national_id_birth_date(number) == datetime.date(1986, 5, 15)


def test_h_and_fh_numbers_are_refused():
    h_number = with_check_digits("155086" + "123")  # month + 40
    assert h_number is not None
    with pytest.raises(InvalidNationalId, match="birth date"):
        validate_national_id(h_number)
    fh_number = with_check_digits("812345" + "678")  # first digit 8: no date by design
    assert fh_number is not None
    with pytest.raises(InvalidNationalId, match="birth date"):
        validate_national_id(fh_number)


def test_synthetic_test_persons_only_when_allowed():
    synthetic = with_check_digits("159086" + "123")  # Tenor: month + 80
    assert synthetic is not None
    assert not is_valid_national_id(synthetic)
    assert validate_national_id(synthetic, allow_synthetic=True) == synthetic
    assert national_id_birth_date(synthetic, allow_synthetic=True) == datetime.date(1986, 10, 15)


def test_future_birth_date_and_impossible_dates_are_refused():
    born_2030 = with_check_digits("010130" + "512")  # individual 500-999 with year 30: 2030
    assert born_2030 is not None
    assert validate_national_id(born_2030, today=datetime.date(2030, 1, 1)) == born_2030
    with pytest.raises(InvalidNationalId, match="future"):
        validate_national_id(born_2030, today=datetime.date(2029, 12, 31))
    feb_30 = with_check_digits("300286" + "123")
    assert feb_30 is not None
    with pytest.raises(InvalidNationalId, match="birth date"):
        validate_national_id(feb_30)


@pytest.mark.parametrize("text", ["1510869508", "151086950888", "15108695O88", "151086-95088", "", None, 15108695088])
def test_malformed_national_ids(text):
    with pytest.raises(InvalidNationalId) as caught:
        validate_national_id(text)
    assert caught.value.message_nb == SSN_ERROR


def test_details_never_contain_the_number():
    for text in ["15108695077", "55058612399", "15108695088x"]:
        with pytest.raises(InvalidNationalId) as caught:
            validate_national_id(text)
        assert text[:6] not in str(caught.value)


@st.composite
def national_ids(draw, d_number: bool = False) -> str:
    born = draw(st.dates(datetime.date(1900, 1, 1), datetime.date(2024, 12, 31)))
    individual = draw(st.integers(0, 499) if born.year < 2000 else st.integers(500, 999))
    day = born.day + (40 if d_number else 0)
    number = with_check_digits(f"{day:02d}{born.month:02d}{born.year % 100:02d}{individual:03d}")
    assume(number is not None)
    return number


@given(st.one_of(national_ids(), national_ids(d_number=True)), st.integers(0, 10), st.integers(1, 9))
def test_generated_national_ids_pass_and_mutations_fail(number, position, delta):
    assert validate_national_id(f"{number[:6]} {number[6:]}") == number
    with pytest.raises(InvalidNationalId) as caught:
        validate_national_id(change_one_digit(number, position, delta))
    assert caught.value.message_nb == SSN_ERROR


# --- Phone numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "compact"),
    [
        ("91234567", "91234567"),
        ("912 34 567", "91234567"),
        ("+47 912 34 567", "91234567"),
        ("0047 41 23 45 67", "41234567"),
        ("+4791234567", "91234567"),
        ("912-34-567", "91234567"),
    ],
)
def test_mobile_numbers(text, compact):
    assert validate_mobile_number(text) == compact
    assert validate_phone_number(text) == compact
    assert is_mobile_number(text)
    assert phone_number_to_e164(text) == "+47" + compact
    assert format_phone_number(text) == f"{compact[:3]} {compact[3:5]} {compact[5:]}"


def test_landline_is_a_phone_number_but_not_a_mobile_number():
    assert validate_phone_number("+47 22 22 22 22") == "22222222"
    assert format_phone_number("22222222") == "22 22 22 22"
    with pytest.raises(InvalidMobileNumber, match="starts with 4 or 9") as caught:
        validate_mobile_number("22 22 22 22")
    assert caught.value.message_nb == MOBILE_PHONE_NO_ERROR
    assert caught.value.message_nb == "Skriv inn et gyldig norsk mobilnummer (8 siffer)"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("9123456", "8 digits"),
        ("912345678", "8 digits"),
        ("4791234567", "8 digits"),  # a bare 47 is ambiguous: 47xxxxxx is itself a mobile number
        ("+46 91234567", "only digits"),
        ("+47 +47 91234567", "only digits"),
        ("(+47) 91234567", "only digits"),
        ("01234567", "0 or 1"),
        ("11234567", "0 or 1"),
        ("", "8 digits"),
    ],
)
def test_invalid_phone_numbers(text, why):
    with pytest.raises(InvalidPhoneNumber, match=why) as caught:
        validate_phone_number(text)
    assert caught.value.message_nb == PHONE_ERROR
    with pytest.raises(InvalidMobileNumber) as caught:
        validate_mobile_number(text)
    assert caught.value.message_nb == MOBILE_PHONE_NO_ERROR
    assert not is_valid_phone_number(text)


@given(
    st.sampled_from("23456789"),
    st.text(DIGITS, min_size=7, max_size=7),
    st.sampled_from(["", "+47", "0047", "+47 ", "0047 "]),
    st.lists(st.sampled_from([" ", "-", ""]), min_size=7, max_size=7),
)
def test_phone_numbers_survive_prefixes_and_separators(first, rest, prefix, separators):
    number = first + rest
    typed = prefix + first + "".join(sep + d for sep, d in zip(separators, rest))
    assert validate_phone_number(typed) == number
    assert validate_phone_number(format_phone_number(number)) == number
    assert validate_phone_number(phone_number_to_e164(number)) == number
    assert is_mobile_number(typed) is (first in "49")


# --- Postal code -----------------------------------------------------------------------------------


def test_postal_codes():
    assert validate_postal_code("0150") == "0150"
    assert validate_postal_code(" 9170 ") == "9170"
    for bad in ["150", "01500", "O150", "01-50", "", 150, None]:
        with pytest.raises(InvalidPostalCode) as caught:
            validate_postal_code(bad)
        assert caught.value.message_nb == POSTAL_CODE_ERROR
        assert not is_valid_postal_code(bad)
