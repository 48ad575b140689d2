"""Which kind of bank file a user uploaded or a mailbox holds, and reading it. Pure Python.

camt.052/053/054 by their namespace or message element, Nets OCR by its first record, anything
else is taken for a CSV export when a mapping is given or its header matches a preset.
"""

from __future__ import annotations

from avstem.formats import camt
from avstem.formats.errors import FormatError
from avstem.formats.model import Document
from avstem.formats.ocr import is_ocr, read_ocr
from avstem.formats.xmlsafe import HEAD_SIZE

from .csvfiles import PRESETS, CsvError, CsvMappingSpec, account_in_name, read_csv, sniff_preset

# What each kind is stored as (banking.models.ImportKind / Source values).
CAMT_KINDS = {"camt.052": "camt052", "camt.053": "camt053", "camt.054": "camt054"}


class UnreadableFile(ValueError):
    """The file cannot be imported; the message names the file and, where known, line and field."""


def detect(data: bytes) -> str | None:
    """"camt053", "camt054", "camt052", "ocr", or None (perhaps CSV)."""
    head = data[:HEAD_SIZE]
    if is_ocr(head):
        return "ocr"
    found = camt.detect_format(head)
    if found:
        return CAMT_KINDS.get(found[:8])
    return None


def read(data: bytes, name: str, *, csv_spec: CsvMappingSpec | None = None) -> tuple[str, Document]:
    """(kind, document). Raises UnreadableFile with a located message."""
    if not data.strip():
        raise UnreadableFile(f"{name}: the file is empty")
    kind = detect(data)
    try:
        if kind == "ocr":
            return kind, read_ocr(data, name)
        if kind is not None:
            return kind, camt.read(data)
        spec = csv_spec
        if spec is None:
            preset = sniff_preset(data)
            if preset is None:
                if data.lstrip().startswith(b"<"):
                    raise UnreadableFile(f"{name}: XML, but not a camt.052/053/054 statement")
                raise UnreadableFile(f"{name}: not a camt.053/054 or Nets OCR file, and not a CSV export with the "
                                     "columns of a known bank. Choose the bank's column layout.")
            spec = PRESETS[preset]
        account = account_in_name(name)
        return "csv", read_csv(data, spec, source=name, account_number=account).document
    except FormatError as exc:
        message = str(exc).replace("<bytes>", name)
        raise UnreadableFile(message if message.startswith(name) else f"{name}: {message}") from None
    except CsvError as exc:
        raise UnreadableFile(str(exc)) from None
