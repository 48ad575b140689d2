"""Open items with settlement, and the reports (trial balance, general ledger), each also as CSV."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from avstem.companies.access import company_view
from avstem.companies.models import Permission

from .. import reports, subledger
from ..errors import LedgerError
from ..forms import GeneralLedgerForm, OpenItemsForm, PeriodForm, SettleForm
from ..models import Account, OpenItem, Settlement
from .common import add_problems, can_change, csv_response, owned, today, year_start


@company_view()
def open_items(request, company_id):
    company = request.company
    form = OpenItemsForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    kind = data.get("kind") or "customer"
    as_of = data.get("as_of") or today()
    report = reports.open_items_report(company, kind, as_of)
    if request.GET.get("format") == "csv":
        name = "kundereskontro" if kind == "customer" else "leverandorreskontro"
        return csv_response(reports.open_items_csv(report), f"{name}-{as_of:%Y-%m-%d}.csv")
    if not form.is_bound:
        form = OpenItemsForm(initial={"kind": kind, "as_of": as_of})
    return render(request, "ledger/open_items.html", {
        "company": company, "form": form, "report": report, "kind": kind, "as_of": as_of,
        "bucket_names": list(reports.BUCKETS.values()), "query": request.GET.urlencode(),
    })


@company_view()
def open_item(request, company_id, open_item_id):
    """One open item: its settlements, and (for a payment or credit) a form to settle it
    against the party's open items on the other side."""
    company = request.company
    item = owned(OpenItem, request, open_item_id)
    party_filter = {"customer": item.customer} if item.customer_id else {"supplier": item.supplier}
    candidates = [
        c for c in subledger.open_items(company, **party_filter)
        if c.pk != item.pk and (c.remaining > 0) != (item.remaining > 0)
    ] if item.remaining else []
    form = SettleForm(request.POST or None, candidates=candidates)
    if request.method == "POST":
        if not can_change(request):
            raise PermissionDenied
        if form.is_valid():
            try:
                subledger.settle(request.user, item, form.allocations(), date=form.cleaned_data.get("date"))
            except LedgerError as exc:
                add_problems(form, exc)
            else:
                messages.success(request, _("The open items were settled."))
                return redirect("ledger:open_item", company.pk, item.pk)
    rows = [(c, form[f"item_{c.pk}"]) for c in candidates]
    return render(request, "ledger/open_item.html", {
        "company": company, "item": item, "form": form, "rows": rows, "settlements": subledger.settlements_of(item),
        "can_change": can_change(request), "today": today(),
    })


@company_view(Permission.CHANGE)
@require_POST
def unsettle(request, company_id, settlement_id):
    settlement = owned(Settlement, request, settlement_id)
    try:
        subledger.unsettle(request.user, settlement)
    except LedgerError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The settlement was undone; the open items are open again."))
    back = request.POST.get("next", "")
    if back.startswith(f"/c/{company_id}/"):
        return redirect(back)
    return redirect("ledger:open_items", company_id)


def _period(company) -> tuple[datetime.date, datetime.date]:
    """The default report period: the fiscal year so far."""
    day = today()
    return year_start(day, company.fiscal_year_start_month), day


@company_view()
def trial_balance(request, company_id):
    company = request.company
    default_from, default_to = _period(company)
    form = PeriodForm(request.GET or None, initial={"date_from": default_from, "date_to": default_to})
    if form.is_bound and form.is_valid():
        date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    else:
        date_from, date_to = default_from, default_to
        if not form.is_bound:
            form = PeriodForm(initial={"date_from": date_from, "date_to": date_to})
    report = reports.trial_balance(company, date_from, date_to)
    if request.GET.get("format") == "csv":
        return csv_response(reports.trial_balance_csv(report), f"saldobalanse-{date_from:%Y-%m-%d}-{date_to:%Y-%m-%d}.csv")
    return render(request, "ledger/trial_balance.html", {
        "company": company, "form": form, "report": report, "totals": report.totals,
        "query": f"date_from={date_from:%d.%m.%Y}&date_to={date_to:%d.%m.%Y}",
    })


@company_view()
def general_ledger(request, company_id):
    company = request.company
    default_from, default_to = _period(company)
    form = GeneralLedgerForm(request.GET or None, company=company,
                             initial={"date_from": default_from, "date_to": default_to, "account": "1920"})
    report = None
    if form.is_bound and form.is_valid():
        account = Account.objects.get(company=company, number=form.cleaned_data["account"])
        report = reports.general_ledger(company, account, form.cleaned_data["date_from"], form.cleaned_data["date_to"])
        if request.GET.get("format") == "csv":
            return csv_response(reports.general_ledger_csv(report),
                                f"hovedbok-{account.number}-{report.date_from:%Y-%m-%d}-{report.date_to:%Y-%m-%d}.csv")
    return render(request, "ledger/general_ledger.html", {
        "company": company, "form": form, "report": report, "query": request.GET.urlencode(),
    })
