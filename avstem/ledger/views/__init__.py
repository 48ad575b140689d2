"""Ledger pages. Every view is company-scoped (`company_view`) and calls the services."""
