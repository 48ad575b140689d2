"""pain.002 customer payment status report: read (.001.03 as Norwegian banks send it, .001.10)
and write (the sandbox bank's replies).

The reader is lenient: local names in any namespace or none, any of the three status levels
may be missing, and statuses or reason codes it does not know are kept as given with a warning.
The writer is strict: codes are checked against the .03 enumerations or, for .10, the ISO
external code sets (when the reference folder is there), and the output of .10 validates
against the official schema. Only a German (DK) SEPA-restricted schema exists for .03, so .03
output is checked against the ISO element order, not that subset.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from lxml import etree

from avstem.formats.errors import InvalidContent, UnsupportedMessage
from avstem.formats.model import ParseWarning
from avstem.formats.pain001 import (
    NS_PREFIX,
    Source,
    child,
    children,
    element_path,
    local_name,
    namespace_of,
    parse_datetime,
    parse_xml,
    text_of,
)
from avstem.formats.payments import (
    GROUP_STATUS_V03,
    TRANSACTION_STATUS_V03,
    OriginalGroupStatus,
    PaymentError,
    PaymentInformationStatus,
    PaymentOrder,
    StatusReason,
    StatusReport,
    TransactionStatus,
    external_code_set,
    format_amount,
)

__all__ = [
    "PAIN002_VERSIONS",
    "Pain002Document",
    "known_group_status",
    "known_transaction_status",
    "read_pain002",
    "report_for_order",
    "write_pain002",
]

PAIN002_VERSIONS = ("pain.002.001.03", "pain.002.001.10")


def known_group_status(code: str, version: str = "pain.002.001.10") -> bool | None:
    """Whether `code` is a valid group/payment-information status; None if it cannot be told
    (a .10 status without the code set)."""
    if version.endswith(".03"):
        return code in GROUP_STATUS_V03
    codes = external_code_set("payment_group_status")
    return None if codes is None else code in codes


def known_transaction_status(code: str, version: str = "pain.002.001.10") -> bool | None:
    if version.endswith(".03"):
        return code in TRANSACTION_STATUS_V03
    codes = external_code_set("payment_transaction_status")
    return None if codes is None else code in codes


def _known_reason(code: str) -> bool | None:
    codes = external_code_set("status_reason")
    return None if codes is None else code in codes


# --- writing -------------------------------------------------------------------------------------


def write_pain002(report: StatusReport, version: str = "pain.002.001.03") -> bytes:
    """The report as a UTF-8 pain.002 document. Raises PaymentError naming a bad field."""
    if version not in PAIN002_VERSIONS:
        raise ValueError(f"unsupported pain.002 version {version!r}; use one of {PAIN002_VERSIONS}")
    ns = NS_PREFIX + version
    w = _Writer(ns, version)
    root = etree.Element(f"{{{ns}}}Document", nsmap={None: ns})
    rpt = w.sub(root, "CstmrPmtStsRpt")

    header = w.sub(rpt, "GrpHdr")
    w.text(header, "MsgId", w.max_text("message_id", report.message_id, 35))
    if report.creation_time is None:
        raise PaymentError("creation_time", "is required")
    w.text(header, "CreDtTm", w.datetime_text("creation_time", report.creation_time))
    if report.initiating_party_name is not None:
        w.text(w.sub(header, "InitgPty"), "Nm",
               w.max_text("initiating_party_name", report.initiating_party_name, 140))

    group = report.group
    if group is None:
        raise PaymentError("group", "OrgnlGrpInfAndSts is required when writing")
    grp = w.sub(rpt, "OrgnlGrpInfAndSts")
    w.text(grp, "OrgnlMsgId", w.max_text("group.original_message_id", group.original_message_id, 35))
    w.text(grp, "OrgnlMsgNmId",
           w.max_text("group.original_message_name_id", group.original_message_name_id, 35))
    if group.original_creation_time is not None:
        w.text(grp, "OrgnlCreDtTm", w.datetime_text("group.original_creation_time", group.original_creation_time))
    w.totals(grp, "group", group.original_number_of_transactions, group.original_control_sum)
    if group.status is not None:
        w.text(grp, "GrpSts", w.status("group.status", group.status, known_group_status))
    w.reasons(grp, "group", group.reasons)

    for n, pmt in enumerate(report.payment_informations):
        where = f"payment_informations[{n}]"
        el = w.sub(rpt, "OrgnlPmtInfAndSts")
        w.text(el, "OrgnlPmtInfId",
               w.max_text(f"{where}.original_payment_information_id", pmt.original_payment_information_id, 35))
        w.totals(el, where, pmt.original_number_of_transactions, pmt.original_control_sum)
        if pmt.status is not None:
            w.text(el, "PmtInfSts", w.status(f"{where}.status", pmt.status, known_group_status))
        w.reasons(el, where, pmt.reasons)
        for m, tx in enumerate(pmt.transactions):
            w.transaction(w.sub(el, "TxInfAndSts"), f"{where}.transactions[{m}]", tx)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


class _Writer:
    def __init__(self, ns: str, version: str) -> None:
        self.ns = ns
        self.version = version

    def sub(self, parent: etree._Element, tag: str) -> etree._Element:
        return etree.SubElement(parent, f"{{{self.ns}}}{tag}")

    def text(self, parent: etree._Element, tag: str, value: str) -> etree._Element:
        el = self.sub(parent, tag)
        el.text = value
        return el

    @staticmethod
    def max_text(field: str, value: object, limit: int) -> str:
        if not isinstance(value, str) or not value.strip():
            raise PaymentError(field, "is required")
        if len(value) > limit:
            raise PaymentError(field, f"is {len(value)} characters, at most {limit} allowed")
        if value != value.strip():
            raise PaymentError(field, "has surrounding blanks")
        if any(ord(ch) < 32 for ch in value):
            raise PaymentError(field, "contains control characters")
        return value

    @staticmethod
    def datetime_text(field: str, value: object) -> str:
        if not isinstance(value, datetime):
            raise PaymentError(field, "must be a datetime")
        offset = value.utcoffset()
        if offset is not None and (offset % timedelta(minutes=1) or abs(offset) > timedelta(hours=14)):
            raise PaymentError(field, f"UTC offset {offset} cannot be written in XML")
        return value.isoformat()

    def status(self, field: str, code: object, known: Callable[[str, str], bool | None]) -> str:
        if not isinstance(code, str) or not re.fullmatch(r"[A-Z0-9]{4}", code):
            raise PaymentError(field, f"{code!r} is not a 4-character status code")
        if known(code, self.version) is False:
            raise PaymentError(field, f"{code} is not a status {self.version} allows")
        return code

    def totals(self, el: etree._Element, where: str, count: int | None, total: Decimal | None) -> None:
        if count is not None:
            if not isinstance(count, int) or isinstance(count, bool) or not 0 <= count < 10**15:
                raise PaymentError(f"{where}.original_number_of_transactions", f"{count!r} is not a count")
            self.text(el, "OrgnlNbOfTxs", str(count))
        if total is not None:
            if not isinstance(total, Decimal) or not total.is_finite() or total < 0:
                raise PaymentError(f"{where}.original_control_sum", f"{total!r} is not a sum")
            self.text(el, "OrgnlCtrlSum", f"{total:f}")

    def reasons(self, el: etree._Element, where: str, reasons: Iterable[StatusReason]) -> None:
        for n, reason in enumerate(reasons):
            field = f"{where}.reasons[{n}]"
            info = self.sub(el, "StsRsnInf")
            if reason.originator_name is not None:
                self.text(self.sub(info, "Orgtr"), "Nm", self.max_text(f"{field}.originator_name",
                                                                    reason.originator_name, 140))
            if reason.code is not None:
                if not re.fullmatch(r"[A-Z0-9]{1,4}", reason.code):
                    raise PaymentError(f"{field}.code", f"{reason.code!r} is not a reason code")
                if _known_reason(reason.code) is False:
                    raise PaymentError(f"{field}.code", f"{reason.code} is not an ISO status reason code")
                self.text(self.sub(info, "Rsn"), "Cd", reason.code)
            elif reason.proprietary is not None:
                self.text(self.sub(info, "Rsn"), "Prtry", self.max_text(f"{field}.proprietary",
                                                                       reason.proprietary, 35))
            for m, line in enumerate(reason.additional_info):
                self.text(info, "AddtlInf", self.max_text(f"{field}.additional_info[{m}]", line, 105))

    def transaction(self, el: etree._Element, where: str, tx: TransactionStatus) -> None:
        for tag, value, name in (("StsId", tx.status_id, "status_id"),
                                 ("OrgnlInstrId", tx.original_instruction_id, "original_instruction_id"),
                                 ("OrgnlEndToEndId", tx.original_end_to_end_id, "original_end_to_end_id")):
            if value is not None:
                self.text(el, tag, self.max_text(f"{where}.{name}", value, 35))
        if tx.status is not None:
            self.text(el, "TxSts", self.status(f"{where}.status", tx.status, known_transaction_status))
        self.reasons(el, where, tx.reasons)
        if tx.account_servicer_reference is not None:
            self.text(el, "AcctSvcrRef", self.max_text(f"{where}.account_servicer_reference",
                                                       tx.account_servicer_reference, 35))
        if tx.original_amount is not None:
            currency = tx.original_currency
            if not isinstance(currency, str) or not re.fullmatch(r"[A-Z]{3}", currency):
                raise PaymentError(f"{where}.original_currency", f"{currency!r} is not a currency code")
            amount = tx.original_amount
            if not isinstance(amount, Decimal) or not amount.is_finite() or amount < 0:
                raise PaymentError(f"{where}.original_amount", f"{amount!r} is not an amount")
            if amount != amount.quantize(Decimal("0.00001")):
                raise PaymentError(f"{where}.original_amount", f"{amount} has more than 5 decimals")
            amt = self.text(self.sub(self.sub(el, "OrgnlTxRef"), "Amt"), "InstdAmt",
                            _amount_text(amount, currency))
            amt.set("Ccy", currency)


def _amount_text(amount: Decimal, currency: str) -> str:
    """The currency's decimals, or more if the amount needs them (reports echo what was sent)."""
    text = format_amount(amount, currency)
    return text if Decimal(text) == amount else f"{amount:f}"


