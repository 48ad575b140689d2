"""Bank rules: the user's own, applied in their order (the first that matches wins).

A rule's conditions all have to hold: text contains (case, accents and æøå folded), a regular
expression on the text, the counterparty (its name contains, or its account number equals), the
amount (absolute øre: equal, or within a range) and the direction (in or out). Its result is a GL
account with VAT code and description, or a split over several (fixed amounts first, then
percentages of the rest; the rounding remainder is spread by largest remainder).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from avstem.matching.model import BankLine, Direction, Target, TargetKind, TxDetail
from avstem.matching.normalise import NON_WORD, account_key, fold, merchant_key, normalise_name

MAX_REGEX_LENGTH = 200  # user regexes run on every line: keep them short
MAX_TEXT_LENGTH = 2000  # and on bounded text


class InvalidRule(ValueError):
    """A rule that cannot work; the message names the field."""


@dataclass(frozen=True, slots=True)
class Split:
    """One part of a split result: a fixed amount (øre, positive) or a percentage of what the
    fixed parts leave (Decimal, 0 < percent <= 100)."""

    gl_account: str
    percent: Decimal | None = None
    amount: int | None = None
    vat_code: str = ""
    description: str = ""

    def __post_init__(self) -> None:
        if (self.percent is None) == (self.amount is None):
            raise InvalidRule(f"split to {self.gl_account}: give either percent or amount")
        if self.percent is not None and not Decimal(0) < Decimal(self.percent) <= Decimal(100):
            raise InvalidRule(f"split to {self.gl_account}: percent must be above 0 and at most 100")
        if self.amount is not None and (isinstance(self.amount, bool) or not isinstance(self.amount, int) or self.amount <= 0):
            raise InvalidRule(f"split to {self.gl_account}: amount must be a positive number of øre")
        if not self.gl_account:
            raise InvalidRule("split: gl_account is required")


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    gl_account: str
    order: int = 0
    name: str = ""
    text_contains: str = ""
    text_regex: str = ""
    counterparty: str = ""  # name contains, or an account number equal
    amount_equal: int | None = None  # absolute øre
    amount_min: int | None = None
    amount_max: int | None = None
    direction: Direction | None = None
    account_id: str = ""  # only lines of this bank account; empty: every account
    vat_code: str = ""
    description: str = ""
    splits: tuple[Split, ...] = ()
    automatic: bool = False  # apply without a click when nothing stronger fits
    _compiled: re.Pattern | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.id or not self.gl_account and not self.splits:
            raise InvalidRule("a rule needs an id and a GL account (or splits)")
        if not (self.text_contains or self.text_regex or self.counterparty or self.amount_equal is not None
                or self.amount_min is not None or self.amount_max is not None):
            raise InvalidRule(f"rule {self.name or self.id}: give at least one condition on text, counterparty or amount")
        if self.text_regex:
            if len(self.text_regex) > MAX_REGEX_LENGTH:
                raise InvalidRule(f"rule {self.name or self.id}: the regular expression is longer than {MAX_REGEX_LENGTH}")
            try:
                object.__setattr__(self, "_compiled", re.compile(self.text_regex, re.IGNORECASE))
            except re.error as exc:
                raise InvalidRule(f"rule {self.name or self.id}: text_regex: {exc}") from None
        if self.direction is not None:
            object.__setattr__(self, "direction", Direction(self.direction))
        low, high = self.amount_min, self.amount_max
        if low is not None and high is not None and low > high:
            raise InvalidRule(f"rule {self.name or self.id}: amount_min is above amount_max")
        percents = sum((s.percent for s in self.splits if s.percent is not None), Decimal(0))
        if percents > 100:
            raise InvalidRule(f"rule {self.name or self.id}: split percentages add up to more than 100")

    @property
    def label(self) -> str:
        return self.name or self.description or self.id


@dataclass(frozen=True, slots=True)
class LineView:
    """What a rule looks at: one transaction's texts, counterparty and signed amount."""

    amount: int
    texts: tuple[str, ...] = ()
    counterparty_name: str = ""
    counterparty_account: str = ""
    account_id: str = ""

    @classmethod
    def of(cls, line: BankLine, detail: TxDetail | None = None) -> LineView:
        if detail is None:
            return cls(line.amount, line.texts, line.counterparty_name, line.counterparty_account, line.account_id)
        texts = detail.texts + line.texts if len(line.details) == 1 else detail.texts
        amount = line.amount if detail.amount is None else detail.amount
        return cls(amount, texts, detail.counterparty_name or line.counterparty_name,
                   detail.counterparty_account or line.counterparty_account, line.account_id)


@functools.lru_cache(maxsize=1 << 14)
def _folded(text: str) -> str:
    """Folded, with every run of punctuation and spaces as one space: 'MICROSOFT*365' and
    'Microsoft 365' read alike."""
    return " ".join(w for w in NON_WORD.split(fold(text)) if w)


def _text(view: LineView) -> str:
    return " ".join(view.texts)[:MAX_TEXT_LENGTH]


