"""Typed, immutable payment objects: what a pain.001 carries out and a pain.002 brings back.

Everything is validated when it is constructed, so an object that exists can be written: a
`PaymentError` names the field and the problem. All identifiers are given by the caller, so
writing the same order twice (a retry) gives the same ids.

Pure Python, no Django. The ISO external code sets are read from the reference folder when it
is there (`AVSTEM_REFERENCE_DIR`, default `../shared/reference` beside the repository); without
it, codes are checked for shape only and reasons are shown by code alone.
"""

from __future__ import annotations

import enum
import functools
import json
import os
import re
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from stdnum.no import kontonr, orgnr

from avstem.norway.kid import KID, InvalidKid

__all__ = [
    "AccountId",
    "ChargeBearer",
    "CreditTransfer",
    "DuplicateId",
    "OriginalGroupStatus",
    "PaymentBlock",
    "PaymentError",
    "PaymentInformationStatus",
    "PaymentOrder",
    "PostalAddress",
    "StatusReason",
    "StatusReport",
    "TransactionStatus",
    "check_text",
    "external_code_set",
    "format_amount",
    "minor_units",
    "reference_dir",
    "status_reason_meaning",
]


class PaymentError(ValueError):
    """Payment content that cannot be written or makes no sense; `field` names where."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


class DuplicateId(PaymentError):
    """An identifier used twice in one message (they are matching keys and must be unique)."""


# --- reference data ---------------------------------------------------------------------------


def reference_dir() -> Path:
    """The shared reference folder (official XSDs and code sets); it may not exist."""
    env = os.environ.get("AVSTEM_REFERENCE_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2].parent / "shared" / "reference"


@functools.cache
def _load_code_set(path: str) -> Mapping[str, str] | None:
    try:
        with open(path, encoding="utf-8") as fh:
            codes = json.load(fh).get("codes")
    except (OSError, ValueError, AttributeError):
        return None
    return dict(codes) if isinstance(codes, dict) else None


def external_code_set(name: str) -> Mapping[str, str] | None:
    """Code -> meaning of an ISO external code set, e.g. "status_reason"; None when absent."""
    path = reference_dir() / "iso20022" / "external-code-sets" / f"external_{name}_code.json"
    return _load_code_set(str(path))


def status_reason_meaning(code: str | None) -> str | None:
    """The ISO meaning of a status reason code (AC01 ...), or None when unknown/unavailable."""
    if not code:
        return None
    codes = external_code_set("status_reason")
    return codes.get(code) if codes else None


# --- characters and text ------------------------------------------------------------------------

# EPC/SWIFT basic Latin: the only characters allowed in SEPA and cross-border payments.
BASIC_LATIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-?:().,'+ ")
# Domestic Norwegian payments also allow these (BSK appendix, see FORMATS.md). Only the listed
# forms: upper-case variants of the accented letters are not in the list, so a bank may refuse them.
NORWEGIAN_EXTRA = frozenset("æøåÆØÅáäçđéíóöúüýß%&=@§")
NORWEGIAN = BASIC_LATIN | NORWEGIAN_EXTRA
_ID_CHARS = BASIC_LATIN - {" "}


def check_text(field_name: str, value: object, *, max_length: int, domestic: bool = True,
               optional: bool = False) -> str | None:
    """Validate a free-text field (type, length, allowed characters); returns it stripped."""
    if value is None:
        if optional:
            return None
        raise PaymentError(field_name, "is required")
    if not isinstance(value, str):
        raise PaymentError(field_name, f"must be text, got {type(value).__name__}")
    value = value.strip()
    if not value:
        raise PaymentError(field_name, "must not be empty")
    if len(value) > max_length:
        raise PaymentError(field_name, f"is {len(value)} characters, at most {max_length} allowed")
    allowed = NORWEGIAN if domestic else BASIC_LATIN
    bad = sorted({ch for ch in value if ch not in allowed})
    if bad:
        where = "a domestic Norwegian payment" if domestic else "a SEPA or cross-border payment"
        shown = ", ".join(repr(ch) for ch in bad)
        raise PaymentError(field_name, f"character(s) {shown} not allowed in {where}")
    return value


def check_id(field_name: str, value: object, *, optional: bool = False) -> str | None:
    """Identifiers (Max35Text): basic Latin without spaces; never start/end with '/' or hold '//'."""
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value:
        raise PaymentError(field_name, "is required (1-35 characters)")
    if len(value) > 35:
        raise PaymentError(field_name, f"is {len(value)} characters, at most 35 allowed")
    bad = sorted({ch for ch in value if ch not in _ID_CHARS})
    if bad:
        shown = ", ".join(repr(ch) for ch in bad)
        raise PaymentError(field_name, f"character(s) {shown} not allowed in an identifier")
    if value.startswith("/") or value.endswith("/") or "//" in value:
        raise PaymentError(field_name, "must not start or end with '/' or contain '//'")
    return value


_CODE_RE = re.compile(r"[A-Z0-9]{1,4}")


def _check_code(field_name: str, value: object, code_set: str | None = None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _CODE_RE.fullmatch(value):
        raise PaymentError(field_name, f"{value!r} is not a code of 1-4 capital letters or digits")
    known = external_code_set(code_set) if code_set else None
    if known is not None and value not in known:
        raise PaymentError(field_name, f"{value!r} is not in the ISO external {code_set} code set")
    return value


# --- money ---------------------------------------------------------------------------------------

# ISO 4217 currencies whose minor unit is not 2 decimals.
_MINOR_UNITS = {
    **dict.fromkeys("BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF".split(), 0),
    **dict.fromkeys("BHD IQD JOD KWD LYD OMR TND".split(), 3),
    "CLF": 4,
    "UYW": 4,
}
_CURRENCY_RE = re.compile(r"[A-Z]{3}")


def minor_units(currency: str) -> int:
    """Decimals of a currency's amounts (NOK 2, JPY 0, KWD 3)."""
    return _MINOR_UNITS.get(currency, 2)


