"""Suggestions learned from the company's own history of posted bank lines.

Per company frequency tables, keyed on the counterparty's account number, its normalised name,
or the stable part of the text (card lines: the merchant), each per direction. A suggestion
counts the last lines of its key ("8 of the last 9 lines from REMA 1000 went to 4000"); a new
merchant spelled a little differently finds its key by rapidfuzz within the company's keys.
Suggestions are never applied without a click.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from rapidfuzz import process

from avstem.matching.normalise import account_key, merchant_key, normalise_name, similarity
from avstem.matching.rules import LineView


@dataclass(frozen=True, slots=True)
class PostedLine:
    """A bank line the company posted earlier, and the GL account it went to."""

    id: str
    date: dt.date
    amount: int
    gl_account: str
    texts: tuple[str, ...] = ()
    counterparty_name: str = ""
    counterparty_account: str = ""
    vat_code: str = ""


class Suggestion(NamedTuple):
    gl_account: str
    vat_code: str
    count: int  # lines of the key that went to gl_account ...
    total: int  # ... of the last `total` lines of the key
    label: str  # the key as a person reads it: "REMA 1000"
    confidence: float
    fuzzy: bool = False


def _keys(view: LineView) -> list[tuple[str, str]]:
    """(type, key) in order of strength."""
    keys = []
    if view.counterparty_account:
        keys.append(("account", account_key(view.counterparty_account)))
    name = normalise_name(view.counterparty_name) if view.counterparty_name else ""
    if name:
        keys.append(("name", name))
    text = merchant_key(" ".join(view.texts)) if view.texts else ""
    if text:
        keys.append(("text", text))
    return keys


class Learner:
    """Frequency tables over `history`; `suggest` answers for one bank transaction."""

    def __init__(self, history: Iterable[PostedLine], *, last: int = 20, min_lines: int = 2,
                 min_share: float = 0.5, fuzzy_cutoff: float = 90.0) -> None:
        self.last, self.min_lines, self.min_share, self.fuzzy_cutoff = last, min_lines, min_share, fuzzy_cutoff
        grouped: dict[tuple[bool, str, str], list[PostedLine]] = defaultdict(list)
        for posted in history:
            view = LineView(posted.amount, posted.texts, posted.counterparty_name, posted.counterparty_account)
            for kind, key in _keys(view):
                grouped[(posted.amount >= 0, kind, key)].append(posted)
        self._tables: dict[tuple[bool, str, str], tuple[Suggestion, ...]] = {}
        self._choices: dict[tuple[bool, str], list[str]] = defaultdict(list)
        for table_key, lines in sorted(grouped.items()):
            lines.sort(key=lambda p: (p.date, p.id))
            recent = lines[-last:]
            counts = Counter(p.gl_account for p in recent)
            newest_use = {p.gl_account: n for n, p in enumerate(recent)}
            direction, kind, key = table_key
            newest = recent[-1]
            label = {"account": newest.counterparty_account or key, "name": newest.counterparty_name or key}.get(kind, key.upper())
            found = []
            # Most used first; ties go to the account used most recently.
            for gl in sorted(counts, key=lambda g: (-counts[g], -newest_use[g])):
                vats = Counter(p.vat_code for p in recent if p.gl_account == gl)
                vat = min(vats, key=lambda v: (-vats[v], v))
                share = counts[gl] / len(recent)
                confidence = round(share * len(recent) / (len(recent) + 1) * 0.9, 3)
                found.append(Suggestion(gl, vat, counts[gl], len(recent), label.strip(), confidence))
            self._tables[table_key] = tuple(found)
            if kind != "account":
                self._choices[(direction, kind)].append(key)
        self._fuzzy_cache: dict[tuple[bool, str, str], str | None] = {}

    def __len__(self) -> int:
        return len(self._tables)

    def suggest(self, view: LineView) -> Suggestion | None:
        """The best suggestion for a bank transaction, or None."""
        found = self.suggestions(view, limit=1)
        return found[0] if found else None

    def suggestions(self, view: LineView, limit: int = 2) -> list[Suggestion]:
        """Up to `limit` suggestions, best first: the key's accounts that hold at least
        `min_share` of its last lines (two when the history is split evenly)."""
        incoming = view.amount >= 0
        for kind, key in _keys(view):
            found = self._tables.get((incoming, kind, key))
            fuzzy = False
            if found is None and kind != "account":
                near = self._near(incoming, kind, key)
                found = self._tables.get((incoming, kind, near)) if near else None
                fuzzy = found is not None
            if not found or found[0].total < self.min_lines:
                continue
            good = [f for f in found if f.count / f.total >= self.min_share][:limit]
            if good:
                if fuzzy:
                    good = [f._replace(confidence=round(f.confidence * 0.9, 3), fuzzy=True) for f in good]
                return good
        return []

    def _near(self, incoming: bool, kind: str, key: str) -> str | None:
        cache_key = (incoming, kind, key)
        if cache_key not in self._fuzzy_cache:
            choices = self._choices.get((incoming, kind), [])
            best = process.extractOne(key, choices, scorer=similarity, score_cutoff=self.fuzzy_cutoff) if choices else None
            self._fuzzy_cache[cache_key] = best[0] if best else None
        return self._fuzzy_cache[cache_key]
