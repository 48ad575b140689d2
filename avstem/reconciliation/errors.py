"""The errors the reconciliation services raise for what they refuse."""

from __future__ import annotations


class ReconciliationError(ValueError):
    """A refused reconciliation, undo or setting. `problems` lists every reason, each a sentence
    naming the line, posting or item concerned."""

    def __init__(self, *problems: str) -> None:
        self.problems = [str(p) for p in problems if p]
        super().__init__(" ".join(self.problems))


class AlreadyReconciled(ReconciliationError):
    """Someone else (a user or the automatic run) reconciled a line or posting first."""
