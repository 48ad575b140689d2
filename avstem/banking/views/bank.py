"""The Bank menu: overview per account, payments and receipts, statements (R5.4), manual lines
(R5.2), manual import (R3.10) and "Fetch statements" (R5.5)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from avstem.companies.access import company_view
from avstem.companies.models import Permission

from .. import agreements, lines, uploads
from ..forms import CsvLayoutForm, ImportForm, ManualLineForm, RemoveLineForm
from ..importing import ImportRefused
from ..models import (
    AgreementStatus,
    BankAccount,
    BankAgreement,
    BankLine,
    CsvMapping,
    ImportBatch,
    SyncRun,
)
from ..sync import start_run


def _account(request, bank_account_id) -> BankAccount:
    return get_object_or_404(BankAccount, pk=bank_account_id, company=request.company)


def _can_change(request) -> bool:
    return request.membership.allows(Permission.CHANGE)


def connected(company) -> bool:
    return BankAgreement.objects.filter(company=company).exclude(status=AgreementStatus.DEACTIVATED).exists()


@company_view()
def overview(request, company_id):
    company = request.company
    accounts = BankAccount.objects.filter(company=company, active=True).select_related("gl_account")
    live = BankAgreement.objects.filter(company=company).exclude(status=AgreementStatus.DEACTIVATED)
    runs = {a.pk: SyncRun.objects.filter(agreement=a).first() for a in live}
    return render(request, "banking/overview.html", {
        "company": company, "statuses": [agreements.account_status(a) for a in accounts],
        "agreements": [(a, runs.get(a.pk)) for a in live], "can_change": _can_change(request),
        "active": "overview", "connected": live.exists(),
    })


def _money_page(request, direction: str):
    company = request.company
    if not connected(company):
        return redirect(f"{reverse('banking:wizard', kwargs={'company_id': company.pk, 'step': 'prerequisites'})}?from={direction}")
    since = timezone.localdate() - datetime.timedelta(days=60)
    query = BankLine.objects.filter(company=company, deleted_at__isnull=True, date__gte=since)
    query = query.filter(amount__gt=0) if direction == "receipts" else query.filter(amount__lt=0)
    accounts = BankAccount.objects.filter(company=company, active=True)
    return render(request, "banking/money.html", {
        "company": company, "direction": direction, "active": direction,
        "lines": query.select_related("bank_account").order_by("-date", "-id")[:200],
        "payment_days": [(a, agreements.first_payment_day(a)) for a in accounts],
    })


@company_view()
def payments(request, company_id):
    return _money_page(request, "payments")


@company_view()
def receipts(request, company_id):
    return _money_page(request, "receipts")


# --- statements (R5.4) --------------------------------------------------------------------------------


STATEMENT_PAGE_SIZE = 100


@company_view()
def statements(request, company_id, bank_account_id):
    """Every line of the account, newest first, a page at a time (the filter stays in the links)."""
    account = _account(request, bank_account_id)
    show_removed = request.GET.get("removed") == "1"
    rows = lines.lines(account, include_removed=show_removed).select_related("import_batch", "created_by")
    rows = rows.order_by("-date", "-id").prefetch_related("details")
    page = Paginator(rows, STATEMENT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "banking/statements.html", {
        "company": request.company, "account": account, "rows": page.object_list, "page": page,
        "query": "removed=1" if show_removed else "", "show_removed": show_removed,
        "status": agreements.account_status(account), "can_change": _can_change(request),
        "balances": lines.balances(account, timezone.localdate() - datetime.timedelta(days=45),
                                   timezone.localdate()).order_by("-date")[:20],
        "active": "overview",
    })


@company_view()
def remove_line(request, company_id, bank_account_id, line_id):
    account = _account(request, bank_account_id)
    line = get_object_or_404(BankLine, pk=line_id, bank_account=account)
    form = RemoveLineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lines.remove_line(request.user, line, form.cleaned_data["reason"])
        except lines.LineError as exc:
            form.add_error("reason" if exc.field == "reason" else None, str(exc))
        else:
            messages.success(request, _("The line was removed. It stays in the audit log."))
            return redirect("banking:statements", request.company.pk, account.pk)
    return render(request, "banking/remove_line.html", {"company": request.company, "account": account, "line": line,
                                                         "form": form, "active": "overview"})


@company_view()
@require_POST
def restore_line(request, company_id, bank_account_id, line_id):
    account = _account(request, bank_account_id)
    line = get_object_or_404(BankLine, pk=line_id, bank_account=account)
    lines.restore_line(request.user, line)
    messages.success(request, _("The line is back."))
    return redirect(f"{reverse('banking:statements', args=[request.company.pk, account.pk])}?removed=1")


@company_view()
def new_line(request, company_id, bank_account_id):
    account = _account(request, bank_account_id)
    form = ManualLineForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            lines.create_manual_line(request.user, account, date=d["date"], amount=d["amount"], text=d["text"],
                                     counterparty=d.get("counterparty", ""))
        except lines.LineError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, _("The bank line was added."))
            return redirect("banking:statements", request.company.pk, account.pk)
    return render(request, "banking/line_form.html", {"company": request.company, "account": account, "form": form,
                                                       "active": "overview"})


# --- manual import (R3.10) ------------------------------------------------------------------------------


@company_view()
def import_file(request, company_id):
    company = request.company
    form = ImportForm(request.POST or None, request.FILES or None, company=company,
                      initial={"account": request.GET.get("account")})
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = uploads.start_upload(request.user, company, upload.name, upload.read(),
                                         account=form.cleaned_data.get("account"),
                                         csv_choice=form.cleaned_data.get("csv_layout") or "")
        except ImportRefused as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("banking:import_status", company.pk, batch.pk)
    recent = ImportBatch.objects.filter(company=company).exclude(kind="api").select_related("bank_account")[:15]
    return render(request, "banking/import.html", {"company": company, "form": form, "recent": recent,
                                                    "active": "import"})


@company_view()
def import_status(request, company_id, import_id):
    batch = get_object_or_404(ImportBatch, pk=import_id, company=request.company)
    done, total = uploads.live_progress(batch)
    context = {"company": request.company, "batch": batch, "done": done, "total": total,
               "percent": int(100 * done / total) if total and not batch.finished else batch.percent,
               "active": "import"}
    if request.htmx:
        return render(request, "banking/_import_progress.html", context)
    return render(request, "banking/import_status.html", context)


@company_view()
def csv_layouts(request, company_id):
    company = request.company
    form = CsvLayoutForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        uploads.save_mapping(request.user, company, form.cleaned_data["name"], form.spec())
        messages.success(request, _("The CSV layout was saved. Choose it when you import a file."))
        return redirect("banking:csv_layouts", company.pk)
    from ..csvfiles import PRESETS

    return render(request, "banking/csv_layouts.html", {
        "company": company, "form": form, "presets": PRESETS.values(),
        "saved": CsvMapping.objects.filter(company=company), "active": "import"})


# --- fetch statements (R5.5) ---------------------------------------------------------------------------


@company_view()
@require_POST
def fetch(request, company_id, agreement_id):
    agreement = get_object_or_404(BankAgreement, pk=agreement_id, company=request.company)
    if not agreement.is_active:
        messages.warning(request, _("The agreement is not active yet."))
        return redirect("banking:overview", request.company.pk)
    run = start_run(agreement, actor=request.user)
    return redirect("banking:run_status", request.company.pk, run.pk)


@company_view()
def run_status(request, company_id, run_id):
    run = get_object_or_404(SyncRun.objects.select_related("agreement"), pk=run_id,
                            agreement__company=request.company)
    context = {"company": request.company, "run": run, "active": "overview"}
    if request.htmx:
        response = render(request, "banking/_run_progress.html", context)
        if run.finished:
            response["HX-Trigger"] = "bank-run-finished"
        return response
    return render(request, "banking/run_status.html", context)

