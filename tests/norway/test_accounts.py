"""Account numbers, IBAN, BIC and the bank registry."""

from __future__ import annotations

import csv
import random
import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from schwifty import IBAN
from schwifty.domain import Bank
from stdnum import iban as stdnum_iban
from stdnum.no import kontonr

from avstem.norway.accounts import (
    BankInfo,
    account_check_digit,
    account_number_to_iban,
    complete_account_number,
    bank_for_account_number,
    bank_for_registration_number,
    bic_for_account_number,
    choose_bank,
    format_account_number,
    format_iban,
    iban_to_account_number,
    is_valid_account_number,
    is_valid_bic,
    is_valid_iban,
    known_banks,
    validate_account_number,
    validate_bic,
    validate_iban,
    validate_norwegian_iban,
)
from avstem.norway.errors import (
    ACCOUNT_FIELD_ERROR,
    InvalidAccountNumber,
    InvalidBic,
    InvalidIban,
    InvalidNorwegianIban,
    InvalidNumber,
)

from .reference import reference_file, seed_form_strings

DIGITS = "0123456789"


# --- Published examples --------------------------------------------------------------------------


def test_published_example_validates_formats_and_converts_to_iban():
    assert validate_account_number("8601 11 17947") == "86011117947"
    assert validate_account_number("8601.11.17947") == "86011117947"
    assert validate_account_number(" 86011117947\t") == "86011117947"
    assert format_account_number("86011117947") == "8601.11.17947"
    assert account_number_to_iban("8601 11 17947") == "NO9386011117947"
    assert iban_to_account_number("NO93 8601 1117 947") == "86011117947"
    assert iban_to_account_number("no9386011117947") == "86011117947"
    assert format_iban("NO9386011117947") == "NO93 8601 1117 947"


def test_published_invalid_check_digit_is_refused_with_the_norwegian_message():
    with pytest.raises(InvalidAccountNumber) as caught:
        validate_account_number("8601 11 17949")
    error = caught.value
    assert isinstance(error, ValueError) and isinstance(error, InvalidNumber)
    assert error.message_nb == ACCOUNT_FIELD_ERROR == "Skriv inn et gyldig kontonummer (11 siffer)."
    assert error.code == "ACCOUNT_FIELD_ERROR"
    assert str(error) == error.detail == "the check digit is 9, MOD11 gives 7"


def test_messages_are_seed_000s_form_strings():
    from avstem.norway import errors

    seed = seed_form_strings()
    for key in (
        "ACCOUNT_FIELD_ERROR",
        "ORGANISATION_FIELD_ERROR",
        "SSN_ERROR",
        "PHONE_ERROR",
        "MOBILE_PHONE_NO_ERROR",
        "POSTAL_CODE_ERROR",
    ):
        assert getattr(errors, key) == seed[key]


def test_remainder_one_leaves_no_valid_check_digit():
    # 8,6,0,1,1,1,1,0,0,8 x 5,4,3,2,7,6,5,4,3,2 = 40+24+0+2+7+6+5+0+0+16 = 100 = 9*11 + 1
    assert account_check_digit("8601111008") is None
    for last in DIGITS:
        with pytest.raises(InvalidAccountNumber, match="remainder 1"):
            validate_account_number("8601111008" + last)


def test_complete_account_number_for_the_sandbox():
    assert complete_account_number("8601111794") == "86011117947"
    with pytest.raises(InvalidAccountNumber, match="remainder 1"):
        complete_account_number("8601111008")
    for bad in ["860111179", "86011117947", "0000000000", "860111179x", 8601111794]:
        with pytest.raises(InvalidAccountNumber):
            complete_account_number(bad)


