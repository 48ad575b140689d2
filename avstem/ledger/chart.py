"""Chart of accounts and ledger settings services. Every change is audited in its transaction."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from avstem.audit import services as audit

from . import standard_chart, vat
from .errors import LedgerError
from .models import Account, KidAlgorithm, LedgerSettings

ACCOUNT_FIELDS = ("number", "name", "account_type", "vat_code", "active", "grouping_category", "grouping_code", "subledger", "is_bank")
SETTINGS_FIELDS = ("kid_algorithm", "kid_customer_digits", "kid_invoice_digits", "payment_terms_days")
MAX_KID_PAYLOAD = 24  # a KID is at most 25 characters, one of them the check digit


def company_created(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        ensure_chart(instance)


def ensure_chart(company) -> int:
    """Create the standard accounts the company lacks, and its ledger settings. Idempotent;
    returns the number of accounts created. Not audited: it is set-up, not a user's change."""
    LedgerSettings.objects.get_or_create(company=company)
    existing = set(Account.objects.filter(company=company).values_list("number", flat=True))
    missing = [
        Account(
            company=company,
            number=a.number,
            name=a.name,
            account_type=a.account_type,
            vat_code=a.vat_code,
            grouping_category=a.grouping_category,
            grouping_code=a.grouping_code,
            subledger=a.subledger,
            is_bank=a.is_bank,
            standard=True,
        )
        for a in standard_chart.standard_accounts()
        if a.number not in existing
    ]
    Account.objects.bulk_create(missing, batch_size=500)
    return len(missing)


def settings_for(company) -> LedgerSettings:
    obj, _created = LedgerSettings.objects.get_or_create(company=company)
    return obj


def _check_account_fields(fields: dict) -> None:
    number = fields.get("number")
    if number is not None and not (number.isascii() and number.isdigit() and 4 <= len(number) <= 6):
        raise LedgerError(_("An account number has 4 to 6 digits."))
    code = fields.get("vat_code")
    if code:
        try:
            vat.get(code)
        except vat.VatError:
            raise LedgerError(_("Unknown VAT code %(code)s.") % {"code": code}) from None


@transaction.atomic
def add_account(actor, company, *, number: str, name: str, account_type: str = "", vat_code: str = "",
                grouping_category: str = "", grouping_code: str = "", subledger: str = "", is_bank: bool = False) -> Account:
    """A company's own account. Type and SAF-T grouping default to those of the nearest
    standard account below it (1921 groups like 1920)."""
    number = number.strip()
    _check_account_fields({"number": number, "vat_code": vat_code})
    if not name.strip():
        raise LedgerError(_("The account needs a name."))
    nearest = standard_chart.nearest_standard(number)
    account = Account(
        company=company,
        number=number,
        name=name.strip(),
        account_type=account_type or standard_chart.type_for_number(number),
        vat_code=vat_code,
        grouping_category=grouping_category or (nearest.grouping_category if nearest else ""),
        grouping_code=grouping_code or (nearest.grouping_code if nearest else ""),
        subledger=subledger,
        is_bank=is_bank,
    )
    if not account.grouping_code:
        raise LedgerError(_("Give the account its SAF-T grouping category and code."))
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError:
        raise LedgerError(_("Account %(number)s already exists.") % {"number": number}) from None
    audit.record(action="account.create", actor=actor, company=company, obj=account,
                 changes=audit.diff({}, audit.snapshot(account, ACCOUNT_FIELDS)))
    return account


@transaction.atomic
def update_account(actor, account: Account, **fields) -> Account:
    """Change name, default VAT code, active flag, SAF-T grouping or the bank flag. The number
    and type of an account with postings stay as they are: history would change meaning."""
    account = Account.objects.select_for_update().get(pk=account.pk)
    allowed = {"name", "vat_code", "active", "grouping_category", "grouping_code", "is_bank", "account_type"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"cannot change {', '.join(sorted(unknown))}")
    if "account_type" in fields and fields["account_type"] != account.account_type and account.postings.exists():
        raise LedgerError(_("Account %(number)s has postings: its type cannot change.") % {"number": account.number})
    _check_account_fields(fields)
    before = audit.snapshot(account, ACCOUNT_FIELDS)
    for name, value in fields.items():
        setattr(account, name, value)
    account.save()
    changes = audit.diff(before, audit.snapshot(account, ACCOUNT_FIELDS))
    if changes:
        audit.record(action="account.update", actor=actor, company=account.company, obj=account, changes=changes)
    return account


def set_account_active(actor, account: Account, active: bool) -> Account:
    return update_account(actor, account, active=active)


@transaction.atomic
def update_settings(actor, company, **fields) -> LedgerSettings:
    obj = LedgerSettings.objects.select_for_update().get(pk=settings_for(company).pk)
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"unknown ledger settings {', '.join(sorted(unknown))}")
    if "kid_algorithm" in fields and fields["kid_algorithm"] not in KidAlgorithm.values:
        raise LedgerError(_("The KID check digit is MOD10 or MOD11."))
    before = audit.snapshot(obj, SETTINGS_FIELDS)
    for name, value in fields.items():
        setattr(obj, name, value)
    if obj.kid_customer_digits < 1 or obj.kid_invoice_digits < 1:
        raise LedgerError(_("The KID needs at least one digit for the customer and one for the invoice number."))
    if obj.kid_customer_digits + obj.kid_invoice_digits > MAX_KID_PAYLOAD:
        raise LedgerError(_("A KID has at most 25 digits: customer and invoice digits may add up to 24."))
    obj.save()
    changes = audit.diff(before, audit.snapshot(obj, SETTINGS_FIELDS))
    if changes:
        audit.record(action="ledger_settings.update", actor=actor, company=company, obj=obj, changes=changes)
    return obj
