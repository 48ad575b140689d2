"""Streaming reader for camt.052 (account report), camt.053 (statement) and camt.054
(debit/credit notification), versions 001.02, 001.04 and 001.08.

Lenient by design (see FORMATS.md): elements are matched on local names in any namespace or
none, order is not enforced, optional blocks may be missing, and both the .02 shapes
(`<Sts>BOOK</Sts>`, `BIC`, `Dbtr/Nm`) and the .08 shapes (`<Sts><Cd>BOOK</Cd></Sts>`, `BICFI`,
`Dbtr/Pty/Nm`) are understood. What cannot be understood becomes a ParseWarning naming the
element path; only what makes the content meaningless (an entry without a readable amount or
direction, a statement without an account) raises InvalidContent.

Memory stays flat on any file size: iterparse is told about only the few tags that delimit
statements and entries, each entry is turned into model objects when it ends and then
cleared and unlinked from the tree.

    with stream(path) as camt:
        for section in camt:                  # one per Stmt / Rpt / Ntfctn
            section.header                    # Statement without entries
            for entry in section: ...
            section.summary                   # balances after the entries, consistency
    document = read(path)                     # everything in memory
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from types import TracebackType

import pycountry
from lxml import etree

from avstem.formats.errors import InvalidContent, MalformedFile, UnsupportedMessage
from avstem.formats.model import (
    Account,
    Balance,
    BankTransactionCode,
    Batch,
    Charge,
    ConsistencyCheck,
    Counterparty,
    CreditorReference,
    Document,
    Entry,
    EntryDetails,
    EntryStatus,
    InstructedAmount,
    Pagination,
    ParseWarning,
    ReferredDocument,
    References,
    Statement,
    Transaction,
    positional_constructor,
)
from avstem.formats.xmlsafe import (
    HEAD_SIZE,
    Source,
    local_name,
    namespace,
    open_source,
    refuse_dtd,
    refuse_dtd_in_head,
    root_element,
    safe_iterparse,
    source_name,
    syntax_error,
)

# Message element -> message type, and the element holding one account's data in it.
MESSAGES = {
    "BkToCstmrAcctRpt": "camt.052",
    "BkToCstmrStmt": "camt.053",
    "BkToCstmrDbtCdtNtfctn": "camt.054",
}
SECTIONS = {"camt.052": "Rpt", "camt.053": "Stmt", "camt.054": "Ntfctn"}
SUPPORTED_FORMATS = frozenset(
    {
        "camt.052.001.02",
        "camt.052.001.08",
        "camt.053.001.02",
        "camt.053.001.04",
        "camt.053.001.08",
        "camt.054.001.02",
        "camt.054.001.04",
        "camt.054.001.08",
    }
)
CURRENCIES = frozenset(c.alpha_3 for c in pycountry.currencies)  # ISO 4217

_MESSAGE_ID = re.compile(r"\b([a-z]{4}\.\d{3}\.\d{3}\.\d{2})\b")
_CONTAINER = re.compile(rb"<(?:[\w.-]+:)?(BkToCstmrAcctRpt|BkToCstmrStmt|BkToCstmrDbtCdtNtfctn)[\s>/]")
_AMOUNT = re.compile(r"\+?(?:\d+(?:\.\d{0,5})?|\.\d{1,5})")  # xs:decimal, unsigned, <= 5 decimals
SECTION_NAMES = frozenset(SECTIONS.values())
_END_TAGS = ("{*}GrpHdr", "{*}Stmt", "{*}Rpt", "{*}Ntfctn", "{*}Ntry")
_SIGN = {"CRDT": 1, "DBIT": -1}
_BOOLEAN = {"true": True, "1": True, "false": False, "0": False}
_STATUS = {s.value: s for s in EntryStatus}


def detect_format(head: bytes) -> str | None:
    """The ISO 20022 message id in the first bytes of a file ("camt.053.001.02", "pain.001.001.03",
    ...) from the root element's namespace; for a camt file without a namespace, the message type
    alone ("camt.053"). None when neither tells."""
    root = root_element(head)
    if root is None:
        return None
    prefix, _name, attributes = root
    declaration = re.search(
        r"xmlns" + (":" + re.escape(prefix) if prefix else "") + r"\s*=\s*[\"']([^\"']*)[\"']", attributes
    )
    if declaration:
        match = _MESSAGE_ID.search(declaration.group(1))
        if match:
            return match.group(1)
    container = _CONTAINER.search(head)
    if container:
        return MESSAGES[container.group(1).decode()]
    return None


def read(source: Source) -> Document:
    """The whole file as one Document (entries kept in memory). For large files use `stream`."""
    with stream(source) as camt:
        statements = []
        for section in camt:
            entries = tuple(section)
            statements.append(replace(section.summary, entries=entries, consistency=None))
        return Document(
            format_id=camt.format_id,
            message_id=camt.message_id,
            created=camt.created,
            pagination=camt.pagination,
            statements=tuple(statements),
            warnings=tuple(camt.warnings),
        )


def stream(source: Source) -> CamtStream:
    """Open a camt file for streaming. It reads at once up to the first statement's header (past
    the group header), so a wrong message type or a malformed start fails here."""
    return CamtStream(source)


class CamtStream:
    """Iterate StatementStreams; group header fields are set once constructed."""

    def __init__(self, source: Source) -> None:
        self.name = source_name(source)
        target, head = open_source(source)
        refuse_dtd_in_head(head, self.name)
        self.format_id = _format_from_head(head, self.name)
        self.message_id: str | None = None
        self.created: datetime | None = None
        self.pagination: Pagination | None = None
        self.warnings: list[ParseWarning] = []
        self._parser = _Parser(self, target)
        self._events = self._parser.events()
        self._pending = next(self._events, None)  # runs through GrpHdr to the first section
        self._current: StatementStream | None = None

    def __iter__(self) -> Iterator[StatementStream]:
        while True:
            if self._current is not None:
                self._current._drain()
                self._current = None
            event = self._next()
            if event is None:
                return
            kind, value = event
            if kind == "header":
                self._current = StatementStream(self, value)
                yield self._current

    def _next(self) -> tuple[str, object] | None:
        if self._pending is not None:
            event, self._pending = self._pending, None
            return event
        return next(self._events, None)

    def close(self) -> None:
        self._events.close()

    def __enter__(self) -> CamtStream:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()


class StatementStream:
    """One Stmt/Rpt/Ntfctn: `header` now, entries by iteration, `summary` at the end."""

    def __init__(self, owner: CamtStream, header: Statement) -> None:
        self._owner = owner
        self.header = header
        self._summary: Statement | None = None

    def __iter__(self) -> Iterator[Entry]:
        if self._summary is not None:
            return
        for kind, value in self._owner._events:  # straight from the parser: the hot path
            if kind == "entry":
                yield value  # type: ignore[misc]
            elif kind == "end":
                self._summary = value  # type: ignore[assignment]
                return

    def _drain(self) -> None:
        for _ in self:
            pass

    @property
    def summary(self) -> Statement:
        """The statement with every header field (including balances given after the entries)
        and its consistency; without entries. Reading it skips entries not yet iterated."""
        self._drain()
        assert self._summary is not None
        return self._summary


def _format_from_head(head: bytes, name: str) -> str:
    detected = detect_format(head)
    if detected is None and head:
        root = root_element(head)
        if root is None:
            raise MalformedFile("no XML element at the start of the file", line=1, source=name)
        if "xmlns" in root[2] or len(head) < HEAD_SIZE:  # else the camt element may come later
            raise UnsupportedMessage(f"not a camt.052/053/054 message (root element <{root[1]}>)", line=1, source=name)
    if detected and detected[:8] not in SECTIONS:
        raise UnsupportedMessage(f"{detected} is not a camt.052/053/054 message", line=1, source=name)
    return detected or ""


class _Parser:
    """Turns iterparse events into ("header"|"entry"|"end", value) events."""

    def __init__(self, owner: CamtStream, target: object) -> None:
        self.owner = owner
        self.target = target
        self.warnings = owner.warnings
        self.message_element: etree._Element | None = None
        self.message_path = ""
        self.section_name = ""
        self.section_path = ""
        self.sections = 0
        self.section_element: etree._Element | None = None
        self.entry_element: etree._Element | None = None
        self.entry_number = 0

    # -- events -------------------------------------------------------------------------------

    def events(self) -> Iterator[tuple[str, object]]:
        """Only end events are asked for, of a few tags: a statement is recognised as the parent
        of its first entry (or by its own end when it has none), which spares an event per entry."""
        owner = self.owner
        header: Statement | None = None
        check = ConsistencyCheck()
        entries = 0
        section: etree._Element | None = None
        context = safe_iterparse(self.target, _END_TAGS)  # type: ignore[arg-type]
        try:
            for _, el in context:
                if section is None or el.getparent() is not section:
                    if self.message_element is None:
                        refuse_dtd(el, owner.name)
                    name = _tag_name(el.tag)
                    parent = el.getparent()
                    if name == "GrpHdr" and section is None:
                        self._enter_message(parent)
                        self._group_header(el)
                        continue
                    if name == "Ntry" and parent is not None and _tag_name(parent.tag) in SECTION_NAMES:
                        section = self._enter_section(parent)  # its first entry: go on to read it
                        header, check, entries = None, ConsistencyCheck(), 0
                    elif name in SECTION_NAMES and el is not section and parent is not None and _tag_name(parent.tag) in MESSAGES:
                        section = self._enter_section(el)  # a statement without entries: go on to end it
                        header, check, entries = None, ConsistencyCheck(), 0
                    elif el is not section:
                        continue  # an element of that name somewhere unexpected
                if el is section:
                    blocks = [c for c in el if _is_header_block(c)]
                    first = header is None
                    if first or blocks:
                        header = self._statement(blocks, header, el)
                    if first:
                        yield "header", header
                    yield "end", replace(header, consistency=check.result(header.balances))  # type: ignore[arg-type]
                    el.clear(keep_tail=True)
                    parent = el.getparent()
                    while el.getprevious() is not None:
                        del parent[0]
                    section = self.section_element = None
                    continue
                # An entry. Blocks before it not read yet (normally just the previous entry's
                # emptied element) hold header parts when a bank puts them between entries.
                previous = el.getprevious()
                if previous is not None or header is None:
                    before = []
                    for child in section:
                        if child is el:
                            break
                        before.append(child)
                    blocks = [c for c in before if _is_header_block(c)]
                    if header is None:
                        header = self._statement(blocks, None, section)
                        yield "header", header
                    elif blocks:
                        header = self._statement(blocks, header, section)
                    for _ in before:
                        del section[0]
                entries += 1
                self.entry_element, self.entry_number = el, entries
                entry = self._entry(el)
                check.add(entry, entries)
                self.entry_element = None
                yield "entry", entry
                el.clear(keep_tail=True)
        except etree.XMLSyntaxError as exc:
            raise syntax_error(exc, owner.name) from None
        if self.message_element is None:
            raise UnsupportedMessage(
                "not a camt.052/053/054 message: no BkToCstmrStmt, BkToCstmrAcctRpt or "
                "BkToCstmrDbtCdtNtfctn element",
                source=owner.name,
            )

    def _enter_message(self, el: etree._Element | None) -> None:
        if el is None or self.message_element is not None:
            return
        name = _tag_name(el.tag)
        if name not in MESSAGES:
            raise UnsupportedMessage(
                f"not a camt.052/053/054 message: the group header is in <{name}>", line=el.sourceline, source=self.owner.name
            )
        self.message_element = el
        self._check_message(el, name)
        ancestors = reversed(list(el.iterancestors()))
        self.message_path = "".join("/" + local_name(a.tag) for a in ancestors) + "/" + name
        self.section_name = SECTIONS[MESSAGES[name]]

    def _enter_section(self, el: etree._Element) -> etree._Element:
        self._enter_message(el.getparent())
        if _tag_name(el.tag) != self.section_name:
            raise UnsupportedMessage(
                f"<{_tag_name(el.tag)}> in a {self.owner.format_id or 'camt'} message", line=el.sourceline, source=self.owner.name
            )
        self.sections += 1
        self.section_element = el
        self.section_path = f"{self.message_path}/{self.section_name}[{self.sections}]"
        return el

    def _check_message(self, el: etree._Element, name: str) -> None:
        owner = self.owner
        kind = MESSAGES[name]
        ns = namespace(el.tag)
        if not owner.format_id:  # nothing sniffed (a stream that cannot seek): ask the namespace
            match = _MESSAGE_ID.search(ns)
            owner.format_id = match.group(1) if match else kind
        if owner.format_id[:8] != kind:
            raise UnsupportedMessage(
                f"the namespace says {owner.format_id} but the message element is <{name}> ({kind})",
                line=el.sourceline,
                source=owner.name,
            )
        if not ns:
            self.warn("/" + name, "no namespace; read as a camt message of unknown version", el)
        elif owner.format_id not in SUPPORTED_FORMATS and len(owner.format_id) > 8:
            self.warn(
                "/" + name, f"version {owner.format_id} is not one this reader was tested with; read leniently", el
            )

    # -- warnings and paths -------------------------------------------------------------------

    def warn(self, path: str, message: str, el: etree._Element | None = None) -> None:
        self.warnings.append(ParseWarning(path, message, el.sourceline if el is not None else None))

    def path(self, el: etree._Element) -> str:
        """Element path for messages, built only when one is needed."""
        parts = []
        node = el
        while node is not None:
            if node is self.entry_element:
                return f"{self.section_path}/Ntry[{self.entry_number}]" + "".join(reversed(parts))
            if node is self.section_element:
                return self.section_path + "".join(reversed(parts))
            parent = node.getparent()
            name = local_name(node.tag)
            if parent is not None:
                same = [c for c in parent if c.tag == node.tag]
                parts.append(f"/{name}[{same.index(node) + 1}]" if len(same) > 1 else f"/{name}")
            else:
                parts.append("/" + name)
            node = parent
        return "".join(reversed(parts))

    def fail(self, message: str, el: etree._Element) -> InvalidContent:
        return InvalidContent(message, path=self.path(el), line=el.sourceline, source=self.owner.name)

    # -- values -------------------------------------------------------------------------------

    def amount(self, el: etree._Element) -> Decimal:
        """Unsigned amount text; anything else is an error, never a guess."""
        text = (el.text or "").strip()
        if _AMOUNT.fullmatch(text):
            return Decimal(text)
        if not text:
            problem = "amount is empty"
        elif text.startswith("-"):
            problem = f"amount {text!r} is negative; the direction belongs in CdtDbtInd"
        elif "," in text:
            problem = f"amount {text!r} has a decimal comma; ISO 20022 uses a point"
        elif re.fullmatch(r"\+?\d*\.\d{6,}", text):
            problem = f"amount {text!r} has more than 5 decimals"
        else:
            problem = f"amount {text!r} is not a decimal number"
        raise self.fail(problem, el)

    def currency(self, el: etree._Element) -> str:
        code = el.get("Ccy")
        if not code:
            raise self.fail("amount without currency (Ccy attribute)", el)
        if code not in CURRENCIES:
            self.warn(self.path(el) + "/@Ccy", f"unknown currency code {code!r} (not in ISO 4217); kept as given", el)
        return code

    def sign(self, el: etree._Element | None, owner: etree._Element, required: bool) -> int | None:
        if el is None:
            if required:
                raise self.fail("no CdtDbtInd: the amount's direction is unknown", owner)
            return None
        code = (el.text or "").strip()
        sign = _SIGN.get(code)
        if sign is None:
            if required:
                raise self.fail(f"CdtDbtInd {code!r} is neither CRDT nor DBIT", el)
            self.warn(self.path(el), f"CdtDbtInd {code!r} is neither CRDT nor DBIT; ignored", el)
        return sign

    def date(self, el: etree._Element) -> date | None:
        text = (el.text or "").strip()
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            self.warn(self.path(el), f"not a date: {text!r}", el)
            return None

    def datetime(self, el: etree._Element) -> datetime | None:
        text = (el.text or "").strip()
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            self.warn(self.path(el), f"not a date and time: {text!r}", el)
            return None

    def date_choice(self, f: dict, key: str) -> tuple[date | None, datetime | None]:
        """`key/Dt` or `key/DtTm` (DateAndDateTimeChoice) in a flattened block; a bare date as
        text in `key` is tolerated too."""
        el = f.get(key)
        if el is None:
            return None, None
        moment_el = f.get(key + "/DtTm")
        if moment_el is not None:
            moment = self.datetime(moment_el)
            return (moment.date() if moment else None), moment
        day_el = f.get(key + "/Dt")
        if day_el is not None:
            return self.date(day_el), None
        if el.text and el.text.strip():
            return self.date(el), None
        self.warn(self.path(el), "neither Dt nor DtTm", el)
        return None, None

    def integer(self, el: etree._Element | None) -> int | None:
        if el is None:
            return None
        text = (el.text or "").strip()
        if text.isdigit():
            return int(text)
        self.warn(self.path(el), f"not a whole number: {text!r}", el)
        return None

    def boolean(self, el: etree._Element | None) -> bool | None:
        if el is None:
            return None
        text = (el.text or "").strip()
        value = _BOOLEAN.get(text)
        if value is None:
            self.warn(self.path(el), f"not true or false: {text!r}", el)
        return value

    # -- group header and statement -----------------------------------------------------------

    def _group_header(self, el: etree._Element) -> None:
        kids = _children(el)
        owner = self.owner
        owner.message_id = _text(kids.get("MsgId"))
        if "CreDtTm" in kids:
            owner.created = self.datetime(kids["CreDtTm"])
        pages = kids.get("MsgPgntn")
        if pages is not None:
            p = _children(pages)
            number = self.integer(p.get("PgNb"))
            last = self.boolean(p.get("LastPgInd"))
            if number is not None and last is not None:
                owner.pagination = Pagination(number, last)

    def _statement(self, blocks: list[etree._Element], earlier: Statement | None, section: etree._Element) -> Statement:
        """Header fields from `blocks` (a section's children other than entries); merged into
        `earlier` when more blocks turn up between or after the entries."""
        kids: dict[str, etree._Element] = {}
        balances: list[Balance] = []
        for child in blocks:
            name = local_name(child.tag)
            if name == "Bal":
                balance = self._balance(child)
                if balance is not None:
                    balances.append(balance)
            else:
                kids.setdefault(name, child)
        account = self._account(kids["Acct"]) if "Acct" in kids else None
        period = _children(kids["FrToDt"]) if "FrToDt" in kids else {}
        found = Statement(
            account=account or Account(),
            id=_text(kids.get("Id")),
            electronic_sequence=self.integer(kids.get("ElctrncSeqNb")),
            legal_sequence=self.integer(kids.get("LglSeqNb")),
            created=self.datetime(kids["CreDtTm"]) if "CreDtTm" in kids else None,
            from_datetime=self.datetime(period["FrDtTm"]) if "FrDtTm" in period else None,
            to_datetime=self.datetime(period["ToDtTm"]) if "ToDtTm" in period else None,
            balances=tuple(balances),
            additional_info=_first_text(kids, ("AddtlStmtInf", "AddtlRptInf", "AddtlNtfctnInf")),
        )
        if earlier is None:
            if account is None:
                raise InvalidContent(
                    "statement without an account (Acct)" + (" before its first entry" if len(section) else ""),
                    path=self.section_path,
                    line=section.sourceline,
                    source=self.owner.name,
                )
            return found
        merged = {
            f: getattr(earlier, f) if getattr(earlier, f) is not None else getattr(found, f)
            for f in ("id", "electronic_sequence", "legal_sequence", "created", "from_datetime", "to_datetime")
        }
        return replace(
            earlier,
            balances=earlier.balances + found.balances,
            additional_info=earlier.additional_info or found.additional_info,
            **merged,
        )

    def _account(self, el: etree._Element) -> Account | None:
        kids = _children(el)
        iban, other = _account_id(kids.get("Id"))
        if iban is None and other is None:
            return None
        owner = _children(kids["Ownr"]) if "Ownr" in kids else {}
        servicer = kids.get("Svcr")
        currency = _text(kids.get("Ccy"))
        if currency is not None and currency not in CURRENCIES:
            self.warn(self.path(kids["Ccy"]), f"unknown currency code {currency!r} (not in ISO 4217); kept as given", el)
        return Account(
            iban=iban,
            bban=other,
            currency=currency,
            owner_name=_text(owner.get("Nm")) or _text(_path(owner.get("Pty"), "Nm")),
            servicer_bic=_bic(servicer),
        )

    def _balance(self, el: etree._Element) -> Balance | None:
        f = _flatten(el, _BALANCE_WALK)
        code = _t(f, "Tp/CdOrPrtry/Cd") or _t(f, "Tp/CdOrPrtry/Prtry")
        if "Amt" not in f:
            self.warn(self.path(el), "balance without an amount (Amt); left out", el)
            return None
        if code is None:
            self.warn(self.path(el), "balance without a type (Tp/CdOrPrtry); left out", el)
            return None
        amount = self.amount(f["Amt"])
        sign = self.sign(f.get("CdtDbtInd"), el, required=True)
        day, moment = self.date_choice(f, "Dt")
        return Balance(code, amount * sign, self.currency(f["Amt"]), day, moment)  # type: ignore[operator]

    # -- entries ------------------------------------------------------------------------------
    # An entry is flattened into {"BkTxCd/Domn/Cd": element, ...}, descending only into blocks
    # that are read; repeating blocks are collected as lists and flattened on their own. One
    # pass over the children with cached local names is what keeps this near the lxml floor.

    def _entry(self, el: etree._Element) -> Entry:
        f = _flatten(el, _ENTRY_WALK)
        amount_el = f.get("Amt")
        if amount_el is None:
            raise self.fail("entry without an amount (Amt)", el)
        sign = self.sign(f.get("CdtDbtInd"), el, required=True)
        amount = self.amount(amount_el) * sign  # type: ignore[operator]
        currency = self.currency(amount_el)
        reversal = self.boolean(f["RvslInd"]) or False if "RvslInd" in f else False
        booking = self.date_choice(f, "BookgDt")
        value = self.date_choice(f, "ValDt")
        details = [_flatten(d, _DETAILS_WALK) for d in f.get("NtryDtls", ())]
        tx_count = sum(len(d.get("TxDtls", ())) for d in details)
        code = None
        if "BkTxCd" in f:
            parts = (
                _t(f, "BkTxCd/Domn/Cd"),
                _t(f, "BkTxCd/Domn/Fmly/Cd"),
                _t(f, "BkTxCd/Domn/Fmly/SubFmlyCd"),
                _t(f, "BkTxCd/Prtry/Cd"),
                _t(f, "BkTxCd/Prtry/Issr"),
            )
            if parts != _NO_CODE:  # an empty <BkTxCd/> (it is mandatory) says nothing
                code = _new_code(*parts)
        return _new_entry(
            amount,
            currency,
            self._status(f, el),
            booking[0],
            booking[1],
            value[0],
            value[1],
            reversal,
            _t(f, "NtryRef"),
            _t(f, "AcctSvcrRef"),
            code,
            _t(f, "AddtlNtryInf"),
            tuple(self._details(d, amount, currency, sign, reversal, tx_count) for d in details),  # type: ignore[arg-type]
        )

    def _status(self, f: dict, entry: etree._Element) -> EntryStatus | None:
        el = f.get("Sts")
        if el is None:
            self.warn(self.path(entry) + "/Sts", "entry without a status (Sts)", entry)
            return None
        code = el.text.strip() if el.text else ""
        if not code:  # .08: <Sts><Cd>BOOK</Cd></Sts>, or Prtry
            code = _t(f, "Sts/Cd") or _t(f, "Sts/Prtry") or ""
        status = _STATUS.get(code)
        if status is None:
            self.warn(self.path(el), f"unknown entry status {code!r}; the entry is not counted as booked", el)
        return status

    def _details(self, f: dict, amount: Decimal, currency: str, sign: int, reversal: bool, tx_count: int) -> EntryDetails:
        batch = None
        if "Btch" in f:
            total = None
            if "Btch/TtlAmt" in f:
                batch_sign = self.sign(f.get("Btch/CdtDbtInd"), f["Btch"], required=False) or sign
                total = self.amount(f["Btch/TtlAmt"]) * batch_sign
            batch = Batch(
                self.integer(f.get("Btch/NbOfTxs")),
                total,
                _t(f, "Btch/MsgId"),
                _t(f, "Btch/PmtInfId"),
            )
        transactions = tuple(
            self._transaction(tx, amount, currency, sign, reversal, tx_count) for tx in f.get("TxDtls", ())
        )
        return _new_details(batch, transactions)

    def _transaction(
        self, el: etree._Element, entry_amount: Decimal, entry_currency: str, entry_sign: int, reversal: bool, tx_count: int
    ) -> Transaction:
        f = _flatten(el, _TX_WALK)
        sign = entry_sign
        if "CdtDbtInd" in f:
            sign = self.sign(f["CdtDbtInd"], el, required=False) or entry_sign
        amount: Decimal | None = None
        currency: str | None = None
        tx_amount = f.get("AmtDtls/TxAmt/Amt")
        if tx_amount is None:
            tx_amount = f.get("Amt")  # .08 has TxDtls/Amt beside AmtDtls
        if tx_amount is not None:
            amount = self.amount(tx_amount) * sign
            currency = self.currency(tx_amount)
        elif tx_count == 1:
            amount, currency = entry_amount, entry_currency
        else:
            self.warn(self.path(el), f"transaction without an amount in an entry with {tx_count} transactions", el)
        instructed = self._instructed(f) if "AmtDtls/InstdAmt" in f else None
        # The other side: the payer of money coming in, the payee of money going out; a
        # reversal keeps the parties of the payment it reverses.
        side = "Dbtr" if (sign > 0) != reversal else "Cdtr"
        counterparty = self._counterparty(f, side) if ("RltdPties" in f or "RltdAgts" in f) else None
        creditor_refs: list[CreditorReference] = []
        documents: list[ReferredDocument] = []
        for strd in f.get("RmtInf/Strd", ()):
            self._structured(strd, creditor_refs, documents)
        lines = tuple(t for u in f.get("RmtInf/Ustrd", ()) if (t := _text(u)) is not None)
        settlement = f.get("RltdDts/IntrBkSttlmDt")
        return _new_transaction(
            amount,
            currency,
            instructed,
            _new_references(
                _t(f, "Refs/EndToEndId"),
                _t(f, "Refs/InstrId"),
                _t(f, "Refs/PmtInfId"),
                _t(f, "Refs/MsgId"),
                _t(f, "Refs/AcctSvcrRef"),
                _t(f, "Refs/TxId"),
                _t(f, "Refs/UETR"),
            )
            if "Refs" in f
            else _NO_REFERENCES,
            counterparty,
            tuple(creditor_refs),
            tuple(documents),
            lines,
            _t(f, "AddtlTxInf"),
            self._charges(f["Chrgs"]) if "Chrgs" in f else (),
            _t(f, "RtrInf/Rsn/Cd"),
            self.date(settlement) if settlement is not None else None,
            None,  # the Nets OCR fields
            None,
            None,
            None,
            None,
        )

    def _instructed(self, f: dict) -> InstructedAmount | None:
        amount_el = f.get("AmtDtls/InstdAmt/Amt")
        if amount_el is None:
            self.warn(self.path(f["AmtDtls/InstdAmt"]), "InstdAmt without Amt", f["AmtDtls/InstdAmt"])
            return None
        rate_el = f.get("AmtDtls/InstdAmt/CcyXchg/XchgRate")
        rate = None
        if rate_el is not None:
            text = (rate_el.text or "").strip()
            if _RATE.fullmatch(text):
                rate = Decimal(text)
            else:
                self.warn(self.path(rate_el), f"exchange rate {text!r} is not a number; left out", rate_el)
        return InstructedAmount(self.amount(amount_el), self.currency(amount_el), rate)

    def _counterparty(self, f: dict, side: str) -> Counterparty | None:
        keys = _PARTY_KEYS[side]["/Pty" if _PTY_KEY[side] in f else ""]  # .08 Party40Choice
        name = _t(f, keys[0])
        org = _t(f, keys[1])
        iban = _t(f, keys[2])
        other = _t(f, keys[3])
        bic = _t(f, keys[4]) or _t(f, keys[5])
        if name is None and iban is None and other is None and bic is None and org is None:
            return None
        return _new_counterparty(name, iban, other, bic, org)

    def _structured(
        self, el: etree._Element, creditor_refs: list[CreditorReference], documents: list[ReferredDocument]
    ) -> None:
        f = _flatten(el, _STRD_WALK)
        if "CdtrRefInf" in f:
            ref = _t(f, "CdtrRefInf/Ref")
            if ref is None:
                self.warn(self.path(f["CdtrRefInf"]), "creditor reference without Ref; left out", f["CdtrRefInf"])
            else:
                creditor_refs.append(
                    _new_creditor_reference(
                        ref,
                        _t(f, "CdtrRefInf/Tp/CdOrPrtry/Cd") or _t(f, "CdtrRefInf/Tp/CdOrPrtry/Prtry"),
                        _t(f, "CdtrRefInf/Tp/Issr"),
                    )
                )
        infos = f.get("RfrdDocInf", ())
        amount: Decimal | None = None
        currency: str | None = None
        for name, sign in (("RfrdDocAmt/RmtdAmt", 1), ("RfrdDocAmt/DuePyblAmt", 1), ("RfrdDocAmt/CdtNoteAmt", -1)):
            if name in f:
                amount, currency = self.amount(f[name]) * sign, self.currency(f[name])
                break
        if len(infos) > 1 and amount is not None:
            where = f["RfrdDocAmt"]
            self.warn(self.path(where), "one RfrdDocAmt for several RfrdDocInf; the amount is not attributed", where)
            amount = currency = None
        for info in infos:
            d = _flatten(info, _DOC_WALK)
            related = d.get("RltdDt")
            documents.append(
                ReferredDocument(
                    _t(d, "Nb"),
                    _t(d, "Tp/CdOrPrtry/Cd") or _t(d, "Tp/CdOrPrtry/Prtry"),
                    amount,
                    currency,
                    self.date(related) if related is not None else None,
                )
            )
        if not infos and amount is not None:
            documents.append(ReferredDocument(amount=amount, currency=currency))

    def _charges(self, blocks: list[etree._Element]) -> tuple[Charge, ...]:
        # .02: Chrgs repeats, one charge each; .04+: one Chrgs with Rcrd records.
        records: list[etree._Element] = []
        for block in blocks:
            rcrd = [c for c in block.iterchildren(etree.Element) if local_name(c.tag) == "Rcrd"]
            records.extend(rcrd or [block])
        charges = []
        for rec in records:
            kids = _children(rec)
            if "Amt" not in kids:
                continue  # a Chrgs block holding only TtlChrgsAndTaxAmt
            sign = self.sign(kids.get("CdtDbtInd"), rec, required=False)
            amount = self.amount(kids["Amt"])
            charges.append(
                Charge(
                    amount=amount * sign if sign else amount,
                    currency=self.currency(kids["Amt"]),
                    included=self.boolean(kids.get("ChrgInclInd")),
                    bearer=_text(kids.get("Br")),
                    type_code=_text(_path(kids.get("Tp"), "Cd")) or _text(_path(kids.get("Tp"), "Prtry", "Id")),
                )
            )
        return tuple(charges)


# -- small helpers on elements (no warnings) --------------------------------------------------

_NO_REFERENCES = References()
# Constructors that skip the frozen-dataclass __init__, for the objects built per entry.
_new_entry = positional_constructor(Entry)
_new_details = positional_constructor(EntryDetails)
_new_transaction = positional_constructor(Transaction)
_new_references = positional_constructor(References)
_new_counterparty = positional_constructor(Counterparty)
_new_creditor_reference = positional_constructor(CreditorReference)
_new_code = positional_constructor(BankTransactionCode)
_NO_CODE = (None, None, None, None, None)
_RATE = re.compile(r"\d*\.?\d+")


def _walk(paths: str) -> dict:
    """A trie of the element paths a block is read for: {local name: (path, repeats, subtrie)}.
    A path ending in "*" repeats and is collected as a list, each item flattened on its own."""
    root: dict = {}
    for path in paths.split():
        repeat = path.endswith("*")
        parts = path.rstrip("*").split("/")
        node = root
        for i, part in enumerate(parts):
            key, last = "/".join(parts[: i + 1]), i == len(parts) - 1
            old = node.get(part)
            sub = old[2] if old else None
            if not last and sub is None:
                sub = {}
            node[part] = (key, (repeat and last) or (old[1] if old else False), sub)
            node = sub  # type: ignore[assignment]
    return root


# {side: {"" (.02) or "/Pty" (.08): (name, org id, IBAN, Othr/Id, BICFI, BIC) paths}}
_PARTY_KEYS = {
    side: {
        pty: (
            f"RltdPties/{side}{pty}/Nm",
            f"RltdPties/{side}{pty}/Id/OrgId/Othr/Id",
            f"RltdPties/{side}Acct/Id/IBAN",
            f"RltdPties/{side}Acct/Id/Othr/Id",
            f"RltdAgts/{side}Agt/FinInstnId/BICFI",
            f"RltdAgts/{side}Agt/FinInstnId/BIC",
        )
        for pty in ("", "/Pty")
    }
    for side in ("Dbtr", "Cdtr")
}


_PTY_KEY = {"Dbtr": "RltdPties/Dbtr/Pty", "Cdtr": "RltdPties/Cdtr/Pty"}


def _dates(*keys: str) -> str:
    return " ".join(f"{k}/Dt {k}/DtTm" for k in keys)


def _parties() -> str:
    paths = []
    for side in ("Dbtr", "Cdtr"):
        for party in (f"RltdPties/{side}", f"RltdPties/{side}/Pty"):
            paths += [f"{party}/Nm", f"{party}/Id/OrgId/Othr/Id"]
        paths += [f"RltdPties/{side}Acct/Id/IBAN", f"RltdPties/{side}Acct/Id/Othr/Id"]
        paths += [f"RltdAgts/{side}Agt/FinInstnId/BIC", f"RltdAgts/{side}Agt/FinInstnId/BICFI"]
    return " ".join(paths)


_ENTRY_WALK = _walk(
    "NtryRef Amt CdtDbtInd RvslInd Sts/Cd Sts/Prtry AcctSvcrRef AddtlNtryInf NtryDtls* "
    "BkTxCd/Domn/Cd BkTxCd/Domn/Fmly/Cd BkTxCd/Domn/Fmly/SubFmlyCd BkTxCd/Prtry/Cd BkTxCd/Prtry/Issr "
    + _dates("BookgDt", "ValDt")
)
_DETAILS_WALK = _walk("Btch/MsgId Btch/PmtInfId Btch/NbOfTxs Btch/TtlAmt Btch/CdtDbtInd TxDtls*")
_TX_WALK = _walk(
    "Refs/EndToEndId Refs/InstrId Refs/PmtInfId Refs/MsgId Refs/AcctSvcrRef Refs/TxId Refs/UETR "
    "Amt CdtDbtInd AmtDtls/TxAmt/Amt AmtDtls/InstdAmt/Amt AmtDtls/InstdAmt/CcyXchg/XchgRate "
    "Chrgs* RmtInf/Ustrd* RmtInf/Strd* RltdDts/IntrBkSttlmDt RtrInf/Rsn/Cd AddtlTxInf " + _parties()
)
_STRD_WALK = _walk(
    "RfrdDocInf* RfrdDocAmt/RmtdAmt RfrdDocAmt/DuePyblAmt RfrdDocAmt/CdtNoteAmt "
    "CdtrRefInf/Ref CdtrRefInf/Tp/CdOrPrtry/Cd CdtrRefInf/Tp/CdOrPrtry/Prtry CdtrRefInf/Tp/Issr"
)
_DOC_WALK = _walk("Nb RltdDt Tp/CdOrPrtry/Cd Tp/CdOrPrtry/Prtry")
_BALANCE_WALK = _walk("Tp/CdOrPrtry/Cd Tp/CdOrPrtry/Prtry Amt CdtDbtInd " + _dates("Dt"))


_UNSEEN = object()


def _learn_tag(rules: dict, tag: object) -> tuple | None:
    if not isinstance(tag, str):
        return None  # comment or processing instruction (its tag is a function: hashable)
    rule = rules.get(tag[tag.find("}") + 1 :])
    if len(rules) < 500:  # bounded, whatever names a hostile file invents
        rules[tag] = rule
    return rule


def _flatten(el: etree._Element, walk: dict) -> dict:
    """{"A/B/C": element} for the first element at each path of `walk` below `el` (containers
    on the way included); repeating paths map to lists. Elements off the walk are skipped
    without a look inside."""
    out: dict = {}
    stack = [(el, walk)]
    while stack:
        node, rules = stack.pop()
        get = rules.get
        for child in node:
            # Rules are also cached under the full "{namespace}Name" tag: one lookup per element.
            rule = get(child.tag, _UNSEEN)
            if rule is None:
                continue
            if rule is _UNSEEN:
                rule = _learn_tag(rules, child.tag)
                if rule is None:
                    continue
            key, repeat, sub = rule
            if repeat:
                out.setdefault(key, []).append(child)
            elif key not in out:
                out[key] = child
                if sub is not None:
                    stack.append((child, sub))
    return out


def _first_text(kids: dict[str, etree._Element], names: tuple[str, ...]) -> str | None:
    return next((t for n in names if (t := _text(kids.get(n))) is not None), None)


_TAG_NAMES: dict[str, str] = {}


def _tag_name(tag: str) -> str:
    """Local name, cached per full tag (bounded)."""
    name = _TAG_NAMES.get(tag)
    if name is None:
        name = tag[tag.find("}") + 1 :]
        if len(_TAG_NAMES) < 500:
            _TAG_NAMES[tag] = name
    return name


def _is_header_block(el: etree._Element) -> bool:
    tag = el.tag
    return isinstance(tag, str) and tag[tag.find("}") + 1 :] != "Ntry"


def _children(el: etree._Element) -> dict[str, etree._Element]:
    """First child element per local name."""
    kids: dict[str, etree._Element] = {}
    for child in el.iterchildren(etree.Element):
        tag = child.tag
        name = tag[tag.find("}") + 1 :]
        if name not in kids:
            kids[name] = child
    return kids


def _path(el: etree._Element | None, *names: str) -> etree._Element | None:
    for name in names:
        if el is None:
            return None
        el = _children(el).get(name)
    return el


def _t(f: dict, key: str) -> str | None:
    """`_text(f.get(key))` in one call: the hot path of reading a flattened block."""
    el = f.get(key)
    if el is None:
        return None
    text = el.text
    if text is None:
        return None
    text = text.strip()
    return text or None


def _text(el: etree._Element | None) -> str | None:
    if el is None or el.text is None:
        return None
    text = el.text.strip()
    return text or None


def _account_id(el: etree._Element | None) -> tuple[str | None, str | None]:
    """(IBAN, Othr/Id) of an `Id` (AccountIdentification choice)."""
    if el is None:
        return None, None
    kids = _children(el)
    return _text(kids.get("IBAN")), _text(_path(kids.get("Othr"), "Id"))


def _bic(el: etree._Element | None) -> str | None:
    """BIC of a branch-and-institution block: `FinInstnId/BIC` (.02) or `BICFI` (.04+)."""
    institution = _path(el, "FinInstnId")
    if institution is None:
        return None
    kids = _children(institution)
    return _text(kids.get("BICFI")) or _text(kids.get("BIC"))
