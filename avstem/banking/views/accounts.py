from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from avstem.companies.access import company_view
from avstem.companies.models import Permission
from avstem.norway.errors import InvalidNumber
from avstem.web.validators import message_for

from .. import services
from ..forms import BankAccountForm
from ..lookup import bank_details
from ..models import BankAccount, Kind


@company_view()
def bank_accounts(request, company_id):
    company = request.company
    return render(request, "banking/bank_accounts.html", {
        "company": company,
        "accounts": BankAccount.objects.filter(company=company).select_related("gl_account"),
        "problems": services.payroll_problems(company),
        "can_change": request.membership.allows(Permission.CHANGE),
    })


def _edit(request, company, account: BankAccount | None):
    initial = {"kind": Kind.OPERATING, "currency": "NOK", "active": True}
    if account is not None:
        initial = {f: getattr(account, f) for f in services.FIELDS}
    else:
        initial["gl_account"] = services.suggested_gl_account(company, Kind.OPERATING)
    form = BankAccountForm(request.POST or None, initial=initial, company=company)
    if request.method == "POST" and form.is_valid():
        try:
            if account is None:
                services.create_bank_account(request.user, company, **form.cleaned_data)
            else:
                services.update_bank_account(request.user, account, **form.cleaned_data)
        except (services.BankAccountError, InvalidNumber) as exc:
            field = getattr(exc, "field", None) or "account_number"
            form.add_error(field, message_for(exc) if isinstance(exc, InvalidNumber) else str(exc))
        else:
            messages.success(request, _("The bank account was saved."))
            target = request.GET.get("next")
            if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
                return redirect(target)  # back into the bank wizard
            return redirect("banking:bank_accounts", company.pk)
    details = None
    number = form.data.get("account_number") if form.is_bound else (account.account_number if account else "")
    if number:
        try:
            details = bank_details(number)
        except InvalidNumber:
            details = None
    return render(request, "banking/bank_account_form.html",
                  {"company": company, "form": form, "account": account, "details": details})


@company_view()
def bank_account_new(request, company_id):
    return _edit(request, request.company, None)


@company_view()
def bank_account_edit(request, company_id, bank_account_id):
    account = get_object_or_404(BankAccount, pk=bank_account_id, company=request.company)
    return _edit(request, request.company, account)


@company_view()
def lookup(request, company_id):
    """htmx: the bank, BIC and IBAN for the account number being typed."""
    number = request.GET.get("account_number", "")
    context = {"details": None, "error": None}
    if "".join(ch for ch in number if ch.isdigit()):
        try:
            context["details"] = bank_details(number)
        except InvalidNumber as exc:
            context["error"] = message_for(exc) if len("".join(c for c in number if c.isdigit())) >= 11 else None
    return render(request, "banking/bank_details.html", context)


@company_view()
def gl_suggestion(request, company_id):
    """htmx: the usual GL account for the chosen type, preselected in the GL account list."""
    form = BankAccountForm(company=request.company)
    suggestion = services.suggested_gl_account(request.company, request.GET.get("kind", Kind.OPERATING))
    form.initial["gl_account"] = suggestion.pk if suggestion else None
    return render(request, "banking/gl_select.html", {"field": form["gl_account"]})
