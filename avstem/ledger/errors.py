"""The one error the ledger's services raise for input they refuse."""

from __future__ import annotations


class LedgerError(ValueError):
    """A refused change. `problems` lists every reason, each a sentence naming the problem."""

    def __init__(self, *problems: str) -> None:
        self.problems = [str(p) for p in problems if p]
        super().__init__(" ".join(self.problems))


class ImmutableError(Exception):
    """Raised on any attempt to change or delete a posted voucher, posting or invoice."""