def test_remainder_zero_gives_check_digit_zero():
    # 8,6,0,1,1,1,1,0,0,2 x 5,4,3,2,7,6,5,4,3,2 = 40+24+0+2+7+6+5+0+0+4 = 88 = 8*11
    assert account_check_digit("8601111002") == "0"
    assert validate_account_number("86011110020") == "86011110020"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("0000.00.00000", "0000"),  # passes MOD11 (all zeros) and stdnum; not a bank
        ("0000.4090403", "0000"),  # stdnum accepts this postgiro number
        ("4090403", "11 digits"),
        ("8601 11 1794", "11 digits"),
        ("8601 11 179470", "11 digits"),
        ("", "11 digits"),
        ("8601-11-17947", "only digits"),
        ("8601,11,17947", "only digits"),
        ("NO9386011117947", "only digits"),  # an IBAN is not an account number
        ("８６０１１１１７９４７", "only digits"),  # full-width digits
        ("٨٦٠١١١١٧٩٤٧", "only digits"),  # Arabic-Indic digits: int() would read them
        ("8601¹117947", "only digits"),
    ],
)
def test_malformed_account_numbers_are_refused(text, why):
    with pytest.raises(InvalidAccountNumber, match=why) as caught:
        validate_account_number(text)
    assert caught.value.message_nb == ACCOUNT_FIELD_ERROR
    assert not is_valid_account_number(text)


@pytest.mark.parametrize("value", [86011117947, None, b"86011117947", 8.6e10])
def test_non_text_is_refused_because_leading_zeros_would_be_lost(value):
    with pytest.raises(InvalidAccountNumber, match="expected text"):
        validate_account_number(value)
    assert not is_valid_account_number(value)


def test_leading_zero_account_number_stays_text():
    # 0530 is DNB; the number starts with a zero that an int would drop.
    number = "0530" + "123456"
    number += account_check_digit(number)
    assert validate_account_number(number) == number
    assert format_account_number(number).startswith("0530.")
    assert iban_to_account_number(account_number_to_iban(number)) == number


def test_group_00_accounts_follow_the_plain_mod11_rule_where_schwifty_does_not():
    # schwifty's national check computes this group-00 number's check digit from digits 7-10
    # only, and refuses it; plain MOD11 (the rule in FORMATS.md, and stdnum's) accepts it.
    number = "46560034148"
    assert kontonr.is_valid(number)
    assert validate_account_number(number) == number
    iban = account_number_to_iban(number)
    assert iban == "NO0246560034148"
    assert stdnum_iban.is_valid(iban)
    assert iban_to_account_number(iban) == number


# --- Property tests ------------------------------------------------------------------------------


@st.composite
def valid_account_numbers(draw) -> str:
    bank = draw(st.text(DIGITS, min_size=4, max_size=4).filter(lambda s: s != "0000"))
    rest = draw(st.text(DIGITS, min_size=6, max_size=6))
    check = account_check_digit(bank + rest)
    assume(check is not None)
    return bank + rest + check


@given(st.text(DIGITS, min_size=11, max_size=11))
def test_agrees_with_stdnum_on_every_eleven_digit_string(number):
    # stdnum is an independent implementation of the same MOD11 rule (its own weights);
    # only its leading-0000 postgiro quirk differs.
    expected = kontonr.is_valid(number) and not number.startswith("0000")
    assert is_valid_account_number(number) is expected


@given(valid_account_numbers())
def test_valid_numbers_round_trip_through_formatting_and_iban(number):
    assert validate_account_number(number) == number
    printed = format_account_number(number)
    assert re.fullmatch(r"\d{4}\.\d{2}\.\d{5}", printed)
    assert validate_account_number(printed) == number
    assert validate_account_number(printed.replace(".", " ")) == number
    iban = account_number_to_iban(number)
    assert iban == "NO" + stdnum_iban.calc_check_digits("NO00" + number) + number
    assert stdnum_iban.is_valid(iban)
    assert iban_to_account_number(iban) == number
    assert iban_to_account_number(format_iban(iban)) == number
    assert validate_iban(iban.lower()) == iban


@given(valid_account_numbers(), st.integers(0, 10), st.integers(1, 9))
def test_any_single_digit_change_is_refused(number, position, delta):
    changed = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1 :]
    with pytest.raises(InvalidAccountNumber) as caught:
        validate_account_number(changed)
    assert caught.value.message_nb == ACCOUNT_FIELD_ERROR


