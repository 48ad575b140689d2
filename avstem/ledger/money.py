"""Money at the edges: integer øre inside, Decimal kroner in forms, files and the API.

No float ever: a float has already lost the øre. Pure Python, no Django import.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

HUNDRED = Decimal(100)


class AmountError(ValueError):
    """Text or a number that is not an amount in kroner with at most two decimals."""


def to_ore(value: Decimal | int | str) -> int:
    """Kroner (Decimal, int or text) to øre. More than two decimals is refused, not rounded."""
    if isinstance(value, float):
        raise AmountError("amounts are never floats; pass a Decimal or text")
    if isinstance(value, str):
        return parse_amount(value)
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise AmountError(f"not an amount: {value!r}")
    ore = Decimal(value) * HUNDRED
    if not ore.is_finite():
        raise AmountError(f"not an amount: {value!r}")
    if ore != ore.to_integral_value():
        raise AmountError(f"{value} has more than two decimals")
    return int(ore)


def from_ore(ore: int) -> Decimal:
    """Øre to kroner as a Decimal with two decimals."""
    return (Decimal(int(ore)) / HUNDRED).quantize(Decimal("0.01"))


def parse_amount(text: str) -> int:
    """Read an amount as people type it: "1 250,50", "1250.50", "-1.250,5", "kr 300".

    With both "," and "." present the last one is the decimal mark; a single kind is the
    decimal mark (Norwegian forms write "1250,50", the API sends "1250.50").
    """
    raw = str(text).strip()
    for noise in ("kr", "NOK", " ", "\u00a0", "\u202f", "'"):
        raw = raw.replace(noise, "")
    raw = raw.replace("\u2212", "-")  # the typographic minus sign
    if not raw:
        raise AmountError("empty amount")
    if "," in raw and "." in raw:
        decimal_mark = "," if raw.rfind(",") > raw.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        raw = raw.replace(thousands, "").replace(decimal_mark, ".")
    else:
        raw = raw.replace(",", ".")
    if raw.count(".") > 1:
        raise AmountError(f"not an amount: {text!r}")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise AmountError(f"not an amount: {text!r}") from None
    return to_ore(value)


def format_amount(ore: int | None, *, thousands: str = " ", blank_zero: bool = False) -> str:
    """Norwegian style: 1 250,00 and -1 250,00."""
    if ore is None or (blank_zero and ore == 0):
        return ""
    sign = "-" if ore < 0 else ""
    kroner, rest = divmod(abs(int(ore)), 100)
    groups = f"{kroner:,}".replace(",", thousands)
    return f"{sign}{groups},{rest:02d}"


def round_half_up(value: Decimal) -> int:
    """Round to a whole øre; halves away from zero, so -x rounds to exactly -(x rounded)."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split `total` øre in proportion to `weights` so the parts sum exactly to `total`.

    Largest remainder: every part gets its floor, the øre left over go to the parts with the
    largest remainders (ties to the earlier part). Works for negative totals too.
    """
    if not weights:
        raise ValueError("nothing to allocate to")
    if any(w < 0 for w in weights):
        raise ValueError("weights must not be negative")
    weight_sum = sum(weights)
    if weight_sum == 0:
        raise ValueError("the weights sum to zero")
    sign = -1 if total < 0 else 1
    amount = abs(total)
    exact = [Decimal(amount) * Decimal(w) / Decimal(weight_sum) for w in weights]
    parts = [int(x.to_integral_value(rounding="ROUND_FLOOR")) for x in exact]
    left = amount - sum(parts)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[: max(left, 0)]:
        parts[i] += 1
    return [sign * p for p in parts]
