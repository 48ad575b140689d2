"""pain.001 credit transfer initiation: write (.001.03 and .001.09) and read back.

The writer turns a validated `PaymentOrder` into XML that validates against the official
schema; counts and control sums are computed, never taken from the caller. The reader (used
by the sandbox bank) matches on local element names, so it reads files without a namespace too,
and returns an equal `PaymentOrder`; what it ignores is reported as a warning, and content a
bank would refuse raises `Pain001Error` carrying the ISO status reason code to reply with.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from lxml import etree

from avstem.formats.errors import InvalidContent, MalformedFile, UnsupportedMessage
from avstem.formats.xmlsafe import HEAD_SIZE, SAFE_PARSE_OPTIONS, Source, refuse_dtd, refuse_dtd_in_head, source_name
from avstem.formats.model import ParseWarning
from avstem.formats.payments import (
    AccountId,
    CreditTransfer,
    DuplicateId,
    PaymentBlock,
    PaymentError,
    PaymentOrder,
    PostalAddress,
    format_amount,
    minor_units,
)
from avstem.norway.kid import KID

__all__ = [
    "PAIN001_VERSIONS",
    "Pain001Document",
    "Pain001Error",
    "read_pain001",
    "write_pain001",
]

PAIN001_VERSIONS = ("pain.001.001.03", "pain.001.001.09")
NS_PREFIX = "urn:iso:std:iso:20022:tech:xsd:"
NOT_PROVIDED = "NOTPROVIDED"  # CGI convention for an agent without BIC


# --- writing -------------------------------------------------------------------------------------


def write_pain001(order: PaymentOrder, version: str = "pain.001.001.03") -> bytes:
    """The order as a UTF-8 pain.001 document of `version` (.03 is the Norwegian baseline)."""
    if version not in PAIN001_VERSIONS:
        raise ValueError(f"unsupported pain.001 version {version!r}; use one of {PAIN001_VERSIONS}")
    if not isinstance(order, PaymentOrder):
        raise TypeError("write_pain001 needs a PaymentOrder")
    v09 = version.endswith(".09")
    w = _Writer(NS_PREFIX + version)
    root = w.root("Document")
    initiation = w.sub(root, "CstmrCdtTrfInitn")

    header = w.sub(initiation, "GrpHdr")
    w.text(header, "MsgId", order.message_id)
    w.text(header, "CreDtTm", order.creation_time.isoformat())
    w.text(header, "NbOfTxs", str(order.number_of_transactions))
    w.text(header, "CtrlSum", _sum_text(order.control_sum, order.transactions()))
    party = w.sub(header, "InitgPty")
    w.text(party, "Nm", order.initiating_party_name)
    if order.initiating_party_org_number:
        other = w.path(party, "Id", "OrgId", "Othr")
        w.text(other, "Id", order.initiating_party_org_number)
        w.text(w.sub(other, "SchmeNm"), "Cd", order.initiating_party_id_scheme)

    for block in order.payment_blocks:
        _write_block(w, w.sub(initiation, "PmtInf"), block, v09)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _write_block(w: _Writer, pmt: etree._Element, block: PaymentBlock, v09: bool) -> None:
    w.text(pmt, "PmtInfId", block.payment_information_id)
    w.text(pmt, "PmtMtd", "TRF")
    if block.batch_booking is not None:
        w.text(pmt, "BtchBookg", "true" if block.batch_booking else "false")
    w.text(pmt, "NbOfTxs", str(block.number_of_transactions))
    w.text(pmt, "CtrlSum", _sum_text(block.control_sum, ((block, tx) for tx in block.transactions)))
    if block.service_level or block.category_purpose:
        tp = w.sub(pmt, "PmtTpInf")
        if block.service_level:
            w.text(w.sub(tp, "SvcLvl"), "Cd", block.service_level)
        if block.category_purpose:
            w.text(w.sub(tp, "CtgyPurp"), "Cd", block.category_purpose)
    when = block.requested_execution_date.isoformat()
    if v09:
        w.text(w.sub(pmt, "ReqdExctnDt"), "Dt", when)
    else:
        w.text(pmt, "ReqdExctnDt", when)
    w.text(w.sub(pmt, "Dbtr"), "Nm", block.debtor_name)
    _write_account(w, w.sub(pmt, "DbtrAcct"), block.debtor_account)
    _write_agent(w, w.sub(pmt, "DbtrAgt"), block.debtor_agent_bic, v09, required=True)
    for tx in block.transactions:
        _write_transfer(w, w.sub(pmt, "CdtTrfTxInf"), tx, v09)


def _write_transfer(w: _Writer, el: etree._Element, tx: CreditTransfer, v09: bool) -> None:
    pmt_id = w.sub(el, "PmtId")
    if tx.instruction_id:
        w.text(pmt_id, "InstrId", tx.instruction_id)
    w.text(pmt_id, "EndToEndId", tx.end_to_end_id)
    amount = w.text(w.sub(el, "Amt"), "InstdAmt", format_amount(tx.amount, tx.currency))
    amount.set("Ccy", tx.currency)
    if tx.charge_bearer:
        w.text(el, "ChrgBr", tx.charge_bearer.value)
    if tx.creditor_agent_bic:
        _write_agent(w, w.sub(el, "CdtrAgt"), tx.creditor_agent_bic, v09, required=False)
    creditor = w.sub(el, "Cdtr")
    w.text(creditor, "Nm", tx.creditor_name)
    if tx.creditor_address:
        _write_address(w, w.sub(creditor, "PstlAdr"), tx.creditor_address)
    _write_account(w, w.sub(el, "CdtrAcct"), tx.creditor_account)
    if tx.purpose:
        w.text(w.sub(el, "Purp"), "Cd", tx.purpose)
    if tx.kid is not None:
        ref = w.path(el, "RmtInf", "Strd", "CdtrRefInf")
        w.text(w.path(ref, "Tp", "CdOrPrtry"), "Cd", "SCOR")
        w.text(ref, "Ref", tx.kid.value)
    elif tx.message is not None:
        w.text(w.sub(el, "RmtInf"), "Ustrd", tx.message)


def _write_account(w: _Writer, el: etree._Element, account: AccountId) -> None:
    ident = w.sub(el, "Id")
    if account.iban:
        w.text(ident, "IBAN", account.iban)
    else:
        other = w.sub(ident, "Othr")
        w.text(other, "Id", str(account.bban))
        w.text(w.sub(other, "SchmeNm"), "Cd", "BBAN")


def _write_agent(w: _Writer, el: etree._Element, bic: str | None, v09: bool, required: bool) -> None:
    fin = w.sub(el, "FinInstnId")
    if bic:
        w.text(fin, "BICFI" if v09 else "BIC", bic)
    elif required:
        w.text(w.sub(fin, "Othr"), "Id", NOT_PROVIDED)


def _write_address(w: _Writer, el: etree._Element, address: PostalAddress) -> None:
    for tag, value in (("StrtNm", address.street_name), ("BldgNb", address.building_number),
                       ("PstCd", address.post_code), ("TwnNm", address.town_name),
                       ("Ctry", address.country)):
        if value is not None:
            w.text(el, tag, value)
    for line in address.address_lines:
        w.text(el, "AdrLine", line)


def _sum_text(total: Decimal, transactions: Iterator[tuple[PaymentBlock, CreditTransfer]]) -> str:
    """A control sum with as many decimals as its most precise currency (NOK: 2)."""
    decimals = max(minor_units(tx.currency) for _, tx in transactions)
    return f"{total.quantize(Decimal(1).scaleb(-decimals)):f}"


class _Writer:
    def __init__(self, namespace: str) -> None:
        self.ns = namespace

    def root(self, tag: str) -> etree._Element:
        return etree.Element(f"{{{self.ns}}}{tag}", nsmap={None: self.ns})

    def sub(self, parent: etree._Element, tag: str) -> etree._Element:
        return etree.SubElement(parent, f"{{{self.ns}}}{tag}")

    def path(self, parent: etree._Element, *tags: str) -> etree._Element:
        for tag in tags:
            parent = self.sub(parent, tag)
        return parent

    def text(self, parent: etree._Element, tag: str, value: str) -> etree._Element:
        el = self.sub(parent, tag)
        el.text = value
        return el


# --- reading: safe XML and navigation by local name (shared with pain002) ------------------------


def parse_xml(source: Source, label: str | None = None) -> etree._Element:
    """Parse a whole XML file (payment files are small) safely via xmlsafe's options: no entity expansion, no
    network, and a DTD is refused.

    `source` is bytes, a path (str or os.PathLike) or a binary stream, as for the camt reader;
    `label` names it in errors.
    """
    label = label or source_name(source)
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
    elif isinstance(source, str | os.PathLike):
        try:
            with open(source, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            raise MalformedFile(f"cannot read the file: {exc.strerror or exc}", source=label) from None
    elif hasattr(source, "read"):
        data = source.read()
    else:
        raise TypeError(f"cannot read XML from {type(source).__name__}")
    refuse_dtd_in_head(data[:HEAD_SIZE], label)
    parser = etree.XMLParser(**SAFE_PARSE_OPTIONS)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position or (None, None)
        message = re.sub(r", line \d+, column \d+$", "", exc.msg or "syntax error")
        raise MalformedFile(f"not well-formed XML: {message}", line=line or None, column=column or None,
                            source=label) from None
    if root is None:
        raise MalformedFile("empty document", source=label)
    refuse_dtd(root, label)
    return root


def local_name(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def namespace_of(el: etree._Element) -> str | None:
    return etree.QName(el).namespace


def children(el: etree._Element | None, name: str) -> Iterator[etree._Element]:
    if el is None:
        return
    for child in el:
        if isinstance(child.tag, str) and local_name(child) == name:
            yield child


def child(el: etree._Element | None, *names: str) -> etree._Element | None:
    """The first element down the path of local names, or None."""
    for name in names:
        el = next(children(el, name), None)
        if el is None:
            return None
    return el


def text_of(el: etree._Element | None, *names: str) -> str | None:
    found = child(el, *names) if names else el
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def element_path(el: etree._Element) -> str:
    """/Document/CstmrCdtTrfInitn/PmtInf[2]/CdtTrfTxInf[3] (positions only when repeated)."""
    parts = []
    while el is not None:
        name = local_name(el)
        parent = el.getparent()
        if parent is not None:
            same = [c for c in parent if isinstance(c.tag, str) and local_name(c) == name]
            if len(same) > 1:
                name = f"{name}[{same.index(el) + 1}]"
        parts.append(name)
        el = parent
    return "/" + "/".join(reversed(parts))


def parse_datetime(text: str) -> datetime:
    return datetime.fromisoformat(text)


def parse_date(text: str) -> date:
    return date.fromisoformat(text[:10])


# --- reading pain.001 ----------------------------------------------------------------------------


class Pain001Error(InvalidContent):
    """Content a bank would refuse. `reason_code` is the ISO status reason to reply with."""

    def __init__(self, message: str, *, reason_code: str = "CH16", path: str | None = None,
                 source: str | None = None, line: int | None = None) -> None:
        super().__init__(message, path=path, line=line, source=source)
        self.reason_code = reason_code


@dataclass(frozen=True, slots=True)
class Pain001Document:
    version: str  # "pain.001.001.03"; guessed from the structure when there is no namespace
    order: PaymentOrder
    warnings: tuple[ParseWarning, ...] = ()


_GROUP_KNOWN = {"MsgId", "CreDtTm", "NbOfTxs", "CtrlSum", "InitgPty"}
_BLOCK_KNOWN = {"PmtInfId", "PmtMtd", "BtchBookg", "NbOfTxs", "CtrlSum", "PmtTpInf", "ReqdExctnDt",
                "Dbtr", "DbtrAcct", "DbtrAgt", "ChrgBr", "CdtTrfTxInf"}
_TX_KNOWN = {"PmtId", "Amt", "ChrgBr", "CdtrAgt", "Cdtr", "CdtrAcct", "Purp", "RmtInf"}

# Where a PaymentError on a field is refused, which ISO status reason a bank gives.
_REASONS = {
    "end_to_end_id": "FF08", "instruction_id": "CH16", "payment_information_id": "CH16",
    "message_id": "CH16", "amount": "AM12", "currency": "AM11", "creditor_account": "AC03",
    "debtor_account": "AC02", "creditor_agent_bic": "RC07", "debtor_agent_bic": "RC06",
    "creditor_name": "BE22", "debtor_name": "BE08", "service_level": "FF04",
    "category_purpose": "FF06", "purpose": "FF07", "requested_execution_date": "DT01",
    "initiating_party_name": "BE21", "initiating_party_org_number": "BE15",
}
_DUPLICATE_REASONS = {"end_to_end_id": "DU04", "instruction_id": "DU05", "payment_information_id": "DU02"}

T = TypeVar("T")


def read_pain001(source: Source, label: str | None = None) -> Pain001Document:
    """Read a pain.001.001.03 or .09 into a `PaymentOrder`.

    Raises MalformedFile (not XML, DTD), UnsupportedMessage (another message) or Pain001Error.
    """
    root = parse_xml(source, label)
    return _Reader(label).read(root)


class _Reader:
    def __init__(self, label: str | None) -> None:
        self.label = label
        self.warnings: list[ParseWarning] = []

    def read(self, root: etree._Element) -> Pain001Document:
        initiation = child(root, "CstmrCdtTrfInitn")
        if local_name(root) != "Document" or initiation is None:
            raise UnsupportedMessage(f"not a pain.001 credit transfer initiation (root {local_name(root)!r})",
                                     path=element_path(root), source=self.label)
        version = self._version(root, initiation)
        header = self.need(initiation, "GrpHdr")
        self.unknown(header, _GROUP_KNOWN)
        blocks = tuple(self.block(pmt) for pmt in children(initiation, "PmtInf"))
        if not blocks:
            raise self.error(initiation, "no PmtInf", "FF01")
        order = self.build(header, PaymentOrder, dict(
            message_id=self.need_text(header, "MsgId"),
            creation_time=self.convert(header, "CreDtTm", parse_datetime),
            initiating_party_name=self.need_text(header, "InitgPty", "Nm", reason="BE21"),
            initiating_party_org_number=text_of(header, "InitgPty", "Id", "OrgId", "Othr", "Id"),
            initiating_party_id_scheme=text_of(header, "InitgPty", "Id", "OrgId", "Othr", "SchmeNm", "Cd")
            or "CUST",
            payment_blocks=blocks,
        ))
        self.check_totals(header, order.number_of_transactions, order.control_sum, required=True)
        return Pain001Document(version, order, tuple(self.warnings))

    def _version(self, root: etree._Element, initiation: etree._Element) -> str:
        ns = namespace_of(root) or ""
        if ns.startswith(NS_PREFIX):
            version = ns[len(NS_PREFIX):]
            if not version.startswith("pain.001."):
                raise UnsupportedMessage(f"{version} is not pain.001", source=self.label)
            if version not in PAIN001_VERSIONS:
                self.warn(root, f"version {version} is read as {self._guess(initiation)}")
            return version
        guessed = self._guess(initiation)
        self.warn(root, f"no ISO 20022 namespace; read as {guessed}")
        return guessed

    @staticmethod
    def _guess(initiation: etree._Element) -> str:
        for pmt in children(initiation, "PmtInf"):
            if child(pmt, "ReqdExctnDt", "Dt") is not None or child(pmt, "ReqdExctnDt", "DtTm") is not None:
                return "pain.001.001.09"
        return "pain.001.001.03"

    def block(self, pmt: etree._Element) -> PaymentBlock:
        self.unknown(pmt, _BLOCK_KNOWN)
        method = text_of(pmt, "PmtMtd")
        if method != "TRF":
            raise self.error(pmt, f"PmtMtd is {method!r}; only credit transfers (TRF) are read", "FF01")
        self.unknown(child(pmt, "PmtTpInf"), {"SvcLvl", "CtgyPurp"})
        # A charge bearer on block level (other software puts it there) applies to every
        # payment in the block that has none of its own.
        block_bearer = text_of(pmt, "ChrgBr")
        transactions = tuple(self.transfer(tx, block_bearer) for tx in children(pmt, "CdtTrfTxInf"))
        if not transactions:
            raise self.error(pmt, "no CdtTrfTxInf", "FF01")
        batch = text_of(pmt, "BtchBookg")
        if batch not in (None, "true", "false", "1", "0"):
            raise self.error(child(pmt, "BtchBookg"), f"BtchBookg {batch!r} is not a boolean", "CH16")
        block = self.build(pmt, PaymentBlock, dict(
            payment_information_id=self.need_text(pmt, "PmtInfId"),
            debtor_name=self.need_text(pmt, "Dbtr", "Nm", reason="BE08"),
            debtor_account=self.account(pmt, "DbtrAcct", "AC02"),
            requested_execution_date=self.execution_date(pmt),
            transactions=transactions,
            debtor_agent_bic=self.agent_bic(pmt, "DbtrAgt"),
            category_purpose=text_of(pmt, "PmtTpInf", "CtgyPurp", "Cd"),
            service_level=text_of(pmt, "PmtTpInf", "SvcLvl", "Cd"),
            batch_booking=None if batch is None else batch in ("true", "1"),
        ))
        self.check_totals(pmt, block.number_of_transactions, block.control_sum, required=False)
        return block

    def transfer(self, el: etree._Element, default_bearer: str | None = None) -> CreditTransfer:
        self.unknown(el, _TX_KNOWN)
        amount_el = child(el, "Amt", "InstdAmt")
        if amount_el is None:
            if child(el, "Amt", "EqvtAmt") is not None:
                raise self.error(el, "EqvtAmt (amount in another currency) is not supported", "AM12")
            raise self.error(el, "no Amt/InstdAmt", "AM12")
        strd = list(children(child(el, "RmtInf"), "Strd"))
        ustrd = [t.text or "" for t in children(child(el, "RmtInf"), "Ustrd")]
        kid = None
        for s in strd:
            ref = text_of(s, "CdtrRefInf", "Ref")
            code = text_of(s, "CdtrRefInf", "Tp", "CdOrPrtry", "Cd")
            if ref is not None and code == "SCOR" and kid is None:
                kid = ref
            else:
                self.warn(s, "structured remittance other than one SCOR reference is ignored")
        if len(ustrd) > 1:
            self.warn(el, "more than one Ustrd: the lines are joined with a space")
        address_el = child(el, "Cdtr", "PstlAdr")
        return self.build(el, CreditTransfer, dict(
            end_to_end_id=self.need_text(el, "PmtId", "EndToEndId", reason="FF08"),
            instruction_id=text_of(el, "PmtId", "InstrId"),
            amount=self.convert(el, "Amt/InstdAmt", Decimal, reason="AM12"),
            currency=amount_el.get("Ccy") or "",
            creditor_name=self.need_text(el, "Cdtr", "Nm", reason="BE22"),
            creditor_account=self.account(el, "CdtrAcct", "AC03"),
            creditor_address=None if address_el is None else self.address(address_el),
            creditor_agent_bic=self.agent_bic(el, "CdtrAgt"),
            charge_bearer=text_of(el, "ChrgBr") or default_bearer,
            kid=None if kid is None else self.kid(el, kid),
            message=" ".join(ustrd) if ustrd else None,
            purpose=text_of(el, "Purp", "Cd"),
        ))

    def kid(self, el: etree._Element, text: str) -> KID:
        return self.build(el, KID.parse, {"text": text}, field_reason="CH16")

    def account(self, el: etree._Element, tag: str, reason: str) -> AccountId:
        acct = child(el, tag, "Id")
        if acct is None:
            raise self.error(el, f"no {tag}/Id", reason)
        iban = text_of(acct, "IBAN")
        other = text_of(acct, "Othr", "Id")
        scheme = text_of(acct, "Othr", "SchmeNm", "Cd")
        if iban is None and other is not None and scheme not in (None, "BBAN"):
            self.warn(acct, f"account scheme {scheme!r} is read as a BBAN")
        try:
            return AccountId(iban=iban) if iban else AccountId(bban=other)  # type: ignore[arg-type]
        except PaymentError as exc:
            raise self.error(acct, f"{tag}: {exc.message}", reason) from None

    def agent_bic(self, el: etree._Element, tag: str) -> str | None:
        fin = child(el, tag, "FinInstnId")
        return text_of(fin, "BIC") or text_of(fin, "BICFI")

    def address(self, el: etree._Element) -> PostalAddress:
        return self.build(el, PostalAddress, dict(
            street_name=text_of(el, "StrtNm"), building_number=text_of(el, "BldgNb"),
            post_code=text_of(el, "PstCd"), town_name=text_of(el, "TwnNm"),
            country=text_of(el, "Ctry"),
            address_lines=tuple(t.text or "" for t in children(el, "AdrLine")),
        ))

    def execution_date(self, pmt: etree._Element) -> date:
        when = child(pmt, "ReqdExctnDt")
        if when is None:
            raise self.error(pmt, "no ReqdExctnDt", "DT01")
        text = text_of(when, "Dt") or text_of(when)
        if text is None and text_of(when, "DtTm"):
            self.warn(when, "ReqdExctnDt/DtTm is read as its date")
            text = text_of(when, "DtTm")
        try:
            return parse_date(text or "")
        except ValueError:
            raise self.error(when, f"{text!r} is not a date", "DT01") from None

    def check_totals(self, el: etree._Element, count: int, total: Decimal, required: bool) -> None:
        given_count = text_of(el, "NbOfTxs")
        if given_count is None:
            if required:
                raise self.error(el, "no NbOfTxs", "AM18")
        elif not given_count.isdigit() or int(given_count) != count:
            raise self.error(child(el, "NbOfTxs"), f"NbOfTxs is {given_count} but {count} CdtTrfTxInf follow",
                             "AM18")
        given_sum = text_of(el, "CtrlSum")
        if given_sum is not None:
            try:
                ok = Decimal(given_sum) == total
            except InvalidOperation:
                ok = False
            if not ok:
                raise self.error(child(el, "CtrlSum"), f"CtrlSum is {given_sum} but the amounts add up to {total}",
                                 "AM10")

    # helpers

    def need(self, el: etree._Element, *names: str, reason: str = "FF01") -> etree._Element:
        found = child(el, *names)
        if found is None:
            raise self.error(el, f"no {'/'.join(names)}", reason)
        return found

    def need_text(self, el: etree._Element, *names: str, reason: str = "CH21") -> str:
        found = child(el, *names)
        if found is None or not (found.text or "").strip():
            raise self.error(el, f"no {'/'.join(names)}", reason)
        return found.text.strip()  # type: ignore[union-attr]

    def convert(self, el: etree._Element, path: str, convert: Callable[[str], T], reason: str = "CH16") -> T:
        text = self.need_text(el, *path.split("/"), reason=reason)
        try:
            return convert(text.strip())
        except (ValueError, InvalidOperation):
            raise self.error(child(el, *path.split("/")), f"{path} {text!r} cannot be read", reason) from None

    def build(self, el: etree._Element, factory: Callable[..., T], kwargs: dict,
              field_reason: str | None = None) -> T:
        try:
            return factory(**kwargs)
        except PaymentError as exc:
            if isinstance(exc, DuplicateId):
                reason = _DUPLICATE_REASONS.get(exc.field, "CH16")
            else:
                reason = field_reason or _REASONS.get(exc.field.split(".")[0], "CH16")
            raise self.error(el, str(exc), reason) from None
        except ValueError as exc:  # InvalidKid and other value types
            raise self.error(el, str(exc), field_reason or "CH16") from None

    def unknown(self, el: etree._Element | None, known: set[str]) -> None:
        if el is None:
            return
        for c in el:
            if isinstance(c.tag, str) and local_name(c) not in known:
                self.warn(c, "not read (ignored)")

    def warn(self, el: etree._Element | None, message: str) -> None:
        if el is None:
            return
        self.warnings.append(ParseWarning(element_path(el), message, el.sourceline))

    def error(self, el: etree._Element | None, message: str, reason: str) -> Pain001Error:
        path = element_path(el) if el is not None else None
        line = el.sourceline if el is not None else None
        return Pain001Error(message, reason_code=reason, path=path, line=line, source=self.label)
