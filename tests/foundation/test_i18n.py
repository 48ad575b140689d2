"""Every UI string has its bokmål translation, and the committed .mo files match the .po files."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "avstem" / "locale"


def po_entries(path: Path):
    """(msgid, msgstr) pairs of a .po file, joining continued lines; plural forms use msgstr[0]."""
    text = path.read_text(encoding="utf-8")
    entries = []
    for block in text.split("\n\n"):
        if block.lstrip().startswith("#~"):
            continue
        fields, current = {}, None
        for line in block.splitlines():
            if line.startswith("#"):
                continue
            match = re.match(r'(msgid|msgid_plural|msgstr(?:\[0\])?)\s+"(.*)"$', line)
            if match:
                current = match.group(1).replace("[0]", "")
                fields[current] = match.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if fields.get("msgid"):
            entries.append((fields["msgid"], fields.get("msgstr", "")))
    return entries


def unescape(s: str) -> str:
    return s.encode("latin-1", "backslashreplace").decode("unicode_escape")


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_compiled_catalogue_matches_po(lang):
    po = LOCALE / lang / "LC_MESSAGES" / "django.po"
    with open(LOCALE / lang / "LC_MESSAGES" / "django.mo", "rb") as f:
        compiled = gettext.GNUTranslations(f)
    for msgid, msgstr in po_entries(po):
        if msgstr:
            assert compiled.gettext(unescape(msgid)) == unescape(msgstr), f"{lang}: {msgid!r} is stale in django.mo"


def test_every_string_has_a_bokmal_translation():
    missing = [msgid for msgid, msgstr in po_entries(LOCALE / "nb" / "LC_MESSAGES" / "django.po") if not msgstr]
    assert not missing, f"untranslated in nb: {missing[:10]} (run scripts/i18n.py)"


def test_pages_switch_language(client, tenant_a):
    from tests.conftest import PASSWORD

    client.login(email=tenant_a.owner.email, password=PASSWORD)
    assert "Selskapsinnstillinger" in client.get(f"/c/{tenant_a.company.pk}/settings/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Company settings" in client.get(f"/c/{tenant_a.company.pk}/settings/").content.decode()
