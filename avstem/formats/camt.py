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

from avstem.formats.errors import InvalidContent, UnsupportedMessage
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
)
from avstem.formats.xmlsafe import Source, iterparse, local_name, namespace, open_source, root_element, source_name

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
_AMOUNT = re.compile(r"(?:\d+(?:\.\d{0,5})?|\.\d{1,5})")
_TAGS = ("{*}Document", "{*}GrpHdr", "{*}Stmt", "{*}Rpt", "{*}Ntfctn", "{*}Ntry", *(f"{{*}}{m}" for m in MESSAGES))
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
    """Open a camt file for streaming; reads up to the group header at once, so a wrong message
    type or malformed start fails here."""
    return CamtStream(source)


class CamtStream:
    """Iterate StatementStreams; group header fields are set once constructed."""

    def __init__(self, source: Source) -> None:
        self.name = source_name(source)
        target, head = open_source(source)
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
        while self._summary is None:
            event = self._owner._next()
            if event is None:
                return
            kind, value = event
            if kind == "entry":
                yield value  # type: ignore[misc]
            elif kind == "end":
                self._summary = value  # type: ignore[assignment]

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
        what = f"root element <{root[1]}>" if root else "no XML element found at the start"
        raise UnsupportedMessage(f"not a camt.052/053/054 message ({what})", line=1, source=name)
    if detected and detected[:8] not in SECTIONS:
        raise UnsupportedMessage(f"{detected} is not a camt.052/053/054 message", line=1, source=name)
    return detected or ""


