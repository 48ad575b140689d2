#!/usr/bin/env python3
"""Refresh an app's own bokmål catalogue (avstem/<app>/locale), filled from nb_translations.py,
and compile it. Apps with a catalogue of their own are left out by scripts/i18n.py.

    .venv/bin/python scripts/i18n_app.py banking
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


def main(app: str) -> int:
    folder = ROOT / "avstem" / app
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "avstem.settings", "AVSTEM_DATA_DIR": str(ROOT / "var")}
    (folder / "locale").mkdir(exist_ok=True)
    subprocess.run([sys.executable, "-m", "django", "makemessages", "-l", "nb", "--no-obsolete"], cwd=folder, env=env,
                   check=True)
    po = polib.pofile(str(folder / "locale" / "nb" / "LC_MESSAGES" / "django.po"))
    po.metadata.update({"Project-Id-Version": f"Avstem {app}", "Language": "nb", "Language-Team": "nb",
                        "Plural-Forms": "nplurals=2; plural=(n != 1);"})
    po.metadata.pop("PO-Revision-Date", None)
    po.metadata.pop("Last-Translator", None)
    po.metadata_is_fuzzy = False
    missing = []
    for entry in po:
        if "fuzzy" in entry.flags:  # msgmerge's guesses are usually wrong
            entry.flags.remove("fuzzy")
            entry.previous_msgid = None
            entry.msgstr = ""
        text = NB.get(entry.msgid)
        if entry.msgid_plural and isinstance(text, list):
            entry.msgstr_plural = {0: text[0], 1: text[1]}
        elif isinstance(text, str):
            entry.msgstr = text
        if not (entry.msgstr or any(entry.msgstr_plural.values())):
            missing.append(entry.msgid)
    po.save()
    subprocess.run([sys.executable, "-m", "django", "compilemessages"], cwd=folder, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    for msgid in missing:
        print(f"missing nb: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "banking"))
