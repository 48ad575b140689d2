"""Money at the edges (øre inside, Decimal outside) and VAT calculation (net and gross)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from avstem.ledger import vat
from avstem.ledger.money import AmountError, allocate, format_amount, from_ore, parse_amount, to_ore

D = datetime.date(2025, 6, 1)


@pytest.mark.parametrize("text, ore", [
    ("1 250,50", 125050), ("1250.50", 125050), ("1.250,5", 125050), ("1,250.50", 125050), ("-300", -30000),
    ("kr 99,90", 9990), ("\u2212 12,00", -1200), ("0,01", 1), ("1\u00a0000", 100000),
])
def test_parse_amount(text, ore):
    assert parse_amount(text) == ore


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "1.234.5", "0,001", "1e5x", "NaN", "Infinity"])
def test_parse_amount_refuses(text):
    with pytest.raises(AmountError):
        parse_amount(text)


def test_floats_are_refused():
    with pytest.raises(AmountError):
        to_ore(12.5)
    assert to_ore(Decimal("12.50")) == 1250
    with pytest.raises(AmountError, match="more than two decimals"):
        to_ore(Decimal("0.125"))


def test_format_amount():
    assert format_amount(125000) == "1 250,00"
    assert format_amount(-120000050) == "-1 200 000,50"
    assert format_amount(5) == "0,05"
    assert format_amount(0, blank_zero=True) == ""


@given(st.integers(min_value=-10**15, max_value=10**15))
def test_format_and_parse_round_trip(ore):
    assert parse_amount(format_amount(ore)) == ore
    assert to_ore(from_ore(ore)) == ore


@given(st.integers(min_value=-10**12, max_value=10**12), st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=12))
def test_allocate_sums_exactly_and_is_fair(total, weights):
    if sum(weights) == 0:
        return
    parts = allocate(total, weights)
    assert sum(parts) == total
    for part, weight in zip(parts, weights, strict=True):
        exact = Decimal(total) * weight / sum(weights)
        assert abs(Decimal(part) - exact) < 1


def test_vat_on_net_amounts():
    sale = vat.split("3", -100000, D)  # credit 1 000,00 on a sales account
    assert (sale.net, sale.vat, sale.lines) == (-100000, -25000, (("2700", -25000),))
    purchase = vat.split("11", 100000, D)
    assert (purchase.net, purchase.vat, purchase.lines) == (100000, 15000, (("2711", 15000),))
    fish = vat.split("32", -100000, D)
    assert fish.vat == -11110


def test_vat_taken_out_of_gross_amounts():
    split = vat.split("1", 125000, D, gross=True)
    assert (split.net, split.vat) == (100000, 25000)
    split = vat.split("31", 999, D, gross=True)  # 9,99 incl. 15 %: net 8,69, VAT 1,30
    assert (split.net, split.vat) == (869, 130)
    stated = vat.split("1", 125000, D, gross=True, vat=24999)
    assert (stated.net, stated.vat) == (100001, 24999)


def test_reverse_charge_posts_both_sides():
    split = vat.split("86", 100000, D)
    assert split.net == 100000
    assert split.lines == (("2714", 25000), ("2704", -25000))
    no_deduction = vat.split("87", 100000, D)
    assert no_deduction.lines == (("", 25000), ("2704", -25000))  # "" is the posting's own account


def test_codes_without_vat_add_no_lines():
    for code in ("0", "5", "6", "52"):
        split = vat.split(code, -50000, D)
        assert split.lines == () and split.net == -50000
    assert vat.split("14", 25000, D).vat == 25000  # import VAT paid at customs: the amount is the VAT


@given(st.integers(min_value=-10**10, max_value=10**10), st.sampled_from(["1", "11", "12", "13", "3", "31", "32", "33", "86"]),
       st.booleans())
def test_vat_is_symmetric_and_consistent(amount, code, gross):
    split = vat.split(code, amount, D, gross=gross)
    mirror = vat.split(code, -amount, D, gross=gross)
    assert mirror.net == -split.net and mirror.vat == -split.vat
    if gross and vat.get(code).treatment in ("input", "output"):
        assert split.net + split.vat == amount