def report_for_order(
    order: PaymentOrder,
    *,
    message_id: str,
    creation_time: datetime,
    group_status: str | None,
    group_reasons: Iterable[StatusReason] = (),
    transactions: Mapping[str, str | tuple[str, Iterable[StatusReason]]] | None = None,
    original_message_name_id: str = "pain.001.001.03",
    initiating_party_name: str | None = None,
) -> StatusReport:
    """A status report answering `order` (for the sandbox bank).

    `transactions` maps end-to-end ids to a status or (status, reasons); only blocks with
    listed transactions get an OrgnlPmtInfAndSts, whose status is the common status of its
    listed transactions, or PART when they differ.
    """
    blocks = []
    for block in order.payment_blocks:
        listed = []
        for tx in block.transactions:
            outcome = (transactions or {}).get(tx.end_to_end_id)
            if outcome is None:
                continue
            status, reasons = (outcome, ()) if isinstance(outcome, str) else outcome
            listed.append(TransactionStatus(
                original_instruction_id=tx.instruction_id, original_end_to_end_id=tx.end_to_end_id,
                status=status, reasons=tuple(reasons), original_amount=tx.amount,
                original_currency=tx.currency))
        if listed:
            statuses = {t.status for t in listed}
            blocks.append(PaymentInformationStatus(
                original_payment_information_id=block.payment_information_id,
                status=statuses.pop() if len(statuses) == 1 else "PART",
                transactions=tuple(listed),
                original_number_of_transactions=block.number_of_transactions,
                original_control_sum=block.control_sum))
    return StatusReport(
        message_id=message_id,
        creation_time=creation_time,
        initiating_party_name=initiating_party_name,
        group=OriginalGroupStatus(
            original_message_id=order.message_id, original_message_name_id=original_message_name_id,
            original_creation_time=order.creation_time, status=group_status,
            reasons=tuple(group_reasons), original_number_of_transactions=order.number_of_transactions,
            original_control_sum=order.control_sum),
        payment_informations=tuple(blocks),
    )


