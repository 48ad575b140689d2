"""Bank file formats: camt.052/053/054 and pain.002 in, pain.001 out, Nets OCR in.

Pure Python (lxml, netsgiro); no Django import.
"""

from avstem.formats.errors import FormatError, InvalidContent, MalformedFile, UnsupportedMessage
from avstem.formats.model import (
    Account,
    Balance,
    BankTransactionCode,
    Batch,
    Charge,
    Consistency,
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
from avstem.norway.kid import KID, InvalidKid, KidAlgorithm

__all__ = [
    "KID",
    "Account",
    "Balance",
    "BankTransactionCode",
    "Batch",
    "Charge",
    "Consistency",
    "Counterparty",
    "CreditorReference",
    "Document",
    "Entry",
    "EntryDetails",
    "EntryStatus",
    "FormatError",
    "InstructedAmount",
    "InvalidContent",
    "InvalidKid",
    "KidAlgorithm",
    "MalformedFile",
    "Pagination",
    "ParseWarning",
    "ReferredDocument",
    "References",
    "Statement",
    "Transaction",
    "UnsupportedMessage",
]
