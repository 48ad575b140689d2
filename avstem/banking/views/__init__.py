"""The bank context's pages, one module per area."""

from .accounts import bank_account_edit, bank_account_new, bank_accounts, gl_suggestion, lookup

__all__ = ["bank_account_edit", "bank_account_new", "bank_accounts", "gl_suggestion", "lookup"]
