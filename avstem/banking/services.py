"""Bank account services: validation, the R2.5 rule, default operating account; audited."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from avstem.audit import services as audit

from .lookup import bank_details
from .models import BankAccount, Kind

FIELDS = ("nickname", "kind", "account_number", "iban", "bic", "bank_name", "currency", "gl_account",
          "is_default_operating", "active")


class BankAccountError(ValueError):
    """A bank account the books cannot take; the message says why and which field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def _check(company, account: BankAccount) -> None:
    if account.gl_account.company_id != company.pk:
        raise BankAccountError(_("Choose one of the company's own GL accounts."), "gl_account")
    if not account.gl_account.active:
        raise BankAccountError(_("GL account %(gl)s is inactive.") % {"gl": account.gl_account}, "gl_account")
    if account.active:
        clash = (
            BankAccount.objects.filter(gl_account=account.gl_account, active=True).exclude(pk=account.pk).first()
        )
        if clash:
            raise BankAccountError(
                _("GL account %(gl)s is already used by the bank account %(other)s. Two bank accounts on one GL "
                  "account would mix their lines in the books and make reconciliation impossible.")
                % {"gl": account.gl_account, "other": clash},
                "gl_account",
            )
    duplicate = BankAccount.objects.filter(company=company, account_number=account.account_number).exclude(pk=account.pk)
    if duplicate.exists():
        raise BankAccountError(_("This account number is already registered."), "account_number")
    if account.is_default_operating and (account.kind != Kind.OPERATING or not account.active):
        raise BankAccountError(_("Only an active operating account can be the default operating account."),
                               "is_default_operating")


def _save(actor, company, account: BankAccount, action: str, before: dict) -> BankAccount:
    details = bank_details(account.account_number)
    account.account_number, account.iban = details.account_number, details.iban
    account.bic, account.bank_name = details.bic, details.bank_name
    _check(company, account)
    if account.is_default_operating:
        # At most one default per company: the new default takes over.
        BankAccount.objects.filter(company=company, is_default_operating=True).exclude(pk=account.pk).update(
            is_default_operating=False
        )
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError:  # a concurrent change won the race to the same GL account or number
        raise BankAccountError(_("Another change to the bank accounts came first. Try again.")) from None
    changes = audit.diff(before, audit.snapshot(account, FIELDS))
    if changes:
        audit.record(action=action, actor=actor, company=company, obj=account, changes=changes)
    return account


@transaction.atomic
def create_bank_account(actor, company, **fields) -> BankAccount:
    account = BankAccount(company=company, **fields)
    return _save(actor, company, account, "bank_account.create", {})


@transaction.atomic
def update_bank_account(actor, account: BankAccount, **fields) -> BankAccount:
    account = BankAccount.objects.select_for_update().get(pk=account.pk)
    before = audit.snapshot(account, FIELDS)
    for name, value in fields.items():
        if name not in FIELDS:
            raise TypeError(f"unknown bank account field {name}")
        setattr(account, name, value)
    return _save(actor, account.company, account, "bank_account.update", before)


def payroll_problems(company) -> list[str]:
    """What is missing for a company that runs payroll (a tax withholding account, R1.3)."""
    if not company.runs_payroll:
        return []
    if BankAccount.objects.filter(company=company, kind=Kind.TAX_WITHHOLDING, active=True).exists():
        return []
    return [_("The company runs payroll, so it needs an active tax withholding account (usually GL 1950).")]


def suggested_gl_account(company, kind: str):
    """The usual GL account for the kind (1920, 1950, ...) when it is free, else None."""
    from avstem.ledger.models import Account

    from .models import SUGGESTED_GL

    account = Account.objects.filter(company=company, number=SUGGESTED_GL.get(kind, ""), active=True).first()
    if account and not BankAccount.objects.filter(gl_account=account, active=True).exists():
        return account
    return None
