from django.urls import path

from . import views
from .views import agreements, bank, onboarding, wizard

app_name = "banking"

P = "c/<int:company_id>/settings/bank-accounts/"
B = "c/<int:company_id>/bank/"
L = B + "accounts/<int:bank_account_id>/statements/"

# A wizard's steps are fixed paths (reverse with company_id= and step=): no free-text parameter
# for the company-isolation walk to guess.
urlpatterns = [
    path(P, views.bank_accounts, name="bank_accounts"),
    path(P + "new/", views.bank_account_new, name="bank_account_new"),
    path(P + "lookup/", views.lookup, name="lookup"),
    path(P + "gl-suggestion/", views.gl_suggestion, name="gl_suggestion"),
    path(P + "<int:bank_account_id>/", views.bank_account_edit, name="bank_account_edit"),
    # Agreements (R2.2, R3.6-R3.9) and the API onboarding (R2)
    path(P + "agreements/", agreements.agreement_list, name="agreements"),
    path(P + "agreements/<int:agreement_id>/", agreements.agreement_detail, name="agreement"),
    path(P + "agreements/<int:agreement_id>/deactivate/", agreements.deactivate, name="agreement_deactivate"),
    path(P + "agreements/<int:agreement_id>/confirm/", agreements.confirm, name="agreement_confirm"),
    path(P + "agreements/connect/", onboarding.connect, name="connect"),  # ?bank=<BIC>
    *(path(P + f"agreements/onboarding/{s}/", onboarding.step, {"step": s}, name="onboarding")
      for s in onboarding.STEPS),
    path("bank/oauth/callback/", onboarding.oauth_callback, name="oauth_callback"),
    # The Bank menu
    path(B, bank.overview, name="overview"),
    path(B + "payments/", bank.payments, name="payments"),
    path(B + "receipts/", bank.receipts, name="receipts"),
    *(path(B + f"connect/{s}/", wizard.wizard, {"step": s}, name="wizard") for s in wizard.STEPS),
    path(B + "import/", bank.import_file, name="import"),
    path(B + "import/<int:import_id>/", bank.import_status, name="import_status"),
    path(B + "csv-layouts/", bank.csv_layouts, name="csv_layouts"),
    path(B + "agreements/<int:agreement_id>/fetch/", bank.fetch, name="fetch"),
    path(B + "runs/<int:run_id>/", bank.run_status, name="run_status"),
    path(L, bank.statements, name="statements"),
    path(L + "new/", bank.new_line, name="new_line"),
    path(L + "<int:line_id>/remove/", bank.remove_line, name="remove_line"),
    path(L + "<int:line_id>/restore/", bank.restore_line, name="restore_line"),
]
