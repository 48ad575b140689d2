"""Bounded subset sum: which few open items of one party add up exactly to a payment.

Meet in the middle: the sums of every subset of each half (2^(n/2) each), then one dictionary
lookup per left subset. At n = 12 that is 64 + 64 sums; the engine never passes more than
`Config.max_subset_items` (and refuses more than MAX_ITEMS here).
"""

from __future__ import annotations

from collections.abc import Sequence

MAX_ITEMS = 24


def _subset_sums(values: Sequence[int]) -> list[int]:
    sums = [0] * (1 << len(values))
    for mask in range(1, len(sums)):
        low = mask & -mask
        sums[mask] = sums[mask ^ low] + values[low.bit_length() - 1]
    return sums


def subsets_with_sum(values: Sequence[int], target: int, *, min_size: int = 2, limit: int = 3) -> list[tuple[int, ...]]:
    """Index tuples of subsets of `values` with at least `min_size` members summing to `target`.

    Returns at most `limit` + 1 of them (so a caller can tell "exactly one" from "several"),
    each sorted, smallest subsets first, in a deterministic order for a given `values`.
    """
    if len(values) > MAX_ITEMS:
        raise ValueError(f"at most {MAX_ITEMS} values, got {len(values)}")
    half = len(values) // 2
    left, right = values[:half], values[half:]
    by_sum: dict[int, list[int]] = {}
    for mask, total in enumerate(_subset_sums(right)):
        by_sum.setdefault(total, []).append(mask)
    found: list[tuple[int, ...]] = []
    for lmask, total in enumerate(_subset_sums(left)):
        for rmask in by_sum.get(target - total, ()):
            mask = lmask | (rmask << half)
            if mask.bit_count() >= min_size:
                found.append(tuple(i for i in range(len(values)) if mask >> i & 1))
    found.sort(key=lambda s: (len(s), s))
    return found[: limit + 1]
