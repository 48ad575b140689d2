"""KID against the Nets OCR giro manual (§5 worked examples, example transmission) and properties."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum import luhn

from avstem.norway.errors import InvalidNumber
from avstem.norway.kid import (
    KID,
    InvalidKid,
    KidAlgorithm,
    mod10_check_digit,
    mod11_check_digit,
)

from .reference import reference_file

MOD10, MOD11 = KidAlgorithm.MOD10, KidAlgorithm.MOD11
DIGITS = "0123456789"


def manual_text() -> str:
    return reference_file("nets", "OCR_giro_system_manual.txt").read_text(encoding="utf-8")


# --- The manual --------------------------------------------------------------------------------------


def test_manual_worked_examples():
    """§5: the field 12345678 gets check digit 2 by MOD10 and 5 by MOD11."""
    fields = re.findall(r"Fields? with verification digits:? ([\d ]*\d)", manual_text())
    mod10_kid, mod11_kid = ("".join(f.split()) for f in fields)
    assert (mod10_kid, mod11_kid) == ("123456782", "123456785")
    assert KID.create("12345678", MOD10) == KID(mod10_kid)
    assert KID.create("12345678", MOD11) == KID(mod11_kid)
    assert KID(mod10_kid).algorithms == (MOD10,)
    assert KID(mod11_kid).algorithms == (MOD11,)


def test_manual_mod11_arithmetic():
    # 1 2 3 4 5 6 7 8 x 3 2 7 6 5 4 3 2 = 138 = 12 * 11 + 6; 11 - 6 = 5 (the manual's figures).
    assert sum(int(d) * w for d, w in zip("12345678", (3, 2, 7, 6, 5, 4, 3, 2))) == 138
    assert mod11_check_digit("12345678") == "5"
    # MOD10: digit sum 38; 10 - 8 = 2.
    assert mod10_check_digit("12345678") == "2"


def test_mod11_remainder_one_gives_a_dash():
    # "If the verification digit is 10 (rest = 1) the verification digits must be replaced
    # with a - (minus sign)." 6 x 2 = 12 = 11 + 1.
    assert mod11_check_digit("6") == "-"
    assert KID.create("6", MOD11).value == "6-"
    # 000006: 6 x 2 = 12 as well; the leading zeros stay.
    kid = KID.parse("000006-")
    assert kid.value == "000006-" and kid.algorithms == (MOD11,)
    assert kid.validate(MOD11) is kid
    with pytest.raises(InvalidKid):
        kid.validate(MOD10)
    # A dash anywhere but last, or after a MOD11 remainder other than 1, is refused.
    with pytest.raises(InvalidKid):
        KID("0000-6")
    assert not KID("7-").valid


def test_mod11_remainder_zero_gives_zero():
    # "If the division comes out even (rest = 0), the verification digit is 0."
    # 1 4 x 3 2 = 3 + 8 = 11 = 1 * 11 + 0.
    assert mod11_check_digit("14") == "0"
    assert KID.create("14", MOD11).value == "140"
    assert mod11_check_digit("00000000") == "0"


def test_every_kid_in_the_manuals_example_transmission_verifies():
    """The example OCR file in the manual: amount item 1 records (type 30) carry the KID in
    positions 50-74, right-aligned, followed by 6 filler positions."""
    kids = []
    for line in manual_text().splitlines():
        record = line.strip()
        if record.startswith("NY09") and record[6:8] == "30":
            kids.append(record[49:-6].strip())  # the text extraction shifted some columns by one
    assert len(kids) == 20
    assert {len(k) for k in kids} == {7, 9, 14}  # FORMATS.md: lengths such as 7 and 14
    for text in kids:
        kid = KID.parse(text)
        assert kid.valid, text
        assert kid.value == text  # leading zeros kept
    assert KID("0000531").algorithms == (MOD11,)
    assert KID("02311291038304").algorithms == (MOD10, MOD11)
    assert KID("02321291038303").algorithms == (MOD10,)


# --- Text, never a number ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [123456782, 123456782.0, None, b"123456782"])
def test_an_integer_is_never_a_kid(value):
    with pytest.raises(InvalidKid, match="tekst"):
        KID.parse(value)
    with pytest.raises(InvalidKid, match="tekst"):
        KID(value)
    with pytest.raises(InvalidKid):
        KID.create(value)


def test_leading_zeros_are_significant():
    kid = KID.create("0001", MOD10)
    assert str(kid).startswith("0001")
    assert KID("0000531") != KID("531-") and KID("0000531").value != "531"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (" 1234 5678 2 ", "123456782"),
        ("12345678 2", "123456782"),
        ("12\u00a0345\u00a06782", "123456782"),  # no-break spaces from a copied PDF
    ],
)
def test_parse_accepts_spaces(text, value):
    assert KID.parse(text).value == value


@pytest.mark.parametrize(
    "text",
    ["1234.5678.2", "1234-5678-2", "1234/56782", "12345678_2", "KID123456782", "١٢٣٤٥٦٧٨٢", "１２３４５６７８２", "", "1"],
)
def test_parse_refuses_anything_but_spaces(text):
    with pytest.raises(InvalidKid) as caught:
        KID.parse(text)
    assert isinstance(caught.value, InvalidNumber) and isinstance(caught.value, ValueError)
    assert caught.value.message_nb == str(caught.value)
    assert str(caught.value).startswith("Ugyldig KID: ")


def test_lengths():
    assert KID("12").payload == "1"
    assert len(KID.create("1" * 24).value) == 25
    with pytest.raises(InvalidKid, match="2–25"):
        KID.create("1" * 25)
    with pytest.raises(InvalidKid, match="2–25"):
        KID("1")


def test_validate_names_the_expected_check_digit():
    with pytest.raises(InvalidKid, match=r"skulle vært 2 \(MOD10\)"):
        KID("123456789").validate(MOD10)
    with pytest.raises(InvalidKid, match="verken med MOD10 eller MOD11"):
        KID("123456789").validate()
    assert KID("123456782").validate("MOD10").value == "123456782"  # the enum's value works too


# --- Properties ------------------------------------------------------------------------------------------

payloads = st.text(DIGITS, min_size=1, max_size=24)
algorithms = st.sampled_from(KidAlgorithm)


def oracle_mod11(payload: str) -> str:
    """FORMATS.md's rule, written independently of kid.py."""
    weights = [2, 3, 4, 5, 6, 7] * 5
    remainder = sum(int(d) * w for d, w in zip(reversed(payload), weights)) % 11
    return {0: "0", 1: "-"}.get(remainder, str(11 - remainder))