def matches(rule: Rule, view: LineView) -> bool:
    amount = abs(view.amount)
    if rule.account_id and rule.account_id != view.account_id:
        return False
    if rule.direction is not None and (view.amount >= 0) != (rule.direction is Direction.IN):
        return False
    if rule.amount_equal is not None and amount != rule.amount_equal:
        return False
    if rule.amount_min is not None and amount < rule.amount_min:
        return False
    if rule.amount_max is not None and amount > rule.amount_max:
        return False
    if rule.counterparty:
        wanted = rule.counterparty
        digits = account_key(wanted)
        if digits.isdigit() and len(digits) >= 7:
            if account_key(view.counterparty_account) != digits:
                return False
        elif _folded(wanted) not in _folded(view.counterparty_name):
            return False
    text = _text(view)
    if rule.text_contains and _folded(rule.text_contains) not in _folded(text):
        return False
    if rule._compiled is not None and not rule._compiled.search(text):
        return False
    return True


def ordered(rules: Iterable[Rule]) -> list[Rule]:
    """Rules in the order they apply: by `order`, then id (so equal orders stay deterministic)."""
    rules = list(rules)
    if len({r.id for r in rules}) != len(rules):
        raise InvalidRule("two rules have the same id")
    return sorted(rules, key=lambda r: (r.order, r.id))


def first_match(rules: Sequence[Rule], view: LineView) -> Rule | None:
    """The first rule (of `ordered(rules)`) whose conditions all hold."""
    for rule in rules:
        if matches(rule, view):
            return rule
    return None


def allocate(total: int, weights: Sequence[int | Decimal]) -> list[int]:
    """Split `total` øre in proportion to `weights` exactly: largest remainder, ties to the
    earlier part. Signs follow `total`."""
    if not weights or any(w < 0 for w in weights) or sum(weights) <= 0:
        raise ValueError("weights must be non-negative with a positive sum")
    sign, total = (-1 if total < 0 else 1), abs(total)
    weight_sum = sum(weights)
    exact = [Decimal(total) * Decimal(w) / Decimal(weight_sum) for w in weights]
    parts = [int(x) for x in exact]
    short = total - sum(parts)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[:short]:
        parts[i] += 1
    return [sign * p for p in parts]


def targets(rule: Rule, amount: int) -> tuple[Target, ...] | None:
    """The GL targets of `rule` for a bank amount, summing to it; None when the fixed split
    amounts exceed it."""
    if not rule.splits:
        return (Target(TargetKind.GL, rule.gl_account, amount, vat_code=rule.vat_code, description=rule.description),)
    sign = -1 if amount < 0 else 1
    fixed = [s for s in rule.splits if s.amount is not None]
    share = [s for s in rule.splits if s.percent is not None]
    rest = abs(amount) - sum(s.amount for s in fixed)  # type: ignore[misc]
    if rest < 0:
        return None
    out = [Target(TargetKind.GL, s.gl_account, sign * s.amount, vat_code=s.vat_code, description=s.description or rule.description)  # type: ignore[operator]
           for s in fixed]
    if share:
        percents = [Decimal(s.percent) for s in share]  # type: ignore[arg-type]
        leftover = Decimal(100) - sum(percents)
        weights = percents + ([leftover] if leftover > 0 else [])
        parts = allocate(sign * rest, weights) if rest else [0] * len(weights)
        out += [Target(TargetKind.GL, s.gl_account, p, vat_code=s.vat_code, description=s.description or rule.description)
                for s, p in zip(share, parts)]
        if leftover > 0:
            out.append(Target(TargetKind.GL, rule.gl_account, parts[-1], vat_code=rule.vat_code, description=rule.description))
    elif rest:
        out.append(Target(TargetKind.GL, rule.gl_account, sign * rest, vat_code=rule.vat_code, description=rule.description))
    return tuple(t for t in out if t.amount or len(out) == 1)


def rule_draft(line: BankLine, gl_account: str, *, vat_code: str = "", detail: int | None = None,
               rule_id: str = "", order: int = 0) -> Rule:
    """"Make a rule from this line": its counterparty (account number, else name) or, for card
    and other lines without one, the stable part of its text; its direction; the GL account given
    (the one the user just posted the line to, or a learned suggestion's). The user edits the draft
    before saving it; it is not automatic until they say so."""
    view = LineView.of(line, line.details[detail] if detail is not None else (line.details[0] if len(line.details) == 1 else None))
    direction = Direction.IN if view.amount >= 0 else Direction.OUT
    account = account_key(view.counterparty_account) if view.counterparty_account else ""
    name = view.counterparty_name.strip()
    text_key = merchant_key(_text(view))
    if account:
        condition = {"counterparty": account}
        label = name or account
    elif name and normalise_name(name):
        condition = {"counterparty": name}
        label = name
    elif text_key:
        condition = {"text_contains": text_key}
        label = text_key.upper()
    else:
        raise InvalidRule("this line has no counterparty or text to make a rule from")
    return Rule(id=rule_id or f"draft-{line.id}", gl_account=gl_account, order=order, name=label,
                direction=direction, account_id=line.account_id, vat_code=vat_code, description=label, **condition)
