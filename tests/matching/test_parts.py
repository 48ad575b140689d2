"""The engine's small parts: folding and names, tokens, KID and RF checks, explanations, subset
sums, and the package's purity."""

from __future__ import annotations

import datetime as dt
import itertools
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from avstem.matching import explain as explain_module
from avstem.matching.explain import Explanation, money
from avstem.matching.normalise import (
    account_key,
    fold,
    invoice_key,
    merchant_key,
    normalise_name,
    reference_tokens,
    similarity,
)
from avstem.matching.references import kid_is_valid, kid_near_miss, rf_payload
from avstem.matching.subset import MAX_ITEMS, subsets_with_sum
from avstem.norway.kid import KID, InvalidKid

# --- normalisation ---------------------------------------------------------------------------------


def test_norwegian_folding():
    assert fold("Kåre Ødegård Ærlig") == "kaare odegaard aerlig"
    assert fold("Café Müller") == "cafe muller"


@pytest.mark.parametrize(("name", "expected"), [
    ("Bølgen & Moi AS", "bolgen moi"),
    ("BØLGEN OG MOI A/S", "bolgen og moi"),
    ("Fjordlys Hotell ASA", "fjordlys hotell"),
    ("Hansen Bygg ANS", "hansen bygg"),
    ("Olsen Rør DA", "olsen ror"),
    ("Per Hansen ENK", "per hansen"),
    ("Tine SA", "tine"),
    ("AS Vinmonopolet", "vinmonopolet"),
    ("Asker Bakeri", "asker bakeri"),  # "As" inside a word stays
])
def test_party_names_lose_legal_forms_as_whole_words_only(name, expected):
    assert normalise_name(name) == expected


def test_similarity_tolerates_typos_and_word_order():
    assert similarity("fjordlys hotel", "fjordlys hotell") >= 88
    assert similarity("nord kafe", "kafe nord") == 100
    assert similarity("kafe nord", "bygg og bad") < 50


def test_account_keys():
    assert account_key("8601.11.17947") == account_key("NO93 8601 1117 947") == "86011117947"
    assert account_key("DE89 3704 0044 0532 0130 00") == "DE89370400440532013000"


def test_invoice_keys():
    assert invoice_key("0010023") == invoice_key("10023") == "10023"
    assert invoice_key(" a-77 ") == "A-77"


def test_reference_tokens_are_whole_words():
    tokens = [t.token for t in reference_tokens("Betaling fakt.nr. 10023/10024, tlf 22334455")]
    assert "10023/10024" in tokens and "22334455" in tokens
    assert not any(t in ("1002", "0023", "2233") for t in tokens)


@given(st.text(max_size=80))
def test_reference_tokens_never_crash_and_are_upper_case(text):
    for ref in reference_tokens(text):
        assert ref.token == ref.token.upper() and ref.token


def test_merchant_keys():
    assert merchant_key("*4521 04.03 NOK 450,00 REMA 1000 Kurs: 1.0000") == "rema 1000"
    assert merchant_key("*9999 17.11 NOK 1 150,00 MICROSOFT*365 Kurs: 1.0000") == "microsoft 365"
    assert merchant_key("VISA VAREKJØP CIRCLE K 12.03 ref 123456789") == "circle k ref"


# --- KID and RF -------------------------------------------------------------------------------------


@given(st.one_of(st.text("0123456789-", min_size=0, max_size=27), st.text(max_size=27),
                 st.builds(lambda p, a: KID.create(p, a).value, st.text("0123456789", min_size=1, max_size=24),
                           st.sampled_from(["MOD10", "MOD11"]))))
def test_kid_check_agrees_with_the_norway_module(value):
    try:
        expected = KID.parse(value).valid
    except InvalidKid:
        expected = False
    compact = "".join(value.split())
    assert kid_is_valid(compact) == expected or value != compact


