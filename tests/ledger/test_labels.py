"""Labels made for many rows at once (the automatic reconciliation's batches) read as those made
one at a time, in both languages: rows.gettext_once and the label helpers that take it."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from avstem.ledger import rows
from avstem.ledger.models import Invoice, InvoiceKind, OpenItem
from avstem.reconciliation.models import Reconciliation


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_gettext_once_translates_as_gettext_and_asks_once_per_message(monkeypatch, lang):
    asked = []
    real = rows.gettext
    monkeypatch.setattr(rows, "gettext", lambda message: asked.append(message) or real(message))
    with translation.override(lang):
        tr = rows.gettext_once()
        texts = [tr(m) for m in ("Invoice", "Posting", "Invoice", "Credit note", "Posting", "Invoice")]
        assert texts == [real(m) for m in ("Invoice", "Posting", "Invoice", "Credit note", "Posting", "Invoice")]
    assert asked == ["Invoice", "Posting", "Credit note"]
    assert (texts[0] == "Faktura") == (lang == "nb")


@pytest.mark.parametrize("lang, expected", [
    ("nb", ["Faktura 12", "Kreditnota 13", "Leverandørfaktura A-7", "Postering", "Innbetaling"]),
    ("en", ["Invoice 12", "Credit note 13", "Supplier invoice A-7", "Posting", "Innbetaling"]),
])
def test_open_item_labels_read_alike_with_gettext_once(lang, expected):
    cases = [("", (InvoiceKind.INVOICE, 12), None), ("", (InvoiceKind.CREDIT_NOTE, 13), None), ("", None, "A-7"),
             ("", None, None), ("Innbetaling", None, None)]
    with translation.override(lang):
        tr = rows.gettext_once()
        assert [OpenItem.label_of(*case, tr) for case in cases] == expected
        assert [OpenItem.label_of(*case) for case in cases] == expected
        draft = "Faktura (utkast)" if lang == "nb" else "Invoice (draft)"
        assert Invoice.label_of(InvoiceKind.INVOICE, None, tr) == Invoice.label_of(InvoiceKind.INVOICE, None) == draft


@pytest.mark.parametrize("lang, word", [("nb", "Avstemming"), ("en", "Reconciliation")])
def test_a_reconciliation_is_described_alike_one_at_a_time_and_for_many(lang, word):
    recs = [Reconciliation(id=n, date=datetime.date(2026, 2, 1 + n % 3)) for n in range(1, 7)]
    with translation.override(lang):
        describe = Reconciliation.describer()
        assert [describe(r) for r in recs] == [str(r) for r in recs]
    assert describe(recs[3]) == f"{word} 4 (02.02.2026)"  # in the language active when made
