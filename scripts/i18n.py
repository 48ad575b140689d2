#!/usr/bin/env python3
"""Refresh the translation catalogues: makemessages, fill bokmål from the tables kept as data
(a translation typed into a .po is kept when no table has its msgid; msgmerge's fuzzy guesses are
cleared), compile. Needs GNU gettext (msgfmt, xgettext) and polib (`pip install -e .[i18n]`);
only developers who change UI text run it. The compiled .mo files are committed, so a fresh clone
needs neither.

    .venv/bin/python scripts/i18n.py                  # every catalogue; list what is missing
    .venv/bin/python scripts/i18n.py main banking     # only these

Catalogues: `main` (avstem/locale, every app without a locale/ folder of its own) and one per app
that has one (avstem/<app>/locale).
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from nb_reconciliation import NB as NB_RECONCILIATION  # noqa: E402
from nb_translations import NB  # noqa: E402

# The pure cores hold no UI strings for Django's catalogue (the matching engine words its own).
CORES = ("formats", "norway", "matching", "sandbox_bank")


@dataclass(frozen=True)
class Catalogue:
    name: str
    folder: Path  # where makemessages runs
    languages: tuple[str, ...]
    table: dict = field(default_factory=dict)  # bokmål by msgid


CATALOGUES = {
    "main": Catalogue("main", ROOT / "avstem", ("nb", "en"), NB),
    "banking": Catalogue("banking", ROOT / "avstem" / "banking", ("nb",), NB),
    "ledger": Catalogue("ledger", ROOT / "avstem" / "ledger", ("nb",)),  # typed in its .po
    "reconciliation": Catalogue("reconciliation", ROOT / "avstem" / "reconciliation", ("nb", "en"), NB_RECONCILIATION),
}


def _env() -> dict:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "avstem.settings", "AVSTEM_DATA_DIR": str(ROOT / "var"),
            "PYTHONPATH": str(ROOT)}


def _makemessages(catalogue: Catalogue) -> None:
    ignores: list[str] = []
    if catalogue.name == "main":
        own = [p.parent.name for p in (ROOT / "avstem").glob("*/locale")]
        ignores = [arg for name in (*CORES, *own) for arg in ("--ignore", f"{name}/*")]
    (catalogue.folder / "locale").mkdir(exist_ok=True)
    languages = [arg for lang in catalogue.languages for arg in ("-l", lang)]
    subprocess.run([sys.executable, "-m", "django", "makemessages", *languages, "--no-obsolete", *ignores],
                   cwd=catalogue.folder, env=_env(), check=True)


def _fill(catalogue: Catalogue, lang: str) -> list[str]:
    """Headers, fuzzy guesses cleared, bokmål from the table; returns the msgids still untranslated."""
    po = polib.pofile(str(catalogue.folder / "locale" / lang / "LC_MESSAGES" / "django.po"))
    title = "Avstem" if catalogue.name == "main" else f"Avstem {catalogue.name}"
    po.metadata.update({"Project-Id-Version": title, "Language": lang, "Language-Team": lang,
                        "Plural-Forms": "nplurals=2; plural=(n != 1);", "Content-Type": "text/plain; charset=UTF-8"})
    po.metadata.pop("PO-Revision-Date", None)
    po.metadata.pop("Last-Translator", None)
    po.metadata_is_fuzzy = False
    missing = []
    for entry in po:
        if "fuzzy" in entry.flags:  # msgmerge's guess from a similar string is usually wrong
            entry.flags.remove("fuzzy")
            entry.previous_msgid = None
            entry.msgstr = ""
            entry.msgstr_plural = {k: "" for k in entry.msgstr_plural}
        if lang != "nb":
            continue  # English is the msgid itself
        text = catalogue.table.get(entry.msgid)
        if entry.msgid_plural and isinstance(text, list):
            entry.msgstr_plural = {0: text[0], 1: text[1]}
        elif isinstance(text, str):
            entry.msgstr = text
        if not (entry.msgstr or any(entry.msgstr_plural.values())):
            missing.append(entry.msgid)
    po.save()
    return missing


def refresh(catalogue: Catalogue) -> list[str]:
    _makemessages(catalogue)
    missing = [m for lang in catalogue.languages for m in _fill(catalogue, lang)]
    subprocess.run([sys.executable, "-m", "django", "compilemessages"], cwd=catalogue.folder, env=_env(), check=True,
                   stdout=subprocess.DEVNULL)
    return missing


def main(names: list[str]) -> int:
    unknown = [n for n in names if n not in CATALOGUES]
    if unknown:
        print(f"unknown catalogue(s) {', '.join(unknown)}; known: {', '.join(CATALOGUES)}")
        return 2
    missing = []
    for name in names or CATALOGUES:
        missing += [(name, m) for m in refresh(CATALOGUES[name])]
    for name, msgid in missing:
        print(f"missing nb in {name}: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