@given(payloads)
def test_check_digits_agree_with_independent_implementations(payload):
    assert mod10_check_digit(payload) == luhn.calc_check_digit(payload)
    assert mod11_check_digit(payload) == oracle_mod11(payload)


@given(payloads, algorithms)
def test_created_kids_validate_and_survive_parsing(payload, algorithm):
    kid = KID.create(payload, algorithm)
    assert kid.payload == payload
    assert kid.validate(algorithm) is kid
    assert algorithm in kid.algorithms
    spaced = " ".join(kid.value[i : i + 3] for i in range(0, len(kid.value), 3))
    assert KID.parse(spaced) == kid


@given(payloads, algorithms, st.data())
def test_any_single_digit_change_breaks_the_check(payload, algorithm, data):
    kid = KID.create(payload, algorithm)
    position = data.draw(st.integers(0, len(kid.value) - 1))
    original = kid.value[position]
    replacement = data.draw(st.sampled_from([d for d in DIGITS if d != original]))
    changed = kid.value[:position] + replacement + kid.value[position + 1 :]
    assert not KID(changed).is_valid(algorithm)


@given(payloads, st.data())
def test_swapping_adjacent_different_characters_breaks_mod11(payload, data):
    kid = KID.create(payload, MOD11).value
    assume(len(kid) >= 2)
    i = data.draw(st.integers(0, len(kid) - 2))
    assume(kid[i] != kid[i + 1])
    swapped = kid[:i] + kid[i + 1] + kid[i] + kid[i + 2 :]
    try:
        assert not KID(swapped).is_valid(MOD11)
    except InvalidKid:
        pass  # a "-" moved inside the KID: not even well-formed


def test_mod10_misses_the_09_90_transposition():
    # Documented weakness of Luhn, and why MOD11 is the stronger choice for new agreements.
    kid = KID.create("09", MOD10).value
    assert KID(kid[1] + kid[0] + kid[2]).is_valid(MOD10)


@given(st.text(max_size=30))
def test_any_text_is_a_kid_or_an_invalid_kid(text):
    try:
        kid = KID.parse(text)
    except InvalidKid:
        return
    assert 2 <= len(kid.value) <= 25
    assert re.fullmatch(r"[0-9]+[0-9-]", kid.value)
