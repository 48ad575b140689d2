"""The bank context's own bokmål catalogue (avstem/banking/locale): complete, compiled, used."""

from __future__ import annotations

import gettext
from pathlib import Path

from django.utils import translation

from avstem.banking.lines import LineError, remove_line
from tests.foundation.test_i18n import po_entries, unescape

LOCALE = Path(__file__).resolve().parents[2] / "avstem" / "banking" / "locale" / "nb" / "LC_MESSAGES"


def test_every_banking_string_has_bokmal_and_the_mo_is_fresh():
    entries = po_entries(LOCALE / "django.po")
    assert len(entries) > 300
    assert not [msgid for msgid, msgstr in entries if not msgstr], "run scripts/i18n.py banking"
    with open(LOCALE / "django.mo", "rb") as f:
        compiled = gettext.GNUTranslations(f)
    for msgid, msgstr in entries:
        assert compiled.gettext(unescape(msgid)) == unescape(msgstr), f"{msgid!r} is stale in django.mo"


def test_refusals_speak_norwegian(tenant_a, account):
    import datetime

    from avstem.banking.lines import create_manual_line

    line = create_manual_line(tenant_a.owner, account, date=datetime.date(2025, 3, 3), amount=100, text="x")
    with translation.override("nb"):
        try:
            remove_line(tenant_a.owner, line, "")
        except LineError as exc:
            assert str(exc) == "Oppgi hvorfor posten fjernes."
        else:
            raise AssertionError("removed without a reason")