def format_amount(amount: Decimal, currency: str) -> str:
    """Amount with exactly the currency's number of decimals, e.g. NOK 10 -> "10.00"."""
    return f"{amount.quantize(Decimal(1).scaleb(-minor_units(currency))):f}"


def _check_amount(field_name: str, amount: object, currency: str) -> Decimal:
    if isinstance(amount, bool) or isinstance(amount, float):
        raise PaymentError(field_name, "must be a Decimal (never float)")
    if isinstance(amount, int | str):
        try:
            amount = Decimal(amount)
        except InvalidOperation:
            raise PaymentError(field_name, f"{amount!r} is not a number") from None
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise PaymentError(field_name, f"{amount!r} is not a finite Decimal")
    if amount <= 0:
        raise PaymentError(field_name, f"must be positive, got {amount}")
    decimals = minor_units(currency)
    if amount != amount.quantize(Decimal(1).scaleb(-decimals)):
        raise PaymentError(field_name, f"{amount} has more than {decimals} decimals for {currency}")
    if len(format_amount(amount, currency).replace(".", "")) > 18:
        raise PaymentError(field_name, f"{amount} has more than 18 digits")
    return amount


def _check_currency(field_name: str, currency: object) -> str:
    if not isinstance(currency, str) or not _CURRENCY_RE.fullmatch(currency):
        raise PaymentError(field_name, f"{currency!r} is not an ISO 4217 currency code")
    return currency


_BIC_RE = re.compile(r"[A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?")


def _check_bic(field_name: str, bic: object) -> str | None:
    if bic is None:
        return None
    if not isinstance(bic, str) or not _BIC_RE.fullmatch(bic):
        raise PaymentError(field_name, f"{bic!r} is not a BIC (8 or 11 characters)")
    return bic


def _set(obj: object, name: str, value: Any) -> None:
    object.__setattr__(obj, name, value)


