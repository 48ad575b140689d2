"""Explanations a bookkeeper can read, in Norwegian bokmål and English.

An `Explanation` holds reasons as codes with arguments, not text: the engine makes millions of
them and only the few that reach a screen are rendered. `nb` and `en` render them, joined by "; ".
Arguments are typed per template: s text, m money in øre, d date, n count, i an open item (or a
(kind, number) pair), I a tuple of them.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

# code -> (argument types, bokmål, English)
TEMPLATES: dict[str, tuple[str, str, str]] = {
    "e2e": ("s", "ende-til-ende-ID {0} er en betaling vi sendte", "end-to-end id {0} is a payment we sent"),
    "e2e_pays": ("I", "den betaler {0}", "it pays {0}"),
    "e2e_gl": ("s", "den føres på konto {0}", "it goes to account {0}"),
    "batch": ("sn", "bunt {0} med {1} betalinger vi sendte", "batch {0} of {1} payments we sent"),
    "kid_item": ("si", "KID {0} er gyldig og hører til {1}", "KID {0} is valid and belongs to {1}"),
    "kid_invalid": ("s", "KID {0} har feil kontrollsiffer (skrivefeil?) og brukes ikke som KID",
                    "KID {0} fails its check digit (a typo?) and is not used as a KID"),
    "kid_unknown": ("s", "KID {0} er gyldig, men hører ikke til noen åpen post",
                    "KID {0} is valid but belongs to no open item"),
    "kid_shared": ("sI", "KID {0} står på flere åpne poster: {1}", "KID {0} is on several open items: {1}"),
    "rf_unknown": ("s", "RF-referansen {0} hører ikke til noen åpen post", "RF reference {0} belongs to no open item"),
    "rf_item": ("si", "RF-referanse {0} peker på {1}", "RF reference {0} points to {1}"),
    "text_item": ("is", "{0} er nevnt i teksten («{1}»)", "{0} is mentioned in the text (\"{1}\")"),
    "text_kid_item": ("si", "KID {0} i teksten er gyldig og hører til {1}", "KID {0} in the text is valid and belongs to {1}"),
    "amount_equal": ("", "beløpet stemmer", "amount equal"),
    "sum_equal": ("n", "summen av de {0} postene er lik beløpet", "the {0} items sum to the amount"),
    "amount_differs": ("mm", "beløpet {0} avviker fra åpent beløp {1}", "the amount {0} differs from the open amount {1}"),
    "partial": ("mmm", "delbetaling: {0} av {1}; {2} står igjen", "partial payment: {0} of {1}; {2} stays open"),
    "overpaid": ("m", "{0} betalt for mye; føres som ufordelt på kunden eller leverandøren",
                 "{0} paid too much; left unapplied on the customer or supplier"),
    "fee": ("ms", "differansen {0} er trolig et gebyr trukket av betalers bank; føres på konto {1}",
            "the difference {0} is likely a fee deducted by the payer's bank; posted to account {1}"),
    "fee_charges": ("m", "bankens gebyropplysning ({0}) forklarer differansen nøyaktig",
                    "the bank's charges record ({0}) explains the difference exactly"),
    "duplicate": ("isd", "{0} ble allerede gjort opp av banklinje {1} ({2}); mulig dobbel betaling",
                  "{0} was already settled by bank line {1} ({2}); possibly a duplicate payment"),
    "credit_left": ("m", "hele beløpet {0} står som tilgode på kunden eller leverandøren, til tilbakebetaling eller motregning",
                    "the whole amount {0} is left as a credit on the customer or supplier, to refund or offset"),
    "payer_other": ("s", "betalerens konto {0} hører til en annen kunde eller leverandør",
                    "the payer's account {0} belongs to another customer or supplier"),
    "settled": ("i", "{0} er allerede gjort opp; mulig dobbel betaling", "{0} is already settled; possibly a duplicate payment"),
    "sign": ("i", "{0} går motsatt vei av betalingen", "{0} goes the opposite way of the payment"),
    "currency": ("is", "{0} er i en annen valuta ({1})", "{0} is in another currency ({1})"),
    "party_account": ("ss", "betalerens konto {0} tilhører {1}", "the counterparty's account {0} belongs to {1}"),
    "party_name": ("ssn", "navnet «{0}» er {1} ({2} % likt)", "the name \"{0}\" is {1} ({2} % alike)"),
    "in_window": ("d", "innenfor datovinduet rundt forfall {0}", "within the date window around the due date {0}"),
    "out_window": ("d", "utenfor datovinduet rundt forfall {0}", "outside the date window around the due date {0}"),
    "ambiguous": ("nI", "{0} åpne poster passer like godt: {1}", "{0} open items fit equally well: {1}"),
    "contested": ("n", "{0} banklinjer passer like godt til samme post", "{0} bank lines fit the same item equally well"),
    "ref_elsewhere": ("", "betalingen har en referanse som ikke bekrefter denne posten",
                      "the payment carries a reference that does not confirm this item"),
    "subset": ("nsI", "{0} åpne poster for {1} summerer til beløpet: {2}", "{0} open items of {1} sum to the amount: {2}"),
    "subset_many": ("n", "{0} ulike kombinasjoner passer; velg den riktige", "{0} different combinations fit; choose the right one"),
    "fee_party": ("mi", "beløpet er {0} mindre enn {1}", "the amount is {0} less than {1}"),
    "posting": ("sdn", "posteringen {0} ({1}) på bankens hovedbokskonto har samme beløp, {2} dager fra",
                "posting {0} ({1}) on the bank's GL account has the same amount, {2} days apart"),
    "posting_ref": ("s", "posteringen har samme referanse som banklinjen ({0})",
                    "the posting carries the line's reference ({0})"),
    "postings_many": ("n", "{0} posteringer har samme beløp", "{0} postings have the same amount"),
    "transfer": ("ss", "overføring mellom egne kontoer, til/fra {0} (konto {1})", "transfer between own accounts, to/from {0} (account {1})"),
    "transfer_pair": ("sd", "motposten er banklinje {0} ({1})", "the other side is bank line {0} ({1})"),
    "transfer_unpaired": ("", "motposten er ikke funnet blant banklinjene ennå", "the other side is not among the bank lines yet"),
    "transfer_guess": ("s", "motsatt beløp på egen konto {0} samme periode", "the opposite amount on own account {0} around the same date"),
    "rule": ("s", "regelen «{0}» passer", "rule \"{0}\" applies"),
    "rule_split": ("n", "fordelt på {0} kontoer", "split over {0} accounts"),
    "learned": ("nnss", "{0} av de siste {1} linjene fra {2} ble ført på {3}", "{0} of the last {1} lines from {2} went to {3}"),
    "pending": ("s", "linjen er ikke bokført ennå (status {0})", "the line is not booked yet (status {0})"),
    "nothing": ("", "ingen KID, referanse, beløp, postering eller regel passer",
                "no KID, reference, amount, posting or rule fits"),
    "left_amount": ("", "ingen åpen post har dette beløpet", "no open item has this amount"),
    "review": ("", "bør sjekkes av en person", "needs a person's check"),
}

_ITEM_WORDS = {
    "customer": ("faktura", "invoice"),
    "supplier": ("leverandørfaktura", "supplier invoice"),
}


def money(ore: int, lang: str) -> str:
    """1 234,50 (nb) or 1,234.50 (en)."""
    sign = "-" if ore < 0 else ""
    kroner, cents = divmod(abs(ore), 100)
    whole = f"{kroner:,}"
    if lang == "nb":
        return f"{sign}{whole.replace(',', ' ')},{cents:02d}"
    return f"{sign}{whole}.{cents:02d}"


def date(value: dt.date, lang: str) -> str:
    return value.strftime("%d.%m.%Y") if lang == "nb" else value.isoformat()


def item_label(kind: str, number: str, lang: str) -> str:
    words = _ITEM_WORDS.get(str(getattr(kind, "value", kind)), ("post", "item"))
    return f"{words[0 if lang == 'nb' else 1]} {number}"


def _item(value: object, lang: str) -> str:
    """An open item (anything with kind, invoice_number and id) or a (kind, number) pair."""
    if isinstance(value, tuple):
        return item_label(value[0], value[1], lang)
    return item_label(value.kind, value.invoice_number or value.id, lang)  # type: ignore[attr-defined]


def _labels(items: tuple, lang: str) -> str:
    parts = [_item(item, lang) for item in items]
    if len(parts) <= 1:
        return "".join(parts)
    last = " og " if lang == "nb" else " and "
    return ", ".join(parts[:-1]) + last + parts[-1]


def _render_arg(kind: str, value: object, lang: str) -> str:
    if kind == "m":
        return money(value, lang)  # type: ignore[arg-type]
    if kind == "d":
        return date(value, lang)  # type: ignore[arg-type]
    if kind == "i":
        return _item(value, lang)
    if kind == "I":
        return _labels(value, lang)  # type: ignore[arg-type]
    return str(value)


def _json_arg(kind: str, value: object) -> object:
    if kind == "d":
        return value.isoformat()  # type: ignore[attr-defined]
    if kind == "i":
        return _item_json(value)
    if kind == "I":
        return [_item_json(v) for v in value]  # type: ignore[attr-defined]
    return value


def _item_json(value: object) -> dict:
    if isinstance(value, tuple):
        return {"kind": str(getattr(value[0], "value", value[0])), "number": value[1], "id": None}
    return {"kind": value.kind.value, "number": value.invoice_number, "id": value.id}  # type: ignore[attr-defined]


def render_part(part: tuple, lang: str) -> str:
    code, *args = part
    types, nb, en = TEMPLATES[code]
    if len(args) != len(types):
        raise ValueError(f"explanation {code!r} takes {len(types)} arguments, got {len(args)}")
    return (nb if lang == "nb" else en).format(*(_render_arg(t, a, lang) for t, a in zip(types, args)))


class Explanation(NamedTuple):
    """Reasons as (code, *arguments) tuples; see TEMPLATES."""

    parts: tuple[tuple, ...]

    def text(self, lang: str = "nb") -> str:
        if lang not in ("nb", "en"):
            raise ValueError(f"language must be 'nb' or 'en', not {lang!r}")
        rendered = "; ".join(render_part(p, lang) for p in self.parts)
        return rendered[:1].upper() + rendered[1:]

    @property
    def nb(self) -> str:
        return self.text("nb")

    @property
    def en(self) -> str:
        return self.text("en")

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(p[0] for p in self.parts)

    def as_json(self) -> list[dict]:
        """The reasons as JSON-ready data, for an API: code, arguments (money in øre, dates as
        ISO text, items as {kind, number, id}) and both renderings."""
        return [{"code": part[0], "args": [_json_arg(t, a) for t, a in zip(TEMPLATES[part[0]][0], part[1:])],
                 "nb": render_part(part, "nb"), "en": render_part(part, "en")} for part in self.parts]

    def __str__(self) -> str:
        return self.nb


def explain(*parts: tuple) -> Explanation:
    return Explanation(parts)