def test_kid_near_misses():
    assert kid_near_miss("12345674", "12345678")
    assert kid_near_miss("12354678", "12345678")  # swapped neighbours
    assert not kid_near_miss("12345678", "12345678")
    assert not kid_near_miss("22345679", "12345678")
    assert not kid_near_miss("1234567", "12345678")


def test_rf_references():
    assert rf_payload("RF18 5390 0754 7034") == "539007547034"
    assert rf_payload("RF18539007547035") is None  # check digits fail
    assert rf_payload("0012345") is None and rf_payload("RF") is None


# --- explanations ------------------------------------------------------------------------------------


SAMPLES = {"s": "X", "m": 123456, "d": dt.date(2025, 3, 4), "n": 3, "i": ("customer", "1042"),
           "I": (("customer", "1"), ("supplier", "A-2"))}


@pytest.mark.parametrize("code", sorted(explain_module.TEMPLATES))
def test_every_explanation_renders_in_both_languages(code):
    types, nb, en = explain_module.TEMPLATES[code]
    part = (code, *(SAMPLES[t] for t in types))
    e = Explanation((part,))
    assert e.nb and e.en and "{" not in e.nb + e.en
    assert e.nb[0].isupper() or not e.nb[0].isalpha()


def test_explanation_as_json_for_the_api():
    import json

    from avstem.matching import ItemKind, OpenItem

    item = OpenItem("C:1042", ItemKind.CUSTOMER, "K1", 100, "1042")
    e = Explanation((("kid_item", "0012345", item), ("amount_equal",), ("duplicate", item, "L7", dt.date(2025, 3, 4))))
    data = e.as_json()
    assert json.loads(json.dumps(data)) == data
    assert data[0] == {"code": "kid_item", "args": ["0012345", {"kind": "customer", "number": "1042", "id": "C:1042"}],
                       "nb": "KID 0012345 er gyldig og hører til faktura 1042",
                       "en": "KID 0012345 is valid and belongs to invoice 1042"}
    assert data[2]["args"][2] == "2025-03-04"


def test_explanation_formats_money_and_dates_per_language():
    e = Explanation((("duplicate", ("customer", "1042"), "L7", dt.date(2025, 3, 4)), ("partial", 123456, 1000000, 876544)))
    assert e.nb == ("Faktura 1042 ble allerede gjort opp av banklinje L7 (04.03.2025); mulig dobbel betaling; "
                    "delbetaling: 1 234,56 av 10 000,00; 8 765,44 står igjen")
    assert e.en == ("Invoice 1042 was already settled by bank line L7 (2025-03-04); possibly a duplicate payment; "
                    "partial payment: 1,234.56 of 10,000.00; 8,765.44 stays open")
    assert money(-5, "nb") == "-0,05"
    with pytest.raises(ValueError):
        e.text("de")
    with pytest.raises(ValueError):
        Explanation((("amount_equal", 1),)).nb


# --- subset sums ------------------------------------------------------------------------------------


@settings(max_examples=150)
@given(st.lists(st.integers(1, 5000), max_size=12), st.integers(1, 20000))
def test_subset_sums_agree_with_brute_force(values, target):
    found = subsets_with_sum(values, target, limit=10**6)
    brute = sorted((s for k in range(2, len(values) + 1) for s in itertools.combinations(range(len(values)), k)
                    if sum(values[i] for i in s) == target), key=lambda s: (len(s), s))
    assert found == brute


def test_subset_sums_are_bounded():
    assert len(subsets_with_sum([1] * 12, 2, limit=3)) == 4  # limit + 1: "more than three"
    with pytest.raises(ValueError):
        subsets_with_sum([1] * (MAX_ITEMS + 1), 2)


# --- purity ---------------------------------------------------------------------------------------


def test_importing_the_engine_loads_no_django_and_no_django_app():
    code = (
        "import sys\n"
        "import avstem.matching\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] == 'django' or "
        "(m.startswith('avstem.') and m.split('.')[1] not in ('matching', 'norway'))]\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