# --- parties and accounts ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountId:
    """An account: an 11-digit Norwegian BBAN (written as Othr/Id + SchmeNm/Cd=BBAN) or an IBAN."""

    iban: str | None = None
    bban: str | None = None

    def __post_init__(self) -> None:
        if (self.iban is None) == (self.bban is None):
            raise PaymentError("account", "give exactly one of IBAN and BBAN")
        if self.bban is not None:
            _set(self, "bban", _check_bban(self.bban))
        else:
            _set(self, "iban", _check_iban(self.iban))

    @classmethod
    def from_bban(cls, bban: str) -> AccountId:
        return cls(bban=bban)

    @classmethod
    def from_iban(cls, iban: str) -> AccountId:
        return cls(iban=iban)

    @property
    def country(self) -> str:
        return "NO" if self.bban else str(self.iban)[:2]

    @property
    def is_norwegian(self) -> bool:
        return self.country == "NO"

    def __str__(self) -> str:
        return str(self.bban or self.iban)


def _check_bban(value: object) -> str:
    if not isinstance(value, str):
        raise PaymentError("account.bban", f"must be text, got {type(value).__name__}")
    digits = value.replace(" ", "").replace(".", "")
    # stdnum also accepts 7-digit postgiro numbers and strips leading zeros: demand 11 digits.
    if not (len(digits) == 11 and digits.isascii() and digits.isdigit()):
        raise PaymentError("account.bban", f"{value!r} is not an 11-digit Norwegian account number")
    if digits.startswith("0000"):
        raise PaymentError("account.bban", f"{value!r} has no bank registration number")
    if not kontonr.is_valid(digits):
        raise PaymentError("account.bban", f"{value!r} fails the MOD11 check digit")
    return digits


def _check_iban(value: object) -> str:
    from schwifty import IBAN
    from schwifty.exceptions import SchwiftyException

    if not isinstance(value, str):
        raise PaymentError("account.iban", f"must be text, got {type(value).__name__}")
    compact = value.replace(" ", "").upper()
    norwegian = compact.startswith("NO")
    try:
        with warnings.catch_warnings():  # "no national checksum for SE" is not our problem
            warnings.simplefilter("ignore")
            # Norwegian BBANs get the same check as a bare BBAN (schwifty's NO rule differs
            # from stdnum's for account group 00), so an account is valid in both forms or neither.
            IBAN(compact, validate_bban=not norwegian)
    except (SchwiftyException, ValueError) as exc:
        raise PaymentError("account.iban", f"{value!r} is not a valid IBAN ({exc})") from None
    if norwegian:
        try:
            _check_bban(compact[4:])
        except PaymentError as exc:
            raise PaymentError("account.iban", f"{value!r}: {exc.message}") from None
    return compact


@dataclass(frozen=True, slots=True, kw_only=True)
class PostalAddress:
    """Structured postal address (PostalAddress6/24); all parts optional, at least one given."""

    street_name: str | None = None
    building_number: str | None = None
    post_code: str | None = None
    town_name: str | None = None
    country: str | None = None
    address_lines: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Surrounding blanks carry no meaning and do not survive a round trip: strip them.
        for name in ("street_name", "building_number", "post_code", "town_name"):
            value = getattr(self, name)
            if isinstance(value, str):
                _set(self, name, value.strip())
        _set(self, "address_lines", tuple(v.strip() if isinstance(v, str) else v
                                          for v in self.address_lines))
        if not any((self.street_name, self.building_number, self.post_code, self.town_name,
                    self.country, self.address_lines)):
            raise PaymentError("address", "is empty")
        if self.country is not None and not (
            isinstance(self.country, str) and re.fullmatch(r"[A-Z]{2}", self.country)
        ):
            raise PaymentError("address.country", f"{self.country!r} is not a 2-letter country code")
        if len(self.address_lines) > 7:
            raise PaymentError("address.address_lines", "at most 7 lines")

    def validate_text(self, prefix: str, domestic: bool) -> None:
        for name, limit in (("street_name", 70), ("building_number", 16), ("post_code", 16),
                            ("town_name", 35)):
            check_text(f"{prefix}.{name}", getattr(self, name), max_length=limit,
                       domestic=domestic, optional=True)
        for i, line in enumerate(self.address_lines):
            check_text(f"{prefix}.address_lines[{i}]", line, max_length=70, domestic=domestic)


