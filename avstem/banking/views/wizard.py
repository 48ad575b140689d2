"""The R1 wizard, from Bank > Payments or Bank > Receipts while no bank is connected:
prerequisites (R1.2), terms, approval method, bank accounts (suggested from Settings > Bank
accounts), operating account, payroll account (optional), tax withholding account (required when
the company runs payroll), then the connection: the bank's direct API (on to the bank's consent,
R2) or file exchange ordered at the bank (R3.6)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from avstem.companies.access import company_view
from avstem.users.guards import missing_second_factor
from avstem.users.twofactor import has_two_factor

from .. import agreements, onboarding
from ..banks import bank_of_account
from ..models import ApprovalMethod, BankAccount, Kind

SESSION_KEY = "bank_wizard"
STEPS = ["prerequisites", "terms", "approval", "accounts", "operating", "payroll", "tax", "connect"]
TITLES = {
    "prerequisites": gettext_lazy("Before you start"), "terms": gettext_lazy("Agreement terms"),
    "approval": gettext_lazy("Approval of payments"), "accounts": gettext_lazy("Bank accounts"),
    "operating": gettext_lazy("Operating account"), "payroll": gettext_lazy("Payroll account"),
    "tax": gettext_lazy("Tax withholding account"), "connect": gettext_lazy("Connect"),
}


def prerequisites(request) -> list[tuple[str, str, str]]:
    """R1.2: what is missing, each as (problem, link text, link)."""
    user, missing = request.user, []
    profile = reverse("users:profile")
    if not user.name.strip():
        missing.append((_("Your profile has no name."), _("Add your name"), profile))
    if not user.mobile:
        missing.append((_("Your profile has no mobile number."), _("Add your mobile number"), profile))
    here = request.get_full_path()
    if not has_two_factor(user):
        missing.append((_("Two-factor login is not turned on."), _("Turn on two-factor login"),
                        f"{reverse('users:2fa_setup')}?next={here}"))
    elif missing_second_factor(request):
        missing.append((_("This session is not confirmed with your second factor."), _("Confirm with a code"),
                        f"{reverse('users:2fa_verify')}?next={here}"))
    return missing


class TermsForm(forms.Form):
    accept = forms.BooleanField(label=gettext_lazy("I accept the agreement terms for the bank integration"),
                                error_messages={"required": gettext_lazy("Accept the terms to go on.")})


class ApprovalForm(forms.Form):
    approval_method = forms.ChoiceField(label=gettext_lazy("How payments are approved"),
                                        choices=ApprovalMethod.choices, widget=forms.RadioSelect,
                                        initial=ApprovalMethod.ACCOUNTING,
                                        error_messages={"required": gettext_lazy("Choose an option.")})


class AccountsForm(forms.Form):
    accounts = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Accounts to connect"), queryset=None, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one of the options.")})

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accounts"].queryset = BankAccount.objects.filter(company=company, active=True)

    def clean_accounts(self):
        accounts = list(self.cleaned_data["accounts"])
        banks = {bank_of_account(a.account_number) for a in accounts}
        if len(banks) > 1:
            raise forms.ValidationError(_("An agreement is with one bank. Choose the accounts at one bank now and "
                                          "run the wizard again for the other."))
        return accounts


class RoleForm(forms.Form):
    account = forms.ModelChoiceField(queryset=None, required=False, label=gettext_lazy("Account"))

    def __init__(self, *args, choices, required: bool, label, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["account"]
        field.queryset, field.required, field.label = choices, required, label
        field.error_messages["required"] = _("Make a choice in the drop-down list.")
        if not required:
            field.empty_label = _("None (use the operating account)")


def _state(request, company) -> dict:
    data = request.session.get(SESSION_KEY)
    if not data or data.get("company_id") != company.pk:
        data = {"company_id": company.pk}
    return data


def _save(request, data: dict) -> None:
    request.session[SESSION_KEY] = data
    request.session.modified = True


def _chosen(company, data) -> list[BankAccount]:
    return list(BankAccount.objects.filter(company=company, pk__in=data.get("accounts", [])))


@company_view()
def wizard(request, company_id, step):
    company = request.company
    if step not in STEPS:
        return redirect("banking:wizard", company_id=company.pk, step="prerequisites")
    data = _state(request, company)
    if "from" in request.GET:
        data["from"] = request.GET["from"]
        _save(request, data)
    missing = prerequisites(request)
    if step != "prerequisites" and missing:
        return redirect("banking:wizard", company_id=company.pk, step="prerequisites")
    index = STEPS.index(step)
    next_step = STEPS[index + 1] if index + 1 < len(STEPS) else None
    context = {"company": company, "step": step, "steps": [(s, TITLES[s]) for s in STEPS], "index": index,
               "title": TITLES[step], "previous": STEPS[index - 1] if index else None, "data": data}
    chosen = _chosen(company, data)
    form = None
    if step == "prerequisites":
        if request.method == "POST" and not missing:
            return redirect("banking:wizard", company_id=company.pk, step=next_step)
        context["missing"] = missing
    elif step == "terms":
        form = TermsForm(request.POST or None, initial={"accept": data.get("terms", False)})
        if request.method == "POST" and form.is_valid():
            data["terms"] = True
    elif step == "approval":
        form = ApprovalForm(request.POST or None, initial={"approval_method": data.get("approval_method")
                                                           or ApprovalMethod.ACCOUNTING})
        if request.method == "POST" and form.is_valid():
            data["approval_method"] = form.cleaned_data["approval_method"]
    elif step == "accounts":
        suggested = data.get("accounts") or list(BankAccount.objects.filter(company=company, active=True)
                                                 .exclude(agreement_links__active=True)
                                                 .values_list("pk", flat=True))
        form = AccountsForm(request.POST or None, company=company, initial={"accounts": suggested})
        context["has_accounts"] = form.fields["accounts"].queryset.exists()
        if request.method == "POST" and form.is_valid():
            data["accounts"] = [a.pk for a in form.cleaned_data["accounts"]]
    elif step in ("operating", "payroll", "tax"):
        form = _role_form(request, company, step, data, chosen)
        if request.method == "POST" and form.is_valid():
            account = form.cleaned_data["account"]
            data[step] = account.pk if account else None
        context["runs_payroll"] = company.runs_payroll
    elif step == "connect":
        return _connect(request, company, data, context)
    if request.method == "POST" and (form is None or form.is_valid()):
        _save(request, data)
        return redirect("banking:wizard", company_id=company.pk, step=next_step)
    context["form"] = form
    context["chosen"] = chosen
    return render(request, "banking/wizard.html", context)


def _role_form(request, company, step, data, chosen) -> RoleForm:
    ids = [a.pk for a in chosen]
    base = BankAccount.objects.filter(company=company, active=True)
    if step == "operating":
        choices = base.filter(pk__in=ids, kind__in=[Kind.OPERATING, Kind.CURRENCY])
        label, required = _("Operating account"), True
        default = next((a.pk for a in chosen if a.is_default_operating), None) or (choices.first().pk if choices.exists() else None)
    elif step == "payroll":
        choices = base.filter(kind__in=[Kind.PAYROLL, Kind.OPERATING]).exclude(pk=data.get("operating"))
        label, required, default = _("Payroll account (optional)"), False, None
    else:
        choices = base.filter(kind=Kind.TAX_WITHHOLDING)
        label, required = _("Tax withholding account"), company.runs_payroll
        default = choices.first().pk if choices.exists() else None
    initial = data.get(step, default)
    return RoleForm(request.POST or None, choices=choices, required=required, label=label,
                    initial={"account": initial})


def _connect(request, company, data, context):
    """The last step: connect through the bank's API, or order file exchange."""
    chosen = _chosen(company, data)
    for role in ("operating", "payroll", "tax"):
        if data.get(role) and data[role] not in [a.pk for a in chosen]:
            account = BankAccount.objects.filter(company=company, pk=data[role]).first()
            if account is not None:
                chosen.append(account)
    if not chosen or not data.get("terms"):
        return redirect("banking:wizard", company_id=company.pk, step="terms" if not data.get("terms") else "accounts")
    bank = bank_of_account(chosen[0].account_number)
    context.update(bank=bank, chosen=chosen)
    if request.method == "POST" and bank is not None:
        roles = {r: BankAccount.objects.filter(company=company, pk=data.get(r) or 0).first()
                 for r in ("operating", "payroll", "tax")}
        if request.POST.get("connection") == "api" and bank.has_api:
            preset = {"accounts": [a.account_number for a in chosen], "approval_method": data.get("approval_method"),
                      "roles": {r: a.account_number for r, a in roles.items() if a}}
            url = onboarding.begin(request.session, company, bank,
                                   request.build_absolute_uri(reverse("banking:oauth_callback")), preset=preset)
            request.session.pop(SESSION_KEY, None)
            return redirect(url)
        if request.POST.get("connection") == "file":
            try:
                agreement = agreements.order_file_agreement(
                    request.user, company, bank, chosen, approval_method=data.get("approval_method")
                    or ApprovalMethod.ACCOUNTING, operating_account=roles["operating"],
                    payroll_account=roles["payroll"], tax_withholding_account=roles["tax"])
            except agreements.AgreementError as exc:
                context["error"] = str(exc)
            else:
                request.session.pop(SESSION_KEY, None)
                messages.success(request, _("File exchange is ordered at %(bank)s. The bank normally confirms within "
                                            "1-3 business days; statements then come every morning.")
                                 % {"bank": bank.name})
                return redirect("banking:agreement", company.pk, agreement.pk)
    return render(request, "banking/wizard.html", context)
