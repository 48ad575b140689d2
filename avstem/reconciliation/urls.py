from django.urls import path

from . import views

app_name = "reconciliation"

P = "c/<int:company_id>/reconciliation/"
A = P + "accounts/<int:bank_account_id>/"

urlpatterns = [
    path(P, views.index, name="index"),
    path(A, views.screen, name="screen"),
    path(A + "bank/", views.bank_side, name="bank_side"),
    path(A + "ledger/", views.ledger_side, name="ledger_side"),
    path(A + "selection/", views.selection, name="selection"),
    path(A + "reconcile/", views.reconcile, name="reconcile"),
    path(A + "accept/", views.accept, name="accept"),
    path(A + "run/", views.run_now, name="run"),
    path(A + "report/", views.report_view, name="report"),
    path(A + "sign-off/", views.sign, name="sign_off"),
    path(P + "sign-offs/<int:sign_off_id>/revoke/", views.revoke_sign_off, name="revoke_sign_off"),
    path(P + "lines/<int:bank_line_id>/post/", views.post_line, name="post_line"),
    path(P + "reconciliations/<int:reconciliation_id>/", views.reconciliation, name="reconciliation"),
    path(P + "reconciliations/<int:reconciliation_id>/undo/", views.undo, name="undo"),
    path(P + "rules/", views.rule_list, name="rules"),
    path(P + "rules/new/", views.rule_new, name="rule_new"),
    path(P + "rules/<int:rule_id>/", views.rule_edit, name="rule_edit"),
    path(P + "rules/<int:rule_id>/delete/", views.rule_delete, name="rule_delete"),
    path(P + "rules/<int:rule_id>/move/", views.rule_move, name="rule_move"),
    path(P + "automation/", views.automation_settings, name="automation"),
]
