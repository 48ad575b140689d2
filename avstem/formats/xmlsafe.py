"""Safe, streaming XML reading shared by the bank-format readers.

Bank files are untrusted: entities are never expanded, nothing is fetched, and a DTD is refused
outright (no bank format uses one). `huge_tree` lifts libxml2's depth/size limits, which a 1 GB
statement exceeds; the entity limits that guard against expansion attacks stay because nothing
is expanded at all.
"""

from __future__ import annotations

import io
import os
import re
from typing import BinaryIO, Union

from lxml import etree

from avstem.formats.errors import MalformedFile

Source = Union[str, os.PathLike, bytes, bytearray, BinaryIO]

SAFE_PARSE_OPTIONS = dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)

HEAD_SIZE = 64 * 1024
_BOM = b"\xef\xbb\xbf"


def source_name(source: Source) -> str:
    if isinstance(source, (bytes, bytearray)):
        return "<bytes>"
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source)  # type: ignore[return-value]
    return str(getattr(source, "name", "<stream>"))


def open_source(source: Source) -> tuple[BinaryIO | str, bytes]:
    """What iterparse should read, and the first bytes of it for format sniffing."""
    if isinstance(source, (bytes, bytearray)):
        data = bytes(source)
        return io.BytesIO(data), data[:HEAD_SIZE]
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        with open(path, "rb") as f:
            return path, f.read(HEAD_SIZE)  # type: ignore[return-value]
    if source.seekable():
        start = source.tell()
        head = source.read(HEAD_SIZE)
        source.seek(start)
        return source, head
    return source, b""


def local_name(tag: str) -> str:
    """`{namespace}Name` -> `Name`; tags without a namespace pass through."""
    return tag[tag.find("}") + 1 :]


def namespace(tag: str) -> str:
    return tag[1 : tag.find("}")] if tag[:1] == "{" else ""


def safe_iterparse(target: BinaryIO | str, tags: tuple[str, ...], events: tuple[str, ...] = ("end",)) -> etree.iterparse:
    """A raw lxml iterparse with the safe options; iterate it inside try/except
    etree.XMLSyntaxError and raise `syntax_error(exc, name)`."""
    return etree.iterparse(target, events=events, tag=tags, **SAFE_PARSE_OPTIONS)


def syntax_error(exc: etree.XMLSyntaxError, name: str) -> MalformedFile:
    """MalformedFile with the position of the parser's error."""
    # iterparse sometimes reports a generic "no element found" at 0:0; then the real
    # error is the last fatal one in the (thread-wide, accumulating) error log.
    message, (line, column) = exc.msg, exc.position or (0, 0)
    if not line:
        fatal = [e for e in exc.error_log if e.level_name == "FATAL"]
        if fatal:
            message, line, column = fatal[-1].message, fatal[-1].line, fatal[-1].column
    message = re.sub(r", line \d+, column \d+$", "", message)
    return MalformedFile(f"not well-formed XML: {message}", line=line or None, column=column or None, source=name)


def _dtd_refused(name: str) -> MalformedFile:
    return MalformedFile(
        "the file has a DOCTYPE declaration; bank files have none, and its entities are never expanded or fetched",
        line=1,
        source=name,
    )


def refuse_dtd(element: etree._Element, name: str) -> None:
    info = element.getroottree().docinfo
    if info.doctype or info.internalDTD is not None:
        raise _dtd_refused(name)


_COMMENT = re.compile(rb"<!--.*?-->", re.S)


def refuse_dtd_in_head(head: bytes, name: str) -> None:
    """Refuse a DOCTYPE in the prolog before the parser sees it: libxml2 2.14 stops a file whose
    entity declarations could expand too far while it reads them, with its own message, before
    the first element where `refuse_dtd` looks."""
    text = _COMMENT.sub(b"", head)
    root = _ROOT_TAG.search(text)
    if b"<!DOCTYPE" in text[: root.start() if root else len(text)]:
        raise _dtd_refused(name)


_ROOT_TAG = re.compile(rb"<(?![?!])([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)([^>]*)>", re.S)


def root_element(head: bytes) -> tuple[str, str, str] | None:
    """(prefix, local name, attribute text) of the first element in `head`, without parsing."""
    if head.startswith(_BOM):
        head = head[3:]
    pos = 0
    while True:  # skip comments and processing instructions, which may contain '<'
        match = _ROOT_TAG.search(head, pos)
        if match is None:
            return None
        comment = head.rfind(b"<!--", 0, match.start())
        if comment != -1:
            end = head.find(b"-->", comment)
            if end == -1:
                return None  # the head ends inside a comment
            if end > match.start():
                pos = end + 3
                continue
        prefix = (match.group(1) or b"")[:-1].decode("ascii", "replace")
        return prefix, match.group(2).decode("ascii", "replace"), match.group(3).decode("utf-8", "replace")
