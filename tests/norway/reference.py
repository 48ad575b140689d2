"""Where the avstem.norway tests find reference data (skipping when it is absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def reference_dir() -> Path:
    """AVSTEM_REFERENCE_DIR, else ../shared/reference next to the repository."""
    configured = os.environ.get("AVSTEM_REFERENCE_DIR")
    return Path(configured) if configured else REPO_ROOT.parent / "shared" / "reference"


def reference_file(*parts: str) -> Path:
    """A file of the reference data, or skip the test saying which file is missing."""
    path = reference_dir().joinpath(*parts)
    if not path.is_file():
        pytest.skip(f"reference file {path} is absent (set AVSTEM_REFERENCE_DIR)")
    return path


def seed_form_strings() -> dict[str, str]:
    """The form error strings of seed 000 (a JSON object at the end of the help article)."""
    import json

    seeds = reference_dir().parent / "seeds"
    files = sorted(seeds.glob("000_*.txt")) if seeds.is_dir() else []
    if not files:
        pytest.skip(f"seed 000 is absent from {seeds}")
    text = files[0].read_text(encoding="utf-8")
    start = text.rindex('{ "EMAIL_FIELD_ERROR"')
    return json.loads(text[start:])
