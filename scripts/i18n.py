#!/usr/bin/env python3
"""Refresh the main translation catalogue: makemessages, fill bokmål from nb_translations.py
(a translation typed into the .po is kept too; msgmerge's fuzzy guesses are cleared), compile. Needs GNU gettext (msgfmt, xgettext) and polib; only developers who change UI text
run it. The compiled .mo files are committed, so a fresh clone needs neither.

    .venv/bin/python scripts/i18n.py            # refresh, fill, compile; list what is missing
    .venv/bin/python scripts/i18n.py --ignore "banking/*"   # leave out work in progress
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from nb_translations import NB  # noqa: E402

PO = ROOT / "avstem" / "locale" / "{lang}" / "LC_MESSAGES" / "django.po"


def main() -> int:
    # Apps with a locale/ folder of their own keep their own catalogue; `--ignore DIR/*` also
    # leaves out a context whose work is still in progress.
    own = [f"{path.parent.name}/*" for path in (ROOT / "avstem").glob("*/locale") if path.parent.name != "avstem"]
    extra_ignores = [arg for name in own for arg in ("--ignore", name)] + sys.argv[1:]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "avstem.settings", "AVSTEM_DATA_DIR": str(ROOT / "var")}
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "nb", "-l", "en", "--no-obsolete",
         "--ignore", "formats/*", "--ignore", "norway/*", "--ignore", "matching/*", *extra_ignores],
        cwd=ROOT / "avstem", env=env, check=True,
    )
    for lang in ("nb", "en"):
        headed = polib.pofile(str(PO).format(lang=lang))
        headed.metadata.update({"Project-Id-Version": "Avstem", "Language": lang, "Language-Team": lang})
        headed.metadata.pop("PO-Revision-Date", None)
        headed.metadata.pop("Last-Translator", None)
        headed.metadata_is_fuzzy = False
        headed.save()
    catalogue = polib.pofile(str(PO).format(lang="nb"))
    missing = []
    for entry in catalogue:
        if "fuzzy" in entry.flags:
            # msgmerge's guess from a similar string is usually wrong: clear it for a real one.
            entry.flags.remove("fuzzy")
            entry.previous_msgid = None
            entry.msgstr = ""
            entry.msgstr_plural = {k: "" for k in entry.msgstr_plural}
        text = NB.get(entry.msgid)
        if entry.msgid_plural and isinstance(text, list):
            entry.msgstr_plural = {0: text[0], 1: text[1]}
        elif isinstance(text, str):
            entry.msgstr = text
        if not (entry.msgstr or any(entry.msgstr_plural.values())):
            missing.append(entry.msgid)
    catalogue.save()
    subprocess.run(
        [sys.executable, "-m", "django", "compilemessages"], cwd=ROOT / "avstem", env=env, check=True,
        stdout=subprocess.DEVNULL,
    )
    for msgid in missing:
        print(f"missing nb: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