class ChargeBearer(enum.StrEnum):
    SLEV = "SLEV"  # following the service level (SEPA)
    SHAR = "SHAR"  # shared
    DEBT = "DEBT"  # all charges paid by the debtor
    CRED = "CRED"  # all charges paid by the creditor


# --- pain.001 content ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class CreditTransfer:
    """One payment (CdtTrfTxInf). A KID or a free-text message, never both."""

    end_to_end_id: str
    amount: Decimal
    creditor_name: str
    creditor_account: AccountId
    currency: str = "NOK"
    instruction_id: str | None = None
    creditor_address: PostalAddress | None = None
    creditor_agent_bic: str | None = None
    charge_bearer: ChargeBearer | None = None
    kid: KID | None = None
    message: str | None = None
    purpose: str | None = None

    def __post_init__(self) -> None:
        check_id("end_to_end_id", self.end_to_end_id)
        check_id("instruction_id", self.instruction_id, optional=True)
        _check_currency("currency", self.currency)
        _set(self, "amount", _check_amount("amount", self.amount, self.currency))
        if not isinstance(self.creditor_account, AccountId):
            raise PaymentError("creditor_account", "must be an AccountId")
        if self.creditor_account.bban and self.currency != "NOK":
            raise PaymentError("creditor_account",
                               f"a BBAN is for domestic NOK payments; use IBAN + BIC for {self.currency}")
        _check_bic("creditor_agent_bic", self.creditor_agent_bic)
        if not self.creditor_account.is_norwegian and self.creditor_agent_bic is None:
            raise PaymentError("creditor_agent_bic", "is required for a payment abroad")
        domestic = self.is_domestic
        _set(self, "creditor_name", check_text("creditor_name", self.creditor_name, max_length=140,
                                               domestic=domestic))
        if self.creditor_address is not None:
            if not isinstance(self.creditor_address, PostalAddress):
                raise PaymentError("creditor_address", "must be a PostalAddress")
            self.creditor_address.validate_text("creditor_address", domestic)
        if self.charge_bearer is not None:
            try:
                _set(self, "charge_bearer", ChargeBearer(self.charge_bearer))
            except ValueError:
                raise PaymentError("charge_bearer",
                                   f"{self.charge_bearer!r} is not SLEV, SHAR, DEBT or CRED") from None
        if self.kid is not None and self.message is not None:
            raise PaymentError("kid", "a payment carries either a KID or a message, not both")
        if self.kid is not None:
            _set(self, "kid", _check_kid(self.kid))
        _set(self, "message", check_text("message", self.message, max_length=140, domestic=domestic,
                                         optional=True))
        _check_code("purpose", self.purpose, "purpose")

    @property
    def is_domestic(self) -> bool:
        """A NOK payment to a Norwegian account: the Norwegian character set applies."""
        return self.currency == "NOK" and self.creditor_account.is_norwegian


