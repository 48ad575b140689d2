"""The reconciliation app's own bokmål catalogue (avstem/reconciliation/locale): complete, compiled, used."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from django.utils import translation

from tests.foundation.test_i18n import po_entries, unescape

LOCALE = Path(__file__).resolve().parents[2] / "avstem" / "reconciliation" / "locale" / "nb" / "LC_MESSAGES"


def test_every_string_has_bokmal_and_the_mo_is_fresh():
    entries = po_entries(LOCALE / "django.po")
    assert len(entries) > 300
    assert not [msgid for msgid, msgstr in entries if not msgstr]
    with open(LOCALE / "django.mo", "rb") as f:
        compiled = gettext.GNUTranslations(f)
    for msgid, msgstr in entries:
        assert compiled.gettext(unescape(msgid)) == unescape(msgstr), f"{msgid!r} is stale in django.mo"


@pytest.mark.django_db
def test_refusals_speak_norwegian(company, owner, account):
    from avstem.reconciliation import services
    from avstem.reconciliation.errors import ReconciliationError
    from tests.reconciliation.conftest import bank_line

    line = bank_line(account, 50000)
    with translation.override("nb"), pytest.raises(ReconciliationError) as exc:
        services.reconcile(owner, company, account, line_ids=[line.pk])
    assert "Banklinjene (500,00) og hovedbokssiden (0,00) skiller seg med 500,00" in str(exc.value)
