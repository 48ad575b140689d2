"""Signing a period off (R5 report): a bookkeeper signs one account's reconciliation through a
date, with the report's figures. While the sign-off stands, the reconciliations of its lines
cannot be undone (services.undo refuses); an owner may withdraw it, which is audited."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from avstem.audit import services as audit
from avstem.banking.models import BankAccount
from avstem.ledger.auditing import actor_label

from . import report as reports
from .errors import ReconciliationError
from .models import SignOff


def period_start(account: BankAccount, through: datetime.date) -> datetime.date:
    last = (SignOff.objects.filter(bank_account=account, revoked_at__isnull=True, period_end__lt=through)
            .order_by("-period_end").first())
    return last.period_end + datetime.timedelta(days=1) if last else reports.start_date(account)


@transaction.atomic
def sign_off(actor, company, account: BankAccount, through: datetime.date, *, note: str = "") -> SignOff:
    if account.company_id != company.pk:
        raise ReconciliationError(_("The bank account does not exist in this company."))
    if not getattr(actor, "is_authenticated", False):
        raise ReconciliationError(_("A sign-off needs a person."))
    if through > timezone.localdate():
        raise ReconciliationError(_("A period can be signed off only once it has ended."))
    BankAccount.objects.select_for_update().filter(pk=account.pk).first()  # one sign-off at a time per account
    later = SignOff.objects.filter(bank_account=account, revoked_at__isnull=True, period_end__gte=through).first()
    if later is not None:
        raise ReconciliationError(_("The account is already signed off through %(date)s.")
                                  % {"date": later.period_end.strftime("%d.%m.%Y")})
    report = reports.build(account, through, chart_days=0, listed=0)
    try:
        signed = SignOff.objects.create(
            company=company, bank_account=account, period_start=period_start(account, through), period_end=through,
            signed_by=actor, signed_by_label=actor_label(actor), note=(note or "").strip()[:300],
            bank_balance=report.bank_balance, ledger_balance=report.ledger_balance,
            unreconciled_lines=report.lines_count, unreconciled_lines_sum=report.lines_sum,
            unreconciled_postings=report.postings_count, unreconciled_postings_sum=report.postings_sum,
            unexplained=report.unexplained)
    except IntegrityError:
        raise ReconciliationError(_("The account is already signed off through %(date)s.")
                                  % {"date": through.strftime("%d.%m.%Y")}) from None
    audit.record(action="reconciliation.sign_off", actor=actor, company=company, obj=signed,
                 changes={"period": [None, str(signed)], "unexplained": [None, signed.unexplained],
                          "bank_balance": [None, signed.bank_balance], "ledger_balance": [None, signed.ledger_balance]},
                 summary=str(account))
    return signed


@transaction.atomic
def revoke(actor, company, sign_off_id: int) -> SignOff:
    signed = SignOff.objects.select_for_update().filter(company=company, pk=sign_off_id).first()
    if signed is None:
        raise ReconciliationError(_("The sign-off does not exist in this company."))
    if signed.revoked_at is not None:
        raise ReconciliationError(_("The sign-off was withdrawn already."))
    signed.revoked_at, signed.revoked_by = timezone.now(), actor if getattr(actor, "is_authenticated", False) else None
    signed.save(update_fields=["revoked_at", "revoked_by"])
    audit.record(action="reconciliation.sign_off_revoke", actor=actor, company=company, obj=signed,
                 summary=str(signed.bank_account))
    return signed
