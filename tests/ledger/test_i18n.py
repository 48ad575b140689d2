"""The ledger's own bokmål catalogue (avstem/ledger/locale): complete, compiled, and used."""

from __future__ import annotations

import datetime
import gettext
from pathlib import Path

import pytest
from django.utils import translation

from avstem.ledger.errors import LedgerError
from avstem.ledger.posting import Line, NewVoucher, post_voucher
from tests.foundation.test_i18n import po_entries, unescape

LOCALE = Path(__file__).resolve().parents[2] / "avstem" / "ledger" / "locale" / "nb" / "LC_MESSAGES"


def test_every_ledger_string_has_bokmal_and_the_mo_is_fresh():
    entries = po_entries(LOCALE / "django.po")
    assert len(entries) > 400
    assert not [msgid for msgid, msgstr in entries if not msgstr]
    with open(LOCALE / "django.mo", "rb") as f:
        compiled = gettext.GNUTranslations(f)
    for msgid, msgstr in entries:
        assert compiled.gettext(unescape(msgid)) == unescape(msgstr), f"{msgid!r} is stale in django.mo"


def test_refusals_speak_norwegian(company, owner):
    with translation.override("nb"), pytest.raises(LedgerError) as exc:
        post_voucher(owner, company, NewVoucher(date=datetime.date(2025, 3, 1), description="Skjev",
                                                lines=[Line("6800", 125000), Line("1920", -120000)]))
    assert str(exc.value) == "Bilaget går ikke i balanse: debet 1 250,00, kredit 1 200,00."
    with translation.override("nb"), pytest.raises(LedgerError, match="Perioden mars 2025 er låst."):
        from avstem.ledger.posting import lock_period

        lock_period(owner, company, 2025, 3)
        post_voucher(owner, company, NewVoucher(date=datetime.date(2025, 3, 1), description="Låst",
                                                lines=[Line("6800", 100), Line("1920", -100)]))


def test_pages_are_norwegian_first(client, owner, company):
    client.force_login(owner)
    page = client.get(f"/c/{company.pk}/ledger/").content.decode()
    assert "Saldobalanse" in page and "Kontoplan" in page and "Leverandørfakturaer" in page