def _check_kid(value: object) -> KID:
    try:
        kid = value if isinstance(value, KID) else KID.parse(str(value))
        return kid.validate()
    except InvalidKid as exc:
        raise PaymentError("kid", str(exc)) from None


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentBlock:
    """A batch of payments from one debtor account on one execution date (PmtInf)."""

    payment_information_id: str
    debtor_name: str
    debtor_account: AccountId
    requested_execution_date: date
    transactions: tuple[CreditTransfer, ...]
    debtor_agent_bic: str | None = None
    category_purpose: str | None = None
    service_level: str | None = None
    batch_booking: bool | None = None

    def __post_init__(self) -> None:
        check_id("payment_information_id", self.payment_information_id)
        _set(self, "debtor_name", check_text("debtor_name", self.debtor_name, max_length=140))
        if not isinstance(self.debtor_account, AccountId):
            raise PaymentError("debtor_account", "must be an AccountId")
        _check_bic("debtor_agent_bic", self.debtor_agent_bic)
        if not isinstance(self.requested_execution_date, date) or isinstance(
            self.requested_execution_date, datetime
        ):
            raise PaymentError("requested_execution_date", "must be a date")
        _check_code("category_purpose", self.category_purpose, "category_purpose")
        _check_code("service_level", self.service_level, "service_level")
        if self.batch_booking is not None and not isinstance(self.batch_booking, bool):
            raise PaymentError("batch_booking", "must be True, False or None")
        _set(self, "transactions", tuple(self.transactions))
        if not self.transactions:
            raise PaymentError("transactions", f"payment block {self.payment_information_id} is empty")
        for tx in self.transactions:
            if not isinstance(tx, CreditTransfer):
                raise PaymentError("transactions", "must hold CreditTransfer objects")

    @property
    def number_of_transactions(self) -> int:
        return len(self.transactions)

    @property
    def control_sum(self) -> Decimal:
        return sum((tx.amount for tx in self.transactions), Decimal(0))


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentOrder:
    """A whole pain.001 message: group header plus payment blocks."""

    message_id: str
    creation_time: datetime
    initiating_party_name: str
    payment_blocks: tuple[PaymentBlock, ...]
    initiating_party_org_number: str | None = None
    # Scheme of the initiating party's id; Norwegian MIGs mostly use CUST, some BANK.
    initiating_party_id_scheme: str = "CUST"

    def __post_init__(self) -> None:
        check_id("message_id", self.message_id)
        if not isinstance(self.creation_time, datetime):
            raise PaymentError("creation_time", "must be a datetime")
        offset = self.creation_time.utcoffset()
        if offset is not None and (offset % timedelta(minutes=1) or abs(offset) > timedelta(hours=14)):
            raise PaymentError("creation_time", f"UTC offset {offset} cannot be written in XML")
        _set(self, "initiating_party_name",
             check_text("initiating_party_name", self.initiating_party_name, max_length=140))
        if self.initiating_party_org_number is not None:
            if not (isinstance(self.initiating_party_org_number, str)
                    and re.fullmatch(r"\d{9}", self.initiating_party_org_number)
                    and orgnr.is_valid(self.initiating_party_org_number)):
                raise PaymentError("initiating_party_org_number",
                                   f"{self.initiating_party_org_number!r} is not a valid 9-digit organisation number")
        _check_code("initiating_party_id_scheme", self.initiating_party_id_scheme)
        _set(self, "payment_blocks", tuple(self.payment_blocks))
        if not self.payment_blocks:
            raise PaymentError("payment_blocks", "a payment order needs at least one payment block")
        self._check_unique()

    def _check_unique(self) -> None:
        seen: dict[str, set[str]] = {"payment_information_id": set(), "end_to_end_id": set(),
                                     "instruction_id": set()}

        def once(kind: str, value: str | None) -> None:
            if value is None:
                return
            if value in seen[kind]:
                raise DuplicateId(kind, f"{value!r} is used twice in message {self.message_id}")
            seen[kind].add(value)

        for block in self.payment_blocks:
            if not isinstance(block, PaymentBlock):
                raise PaymentError("payment_blocks", "must hold PaymentBlock objects")
            once("payment_information_id", block.payment_information_id)
            for tx in block.transactions:
                once("end_to_end_id", tx.end_to_end_id)
                once("instruction_id", tx.instruction_id)

    @property
    def number_of_transactions(self) -> int:
        return sum(block.number_of_transactions for block in self.payment_blocks)

    @property
    def control_sum(self) -> Decimal:
        return sum((block.control_sum for block in self.payment_blocks), Decimal(0))

    def transactions(self) -> Iterator[tuple[PaymentBlock, CreditTransfer]]:
        for block in self.payment_blocks:
            for tx in block.transactions:
                yield block, tx


# --- pain.002 content ----------------------------------------------------------------------------
#
# Status objects hold what a bank said, so they take any text: the reader must not lose a
# status it does not know. The pain.002 writer checks codes and lengths strictly.

