"""Invoice KIDs against the examples of Nets' OCR giro manual (§5: MOD10 and MOD11, "-" for a
MOD11 remainder of 1), and the KID a supplier gives refused when its check digit fails."""

from __future__ import annotations

import pytest

from avstem.ledger.errors import LedgerError
from avstem.ledger.invoicing import check_kid, make_kid
from avstem.ledger.models import LedgerSettings
from avstem.norway.kid import KID, mod11_check_digit


def layout(algorithm: str, customer_digits: int = 4, invoice_digits: int = 4) -> LedgerSettings:
    return LedgerSettings(kid_algorithm=algorithm, kid_customer_digits=customer_digits, kid_invoice_digits=invoice_digits)


def test_the_manuals_mod10_example():
    # "Field without verification digit 1 2 3 4 5 6 7 8 ... Fields with verification digits 1 2 3 4 5 6 7 8 2"
    assert make_kid(layout("MOD10"), 1234, 5678) == "123456782"


def test_the_manuals_mod11_example():
    # weights 3 2 7 6 5 4 3 2 give 138, rest 6, 11 - 6 = 5: "1 2 3 4 5 6 7 8 5"
    assert make_kid(layout("MOD11"), 1234, 5678) == "123456785"


def test_mod11_remainder_one_gives_a_dash():
    customer = next(n for n in range(1, 9999) if mod11_check_digit(f"{n:04d}0001") == "-")
    kid = make_kid(layout("MOD11"), customer, 1)
    assert kid.endswith("-") and len(kid) == 9
    assert KID.parse(kid).validate("MOD11").value == kid
    assert check_kid(kid) == kid  # a supplier's KID ending in "-" is accepted


def test_layout_pads_with_zeros():
    assert make_kid(layout("MOD10", 5, 6), 10023, 57) == "10023000057" + KID.create("10023000057").check_digit
    assert make_kid(layout("MOD10", 5, 6), 7, 3).startswith("00007000003")


@pytest.mark.parametrize("given, reason", [
    ("123456781", "kontrollsifferet stemmer verken med MOD10 eller MOD11"),
    ("12A45", "kan bare inneholde sifre"),
    ("1", "må ha 2–25 tegn"),
])
def test_a_bad_kid_is_refused_with_the_reason(given, reason):
    with pytest.raises(LedgerError, match=reason):
        check_kid(given)


def test_spaces_are_allowed_as_printed():
    assert check_kid(" 1234 5678 2 ") == "123456782"
