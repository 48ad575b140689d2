"""The candidate indexes: lookup forms, keys on several items, duplicates refused."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from avstem.matching import CandidateIndex, ItemKind, OpenItem
from tests.matching.builders import item, kid

K1, K2 = kid("0012345"), kid("0012346")


def test_kid_on_two_items_is_ambiguous_in_any_input_order():
    items = [item("1", 100, kid=K1), item("2", 200, kid=K1), item("3", 300, kid=K2)]
    for order in (items, items[::-1]):
        index = CandidateIndex(order)
        assert index.by_kid(K1) == ("C:1", "C:2")
        assert index.by_kid(K2) == ("C:3",)
        assert K1 in index.kid_more and K2 not in index.kid_more


def test_kids_and_invoice_numbers_are_stored_in_their_lookup_form():
    items = [item("0042", 100, kid=f"{K1[:4]} {K1[4:]}"), item("a-77 ", 200), item("A-77", 300, "K2")]
    index = CandidateIndex(items)
    assert index.by_kid(K1) == ("C:0042",)
    assert index.by_invoice("42") == ("C:0042",)
    assert index.by_invoice("A-77") == ("C:A-77", "C:a-77 ")  # two items meet in one lookup form


def test_an_item_given_twice_is_refused():
    with pytest.raises(ValueError, match="'C:1' is given twice"):
        CandidateIndex([item("1", 100), item("1", 200)])


@given(st.lists(st.tuples(st.sampled_from(["", K1, K2, "12 34", "1234"]), st.sampled_from(["", "1", "01", "a", "A"])),
                max_size=12), st.randoms(use_true_random=False))
def test_index_equals_a_plain_one_by_one_build(rows, rng):
    items = [OpenItem(f"I{n}", ItemKind.CUSTOMER, "P", 100, number, k) for n, (k, number) in enumerate(rows)]
    rng.shuffle(items)
    index = CandidateIndex(items)
    by_kid: dict[str, list[str]] = {}
    by_number: dict[str, list[str]] = {}
    for i in items:
        if i.kid:
            by_kid.setdefault("".join(i.kid.split()), []).append(i.id)
        if i.invoice_number:
            number = i.invoice_number.upper()
            by_number.setdefault(number.lstrip("0") or "0" if number.isdigit() else number, []).append(i.id)
    for k, ids in by_kid.items():
        assert index.by_kid(k) == tuple(sorted(ids))
    for n, ids in by_number.items():
        assert index.by_invoice(n) == tuple(sorted(ids))
    assert len(index.kid) == len(by_kid) and len(index.invoice) == len(by_number)


def test_party_lookups():
    items = [item("1", 100, "K1", name="Kåre Ødegård AS"), item("2", 200, "K1", name="Kåre Ødegård AS"),
             item("3", 300, "K2", name="Bølgen & Moi ANS", accounts=())]
    random.Random(1).shuffle(items)
    index = CandidateIndex(items)
    assert index.parties_by_name("kaare odegaard") == [(ItemKind.CUSTOMER, "K1")]
    assert index.parties_by_name("bolgen moi") == [(ItemKind.CUSTOMER, "K2")]
    assert index.parties_by_account(items[0].party_accounts[0] if items[0].party_id == "K1" else items[1].party_accounts[0])
    assert index.party_amount((ItemKind.CUSTOMER, "K1"), 200) == ["C:2"]
    assert (ItemKind.CUSTOMER, "K2") in index.parties_by_name_block("bolgn moi")
