"""Names of the engine's evidence kinds as a bookkeeper reads them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

KIND_LABELS = {
    "end_to_end": _("Our payment (end-to-end id)"),
    "payment_batch": _("Our payment batch"),
    "kid": _("KID"),
    "kid_multi": _("Several KIDs"),
    "text_reference": _("Reference in the text"),
    "fee_deducted": _("Fee deducted"),
    "ledger_posting": _("Posting in the ledger"),
    "own_transfer": _("Transfer between own accounts"),
    "amount_party": _("Amount and payer"),
    "subset_sum": _("Several invoices"),
    "partial": _("Partial payment"),
    "overpayment": _("Over-payment"),
    "duplicate": _("Possible double payment"),
    "rule": _("Bank rule"),
    "learned": _("Learned suggestion"),
    "mixed": _("Several kinds"),
}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind or "–"))
