"""Writes camt.053 statements and camt.054 notifications (001.02, the Norwegian baseline, and
001.08) from the model objects, strictly valid against the official schemas.

Strict writing: what the chosen version cannot hold (a FUTR status in .02, a non-v4 UETR, a text
longer than its type, a statement without balances in camt.053 ...) raises CamtWriteError
naming the object and field; nothing is truncated or dropped.

    data = to_bytes(document, "camt.053.001.02")
    write(document, path, "camt.054.001.08")
    with CamtWriter(path, "camt.053.001.02", "MSG-1", created) as w:   # constant memory
        w.statement(header, entries_iterable)
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from types import TracebackType
from typing import BinaryIO

from lxml import etree

from avstem.formats.model import (
    Account,
    Balance,
    Batch,
    Charge,
    Counterparty,
    Document,
    Entry,
    EntryStatus,
    Pagination,
    Statement,
    Transaction,
)

WRITABLE_FORMATS = ("camt.053.001.02", "camt.053.001.08", "camt.054.001.02", "camt.054.001.08")

_ROOTS = {"camt.053": ("BkToCstmrStmt", "Stmt", "AddtlStmtInf"), "camt.054": ("BkToCstmrDbtCdtNtfctn", "Ntfctn", "AddtlNtfctnInf")}
_BALANCE_CODES_02 = frozenset({"XPCD", "OPAV", "ITAV", "CLAV", "FWAV", "CLBD", "ITBD", "OPBD", "PRCD", "INFO"})
_CREDITOR_REF_CODES = frozenset({"RADM", "RPIN", "FXDR", "DISP", "PUOR", "SCOR"})
_DOCUMENT_CODES_02 = frozenset(
    {"MSIN", "CNFA", "DNFA", "CINV", "CREN", "DEBN", "HIRI", "SBIN", "CMCN", "SOAC", "DISP", "BOLD", "VCHR", "AROI", "TSUT"}
)
_DOCUMENT_CODES_08 = _DOCUMENT_CODES_02 | {"PUOR"}
_CHARGE_BEARERS = frozenset({"DEBT", "CRED", "SHAR", "SLEV"})
_CHARGE_CODES_02 = frozenset({"BRKF", "COMM"})
_CURRENCY = re.compile(r"[A-Z]{3}")
_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[a-zA-Z0-9]{1,30}")
_BIC_02 = re.compile(r"[A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?")
_BIC_08 = re.compile(r"[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?")
_UUID4 = re.compile(r"[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}-[a-f0-9]{12}")


class CamtWriteError(ValueError):
    """The model holds something the chosen camt version cannot express validly."""


def to_bytes(document: Document, format_id: str | None = None) -> bytes:
    buffer = io.BytesIO()
    write(document, buffer, format_id)
    return buffer.getvalue()


def write(document: Document, target: str | os.PathLike | BinaryIO, format_id: str | None = None) -> None:
    """Write `document` as `format_id` (default: the document's own format_id)."""
    with CamtWriter(
        target, format_id or document.format_id, document.message_id, document.created, document.pagination
    ) as writer:
        for stmt in document.statements:
            writer.statement(stmt, stmt.entries)


class CamtWriter:
    """Incremental writer: the group header on enter, then one statement at a time, each
    entry serialised as it comes, so a generator of entries is written in constant memory."""

    def __init__(
        self,
        target: str | os.PathLike | BinaryIO,
        format_id: str,
        message_id: str | None,
        created: datetime | None,
        pagination: Pagination | None = None,
    ) -> None:
        if format_id not in WRITABLE_FORMATS:
            raise CamtWriteError(f"cannot write {format_id!r}; writable: {', '.join(WRITABLE_FORMATS)}")
        self.format_id = format_id
        self.v08 = format_id.endswith(".08")
        self.kind = format_id[:8]
        self.ns = f"urn:iso:std:iso:20022:tech:xsd:{format_id}"
        self._q = "{%s}" % self.ns
        self._target = os.fspath(target) if isinstance(target, (str, os.PathLike)) else target
        self._message_id = _text(message_id, 35, "Document.message_id", required=True)
        if created is None:
            raise CamtWriteError("Document.created is required (GrpHdr/CreDtTm)")
        self._created = created
        self._pagination = pagination
        self._statements = 0

    # -- context: document and group header ---------------------------------------------------

    def __enter__(self) -> CamtWriter:
        self._file_cm = etree.xmlfile(self._target, encoding="UTF-8")
        self._xf = self._file_cm.__enter__()
        self._xf.write_declaration()
        self._doc_cm = self._xf.element(self._q + "Document", nsmap={None: self.ns})
        self._doc_cm.__enter__()
        self._msg_cm = self._xf.element(self._q + _ROOTS[self.kind][0])
        self._msg_cm.__enter__()
        header = etree.Element(self._q + "GrpHdr", nsmap={None: self.ns})
        self._sub(header, "MsgId", self._message_id)
        self._sub(header, "CreDtTm", _datetime(self._created))
        if self._pagination is not None:
            pages = self._sub(header, "MsgPgntn")
            if not 0 <= self._pagination.page_number <= 99999:
                raise CamtWriteError("Pagination.page_number must have 1-5 digits")
            self._sub(pages, "PgNb", str(self._pagination.page_number))
            self._sub(pages, "LastPgInd", "true" if self._pagination.last_page else "false")
        self._xf.write(header)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is None and not self._statements:
            exc = CamtWriteError(f"a {self.kind} message needs at least one statement")
        for cm in (self._msg_cm, self._doc_cm, self._file_cm):
            cm.__exit__(type(exc) if exc else None, exc, tb)
        if exc_type is None and exc is not None:
            raise exc

    # -- statements ---------------------------------------------------------------------------

    def statement(self, stmt: Statement, entries: Iterable[Entry]) -> None:
        """Write `stmt`'s header and balances, then `entries` (often `stmt.entries`)."""
        self._statements += 1
        _, section, additional = _ROOTS[self.kind]
        where = f"Statement[{self._statements}]"
        with self._xf.element(self._q + section):
            head = etree.Element(self._q + "Head", nsmap={None: self.ns})  # children are written, not it
            self._sub(head, "Id", _text(stmt.id, 35, f"{where}.id", required=True))
            if stmt.electronic_sequence is not None:
                self._sub(head, "ElctrncSeqNb", str(stmt.electronic_sequence))
            if stmt.legal_sequence is not None:
                self._sub(head, "LglSeqNb", str(stmt.legal_sequence))
            if stmt.created is None:
                if not self.v08:
                    raise CamtWriteError(f"{where}.created is required in {self.format_id}")
            else:
                self._sub(head, "CreDtTm", _datetime(stmt.created))
            if (stmt.from_datetime is None) != (stmt.to_datetime is None):
                raise CamtWriteError(f"{where}: give both from_datetime and to_datetime, or neither")
            if stmt.from_datetime is not None:
                period = self._sub(head, "FrToDt")
                self._sub(period, "FrDtTm", _datetime(stmt.from_datetime))
                self._sub(period, "ToDtTm", _datetime(stmt.to_datetime))  # type: ignore[arg-type]
            self._account(head, stmt.account, where)
            if self.kind == "camt.053":
                if not stmt.balances:
                    raise CamtWriteError(f"{where}: a camt.053 statement needs at least one balance")
                for n, bal in enumerate(stmt.balances, 1):
                    self._balance(head, bal, f"{where}.balances[{n}]")
            elif stmt.balances:
                raise CamtWriteError(f"{where}: a camt.054 notification has no balances")
            for child in head:
                self._xf.write(child)
            for n, entry in enumerate(entries, 1):
                self._xf.write(self._entry(entry, f"{where}.entries[{n}]"))
            if stmt.additional_info is not None:
                tail = etree.Element(self._q + additional, nsmap={None: self.ns})
                tail.text = _text(stmt.additional_info, 500, f"{where}.additional_info")
                self._xf.write(tail)

    def _account(self, parent: etree._Element, account: Account, where: str) -> None:
        acct = self._sub(parent, "Acct")
        self._account_id(acct, account.iban, account.bban, f"{where}.account")
        if account.currency is not None:
            self._sub(acct, "Ccy", _currency(account.currency, f"{where}.account.currency"))
        if account.owner_name is not None:
            owner = self._sub(acct, "Ownr")
            self._sub(owner, "Nm", _text(account.owner_name, 140, f"{where}.account.owner_name"))
        if account.servicer_bic is not None:
            self._agent(self._sub(acct, "Svcr"), account.servicer_bic, f"{where}.account.servicer_bic")

    def _account_id(self, parent: etree._Element, iban: str | None, bban: str | None, where: str) -> None:
        if (iban is None) == (bban is None):
            raise CamtWriteError(f"{where}: give exactly one of iban and bban (camt holds one account id)")
        ident = self._sub(parent, "Id")
        if iban is not None:
            if not _IBAN.fullmatch(iban):
                raise CamtWriteError(f"{where}.iban {iban!r} is not an IBAN")
            self._sub(ident, "IBAN", iban)
        else:
            other = self._sub(ident, "Othr")
            self._sub(other, "Id", _text(bban, 34, f"{where}.bban"))
            self._sub(self._sub(other, "SchmeNm"), "Cd", "BBAN")

    def _agent(self, parent: etree._Element, bic: str, where: str) -> None:
        pattern, tag = (_BIC_08, "BICFI") if self.v08 else (_BIC_02, "BIC")
        if not pattern.fullmatch(bic):
            raise CamtWriteError(f"{where} {bic!r} is not a BIC")
        self._sub(self._sub(parent, "FinInstnId"), tag, bic)

    def _balance(self, parent: etree._Element, bal: Balance, where: str) -> None:
        el = self._sub(parent, "Bal")
        choice = self._sub(self._sub(el, "Tp"), "CdOrPrtry")
        code = _text(bal.type, 35, f"{where}.type", required=True)
        if (code in _BALANCE_CODES_02) if not self.v08 else len(code) <= 4:
            self._sub(choice, "Cd", code)
        else:
            self._sub(choice, "Prtry", code)
        self._amount(el, "Amt", bal.amount, bal.currency, where)
        self._sub(el, "CdtDbtInd", _indicator(bal.amount))
        if bal.date is None and bal.datetime is None:
            raise CamtWriteError(f"{where}: a balance needs a date")
        self._date_choice(el, "Dt", bal.date, bal.datetime, where)

    # -- entries ------------------------------------------------------------------------------

    def _entry(self, entry: Entry, where: str) -> etree._Element:
        el = etree.Element(self._q + "Ntry", nsmap={None: self.ns})
        if entry.entry_reference is not None:
            self._sub(el, "NtryRef", _text(entry.entry_reference, 35, f"{where}.entry_reference"))
        self._amount(el, "Amt", entry.amount, entry.currency, where)
        self._sub(el, "CdtDbtInd", _indicator(entry.amount))
        if entry.reversal:
            self._sub(el, "RvslInd", "true")
        if entry.status is None:
            raise CamtWriteError(f"{where}.status is required")
        if self.v08:
            self._sub(self._sub(el, "Sts"), "Cd", entry.status.value)
        elif entry.status is EntryStatus.FUTR:
            raise CamtWriteError(f"{where}.status FUTR does not exist in {self.format_id}")
        else:
            self._sub(el, "Sts", entry.status.value)
        if entry.booking_date is not None or entry.booking_datetime is not None:
            self._date_choice(el, "BookgDt", entry.booking_date, entry.booking_datetime, f"{where}.booking")
        if entry.value_date is not None or entry.value_datetime is not None:
            self._date_choice(el, "ValDt", entry.value_date, entry.value_datetime, f"{where}.value")
        if entry.account_servicer_reference is not None:
            self._sub(el, "AcctSvcrRef", _text(entry.account_servicer_reference, 35, f"{where}.account_servicer_reference"))
        code = self._sub(el, "BkTxCd")  # required, may be empty
        btc = entry.bank_transaction_code
        if btc is not None:
            if btc.domain or btc.family or btc.sub_family:
                if not (btc.domain and btc.family and btc.sub_family):
                    raise CamtWriteError(f"{where}.bank_transaction_code needs domain, family and sub_family together")
                domain = self._sub(code, "Domn")
                self._sub(domain, "Cd", _text(btc.domain, 4, f"{where}.bank_transaction_code.domain"))
                family = self._sub(domain, "Fmly")
                self._sub(family, "Cd", _text(btc.family, 4, f"{where}.bank_transaction_code.family"))
                self._sub(family, "SubFmlyCd", _text(btc.sub_family, 4, f"{where}.bank_transaction_code.sub_family"))
            if btc.proprietary is not None:
                prtry = self._sub(code, "Prtry")
                self._sub(prtry, "Cd", _text(btc.proprietary, 35, f"{where}.bank_transaction_code.proprietary"))
                if btc.issuer is not None:
                    self._sub(prtry, "Issr", _text(btc.issuer, 35, f"{where}.bank_transaction_code.issuer"))
            elif btc.issuer is not None:
                raise CamtWriteError(f"{where}.bank_transaction_code.issuer needs a proprietary code")
        for n, details in enumerate(entry.details, 1):
            block = self._sub(el, "NtryDtls")
            if details.batch is not None:
                self._batch(block, details.batch, entry, f"{where}.details[{n}].batch")
            for m, tx in enumerate(details.transactions, 1):
                self._transaction(block, tx, entry, f"{where}.details[{n}].transactions[{m}]")
        if entry.additional_info is not None:
            self._sub(el, "AddtlNtryInf", _text(entry.additional_info, 500, f"{where}.additional_info"))
        return el

    def _batch(self, parent: etree._Element, batch: Batch, entry: Entry, where: str) -> None:
        el = self._sub(parent, "Btch")
        if batch.message_id is not None:
            self._sub(el, "MsgId", _text(batch.message_id, 35, f"{where}.message_id"))
        if batch.payment_information_id is not None:
            self._sub(el, "PmtInfId", _text(batch.payment_information_id, 35, f"{where}.payment_information_id"))
        if batch.number_of_transactions is not None:
            if not 0 <= batch.number_of_transactions < 10**15:
                raise CamtWriteError(f"{where}.number_of_transactions must have 1-15 digits")
            self._sub(el, "NbOfTxs", str(batch.number_of_transactions))
        if batch.total_amount is not None:
            self._amount(el, "TtlAmt", batch.total_amount, entry.currency, where)
            self._sub(el, "CdtDbtInd", _indicator(batch.total_amount))

    def _transaction(self, parent: etree._Element, tx: Transaction, entry: Entry, where: str) -> None:
        if any((tx.archive_reference, tx.payer_account, tx.free_text, tx.form_number, tx.transaction_type)):
            raise CamtWriteError(f"{where}: Nets OCR fields have no place in camt; map them first")
        el = self._sub(parent, "TxDtls")
        refs = tx.references
        names = ["MsgId", "AcctSvcrRef", "PmtInfId", "InstrId", "EndToEndId", "UETR", "TxId"]
        values = [
            refs.message_id,
            refs.account_servicer_reference,
            refs.payment_information_id,
            refs.instruction_id,
            refs.end_to_end_id,
            refs.uetr,
            refs.transaction_id,
        ]
        if refs.uetr is not None:
            if not self.v08:
                raise CamtWriteError(f"{where}.references.uetr has no place in {self.format_id}")
            if not _UUID4.fullmatch(refs.uetr):
                raise CamtWriteError(f"{where}.references.uetr {refs.uetr!r} is not a lower-case v4 UUID")
        if any(v is not None for v in values):
            block = self._sub(el, "Refs")
            for name, value in zip(names, values):
                if value is not None:
                    self._sub(block, name, value if name == "UETR" else _text(value, 35, f"{where}.references.{name}"))
        sign = -1 if (tx.amount if tx.amount is not None else entry.amount).is_signed() else 1
        entry_sign = -1 if entry.amount.is_signed() else 1
        currency = tx.currency or entry.currency
        if tx.amount is not None and self.v08:
            self._amount(el, "Amt", tx.amount, currency, where)
            self._sub(el, "CdtDbtInd", _indicator(tx.amount))
        elif tx.amount is not None and sign != entry_sign:
            raise CamtWriteError(f"{where}.amount has the opposite direction of its entry; {self.format_id} cannot say so")
        if (tx.amount is not None and not self.v08) or tx.instructed is not None:
            details = self._sub(el, "AmtDtls")
            if tx.instructed is not None:
                instructed = self._sub(details, "InstdAmt")
                self._amount(instructed, "Amt", tx.instructed.amount, tx.instructed.currency, f"{where}.instructed")
                if tx.instructed.exchange_rate is not None:
                    exchange = self._sub(instructed, "CcyXchg")
                    self._sub(exchange, "SrcCcy", tx.instructed.currency)
                    self._sub(exchange, "TrgtCcy", _currency(currency, f"{where}.currency"))
                    self._sub(exchange, "XchgRate", _rate(tx.instructed.exchange_rate, f"{where}.instructed.exchange_rate"))
            if tx.amount is not None and not self.v08:
                self._amount(self._sub(details, "TxAmt"), "Amt", tx.amount, currency, where)
        if tx.charges:
            self._charges(el, tx.charges, where)
        incoming = (sign > 0) != entry.reversal
        if tx.counterparty is not None:
            self._counterparty(el, tx.counterparty, "Dbtr" if incoming else "Cdtr", f"{where}.counterparty")
        self._remittance(el, tx, currency, where)
        if tx.date is not None:
            self._sub(self._sub(el, "RltdDts"), "IntrBkSttlmDt", tx.date.isoformat())
        if tx.return_reason is not None:
            reason = self._sub(self._sub(el, "RtrInf"), "Rsn")
            self._sub(reason, "Cd", _text(tx.return_reason, 4, f"{where}.return_reason"))
        if tx.additional_info is not None:
            self._sub(el, "AddtlTxInf", _text(tx.additional_info, 500, f"{where}.additional_info"))

    def _charges(self, parent: etree._Element, charges: tuple[Charge, ...], where: str) -> None:
        holder = self._sub(parent, "Chrgs") if self.v08 else None
        for n, charge in enumerate(charges, 1):
            here = f"{where}.charges[{n}]"
            rec = self._sub(holder, "Rcrd") if holder is not None else self._sub(parent, "Chrgs")
            self._amount(rec, "Amt", charge.amount, charge.currency, here)
            self._sub(rec, "CdtDbtInd", _indicator(charge.amount))
            if charge.included is not None:
                if not self.v08:
                    raise CamtWriteError(f"{here}.included has no place in {self.format_id}")
                self._sub(rec, "ChrgInclInd", "true" if charge.included else "false")
            if charge.type_code is not None:
                tp = self._sub(rec, "Tp")
                code = _text(charge.type_code, 35, f"{here}.type_code")
                if (len(code) <= 4) if self.v08 else (code in _CHARGE_CODES_02):
                    self._sub(tp, "Cd", code)
                else:
                    self._sub(self._sub(tp, "Prtry"), "Id", code)
            if charge.bearer is not None:
                if charge.bearer not in _CHARGE_BEARERS:
                    raise CamtWriteError(f"{here}.bearer {charge.bearer!r} is not one of {sorted(_CHARGE_BEARERS)}")
                self._sub(rec, "Br", charge.bearer)

    def _counterparty(self, parent: etree._Element, party: Counterparty, side: str, where: str) -> None:
        if party.name is not None or party.organisation_id is not None or party.account is not None:
            parties = self._sub(parent, "RltdPties")
            if party.name is not None or party.organisation_id is not None:
                holder = self._sub(parties, side)
                if self.v08:
                    holder = self._sub(holder, "Pty")
                if party.name is not None:
                    self._sub(holder, "Nm", _text(party.name, 140, f"{where}.name"))
                if party.organisation_id is not None:
                    other = self._sub(self._sub(self._sub(holder, "Id"), "OrgId"), "Othr")
                    self._sub(other, "Id", _text(party.organisation_id, 35, f"{where}.organisation_id"))
            if party.account is not None:
                self._account_id(self._sub(parties, side + "Acct"), party.iban, party.bban, where)
        if party.bic is not None:
            self._agent(self._sub(self._sub(parent, "RltdAgts"), side + "Agt"), party.bic, f"{where}.bic")

    def _remittance(self, parent: etree._Element, tx: Transaction, currency: str, where: str) -> None:
        if not (tx.remittance_lines or tx.creditor_references or tx.referred_documents):
            return
        rmt = self._sub(parent, "RmtInf")
        for n, line in enumerate(tx.remittance_lines, 1):
            self._sub(rmt, "Ustrd", _text(line, 140, f"{where}.remittance_lines[{n}]", required=True))
        for n, ref in enumerate(tx.creditor_references, 1):
            here = f"{where}.creditor_references[{n}]"
            info = self._sub(self._sub(rmt, "Strd"), "CdtrRefInf")
            if ref.type_code is not None:
                tp = self._sub(info, "Tp")
                choice = self._sub(tp, "CdOrPrtry")
                code = _text(ref.type_code, 35, f"{here}.type_code")
                self._sub(choice, "Cd" if code in _CREDITOR_REF_CODES else "Prtry", code)
                if ref.issuer is not None:
                    self._sub(tp, "Issr", _text(ref.issuer, 35, f"{here}.issuer"))
            elif ref.issuer is not None:
                raise CamtWriteError(f"{here}.issuer needs a type_code")
            self._sub(info, "Ref", _text(ref.ref, 35, f"{here}.ref", required=True))
        codes = _DOCUMENT_CODES_08 if self.v08 else _DOCUMENT_CODES_02
        for n, doc in enumerate(tx.referred_documents, 1):
            here = f"{where}.referred_documents[{n}]"
            strd = self._sub(rmt, "Strd")
            if doc.number is not None or doc.type_code is not None or doc.date is not None:
                info = self._sub(strd, "RfrdDocInf")
                if doc.type_code is not None:
                    code = _text(doc.type_code, 35, f"{here}.type_code")
                    self._sub(self._sub(self._sub(info, "Tp"), "CdOrPrtry"), "Cd" if code in codes else "Prtry", code)
                if doc.number is not None:
                    self._sub(info, "Nb", _text(doc.number, 35, f"{here}.number"))
                if doc.date is not None:
                    self._sub(info, "RltdDt", doc.date.isoformat())
            elif doc.amount is None:
                raise CamtWriteError(f"{here} is empty")
            if doc.amount is not None:
                name = "CdtNoteAmt" if doc.amount.is_signed() else "RmtdAmt"
                self._amount(self._sub(strd, "RfrdDocAmt"), name, abs(doc.amount), doc.currency or currency, here)

    # -- values -------------------------------------------------------------------------------

    def _sub(self, parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
        el = etree.SubElement(parent, self._q + name)
        if text is not None:
            el.text = text
        return el

    def _amount(self, parent: etree._Element, name: str, amount: Decimal, currency: str, where: str) -> None:
        el = self._sub(parent, name, _amount_text(amount, where))
        el.set("Ccy", _currency(currency, f"{where}.currency"))

    def _date_choice(self, parent: etree._Element, name: str, day: date | None, moment: datetime | None, where: str) -> None:
        el = self._sub(parent, name)
        if moment is not None:
            if day is not None and day != moment.date():
                raise CamtWriteError(f"{where}: date {day} and datetime {moment} disagree")
            self._sub(el, "DtTm", _datetime(moment))
        else:
            self._sub(el, "Dt", day.isoformat())  # type: ignore[union-attr]


def _indicator(amount: Decimal) -> str:
    return "DBIT" if amount.is_signed() else "CRDT"  # -0.00 is a zero debit


def _amount_text(amount: Decimal, where: str) -> str:
    if not amount.is_finite():
        raise CamtWriteError(f"{where}: amount {amount} is not a number")
    value = abs(amount)
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -5:
        raise CamtWriteError(f"{where}: amount {amount} has more than 5 decimals")
    text = format(value, "f")
    if len(text.replace(".", "").lstrip("0")) > 18:
        raise CamtWriteError(f"{where}: amount {amount} has more than 18 digits")
    return text


def _rate(rate: Decimal, where: str) -> str:
    exponent = rate.as_tuple().exponent
    text = format(rate, "f")
    if rate.is_signed() or (isinstance(exponent, int) and exponent < -10) or len(text.replace(".", "").lstrip("0")) > 11:
        raise CamtWriteError(f"{where}: {rate} is not a rate of at most 11 digits, 10 decimals")
    return text


def _currency(code: str | None, where: str) -> str:
    if code is None or not _CURRENCY.fullmatch(code):
        raise CamtWriteError(f"{where} {code!r} is not a three-letter currency code")
    return code


def _datetime(moment: datetime) -> str:
    return moment.isoformat()


def _text(value: str | None, max_length: int, where: str, required: bool = False) -> str:
    if value is None:
        if required:
            raise CamtWriteError(f"{where} is required")
        return None  # type: ignore[return-value]
    if not 1 <= len(value) <= max_length:
        raise CamtWriteError(f"{where} must be 1-{max_length} characters, has {len(value)}")
    if value != value.strip():
        # Readers strip surrounding blanks, so such text would not read back as written.
        raise CamtWriteError(f"{where} {value!r} has leading or trailing blanks")
    return value
