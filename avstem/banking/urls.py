from django.urls import path

from . import views

app_name = "banking"

P = "c/<int:company_id>/settings/bank-accounts/"

urlpatterns = [
    path(P, views.bank_accounts, name="bank_accounts"),
    path(P + "new/", views.bank_account_new, name="bank_account_new"),
    path(P + "lookup/", views.lookup, name="lookup"),
    path(P + "gl-suggestion/", views.gl_suggestion, name="gl_suggestion"),
    path(P + "<int:bank_account_id>/", views.bank_account_edit, name="bank_account_edit"),
]