# --- reading -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pain002Document:
    version: str  # "pain.002.001.03"; "pain.002" when the file has no namespace to tell
    report: StatusReport
    warnings: tuple[ParseWarning, ...] = ()


_HEADER_KNOWN = {"MsgId", "CreDtTm", "InitgPty", "FwdgAgt", "DbtrAgt", "CdtrAgt"}
_GROUP_KNOWN = {"OrgnlMsgId", "OrgnlMsgNmId", "OrgnlCreDtTm", "OrgnlNbOfTxs", "OrgnlCtrlSum", "GrpSts",
                "StsRsnInf", "NbOfTxsPerSts"}
_PMT_KNOWN = {"OrgnlPmtInfId", "OrgnlNbOfTxs", "OrgnlCtrlSum", "PmtInfSts", "StsRsnInf", "NbOfTxsPerSts",
              "TxInfAndSts"}
_TX_KNOWN = {"StsId", "OrgnlInstrId", "OrgnlEndToEndId", "OrgnlUETR", "TxSts", "StsRsnInf", "ChrgsInf",
             "AccptncDtTm", "AcctSvcrRef", "ClrSysRef", "OrgnlTxRef", "SplmtryData", "TrckrData"}
_REPORT_KNOWN = {"GrpHdr", "OrgnlGrpInfAndSts", "OrgnlPmtInfAndSts", "SplmtryData"}

