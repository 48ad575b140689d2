"""Text normalisation for matching: Norwegian folding, party names, account numbers, reference
tokens and merchant keys. Pure functions; the hot ones are memoised.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import NamedTuple

from rapidfuzz import fuzz

# Æ→AE, Ø→O, Å→AA (our own folding: rapidfuzz has none), then accents off (é→e, ü→u).
LEGAL_FORMS = frozenset({"as", "asa", "ans", "da", "enk", "nuf", "sa", "ba", "ks", "iks", "sf"})
NON_WORD = re.compile(r"[^0-9a-z]+")
_LEGAL_DOTTED = re.compile(r"\ba\.s\.a\b\.?|\ba[./]s\b\.?")  # A.S.A., A/S, A.S.


def _latin_table() -> dict[int, str]:
    """Accented Latin letters to their base letters (é→e, ü→u), by decomposition; then æøå."""
    table = {}
    for code in range(0xC0, 0x250):
        base = "".join(c for c in unicodedata.normalize("NFKD", chr(code)) if not unicodedata.combining(c))
        if base.isascii() and base:
            table[code] = base.lower()
    table.update({ord(k): v for k, v in {"æ": "ae", "ø": "o", "å": "aa", "Æ": "ae", "Ø": "o", "Å": "aa", "ß": "ss"}.items()})
    return table


_FOLD = _latin_table()


def fold(text: str) -> str:
    """Lower case, Norwegian letters spelled out, accents removed: 'Kåre Ødegård' -> 'kaare odegaard'."""
    text = text.lower()
    if text.isascii():
        return text
    text = text.translate(_FOLD)
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


_PUNCTUATION = str.maketrans({c: " " for c in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~«»–—‘’“”§"})


@functools.lru_cache(maxsize=1 << 17)
def normalise_name(name: str) -> str:
    """A party name for comparison: folded, punctuation gone, legal forms (AS, ASA, ANS, DA, ENK,
    NUF, SA, ...) dropped as whole words: 'Bølgen & Moi A/S' -> 'bolgen moi'."""
    folded = fold(name)
    if "." in folded or "/" in folded:
        folded = _LEGAL_DOTTED.sub(lambda m: m.group(0).replace(".", "").replace("/", ""), folded)
    text = folded.translate(_PUNCTUATION)
    if not (text.isascii() and text.replace(" ", "").isalnum()):  # something else that is no letter or digit
        text = NON_WORD.sub(" ", text)
    return " ".join(w for w in text.split() if w not in LEGAL_FORMS)


@functools.lru_cache(maxsize=1 << 17)
def account_key(value: str) -> str:
    """An account number for comparison: digits only; a Norwegian IBAN gives its 11-digit BBAN;
    other IBANs stay whole (upper case, no spaces)."""
    compact = "".join(value.split()).replace(".", "").upper()
    if compact.startswith("NO") and len(compact) == 15 and compact[2:].isdigit():
        return compact[4:]
    if compact.isdigit():
        return compact
    return compact if compact[:2].isalpha() else "".join(c for c in compact if c.isdigit())


def compact_ref(value: str) -> str:
    """A structured reference as the bank sent it, without whitespace (KIDs are printed in groups)."""
    return "".join(value.split())


def invoice_key(number: str) -> str:
    """An invoice number for lookup: upper case, no whitespace; numeric ones without leading zeros."""
    key = "".join(number.split()).upper()
    if key.isdigit():
        return key.lstrip("0") or "0"
    return key


# Whole words of letters, digits and inner separators ("10023", "A-77", "2024/115", "nr.10023").
_TOKEN = re.compile(r"[^\W_]+(?:[-/._][^\W_]+)*")
_SPLIT = re.compile(r"[-/._]")
_DIGIT = re.compile(r"\d")
_LETTERS_DIGITS = re.compile(r"^([^\W\d_]{2,})(\d{3,})$")


# Words that announce a reference: "Faktura 10023", "Fakt.nr. 10023", "Inv 10023", "ref 10023".
REFERENCE_WORDS = frozenset({"FAKTURA", "FAKTURANR", "FAKTNR", "FAKT", "FAKT.NR", "FAKTURA.NR", "FAKTURANUMMER", "NR",
                             "INV", "INVOICE", "INVOICENO", "INV.NO", "NO", "REF", "REFERANSE", "KID", "BILAG",
                             "FNR", "F.NR", "FAKTURAER", "INVOICES", "OG", "AND"})


class RefToken(NamedTuple):
    token: str  # upper case
    parts: tuple[str, ...]  # tried only when the whole token finds nothing
    announced: bool  # preceded by a reference word (or a reference in a list: "Faktura 1, 2 og 3")


@functools.lru_cache(maxsize=1 << 16)
def reference_tokens(text: str) -> tuple[RefToken, ...]:
    """Candidate references in free text: whole words with a digit, never digit fragments of a
    longer number. Parts are the pieces of a token with separators when only one of them has
    digits ('NR.10023' -> 'NR', '10023'; but '10023-2' stays whole) or the digits of letters glued
    to digits ('INV10023' -> '10023')."""
    out: list[RefToken] = []
    announced = False
    new = tuple.__new__
    for raw in _TOKEN.findall(text):
        token = raw.upper()
        if token.isalpha():  # a word: it may announce a reference ("Faktura", "og" in a list)
            announced = token in REFERENCE_WORDS
            continue
        parts: tuple[str, ...] = ()
        prefix = ""
        if not token.isalnum():
            parts = tuple(p for p in _SPLIT.split(token) if p)
            prefix = parts[0] if parts else ""
            if not _DIGIT.search(token):  # "FAKT.NR"
                announced = token in REFERENCE_WORDS or bool(parts and parts[-1] in REFERENCE_WORDS)
                continue
            if sum(1 for p in parts if _DIGIT.search(p)) > 1:
                parts = ()  # "10023-2", "2024/115": one number with a separator, not two references
        elif not token.isdigit():
            glued = _LETTERS_DIGITS.match(token)
            if glued:
                prefix, parts = glued.group(1), (glued.group(2),)
        out.append(new(RefToken, (token, parts, announced or prefix in REFERENCE_WORDS)))
        # A reference in a list announces the next one: "Faktura 10023, 10024 og 10025".
        announced = announced or token in REFERENCE_WORDS or bool(parts and parts[-1] in REFERENCE_WORDS)
    return tuple(out)


# Card and terminal noise around a merchant's name: the card's last digits, dates, amounts with
# currency, exchange rates, archive references.
_CARD_NOISE = re.compile(
    r"\*\d{4}\b"
    r"|\b\d{1,2}\.\d{1,2}(?:\.\d{2,4})?\b"
    r"|\b(?:nok|eur|usd|sek|dkk|gbp)\s*[\d .,]*\d"
    r"|\bkurs:?\s*[\d.,]+"
    r"|\b\d{6,}\b"
    r"|\b(?:varekjop|visa|bankaxept|mastercard|kortkjop|betalt|reservert)\b",
)


@functools.lru_cache(maxsize=1 << 16)
def merchant_key(text: str) -> str:
    """The stable part of a card or payment text: '*4521 04.03 NOK 450,00 REMA 1000 Kurs: 1.0000'
    -> 'rema 1000'. Legal forms are dropped like in party names."""
    folded = _CARD_NOISE.sub(" ", fold(text))
    words = [w for w in NON_WORD.split(folded) if w and w not in LEGAL_FORMS]
    return " ".join(words)


def similarity(a: str, b: str, **_: object) -> float:
    """0-100: the better of plain and token-sorted similarity of two normalised names ("fjordlys
    hotel" ~ "fjordlys hotell"; "nord kafe" ~ "kafe nord"; "oslo cty" ~ "oslo city")."""
    return max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b))