# pain.002.001.03 status enumerations (in its XSD); .10 uses the external code sets instead.
GROUP_STATUS_V03 = frozenset("ACCP ACSC ACSP ACTC ACWC PART PDNG RCVD RJCT".split())
TRANSACTION_STATUS_V03 = frozenset("ACTC RJCT PDNG ACCP ACSP ACSC ACCR ACWC".split())


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusReason:
    """StsRsnInf: an ISO status reason code (or a proprietary one) plus additional text lines."""

    code: str | None = None  # Rsn/Cd, e.g. AC01
    proprietary: str | None = None  # Rsn/Prtry
    additional_info: tuple[str, ...] = ()  # AddtlInf lines, at most 105 characters each
    originator_name: str | None = None  # Orgtr/Nm

    def __post_init__(self) -> None:
        _set(self, "additional_info", tuple(self.additional_info))
        if self.code is not None and self.proprietary is not None:
            raise PaymentError("reason", "give a code or a proprietary reason, not both")

    @property
    def meaning(self) -> str | None:
        """The ISO meaning of `code` when the code set is available."""
        return status_reason_meaning(self.code)

    def describe(self) -> str:
        """'AC01 (Account number is invalid or missing.): text'; the code alone without the set."""
        head = self.code or self.proprietary or ""
        if self.meaning:
            head = f"{head} ({self.meaning})"
        return ": ".join(p for p in (head, " ".join(self.additional_info)) if p)


@dataclass(frozen=True, slots=True, kw_only=True)
class TransactionStatus:
    """TxInfAndSts: the status of one credit transfer, keyed by its original ids."""

    original_end_to_end_id: str | None = None
    original_instruction_id: str | None = None
    status: str | None = None  # TxSts: ACCP, ACSC, ACSP, RJCT, PDNG, ...
    reasons: tuple[StatusReason, ...] = ()
    status_id: str | None = None
    account_servicer_reference: str | None = None  # the bank's reference, also in camt.054
    original_amount: Decimal | None = None  # OrgnlTxRef/Amt/InstdAmt
    original_currency: str | None = None

    def __post_init__(self) -> None:
        _set(self, "reasons", tuple(self.reasons))


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentInformationStatus:
    """OrgnlPmtInfAndSts: the status of one payment block and, optionally, its transactions."""

    original_payment_information_id: str | None = None
    status: str | None = None  # PmtInfSts
    reasons: tuple[StatusReason, ...] = ()
    transactions: tuple[TransactionStatus, ...] = ()
    original_number_of_transactions: int | None = None
    original_control_sum: Decimal | None = None

    def __post_init__(self) -> None:
        _set(self, "reasons", tuple(self.reasons))
        _set(self, "transactions", tuple(self.transactions))


@dataclass(frozen=True, slots=True, kw_only=True)
class OriginalGroupStatus:
    """OrgnlGrpInfAndSts: which message this report is about, and the status of all of it."""

    original_message_id: str | None = None
    original_message_name_id: str | None = None  # "pain.001.001.03"
    status: str | None = None  # GrpSts
    reasons: tuple[StatusReason, ...] = ()
    original_creation_time: datetime | None = None
    original_number_of_transactions: int | None = None
    original_control_sum: Decimal | None = None

    def __post_init__(self) -> None:
        _set(self, "reasons", tuple(self.reasons))


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusReport:
    """A pain.002 payment status report. Any of the three levels may be missing."""

    message_id: str | None = None
    creation_time: datetime | None = None
    group: OriginalGroupStatus | None = None
    payment_informations: tuple[PaymentInformationStatus, ...] = ()
    initiating_party_name: str | None = None

    def __post_init__(self) -> None:
        _set(self, "payment_informations", tuple(self.payment_informations))

    def transaction_statuses(self) -> Iterator[tuple[PaymentInformationStatus, TransactionStatus]]:
        for pmt in self.payment_informations:
            for tx in pmt.transactions:
                yield pmt, tx

    def status_of(self, end_to_end_id: str) -> str | None:
        """The most specific status this report gives one payment, or None if it says nothing.

        A transaction entry gives its own status (else its block's, else the group's). A payment
        not listed gets the group status, unless that is PART (which says some were rejected).
        Block statuses of unlisted payments need the original order to map; see
        `PaymentInformationStatus.original_payment_information_id`.
        """
        group_status = self.group.status if self.group else None
        for pmt, tx in self.transaction_statuses():
            if tx.original_end_to_end_id == end_to_end_id:
                return tx.status or pmt.status or group_status
        return None if group_status == "PART" else group_status
