"""Payment references as received: KIDs (check digits through `avstem.norway.kid`) and ISO 11649
RF creditor references."""

from __future__ import annotations

from avstem.norway.kid import MAX_LENGTH, MIN_LENGTH, mod10_check_digit, mod11_check_digit


def kid_is_valid(value: str) -> bool:
    """Whether `value` is a well-formed KID whose MOD10 or MOD11 check digit verifies.

    The same answer as `KID.parse(value).valid` for text without whitespace (a property test holds
    them together), without building the object: the engine asks this for every KID it sees.
    """
    if not MIN_LENGTH <= len(value) <= MAX_LENGTH or not value.isascii():
        return False
    body, check = value[:-1], value[-1]
    if not body.isdigit() or not (check.isdigit() or check == "-"):
        return False
    return (check != "-" and mod10_check_digit(body) == check) or mod11_check_digit(body) == check


def kid_near_miss(typed: str, kid: str) -> bool:
    """A typed KID one keystroke from `kid`: one digit wrong or two neighbours swapped."""
    if len(typed) != len(kid) or typed == kid:
        return False
    diffs = [i for i, (a, b) in enumerate(zip(typed, kid)) if a != b]
    if len(diffs) == 1:
        return True
    return len(diffs) == 2 and diffs[1] == diffs[0] + 1 and typed[diffs[0]] == kid[diffs[1]] and typed[diffs[1]] == kid[diffs[0]]


def rf_payload(value: str) -> str | None:
    """The creditor's own reference inside a valid RF reference ('RF18539007547034' ->
    '539007547034'), or None when `value` is not an RF reference or its check digits fail."""
    ref = "".join(value.split()).upper()
    if not (5 <= len(ref) <= 25 and ref.startswith("RF") and ref[2:4].isdigit() and ref[4:].isalnum() and ref.isascii()):
        return None
    rearranged = ref[4:] + ref[:4]
    digits = "".join(str(int(c, 36)) for c in rearranged)
    return ref[4:] if int(digits) % 97 == 1 else None