class _Parser:
    """Turns iterparse events into ("header"|"entry"|"end", value) events."""

    def __init__(self, owner: CamtStream, target: object) -> None:
        self.owner = owner
        self.target = target
        self.warnings = owner.warnings
        self.section_name = ""
        self.section_path = ""
        self.section_element: etree._Element | None = None
        self.entry_element: etree._Element | None = None
        self.entry_path = ""

    # -- events -------------------------------------------------------------------------------

    def events(self) -> Iterator[tuple[str, object]]:
        owner = self.owner
        message_path = ""
        sections = 0
        header: Statement | None = None
        check = ConsistencyCheck()
        entries = 0
        seen_message = False
        for event, el in iterparse(self.target, _TAGS, owner.name):  # type: ignore[arg-type]
            name = local_name(el.tag)
            if event == "start":
                if name == "Ntry" or name == "Document":
                    continue
                if name in MESSAGES:
                    seen_message = True
                    self._check_message(el, name)
                    ancestors = reversed(list(el.iterancestors()))
                    message_path = "".join("/" + local_name(a.tag) for a in ancestors) + "/" + name
                    self.section_name = SECTIONS[MESSAGES[name]]
                elif name == self.section_name and el.getparent() is not None and local_name(el.getparent().tag) in MESSAGES:
                    sections += 1
                    self.section_element = el
                    self.section_path = f"{message_path}/{name}[{sections}]"
                    header, check, entries = None, ConsistencyCheck(), 0
                continue
            # end events
            if name == "Ntry" and el.getparent() is self.section_element:
                if header is None:
                    header = self._statement(self.section_element, None)
                    yield "header", header
                entries += 1
                self.entry_element = el
                self.entry_path = f"{self.section_path}/Ntry[{entries}]"
                entry = self._entry(el)
                check.add(entry, f"Ntry[{entries}]")
                self.entry_element = None
                yield "entry", entry
                # Entries are done with: unlink them, and header elements read before them.
                el.clear(keep_tail=True)
                parent = self.section_element
                while el.getprevious() is not None:
                    del parent[0]
            elif el is self.section_element:
                first = header is None
                header = self._statement(el, header)
                if first:
                    yield "header", header
                summary = replace(header, consistency=check.result(header.balances))
                yield "end", summary
                el.clear(keep_tail=True)
                parent = el.getparent()
                while el.getprevious() is not None:
                    del parent[0]
                self.section_element = None
            elif name == "GrpHdr" and self.section_element is None:
                self._group_header(el, message_path + "/GrpHdr")
        if not seen_message:
            raise UnsupportedMessage(
                "not a camt.052/053/054 message: no BkToCstmrStmt, BkToCstmrAcctRpt or "
                "BkToCstmrDbtCdtNtfctn element",
                source=owner.name,
            )

    def _check_message(self, el: etree._Element, name: str) -> None:
        owner = self.owner
        kind = MESSAGES[name]
        ns = namespace(el.tag)
        if not owner.format_id:
            owner.format_id = kind
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
                return self.entry_path + "".join(reversed(parts))
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

    def date_choice(self, el: etree._Element | None) -> tuple[date | None, datetime | None]:
        """`Dt` or `DtTm` (DateAndDateTimeChoice); a bare date as text is tolerated too."""
        if el is None:
            return None, None
        kids = _children(el)
        if "DtTm" in kids:
            moment = self.datetime(kids["DtTm"])
            return (moment.date() if moment else None), moment
        if "Dt" in kids:
            return self.date(kids["Dt"]), None
        if (el.text or "").strip():
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

    def _group_header(self, el: etree._Element, path: str) -> None:
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

    def _statement(self, el: etree._Element, earlier: Statement | None) -> Statement:
        """Header fields from the section's children present now (entries excluded); merged
        into `earlier` when called again at the section's end."""
        kids: dict[str, etree._Element] = {}
        balances: list[Balance] = []
        for child in el.iterchildren(etree.Element):
            name = local_name(child.tag)
            if name == "Bal":
                balance = self._balance(child)
                if balance is not None:
                    balances.append(balance)
            elif name != "Ntry":
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
            additional_info=_text(kids.get("AddtlStmtInf") or kids.get("AddtlRptInf") or kids.get("AddtlNtfctnInf")),
        )
        if earlier is None:
            if account is None:
                raise InvalidContent(
                    "statement without an account (Acct)" + (" before its first entry" if len(el) else ""),
                    path=self.section_path,
                    line=el.sourceline,
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
        kids = _children(el)
        code = _text(_path(kids.get("Tp"), "CdOrPrtry", "Cd")) or _text(_path(kids.get("Tp"), "CdOrPrtry", "Prtry"))
        if "Amt" not in kids:
            self.warn(self.path(el), "balance without an amount (Amt); left out", el)
            return None
        if code is None:
            self.warn(self.path(el), "balance without a type (Tp/CdOrPrtry); left out", el)
            return None
        amount = self.amount(kids["Amt"])
        sign = self.sign(kids.get("CdtDbtInd"), el, required=True)
        day, moment = self.date_choice(kids.get("Dt"))
        return Balance(code, amount * sign, self.currency(kids["Amt"]), day, moment)  # type: ignore[operator]

    # -- entries ------------------------------------------------------------------------------

    def _entry(self, el: etree._Element) -> Entry:
        kids: dict[str, etree._Element] = {}
        details: list[etree._Element] = []
        for child in el.iterchildren(etree.Element):
            name = local_name(child.tag)
            if name == "NtryDtls":
                details.append(child)
            elif name not in kids:
                kids[name] = child
        amount_el = kids.get("Amt")
        if amount_el is None:
            raise self.fail("entry without an amount (Amt)", el)
        sign = self.sign(kids.get("CdtDbtInd"), el, required=True)
        amount = self.amount(amount_el) * sign  # type: ignore[operator]
        currency = self.currency(amount_el)
        reversal = self.boolean(kids.get("RvslInd")) or False
        booking = self.date_choice(kids.get("BookgDt"))
        value = self.date_choice(kids.get("ValDt"))
        code = self._bank_transaction_code(kids.get("BkTxCd"))
        all_tx = sum(1 for d in details for c in d.iterchildren(etree.Element) if local_name(c.tag) == "TxDtls")
        return Entry(
            amount=amount,
            currency=currency,
            status=self._status(kids.get("Sts"), el),
            booking_date=booking[0],
            booking_datetime=booking[1],
            value_date=value[0],
            value_datetime=value[1],
            reversal=reversal,
            entry_reference=_text(kids.get("NtryRef")),
            account_servicer_reference=_text(kids.get("AcctSvcrRef")),
            bank_transaction_code=code,
            additional_info=_text(kids.get("AddtlNtryInf")),
            details=tuple(self._details(d, amount, currency, sign, reversal, all_tx) for d in details),  # type: ignore[arg-type]
        )

    def _status(self, el: etree._Element | None, entry: etree._Element) -> EntryStatus | None:
        if el is None:
            self.warn(self.path(entry) + "/Sts", "entry without a status (Sts)", entry)
            return None
        code = (el.text or "").strip()
        if not code:  # .08: <Sts><Cd>BOOK</Cd></Sts>, or Prtry
            kids = _children(el)
            code = _text(kids.get("Cd")) or _text(kids.get("Prtry")) or ""
        status = _STATUS.get(code)
        if status is None:
            self.warn(self.path(el), f"unknown entry status {code!r}; the entry is not counted as booked", el)
        return status

    def _bank_transaction_code(self, el: etree._Element | None) -> BankTransactionCode | None:
        if el is None:
            return None
        kids = _children(el)
        domain = _children(kids["Domn"]) if "Domn" in kids else {}
        family = _children(domain["Fmly"]) if "Fmly" in domain else {}
        proprietary = _children(kids["Prtry"]) if "Prtry" in kids else {}
        return BankTransactionCode(
            domain=_text(domain.get("Cd")),
            family=_text(family.get("Cd")),
            sub_family=_text(family.get("SubFmlyCd")),
            proprietary=_text(proprietary.get("Cd")),
            issuer=_text(proprietary.get("Issr")),
        )

    def _details(
        self, el: etree._Element, amount: Decimal, currency: str, sign: int, reversal: bool, all_tx: int
    ) -> EntryDetails:
        batch = None
        transactions = []
        for child in el.iterchildren(etree.Element):
            name = local_name(child.tag)
            if name == "TxDtls":
                transactions.append(self._transaction(child, amount, currency, sign, reversal, all_tx))
            elif name == "Btch":
                batch = self._batch(child, sign)
        return EntryDetails(batch, tuple(transactions))

    def _batch(self, el: etree._Element, entry_sign: int) -> Batch:
        kids = _children(el)
        total = None
        if "TtlAmt" in kids:
            sign = self.sign(kids.get("CdtDbtInd"), el, required=False) or entry_sign
            total = self.amount(kids["TtlAmt"]) * sign
        return Batch(
            number_of_transactions=self.integer(kids.get("NbOfTxs")),
            total_amount=total,
            message_id=_text(kids.get("MsgId")),
            payment_information_id=_text(kids.get("PmtInfId")),
        )

    def _transaction(
        self, el: etree._Element, entry_amount: Decimal, entry_currency: str, entry_sign: int, reversal: bool, all_tx: int
    ) -> Transaction:
        kids = _children(el)
        sign = self.sign(kids.get("CdtDbtInd"), el, required=False) or entry_sign
        amount: Decimal | None = None
        currency: str | None = None
        instructed = None
        details = _children(kids["AmtDtls"]) if "AmtDtls" in kids else {}
        tx_amount = _path(details.get("TxAmt"), "Amt")
        if tx_amount is None:
            tx_amount = kids.get("Amt")  # .08 has TxDtls/Amt beside AmtDtls
        if tx_amount is not None:
            amount = self.amount(tx_amount) * sign
            currency = self.currency(tx_amount)
        elif all_tx == 1:
            amount, currency = entry_amount, entry_currency
        else:
            self.warn(self.path(el), f"transaction without an amount in an entry with {all_tx} transactions", el)
        if "InstdAmt" in details:
            instructed = self._instructed(details["InstdAmt"])
        parties = _children(kids["RltdPties"]) if "RltdPties" in kids else {}
        agents = _children(kids["RltdAgts"]) if "RltdAgts" in kids else {}
        # The other side: the payer of money coming in, the payee of money going out; a
        # reversal keeps the parties of the payment it reverses.
        incoming = (sign > 0) != reversal
        side, agent = ("Dbtr", "DbtrAgt") if incoming else ("Cdtr", "CdtrAgt")
        counterparty = self._counterparty(parties.get(side), parties.get(side + "Acct"), agents.get(agent))
        creditor_refs: list[CreditorReference] = []
        documents: list[ReferredDocument] = []
        lines: list[str] = []
        if "RmtInf" in kids:
            self._remittance(kids["RmtInf"], creditor_refs, documents, lines)
        refs = _children(kids["Refs"]) if "Refs" in kids else {}
        charges = self._charges([c for c in el.iterchildren(etree.Element) if local_name(c.tag) == "Chrgs"])
        return Transaction(
            amount=amount,
            currency=currency,
            instructed=instructed,
            references=References(
                end_to_end_id=_text(refs.get("EndToEndId")),
                instruction_id=_text(refs.get("InstrId")),
                payment_information_id=_text(refs.get("PmtInfId")),
                message_id=_text(refs.get("MsgId")),
                account_servicer_reference=_text(refs.get("AcctSvcrRef")),
                transaction_id=_text(refs.get("TxId")),
                uetr=_text(refs.get("UETR")),
            ),
            counterparty=counterparty,
            creditor_references=tuple(creditor_refs),
            referred_documents=tuple(documents),
            remittance_lines=tuple(lines),
            additional_info=_text(kids.get("AddtlTxInf")),
            charges=charges,
            return_reason=_text(_path(kids.get("RtrInf"), "Rsn", "Cd")),
            date=self.date(d) if (d := _path(kids.get("RltdDts"), "IntrBkSttlmDt")) is not None else None,
        )

    def _instructed(self, el: etree._Element) -> InstructedAmount | None:
        kids = _children(el)
        if "Amt" not in kids:
            self.warn(self.path(el), "InstdAmt without Amt", el)
            return None
        rate_el = _path(kids.get("CcyXchg"), "XchgRate")
        rate = None
        if rate_el is not None:
            text = (rate_el.text or "").strip()
            try:
                rate = Decimal(text) if re.fullmatch(r"\d*\.?\d+", text) else None
            except ArithmeticError:
                rate = None
            if rate is None:
                self.warn(self.path(rate_el), f"exchange rate {text!r} is not a number; left out", rate_el)
        return InstructedAmount(self.amount(kids["Amt"]), self.currency(kids["Amt"]), rate)

    def _counterparty(
        self, party: etree._Element | None, account: etree._Element | None, agent: etree._Element | None
    ) -> Counterparty | None:
        if party is None and account is None and agent is None:
            return None
        p = _children(party) if party is not None else {}
        if "Pty" in p:  # .08 Party40Choice
            p = _children(p["Pty"])
        iban, other = _account_id(_path(account, "Id"))
        org = _path(p.get("Id"), "OrgId", "Othr", "Id")
        return Counterparty(
            name=_text(p.get("Nm")),
            iban=iban,
            bban=other,
            bic=_bic(agent),
            organisation_id=_text(org),
        )

    def _remittance(
        self,
        el: etree._Element,
        creditor_refs: list[CreditorReference],
        documents: list[ReferredDocument],
        lines: list[str],
    ) -> None:
        for child in el.iterchildren(etree.Element):
            name = local_name(child.tag)
            if name == "Ustrd":
                if child.text and child.text.strip():
                    lines.append(child.text.strip())
            elif name == "Strd":
                self._structured(child, creditor_refs, documents)

    def _structured(
        self, el: etree._Element, creditor_refs: list[CreditorReference], documents: list[ReferredDocument]
    ) -> None:
        infos: list[etree._Element] = []
        amounts: etree._Element | None = None
        for child in el.iterchildren(etree.Element):
            name = local_name(child.tag)
            if name == "CdtrRefInf":
                ref = self._creditor_reference(child)
                if ref is not None:
                    creditor_refs.append(ref)
            elif name == "RfrdDocInf":
                infos.append(child)
            elif name == "RfrdDocAmt":
                amounts = child
        amount, currency = self._document_amount(amounts) if amounts is not None else (None, None)
        if len(infos) > 1 and amount is not None:
            self.warn(self.path(amounts), "one RfrdDocAmt for several RfrdDocInf; the amount is not attributed", amounts)  # type: ignore[arg-type]
            amount = currency = None
        for info in infos:
            kids = _children(info)
            choice = _path(kids.get("Tp"), "CdOrPrtry")
            tp = _children(choice) if choice is not None else {}
            related = kids.get("RltdDt")
            documents.append(
                ReferredDocument(
                    number=_text(kids.get("Nb")),
                    type_code=_text(tp.get("Cd")) or _text(tp.get("Prtry")),
                    amount=amount,
                    currency=currency,
                    date=self.date(related) if related is not None else None,
                )
            )
        if not infos and amount is not None:
            documents.append(ReferredDocument(amount=amount, currency=currency))

    def _document_amount(self, el: etree._Element) -> tuple[Decimal | None, str | None]:
        kids = _children(el)
        for name, sign in (("RmtdAmt", 1), ("DuePyblAmt", 1), ("CdtNoteAmt", -1)):
            if name in kids:
                return self.amount(kids[name]) * sign, self.currency(kids[name])
        return None, None

    def _creditor_reference(self, el: etree._Element) -> CreditorReference | None:
        kids = _children(el)
        ref = _text(kids.get("Ref"))
        if ref is None:
            self.warn(self.path(el), "creditor reference without Ref; left out", el)
            return None
        tp = _children(kids["Tp"]) if "Tp" in kids else {}
        choice = _children(tp["CdOrPrtry"]) if "CdOrPrtry" in tp else {}
        return CreditorReference(
            ref=ref,
            type_code=_text(choice.get("Cd")) or _text(choice.get("Prtry")),
            issuer=_text(tp.get("Issr")),
        )

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