T = TypeVar("T")


def read_pain002(source: Source, label: str | None = None) -> Pain002Document:
    """Read a pain.002 status report (.03, .10; other versions with a warning).

    Raises MalformedFile, UnsupportedMessage (not a pain.002) or InvalidContent (no status at
    any level: nothing to act on).
    """
    root = parse_xml(source, label)
    return _Reader(label).read(root)


class _Reader:
    def __init__(self, label: str | None) -> None:
        self.label = label
        self.warnings: list[ParseWarning] = []
        self.version = "pain.002"

    def read(self, root: etree._Element) -> Pain002Document:
        rpt = child(root, "CstmrPmtStsRpt")
        if local_name(root) != "Document" or rpt is None:
            raise UnsupportedMessage(f"not a pain.002 payment status report (root {local_name(root)!r})",
                                     path=element_path(root), source=self.label)
        self.version = self._version(root)
        self.unknown(rpt, _REPORT_KNOWN)
        header = child(rpt, "GrpHdr")
        if header is None:
            self.warn(rpt, "no GrpHdr")
        else:
            self.unknown(header, _HEADER_KNOWN)
        grp_el = child(rpt, "OrgnlGrpInfAndSts")
        group = None if grp_el is None else self.group(grp_el)
        if grp_el is None:
            self.warn(rpt, "no OrgnlGrpInfAndSts: the report does not say which message it is about")
        report = StatusReport(
            message_id=text_of(header, "MsgId"),
            creation_time=self.datetime(header, "CreDtTm"),
            group=group,
            payment_informations=tuple(self.payment_info(p) for p in children(rpt, "OrgnlPmtInfAndSts")),
            initiating_party_name=text_of(header, "InitgPty", "Nm"),
        )
        has_status = (group is not None and group.status) or any(
            p.status or any(t.status for t in p.transactions) for p in report.payment_informations)
        if not has_status:
            raise InvalidContent("no status at any level (GrpSts, PmtInfSts or TxSts)",
                                 path=element_path(rpt), source=self.label)
        return Pain002Document(self.version, report, tuple(self.warnings))

    def _version(self, root: etree._Element) -> str:
        ns = namespace_of(root) or ""
        if not ns:
            self.warn(root, "no ISO 20022 namespace; the version is unknown")
            return "pain.002"
        version = ns[len(NS_PREFIX):] if ns.startswith(NS_PREFIX) else ns
        if not version.startswith("pain.002."):
            raise UnsupportedMessage(f"{version} is not pain.002", source=self.label)
        if version not in PAIN002_VERSIONS:
            self.warn(root, f"version {version} is read like pain.002.001.10")
        return version

    def group(self, el: etree._Element) -> OriginalGroupStatus:
        self.unknown(el, _GROUP_KNOWN)
        for tag in ("OrgnlMsgId", "OrgnlMsgNmId"):
            if text_of(el, tag) is None:
                self.warn(el, f"no {tag}")
        return OriginalGroupStatus(
            original_message_id=text_of(el, "OrgnlMsgId"),
            original_message_name_id=text_of(el, "OrgnlMsgNmId"),
            status=self.status(el, "GrpSts", known_group_status),
            reasons=self.reasons(el),
            original_creation_time=self.datetime(el, "OrgnlCreDtTm"),
            original_number_of_transactions=self.count(el),
            original_control_sum=self.decimal(el, "OrgnlCtrlSum"),
        )

    def payment_info(self, el: etree._Element) -> PaymentInformationStatus:
        self.unknown(el, _PMT_KNOWN)
        if text_of(el, "OrgnlPmtInfId") is None:
            self.warn(el, "no OrgnlPmtInfId")
        return PaymentInformationStatus(
            original_payment_information_id=text_of(el, "OrgnlPmtInfId"),
            status=self.status(el, "PmtInfSts", known_group_status),
            reasons=self.reasons(el),
            transactions=tuple(self.transaction(t) for t in children(el, "TxInfAndSts")),
            original_number_of_transactions=self.count(el),
            original_control_sum=self.decimal(el, "OrgnlCtrlSum"),
        )

    def transaction(self, el: etree._Element) -> TransactionStatus:
        self.unknown(el, _TX_KNOWN)
        if text_of(el, "OrgnlEndToEndId") is None and text_of(el, "OrgnlInstrId") is None:
            self.warn(el, "neither OrgnlEndToEndId nor OrgnlInstrId: the payment cannot be identified")
        amount_el = child(el, "OrgnlTxRef", "Amt", "InstdAmt")
        return TransactionStatus(
            original_end_to_end_id=text_of(el, "OrgnlEndToEndId"),
            original_instruction_id=text_of(el, "OrgnlInstrId"),
            status=self.status(el, "TxSts", known_transaction_status),
            reasons=self.reasons(el),
            status_id=text_of(el, "StsId"),
            account_servicer_reference=text_of(el, "AcctSvcrRef"),
            original_amount=self.decimal(el, "OrgnlTxRef", "Amt", "InstdAmt"),
            original_currency=None if amount_el is None else amount_el.get("Ccy"),
        )

    def reasons(self, el: etree._Element) -> tuple[StatusReason, ...]:
        reasons = []
        for info in children(el, "StsRsnInf"):
            code = text_of(info, "Rsn", "Cd")
            proprietary = text_of(info, "Rsn", "Prtry")
            if code is not None and _known_reason(code) is False:
                self.warn(child(info, "Rsn", "Cd"), f"{code} is not an ISO status reason code")
            if code is not None and proprietary is not None:  # a choice in the schema
                self.warn(child(info, "Rsn"), "both Cd and Prtry; Prtry is ignored")
                proprietary = None
            reasons.append(StatusReason(
                code=code,
                proprietary=proprietary,
                additional_info=tuple(t.text.strip() for t in children(info, "AddtlInf")
                                      if t.text and t.text.strip()),
                originator_name=text_of(info, "Orgtr", "Nm"),
            ))
        return tuple(reasons)

    def status(self, el: etree._Element, tag: str, known: Callable[[str, str], bool | None]) -> str | None:
        code = text_of(el, tag)
        if code is not None and known(code, self.version if self.version != "pain.002" else
                                      "pain.002.001.10") is False:
            self.warn(child(el, tag), f"{code} is not a known {tag} status; kept as given")
        return code

    def datetime(self, el: etree._Element | None, tag: str) -> datetime | None:
        return self._convert(el, (tag,), parse_datetime, "is not a date and time")

    def decimal(self, el: etree._Element, *path: str) -> Decimal | None:
        value = self._convert(el, path, Decimal, "is not a number")
        if value is not None and not value.is_finite():
            self.warn(child(el, *path), f"{value} is not a number")
            return None
        return value

    def count(self, el: etree._Element) -> int | None:
        text = text_of(el, "OrgnlNbOfTxs")
        if text is None:
            return None
        if not (text.isascii() and text.isdigit()):
            self.warn(child(el, "OrgnlNbOfTxs"), f"{text!r} is not a count")
            return None
        return int(text)

    def _convert(self, el: etree._Element | None, path: tuple[str, ...], convert: Callable[[str], T],
                 problem: str) -> T | None:
        text = text_of(el, *path)
        if text is None:
            return None
        try:
            return convert(text)
        except (ValueError, InvalidOperation):
            self.warn(child(el, *path), f"{text!r} {problem}")
            return None

    def unknown(self, el: etree._Element, known: set[str]) -> None:
        for c in el:
            if isinstance(c.tag, str) and local_name(c) not in known:
                self.warn(c, "not read (ignored)")

    def warn(self, el: etree._Element | None, message: str) -> None:
        if el is not None:
            self.warnings.append(ParseWarning(element_path(el), message, el.sourceline))