@given(valid_account_numbers(), st.integers(0, 9))
def test_swapping_adjacent_different_digits_is_refused(number, position):
    a, b = number[position], number[position + 1]
    assume(a != b)
    swapped = number[:position] + b + a + number[position + 2 :]
    assert not is_valid_account_number(swapped)


@given(st.text(max_size=30))
def test_any_text_is_either_a_valid_number_or_an_account_error(text):
    try:
        number = validate_account_number(text)
    except InvalidAccountNumber as error:
        assert error.message_nb == ACCOUNT_FIELD_ERROR and error.detail
    else:
        assert len(number) == 11 and number.isascii() and number.isdigit()


# --- IBAN -----------------------------------------------------------------------------------------


def test_norwegian_iban_checks():
    assert validate_norwegian_iban(" no93 8601 1117 947 ") == "NO9386011117947"
    with pytest.raises(InvalidNorwegianIban, match="starts with NO"):
        validate_norwegian_iban("DE89370400440532013000")
    with pytest.raises(InvalidNorwegianIban, match="15 characters"):
        validate_norwegian_iban("NO938601111794")
    with pytest.raises(InvalidNorwegianIban, match="checksum"):
        validate_norwegian_iban("NO9486011117947")
    with pytest.raises(InvalidNorwegianIban, match="only the letters"):
        validate_norwegian_iban("NO93-8601-1117-947")
    # Right mod-97 check digits around an account number that fails MOD11.
    bad_account = "86011117948"
    forged = "NO" + stdnum_iban.calc_check_digits("NO00" + bad_account) + bad_account
    assert IBAN(forged)  # mod-97 alone is satisfied
    with pytest.raises(InvalidNorwegianIban, match="account number in the IBAN") as caught:
        validate_norwegian_iban(forged)
    assert caught.value.message_nb.startswith("Skriv inn et gyldig norsk IBAN")
    with pytest.raises(InvalidIban):  # the general validator applies the Norwegian rule too
        validate_iban(forged)


@pytest.mark.parametrize(
    ("text", "compact"),
    [
        ("DE89 3704 0044 0532 0130 00", "DE89370400440532013000"),
        ("GB82WEST12345698765432", "GB82WEST12345698765432"),
        ("se45 5000 0000 0583 9825 7466", "SE4550000000058398257466"),
        ("NO9386011117947", "NO9386011117947"),
    ],
)
def test_foreign_and_norwegian_ibans(text, compact):
    assert validate_iban(text) == compact
    assert is_valid_iban(text)


@pytest.mark.parametrize(
    "text",
    ["DE88370400440532013000", "XX89370400440532013000", "DE8937040044053201300", "", "DE89 3704 0044 0532 0130 0Ø", 1234],
)
def test_invalid_ibans(text):
    with pytest.raises(InvalidIban) as caught:
        validate_iban(text)
    assert caught.value.message_nb == "Skriv inn et gyldig IBAN-nummer."
    assert not is_valid_iban(text)


# --- BIC ------------------------------------------------------------------------------------------


def test_bics():
    assert validate_bic("dabano22") == "DABANO22"
    assert validate_bic("DNBA NO KK XXX") == "DNBANOKKXXX"
    for bad in ["DNBANO", "DNBANOKKX", "DNBAXXKK", "DNB@NOKK", "DNBÅNOKK", "", None]:
        with pytest.raises(InvalidBic):
            validate_bic(bad)
        assert not is_valid_bic(bad)


# --- Bank registry -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "name", "bic"),
    [
        ("8601", "Danske Bank", "DABANO22"),
        ("1503", "DNB Bank ASA", "DNBANOKK"),
        ("9710", "DNB Bank ASA", "DNBANOKK"),
        ("1254", "Cultura Sparebank", "CULTNOK1"),
        ("6345", "Nordea Bank Abp, Filial i Norge", "NDEANOKK"),
        ("9235", "BN Bank ASA", "KBNONO22"),
    ],
)
def test_known_registration_numbers(code, name, bic):
    assert bank_for_registration_number(code) == BankInfo(code, name, bic)


