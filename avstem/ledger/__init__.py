"""The ledger: chart of accounts, VAT codes, vouchers, customers and suppliers, invoices,
open items with settlement, and the reports a bookkeeper signs (trial balance, general ledger,
open items with aging).

Money is integer øre everywhere inside; `money.py` converts at the edges.
"""
