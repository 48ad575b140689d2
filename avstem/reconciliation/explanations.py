"""The engine's explanations stored as JSON and rendered in the reader's language.

An explanation is a tuple of (code, *arguments) parts (avstem.matching.explain). Dates become ISO
strings and item labels lists in JSON; `load` turns them back using each code's argument types,
so the text is rendered at display time in the language of whoever reads it.
"""

from __future__ import annotations

import datetime
import enum

from django.utils.translation import get_language

from avstem.matching.explain import TEMPLATES, Explanation


def _item(value) -> list:
    """An item argument: the engine passes an OpenItem (its label is made when rendered) or a
    (kind, number) pair; stored as [kind, number]."""
    if isinstance(value, (tuple, list)):
        kind, number = value[0], value[1]
    else:
        kind, number = value.kind, value.invoice_number or value.id
    return [str(getattr(kind, "value", kind)), str(number)]


def _dump_arg(kind: str, value):
    if kind == "d":
        return value.isoformat()
    if kind == "i":
        return _item(value)
    if kind == "I":
        return [_item(v) for v in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value  # a getattr with a default raised and caught an AttributeError per argument


def dump(explanation: Explanation | None) -> list:
    if explanation is None:
        return []
    out = []
    for part in explanation.parts:
        types = TEMPLATES.get(part[0], ("",))[0]
        out.append([part[0], *(_dump_arg(t, a) for t, a in zip(types, part[1:]))])
    return out


def _load_arg(kind: str, value):
    if kind == "d":
        return datetime.date.fromisoformat(value)
    if kind == "i":
        return tuple(value)
    if kind == "I":
        return tuple(tuple(v) for v in value)
    return value


def load(parts: list) -> Explanation:
    out = []
    for part in parts or ():
        code, *args = part
        template = TEMPLATES.get(code)
        if template is None:
            continue  # a code a later engine dropped: leave it out rather than fail the page
        out.append((code, *(_load_arg(t, a) for t, a in zip(template[0], args))))
    return Explanation(tuple(out))


def language() -> str:
    return "en" if (get_language() or "nb").startswith("en") else "nb"


def render(parts: list, lang: str | None = None) -> str:
    """The explanation as a sentence in `lang` (default: the active language)."""
    try:
        reasons = load(parts).parts
    except (ValueError, TypeError, IndexError, KeyError):
        return ""
    return render_reasons(reasons, lang)


def render_reasons(parts: tuple, lang: str | None = None) -> str:
    """`render` for the engine's own parts, as its proposals hold them (nothing to load)."""
    try:
        return Explanation(tuple(parts)).text(lang or language())
    except (ValueError, TypeError, IndexError, KeyError):
        return ""
