"""Bank lines for the rest of the program: reading them (reconciliation, issue 7), creating them by
hand (R5.2, within the rules of R3.8) and removing wrong ones (R5.4, soft delete, audited).

Reading, for the reconciliation engine:

    lines(account, first=None, last=None)             live lines (not removed), by date
    unreconciled(company_or_account)                  live booked lines not yet reconciled
    details_of(line) / line.details.all()             transaction level (KID, end-to-end id, ...)
    balances(account, first, last)                    DailyBalance rows (opening/closing/available)
    closing_balance(account, on)                      the bank's booked balance at the end of a day
    mark_reconciled(line, ...) / mark_unreconciled(line, ...)
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from avstem.audit import services as audit

from .agreements import manual_line_problem
from .models import (
    BankAccount,
    BankLine,
    BankLineDetail,
    DailyBalance,
    LineStatus,
    ReconciliationStatus,
    Source,
)

LINE_FIELDS = ("date", "amount", "description", "counterparty_name", "status", "source", "deleted_at",
               "delete_reason", "reconciliation_status")


class LineError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


# --- reading ---------------------------------------------------------------------------------------


def lines(account: BankAccount, first: datetime.date | None = None, last: datetime.date | None = None,
          *, include_removed: bool = False) -> QuerySet[BankLine]:
    query = BankLine.objects.filter(bank_account=account)
    if not include_removed:
        query = query.filter(deleted_at__isnull=True)
    if first is not None:
        query = query.filter(date__gte=first)
    if last is not None:
        query = query.filter(date__lte=last)
    return query.order_by("date", "id")


def unreconciled(owner) -> QuerySet[BankLine]:
    """Booked, live lines not yet reconciled, of a company or of one bank account."""
    query = BankLine.objects.filter(deleted_at__isnull=True, status=LineStatus.BOOKED,
                                    reconciliation_status=ReconciliationStatus.UNRECONCILED)
    if isinstance(owner, BankAccount):
        return query.filter(bank_account=owner).order_by("date", "id")
    return query.filter(company=owner).order_by("bank_account_id", "date", "id")


def details_of(line: BankLine) -> QuerySet[BankLineDetail]:
    return line.details.order_by("n")


def balances(account: BankAccount, first: datetime.date, last: datetime.date) -> QuerySet[DailyBalance]:
    return DailyBalance.objects.filter(bank_account=account, date__range=(first, last)).order_by("date")


def closing_balance(account: BankAccount, on: datetime.date) -> int | None:
    """The bank's booked balance at the end of `on` (the latest day stored on or before it)."""
    row = (DailyBalance.objects.filter(bank_account=account, date__lte=on, closing_booked__isnull=False)
           .order_by("-date").first())
    return row.closing_booked if row else None


# --- changing ------------------------------------------------------------------------------------


@transaction.atomic
def create_manual_line(actor, account: BankAccount, *, date: datetime.date, amount: int, text: str,
                       counterparty: str = "") -> BankLine:
    """A bank line entered by hand (R5.2), e.g. for days before a bank agreement starts."""
    if amount == 0:
        raise LineError(_("The amount cannot be zero."), "amount")
    if date < account.company.conversion_date:
        raise LineError(_("The date is before the conversion date %(date)s.")
                        % {"date": account.company.conversion_date.strftime("%d.%m.%Y")}, "date")
    problem = manual_line_problem(account, date)
    if problem:
        raise LineError(problem, "date")
    line = BankLine.objects.create(
        company_id=account.company_id, bank_account=account, status=LineStatus.BOOKED, amount=amount,
        currency=account.currency, date=date, booking_date=date, description=text.strip()[:500],
        counterparty_name=counterparty.strip()[:200], source=Source.MANUAL, sources=Source.MANUAL, created_by=actor)
    audit.record(action="bank_line.create", actor=actor, company=account.company, obj=line,
                 changes=audit.diff({}, audit.snapshot(line, LINE_FIELDS)))
    return line


@transaction.atomic
def remove_line(actor, line: BankLine, reason: str) -> BankLine:
    """R5.4: remove a wrongly registered line. It stays in the database (so a re-import does not
    bring it back) and in the audit log; a reconciled line must be unreconciled first."""
    line = BankLine.objects.select_for_update().get(pk=line.pk)
    reason = (reason or "").strip()
    if not reason:
        raise LineError(_("Give a reason for removing the line."), "reason")
    if line.deleted_at is not None:
        raise LineError(_("The line was removed already."))
    if line.reconciliation_status == ReconciliationStatus.RECONCILED:
        raise LineError(_("The line is reconciled. Undo the reconciliation first, then remove it."))
    before = audit.snapshot(line, LINE_FIELDS)
    line.deleted_at, line.deleted_by, line.delete_reason = timezone.now(), actor, reason[:300]
    line.save(update_fields=["deleted_at", "deleted_by", "delete_reason", "updated_at"])
    audit.record(action="bank_line.remove", actor=actor, company=line.bank_account.company, obj=line,
                 changes=audit.diff(before, audit.snapshot(line, LINE_FIELDS)), summary=reason[:300])
    return line


@transaction.atomic
def restore_line(actor, line: BankLine) -> BankLine:
    line = BankLine.objects.select_for_update().get(pk=line.pk)
    if line.deleted_at is None:
        return line
    before = audit.snapshot(line, LINE_FIELDS)
    line.deleted_at, line.deleted_by, line.delete_reason, line.dropped_by_bank = None, None, "", False
    line.save(update_fields=["deleted_at", "deleted_by", "delete_reason", "dropped_by_bank", "updated_at"])
    audit.record(action="bank_line.restore", actor=actor, company=line.bank_account.company, obj=line,
                 changes=audit.diff(before, audit.snapshot(line, LINE_FIELDS)))
    return line


def _set_reconciliation(line: BankLine, status: str, actor, job: str) -> BankLine:
    line = BankLine.objects.select_for_update().get(pk=line.pk)
    if line.deleted_at is not None:
        raise LineError(_("A removed line cannot be reconciled."))
    if line.reconciliation_status != status:
        before = line.reconciliation_status
        line.reconciliation_status = status
        line.save(update_fields=["reconciliation_status", "updated_at"])
        audit.record(action=f"bank_line.{status}", actor=actor, job=job, company=line.bank_account.company,
                     obj=line, changes={"reconciliation_status": [before, status]})
    return line


@transaction.atomic
def mark_reconciled(line: BankLine, *, actor=None, job: str = "") -> BankLine:
    """For issue 7 (reconciliation), inside its own transaction that pairs the line."""
    return _set_reconciliation(line, ReconciliationStatus.RECONCILED, actor, job)


@transaction.atomic
def mark_unreconciled(line: BankLine, *, actor=None, job: str = "") -> BankLine:
    return _set_reconciliation(line, ReconciliationStatus.UNRECONCILED, actor, job)