def test_bank_of_an_account_number():
    assert bank_for_account_number("8601.11.17947") == BankInfo("8601", "Danske Bank", "DABANO22")
    assert bic_for_account_number("8601 11 17947") == "DABANO22"
    with pytest.raises(InvalidAccountNumber):
        bank_for_account_number("8601 11 17948")


@pytest.mark.parametrize("code", ["0000", "9999", "860", "86011", "abcd", 8601, None])
def test_unknown_or_malformed_registration_numbers_give_none(code):
    assert bank_for_registration_number(code) is None


def test_registry_matches_the_reference_list():
    """Every row of the flattened registry in the reference data, name cleaned of stray spaces."""
    path = reference_file("bank-registry", "no_bank_registry.csv")
    with path.open(encoding="utf-8", newline="") as fp:
        rows = list(csv.DictReader(fp, delimiter=";"))
    assert len(rows) > 2000
    for row in rows:
        expected = BankInfo(row["bank_code"], " ".join(row["name"].split()), row["bic"])
        assert bank_for_registration_number(row["bank_code"]) == expected
    assert {r["bank_code"] for r in rows} == {
        n for bank in known_banks() for n in bank.registration_numbers
    }


def test_names_are_clean_and_known_banks_are_sorted_and_unique():
    banks = known_banks()
    assert len(banks) > 90
    keys = [(b.name.casefold(), b.name, b.bic) for b in banks]
    assert keys == sorted(keys)
    assert len({(b.name, b.bic) for b in banks}) == len(banks)
    for bank in banks:
        assert bank.name == " ".join(bank.name.split())
        assert bank.registration_numbers == tuple(sorted(bank.registration_numbers))
        for code in bank.registration_numbers:
            assert bank_for_registration_number(code) == BankInfo(code, bank.name, bank.bic)
    # The registry lists DNB twice, once as "DNB Bank ASA " with a trailing space: one bank here.
    dnb = [b for b in banks if b.bic == "DNBANOKK"]
    assert [b.name for b in dnb] == ["DNB Bank ASA"]
    assert {"1503", "9710", "0530"} <= set(dnb[0].registration_numbers)


def test_choose_bank_is_deterministic_and_prefers_primary_entries():
    def bank(name, bic, primary):
        return Bank(country_code="NO", bic=bic, bank_code="9999", name=name, primary=primary)

    entries = [
        bank("Zeta Bank", "ZETANO22", True),
        bank("  Alfa   Bank ", "ALFANO22", False),
        bank("Beta Bank", "BETANO22", True),
        bank("Beta Bank", "BETANO21", True),
    ]
    for seed in range(10):
        shuffled = entries[:]
        random.Random(seed).shuffle(shuffled)
        assert choose_bank(shuffled).bic == "BETANO21"
    assert choose_bank([entries[1]]).bic == "ALFANO22"
    assert choose_bank([]) is None


def test_schwifty_still_builds_the_documented_iban():
    # The library behaviour the module relies on (LIBRARIES.md).
    assert str(IBAN.from_bban("NO", "86011117947")) == "NO9386011117947"


@given(st.one_of(st.text(max_size=40), st.from_regex(r"[A-Z]{2}[0-9]{2}[A-Z0-9 ]{0,30}", fullmatch=True)))
def test_any_text_is_either_an_iban_or_an_iban_error(text):
    try:
        compact = validate_iban(text)
    except InvalidIban as error:
        assert error.message_nb and error.detail
    else:
        assert compact.isascii() and compact.isalnum() and compact == compact.upper()
        assert validate_iban(format_iban(compact)) == compact


@given(st.one_of(st.text(max_size=14), st.from_regex(r"[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?", fullmatch=True)))
def test_any_text_is_either_a_bic_or_a_bic_error(text):
    try:
        bic = validate_bic(text)
    except InvalidBic as error:
        assert error.message_nb and error.detail
    else:
        assert len(bic) in (8, 11) and bic == bic.upper()
