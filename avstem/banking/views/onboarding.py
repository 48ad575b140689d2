"""The API onboarding pages (R2); the steps and rules are in onboarding.py. Every page needs a
verified second factor: connecting a bank gives the program access to the company's money."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from avstem.companies.access import company_view, membership_for
from avstem.companies.models import Permission
from avstem.ledger.models import Account
from avstem.users.guards import second_factor_required
from avstem.web.validators import NorwegianDateField

from .. import onboarding
from ..banks import bank as find_bank
from ..models import Service
from ..onboarding import OnboardingError

TITLES = {"accounts": gettext_lazy("Accounts and GL accounts"), "services": gettext_lazy("Services"),
          "fee": gettext_lazy("Bank fees"), "start": gettext_lazy("Start date"),
          "balance": gettext_lazy("Balance check"), "roles": gettext_lazy("Role accounts"),
          "confirm": gettext_lazy("Confirm")}
STEPS = [*onboarding.STEPS, "confirm"]


@company_view(Permission.CHANGE)
@second_factor_required
def connect(request, company_id):
    """The bank's card: "Connect service" (?bank=<BIC>). POST goes to the bank's consent page."""
    company = request.company
    bank = find_bank(request.GET.get("bank", ""))
    if bank is None or not bank.has_api:
        raise Http404
    agreement = onboarding.live_agreement(company, bank.key)
    renew = request.GET.get("renew") == "1" or request.POST.get("renew") == "1"
    if request.method == "POST":
        url = onboarding.begin(request.session, company, bank,
                               request.build_absolute_uri(reverse("banking:oauth_callback")), renew=renew)
        return redirect(url)
    return render(request, "banking/connect.html", {"company": company, "bank": bank, "agreement": agreement,
                                                     "renew": renew})


@login_required
@second_factor_required
def oauth_callback(request):
    """The bank sends the user back here with ?code=&state= (one fixed redirect URI for every
    company; the state in the session says which)."""
    data = request.session.get(onboarding.SESSION_KEY)
    if not data:
        return HttpResponseBadRequest(_("No bank connection is being set up in this session. Start again from "
                                        "Settings > Bank accounts > Agreements."))
    membership = membership_for(request.user, data["company_id"], Permission.CHANGE)
    company = membership.company
    bank = find_bank(data["bank_key"])
    try:
        data = onboarding.callback(request.session, request.GET, bank, company)
    except OnboardingError as exc:
        messages.error(request, str(exc))
        request.session.pop(onboarding.SESSION_KEY, None)
        return redirect("banking:agreements", company.pk)
    if data.get("renew"):
        agreement = onboarding.renew_consent(request.user, request.session, company, data)
        messages.success(request, _("The consent is renewed until %(date)s.")
                         % {"date": agreement.consent_expires.strftime("%d.%m.%Y") if agreement.consent_expires else "?"})
        return redirect("banking:agreement", company.pk, agreement.pk)
    if not data.get("bank_accounts"):
        messages.error(request, _("%(bank)s lists no accounts you may administer for %(company)s.")
                       % {"bank": bank.name, "company": company.name})
        return redirect("banking:agreements", company.pk)
    return redirect("banking:onboarding", company_id=company.pk, step="accounts")


class StartForm(forms.Form):
    start_date = NorwegianDateField(label=gettext_lazy("Start date for reconciliation"))


@company_view(Permission.CHANGE)
@second_factor_required
def step(request, company_id, step):
    company = request.company
    data = onboarding.state_of(request.session, company)
    if data is None or "tokens" not in data:
        messages.warning(request, _("Start the connection from the bank's card."))
        return redirect("banking:agreements", company.pk)
    if step not in STEPS:
        raise Http404
    bank = find_bank(data["bank_key"])
    context = {"company": company, "bank": bank, "step": step, "title": TITLES[step], "error": None,
               "steps": [(s, TITLES[s]) for s in STEPS], "index": STEPS.index(step),
               "previous": STEPS[STEPS.index(step) - 1] if STEPS.index(step) else None}
    try:
        response = HANDLERS[step](request, company, data, context)
    except OnboardingError as exc:
        context["error"] = str(exc)
        context["error_field"] = exc.field
        response = None
        if step in ("accounts", "services", "balance"):
            response = HANDLERS[step](request, company, data, context, show_only=True)
    if response is not None and not isinstance(response, dict):
        return response
    return render(request, "banking/onboarding.html", context)


def _go(company, step):
    return redirect("banking:onboarding", company_id=company.pk, step=step)


def _accounts(request, company, data, context, show_only=False):
    if request.method == "POST" and not show_only:
        rows = [{"id": a["id"], "selected": request.POST.get(f"select-{a['id']}") == "on",
                 "gl": request.POST.get(f"gl-{a['id']}") or None} for a in data.get("bank_accounts", [])]
        onboarding.choose_accounts(request.session, company, data, rows)
        return _go(company, "services")
    rows = onboarding.proposal(company, data)
    if request.method == "POST":  # show what the user chose, with the error
        for row in rows:
            row["selected"] = request.POST.get(f"select-{row['id']}") == "on"
            row["gl"] = int(request.POST.get(f"gl-{row['id']}") or 0) or None
    context.update(rows=rows, gl_choices=onboarding.gl_choices(company))
    return None


def _services(request, company, data, context, show_only=False):
    if request.method == "POST" and not show_only:
        onboarding.choose_services(request.session, data, {a["id"]: request.POST.get(f"services-{a['id']}", "")
                                                           for a in onboarding.selected_accounts(data)})
        return _go(company, "fee")
    context.update(rows=onboarding.selected_accounts(data), services=Service.choices)
    return None


def _fee(request, company, data, context):
    choices = Account.objects.filter(company=company, active=True, number__startswith="7").order_by("number")
    if request.method == "POST":
        account = choices.filter(pk=request.POST.get("fee_account") or 0).first()
        onboarding.choose_fee_account(request.session, company, data, account)
        return _go(company, "start")
    default = data.get("fee_account") or getattr(onboarding.default_fee_account(company), "pk", None)
    context.update(fee_choices=choices, fee_selected=default)
    return None


def _start(request, company, data, context):
    initial = data.get("start_date")
    form = StartForm(request.POST or None, initial={
        "start_date": datetime.date.fromisoformat(initial) if initial else onboarding.default_start_date(company)})
    if request.method == "POST" and form.is_valid():
        try:
            onboarding.choose_start_date(request.session, company, data, form.cleaned_data["start_date"])
        except OnboardingError as exc:
            form.add_error("start_date", str(exc))
        else:
            return _go(company, "balance")
    context.update(form=form, conversion_date=company.conversion_date)
    return None


def _balance(request, company, data, context, show_only=False):
    rows = onboarding.balance_check(company, data)
    if request.method == "POST" and not show_only:
        decisions = {}
        for row in rows:
            action = request.POST.get(f"action-{row['id']}", "continue")
            offset = Account.objects.filter(company=company, pk=request.POST.get(f"offset-{row['id']}") or 0).first()
            decisions[row["id"]] = {"action": action, "offset": offset}
        vouchers = onboarding.settle_differences(request.user, request.session, company, data, decisions)
        for voucher in vouchers:
            messages.success(request, _("Posted %(voucher)s to correct the opening balance.") % {"voucher": voucher})
        return _go(company, "roles")
    context.update(rows=rows, start_date=datetime.date.fromisoformat(data["start_date"]),
                   offset_choices=Account.objects.filter(company=company, active=True, number__startswith="2")
                   .order_by("number"),
                   any_difference=any(r["difference"] for r in rows))
    return None


def _roles(request, company, data, context):
    choices = onboarding.role_choices(company, data)
    if request.method == "POST":
        onboarding.choose_roles(request.session, company, data, request.POST.get("operating", ""),
                                request.POST.get("payroll", ""), request.POST.get("tax", ""))
        return _go(company, "confirm")
    preset = (data.get("preset") or {}).get("roles", {})
    current = data.get("roles") or {}

    def pick(role, guess):
        if current.get(role):
            return current[role]
        if preset.get(role):
            return f"new:{preset[role]}"
        return next((value for value, label in choices if guess(label)), "")

    context.update(role_choices=choices, runs_payroll=company.runs_payroll,
                   selected={"operating": pick("operating", lambda label: "drift" in label.casefold()),
                             "payroll": pick("payroll", lambda label: "lønn" in label.casefold()),
                             "tax": pick("tax", lambda label: "skatt" in label.casefold())})
    return None


def _confirm(request, company, data, context):
    if request.method == "POST":
        agreement = onboarding.finish(request.user, request.session, company, data)
        messages.success(request, _("%(bank)s is connected. The first statements are being fetched now; after that "
                                    "every morning.") % {"bank": agreement.bank_name})
        return redirect("banking:agreement", company.pk, agreement.pk)
    labels = dict(onboarding.role_choices(company, data))
    roles = data.get("roles") or {}
    gl_names = {a.pk: str(a) for a in onboarding.gl_choices(company)}
    service_names = dict(Service.choices)
    rows = [{**row, "gl_name": gl_names.get(row["gl"], "–"), "services_label": service_names.get(row["services"], "")}
            for row in onboarding.selected_accounts(data)]
    context.update(rows=rows, start_date=datetime.date.fromisoformat(data["start_date"]),
                   fee=Account.objects.filter(company=company, pk=data.get("fee_account") or 0).first(),
                   roles=[(label, labels.get(roles.get(key, ""), "–")) for key, label in (
                       ("operating", _("Operating account")), ("payroll", _("Payroll account")),
                       ("tax", _("Tax withholding account")))])
    return None


HANDLERS = {"accounts": _accounts, "services": _services, "fee": _fee, "start": _start, "balance": _balance,
            "roles": _roles, "confirm": _confirm}
