"""Errors raised by the file-format readers. Each names the file position and, where known,
the element path, so a bookkeeper or a bank can find the problem."""

from __future__ import annotations


class FormatError(ValueError):
    """A file that cannot be read meaningfully. `str()` gives the whole located message."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
        source: str | None = None,
    ) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        self.source = source
        super().__init__(self._located())

    def _located(self) -> str:
        where = []
        if self.source:
            where.append(self.source)
        if self.line is not None:
            where.append(f"line {self.line}" + (f", column {self.column}" if self.column else ""))
        if self.path:
            where.append(self.path)
        return f"{': '.join(where)}: {self.message}" if where else self.message


class MalformedFile(FormatError):
    """Not well-formed (XML syntax) or refused for safety (DTD, entities)."""


class UnsupportedMessage(FormatError):
    """Well-formed, but not a message type or version this reader handles."""


class InvalidContent(FormatError):
    """The message type is right but content it cannot do without is missing or unreadable
    (an entry with no amount, a statement with no account, an amount that is not a number)."""
