"""Settings > Bank accounts > Agreements: the bank cards ("Connect service", R2.2; file exchange,
R3.6), each agreement with its accounts, services and status, deactivation per account (R3.9)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from avstem.companies.access import company_view
from avstem.companies.models import Permission
from avstem.users.guards import second_factor_required
from avstem.web.validators import NorwegianDateField

from .. import agreements
from ..banks import all_banks, api_banks, bank_of_account
from ..models import AgreementAccount, AgreementStatus, BankAccount, BankAgreement, Connection, SyncRun


def bank_cards(company) -> list:
    """Banks the company has accounts at first, then every bank with the direct integration."""
    own = []
    for account in BankAccount.objects.filter(company=company, active=True):
        found = bank_of_account(account.account_number)
        if found is not None and found not in own:
            own.append(found)
    return own + [b for b in api_banks() if b not in own]


@company_view()
def agreement_list(request, company_id):
    company = request.company
    rows = BankAgreement.objects.filter(company=company).prefetch_related("accounts__bank_account")
    today = timezone.localdate()
    live = {(a.bank_key, a.connection): a for a in rows if a.status != AgreementStatus.DEACTIVATED}
    return render(request, "banking/agreements.html", {
        "company": company, "agreements": [(a, agreements.consent_warning(a, today)) for a in rows],
        "cards": [(b, live.get((b.key, Connection.API)), live.get((b.key, Connection.FILE))) for b in bank_cards(company)],
        "all_banks": all_banks(), "can_change": request.membership.allows(Permission.CHANGE),
    })


@company_view()
def agreement_detail(request, company_id, agreement_id):
    company = request.company
    agreement = get_object_or_404(BankAgreement, pk=agreement_id, company=company)
    links = AgreementAccount.objects.filter(agreement=agreement).select_related("bank_account")
    return render(request, "banking/agreement.html", {
        "company": company, "agreement": agreement, "links": links,
        "consent_warning": agreements.consent_warning(agreement, timezone.localdate()),
        "expected": agreements.expected_confirmation(agreement) if agreement.is_pending else None,
        "runs": SyncRun.objects.filter(agreement=agreement)[:8],
        "imports": agreement.imports.all()[:8],
        "can_change": request.membership.allows(Permission.CHANGE), "automation_url": agreements.automation_url(company.pk),
    })


@company_view()
@require_POST
@second_factor_required
def deactivate(request, company_id, agreement_id):
    agreement = get_object_or_404(BankAgreement, pk=agreement_id, company=request.company)
    ids = [int(i) for i in request.POST.getlist("accounts") if i.isdigit()]
    accounts = list(BankAccount.objects.filter(company=request.company, pk__in=ids))
    if not accounts:
        messages.warning(request, _("Choose the accounts to deactivate."))
        return redirect("banking:agreement", request.company.pk, agreement.pk)
    agreement = agreements.deactivate_accounts(request.user, agreement, accounts)
    if agreement.status == AgreementStatus.DEACTIVATED:
        messages.success(request, _("The agreement with %(bank)s is ended in the program. Remember to end it at "
                                    "the bank too.") % {"bank": agreement.bank_name})
    else:
        messages.success(request, _("Deactivated for %(accounts)s.") % {"accounts": ", ".join(map(str, accounts))})
    return redirect("banking:agreement", request.company.pk, agreement.pk)


@company_view()
@require_POST
def confirm(request, company_id, agreement_id):
    """The bank confirmed a file-exchange agreement (by letter or e-mail): record from which day."""
    agreement = get_object_or_404(BankAgreement, pk=agreement_id, company=request.company)
    field = NorwegianDateField()
    try:
        day = field.clean(request.POST.get("active_from") or timezone.localdate().strftime("%d.%m.%Y"))
    except ValidationError:
        messages.error(request, _("Invalid date (example of a valid date 31.12.2016)."))
        return redirect("banking:agreement", request.company.pk, agreement.pk)
    if day < agreement.ordered_on:
        messages.error(request, _("The agreement cannot be active before it was ordered (%(date)s).")
                       % {"date": agreement.ordered_on.strftime("%d.%m.%Y")})
    else:
        agreements.confirm_file_agreement(agreement, day, actor=request.user)
        messages.success(request, _("The agreement is active. Statements are fetched every morning."))
    return redirect("banking:agreement", request.company.pk, agreement.pk)
