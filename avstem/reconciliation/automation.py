"""Settings > Automation (R5.1): automatic bank reconciliation on or off per account, and the
confidence a match needs to be applied without a click.

The switch is the agreement link's `auto_reconcile` (banking owns it: R5.1 ties automation to an
active agreement with statements, and R5.3's "statements arrive but automation is off" reads it);
the confidence lives here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from avstem.audit import services as audit
from avstem.banking import agreements
from avstem.banking.models import AgreementAccount, BankAccount

from .automatic import DEFAULT_CONFIDENCE
from .errors import ReconciliationError
from .models import AutomationSetting

CONFIDENCE_CHOICES = ("0.800", "0.850", "0.900", "0.950", "0.990", "1.000")


@dataclass
class AccountAutomation:
    account: BankAccount
    link: AgreementAccount | None
    on: bool
    min_confidence: Decimal
    problem: str  # why it cannot be switched on; empty when it can


def _problem(link: AgreementAccount | None) -> str:
    if link is None:
        return _("No bank agreement covers this account: connect it to the bank first (Settings > Bank accounts).")
    if not link.agreement.is_active:
        return _("The bank agreement is not active yet.")
    if not link.has_statements:
        return _("The agreement does not include statements for this account.")
    return ""


def settings_for(company) -> list[AccountAutomation]:
    links = {link.bank_account_id: link for link in AgreementAccount.objects.filter(
        bank_account__company=company, active=True).select_related("agreement")}
    confidences = dict(AutomationSetting.objects.filter(company=company).values_list("bank_account_id", "min_confidence"))
    rows = []
    for account in BankAccount.objects.filter(company=company, active=True).select_related("gl_account"):
        link = links.get(account.pk)
        problem = _problem(link)
        rows.append(AccountAutomation(account, link, bool(link and link.auto_reconcile and not problem),
                                      confidences.get(account.pk, DEFAULT_CONFIDENCE), problem))
    return rows


def parse_confidence(value) -> Decimal:
    try:
        confidence = Decimal(str(value).replace(",", ".").strip().rstrip("%").strip())
    except (InvalidOperation, ValueError):
        raise ReconciliationError(_("The confidence is a number from 0.5 to 1.")) from None
    if confidence > 1:
        confidence = confidence / 100  # typed as a percentage
    if not Decimal("0.5") <= confidence <= 1:
        raise ReconciliationError(_("The confidence is a number from 0.5 to 1."))
    return confidence.quantize(Decimal("0.001"))


@transaction.atomic
def set_automation(actor, company, account: BankAccount, *, on: bool | None = None, min_confidence=None) -> AccountAutomation:
    if account.company_id != company.pk:
        raise ReconciliationError(_("The bank account does not exist in this company."))
    if min_confidence is not None:
        confidence = parse_confidence(min_confidence)
        setting, _created = AutomationSetting.objects.select_for_update().get_or_create(
            bank_account=account, defaults={"company": company, "min_confidence": DEFAULT_CONFIDENCE})
        if setting.min_confidence != confidence:
            audit.record(action="reconciliation.automation", actor=actor, company=company, obj=account,
                         changes={"min_confidence": [str(setting.min_confidence), str(confidence)]})
            setting.min_confidence = confidence
            setting.save(update_fields=["min_confidence", "updated_at"])
    if on is not None:
        link = AgreementAccount.objects.filter(bank_account=account, active=True).select_related("agreement").first()
        problem = _problem(link)
        if on and problem:
            raise ReconciliationError(problem)
        if link is not None:
            agreements.set_auto_reconcile(actor, link, on)
    return next(row for row in settings_for(company) if row.account.pk == account.pk)
