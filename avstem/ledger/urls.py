from django.urls import path

from .views import books, sales, statements

app_name = "ledger"

P = "c/<int:company_id>/ledger/"

urlpatterns = [
    path(P, books.overview, name="overview"),
    path(P + "accounts/", books.accounts, name="accounts"),
    path(P + "accounts/<int:account_id>/", books.account, name="account"),
    path(P + "vat-codes/", books.vat_codes, name="vat_codes"),
    path(P + "vouchers/", books.vouchers, name="vouchers"),
    path(P + "vouchers/new/", books.voucher_new, name="voucher_new"),
    path(P + "vouchers/<int:voucher_id>/", books.voucher, name="voucher"),
    path(P + "vouchers/<int:voucher_id>/reverse/", books.voucher_reverse, name="voucher_reverse"),
    path(P + "voucher-drafts/<int:draft_id>/post/", books.voucher_draft_post, name="voucher_draft_post"),
    path(P + "voucher-drafts/<int:draft_id>/delete/", books.voucher_draft_delete, name="voucher_draft_delete"),
    path(P + "attachments/<int:attachment_id>/", books.attachment, name="attachment"),
    path(P + "periods/", books.periods, name="periods"),
    path(P + "settings/", books.ledger_settings, name="settings"),
    path(P + "customers/", sales.customers, name="customers"),
    path(P + "customers/new/", sales.customer_new, name="customer_new"),
    path(P + "customers/<int:customer_id>/", sales.customer, name="customer"),
    path(P + "suppliers/", sales.suppliers, name="suppliers"),
    path(P + "suppliers/new/", sales.supplier_new, name="supplier_new"),
    path(P + "suppliers/<int:supplier_id>/", sales.supplier, name="supplier"),
    path(P + "invoices/", sales.invoices, name="invoices"),
    path(P + "invoices/new/", sales.invoice_new, name="invoice_new"),
    path(P + "invoices/<int:invoice_id>/", sales.invoice, name="invoice"),
    path(P + "invoices/<int:invoice_id>/edit/", sales.invoice_edit, name="invoice_edit"),
    path(P + "invoices/<int:invoice_id>/post/", sales.invoice_post, name="invoice_post"),
    path(P + "invoices/<int:invoice_id>/delete/", sales.invoice_delete, name="invoice_delete"),
    path(P + "invoices/<int:invoice_id>/credit/", sales.invoice_credit, name="invoice_credit"),
    path(P + "supplier-invoices/", sales.supplier_invoices, name="supplier_invoices"),
    path(P + "supplier-invoices/new/", sales.supplier_invoice_new, name="supplier_invoice_new"),
    path(P + "supplier-invoices/<int:supplier_invoice_id>/", sales.supplier_invoice, name="supplier_invoice"),
    path(P + "supplier-invoices/<int:supplier_invoice_id>/edit/", sales.supplier_invoice_edit, name="supplier_invoice_edit"),
    path(P + "supplier-invoices/<int:supplier_invoice_id>/post/", sales.supplier_invoice_post, name="supplier_invoice_post"),
    path(P + "supplier-invoices/<int:supplier_invoice_id>/delete/", sales.supplier_invoice_delete, name="supplier_invoice_delete"),
    path(P + "open-items/", statements.open_items, name="open_items"),
    path(P + "open-items/<int:open_item_id>/", statements.open_item, name="open_item"),
    path(P + "settlements/<int:settlement_id>/unsettle/", statements.unsettle, name="unsettle"),
    path(P + "reports/trial-balance/", statements.trial_balance, name="trial_balance"),
    path(P + "reports/general-ledger/", statements.general_ledger, name="general_ledger"),
]
