"""Overview, chart of accounts, VAT codes, vouchers, period locks and ledger settings."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from avstem.companies.access import company_view
from avstem.companies.models import Permission

from .. import chart, posting, reports, vat
from ..errors import LedgerError
from ..forms import (
    AccountEditForm,
    AccountFilterForm,
    AccountForm,
    AttachmentForm,
    LedgerSettingsForm,
    ReverseForm,
    VoucherFilterForm,
    VoucherForm,
    VoucherLineFormSet,
)
from ..models import Account, Attachment, DocumentStatus, Invoice, OpenItem, Posting, Series, Voucher, VoucherDraft
from ..periods import fiscal_year, fiscal_year_label
from .common import add_problems, can_change, owned, today

PAGE_SIZE = 50


@company_view()
def overview(request, company_id):
    company = request.company
    day = today()
    # Bank accounts in use (the operating account always): a card each with today's balance.
    bank_accounts = Account.objects.filter(company=company, is_bank=True).order_by("number")
    bank = [(a, reports.balance(company, a, day)) for a in bank_accounts if a.number == "1920" or a.postings.exists()]
    receivable = OpenItem.objects.filter(company=company, customer__isnull=False).exclude(remaining=0)
    payable = OpenItem.objects.filter(company=company, supplier__isnull=False).exclude(remaining=0)
    figures = {
        "receivable": receivable.aggregate(s=Sum("remaining"))["s"] or 0,
        "overdue": receivable.filter(due_date__lt=day, remaining__gt=0).aggregate(s=Sum("remaining"))["s"] or 0,
        "payable": -(payable.aggregate(s=Sum("remaining"))["s"] or 0),
        "payable_due": -(payable.filter(due_date__lte=day + datetime.timedelta(days=7), remaining__lt=0).aggregate(s=Sum("remaining"))["s"] or 0),
        "drafts": Invoice.objects.filter(company=company, status=DocumentStatus.DRAFT).count(),
    }
    recent = Voucher.objects.filter(company=company).order_by("-posted_at", "-id")[:8]
    return render(request, "ledger/overview.html", {"company": company, "bank": bank, "figures": figures, "recent": recent, "today": day})


# --- Chart of accounts ------------------------------------------------------------------------


@company_view()
def accounts(request, company_id):
    company = request.company
    filters = AccountFilterForm(request.GET or None)
    # Exists, not Count: one index probe per account instead of counting every posting.
    qs = Account.objects.filter(company=company).annotate(
        used=Exists(Posting.objects.filter(account=OuterRef("pk")))
    ).order_by("number")
    if filters.is_valid():
        q = filters.cleaned_data["q"].strip()
        if q:
            qs = qs.filter(Q(number__startswith=q) | Q(name__icontains=q))
        show = filters.cleaned_data["show"]
        if show == "used":
            qs = qs.filter(used=True)
        elif show == "inactive":
            qs = qs.filter(active=False)
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = chart.add_account(request.user, company, **form.cleaned_data)
        except LedgerError as exc:
            add_problems(form, exc)
        else:
            messages.success(request, _("Account %(account)s was added.") % {"account": account})
            return redirect("ledger:account", company.pk, account.pk)
    language = get_language() or "nb"
    vat_names = {c.code: c.name(language) for c in vat.codes().values()}
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "ledger/accounts.html", {
        "company": company, "page": page, "filters": filters, "form": form, "can_change": can_change(request),
        "vat_names": vat_names, "query": query.urlencode(),
    })


@company_view()
def account(request, company_id, account_id):
    company = request.company
    obj = owned(Account, request, account_id)
    initial = {f: getattr(obj, f) for f in ("name", "vat_code", "active", "is_bank", "grouping_category", "grouping_code")}
    form = AccountEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            chart.update_account(request.user, obj, **form.cleaned_data)
        except LedgerError as exc:
            add_problems(form, exc)
        else:
            messages.success(request, _("Account %(number)s was saved.") % {"number": obj.number})
            return redirect("ledger:account", company.pk, obj.pk)
    if not can_change(request):
        for field in form.fields.values():
            field.disabled = True
    day = today()
    return render(request, "ledger/account.html", {
        "company": company, "account": obj, "form": form, "can_change": can_change(request),
        "balance": reports.balance(company, obj, day), "postings": obj.postings.count(), "today": day,
        "year_start": datetime.date(day.year, 1, 1),
    })


@company_view()
def vat_codes(request, company_id):
    day = today()
    language = get_language() or "nb"
    rows = []
    for code in vat.codes().values():
        try:
            percent = vat.percent_on(code, day)
        except vat.VatError:
            percent = None
        history = [r for r in vat.rates() if r.rate_class == code.rate_class] if code.rate_class else []
        rows.append({"code": code, "name": code.name(language), "percent": percent, "history": history})
    return render(request, "ledger/vat_codes.html", {"company": request.company, "rows": rows, "today": day})


# --- Vouchers ---------------------------------------------------------------------------------


@company_view()
def vouchers(request, company_id):
    company = request.company
    filters = VoucherFilterForm(request.GET or None)
    qs = Voucher.objects.filter(company=company).annotate(total=Sum("postings__amount", filter=Q(postings__amount__gt=0)))
    if filters.is_valid():
        data = filters.cleaned_data
        if data["series"]:
            qs = qs.filter(series=data["series"])
        if data["date_from"]:
            qs = qs.filter(date__gte=data["date_from"])
        if data["date_to"]:
            qs = qs.filter(date__lte=data["date_to"])
        q = data["q"].strip()
        if q:
            number = q.split("-")[-1]
            qs = qs.filter(Q(description__icontains=q) | (Q(number=int(number)) if number.isdigit() else Q()))
    qs = qs.select_related("reversal_of").order_by("-date", "-id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "ledger/vouchers.html", {
        "company": company, "page": page, "filters": filters, "query": query.urlencode(), "can_change": can_change(request),
        "drafts": VoucherDraft.objects.filter(company=company),
    })


@company_view(Permission.CHANGE)
@require_POST
def voucher_draft_post(request, company_id, draft_id):
    draft = owned(VoucherDraft, request, draft_id)
    try:
        voucher = posting.post_draft(request.user, draft)
    except LedgerError as exc:
        messages.error(request, str(exc))
        return redirect("ledger:vouchers", request.company.pk)
    messages.success(request, _("Voucher %(number)s was posted.") % {"number": voucher.display_number})
    return redirect("ledger:voucher", request.company.pk, voucher.pk)


@company_view(Permission.CHANGE)
@require_POST
def voucher_draft_delete(request, company_id, draft_id):
    posting.delete_draft(request.user, owned(VoucherDraft, request, draft_id))
    messages.success(request, _("The draft was deleted."))
    return redirect("ledger:vouchers", request.company.pk)


def _voucher_lines(formset, gross: bool) -> list[posting.Line]:
    lines = []
    for form in formset.forms:
        if not form.has_changed() or not form.cleaned_data:
            continue
        data = form.cleaned_data
        lines.append(posting.Line(
            account=data["account"], amount=data["amount"], description=data["description"], vat_code=data["vat_code"],
            gross=gross, customer=data.get("customer"), supplier=data.get("supplier"),
        ))
    return lines


@company_view()
def voucher_new(request, company_id):
    company = request.company
    if not can_change(request):
        raise PermissionDenied
    form = VoucherForm(request.POST or None, request.FILES or None, initial={"date": today()})
    formset = VoucherLineFormSet(request.POST or None, prefix="lines", company=company)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        new = posting.NewVoucher(
            date=data["date"], description=data["description"], series=data["series"], source="manual",
            lines=_voucher_lines(formset, data["amounts_include_vat"]),
        )
        try:
            if "draft" in request.POST:
                draft = posting.create_draft(request.user, company, new)
                messages.success(request, _("The voucher was saved as a draft: %(draft)s.") % {"draft": draft})
                return redirect("ledger:vouchers", company.pk)
            with transaction.atomic():
                voucher = posting.post_voucher(request.user, company, new)
                if data.get("attachment"):
                    _attach(request, voucher, data["attachment"])
        except LedgerError as exc:
            add_problems(form, exc)
        else:
            messages.success(request, _("Voucher %(number)s was posted.") % {"number": voucher.display_number})
            return redirect("ledger:voucher", company.pk, voucher.pk)
    return render(request, "ledger/voucher_form.html", {
        "company": company, "form": form, "formset": formset,
        "accounts": Account.objects.filter(company=company, active=True).order_by("number"),
    })


def _attach(request, voucher: Voucher, upload) -> Attachment:
    from avstem.audit import services as audit

    attachment = Attachment(
        company=request.company, voucher=voucher, name=upload.name[:200], content_type=(upload.content_type or "")[:100],
        size=upload.size or 0, uploaded_by=request.user,
    )
    attachment.file.save(upload.name, upload, save=False)
    attachment.save()
    audit.record(action="attachment.create", actor=request.user, company=request.company, obj=attachment,
                 summary=voucher.display_number)
    return attachment


@company_view()
def voucher(request, company_id, voucher_id):
    company = request.company
    obj = owned(Voucher, request, voucher_id)
    attach_form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if attach_form.is_valid():
            with transaction.atomic():
                _attach(request, obj, attach_form.cleaned_data["file"])
            messages.success(request, _("The attachment was added."))
            return redirect("ledger:voucher", company.pk, obj.pk)
    postings = list(obj.postings.select_related("account", "customer", "supplier").order_by("line"))
    reversed_by = Voucher.objects.filter(reversal_of=obj).first()
    invoice = Invoice.objects.filter(voucher=obj).first()
    supplier_invoice = getattr(obj, "supplier_invoice", None) if hasattr(obj, "supplier_invoice") else None
    return render(request, "ledger/voucher.html", {
        "company": company, "voucher": obj, "postings": postings, "reversed_by": reversed_by,
        "debit": sum(p.debit for p in postings), "credit": sum(p.credit for p in postings),
        "reverse_form": ReverseForm(initial={"date": obj.date}), "attach_form": attach_form,
        "attachments": obj.attachments.all(), "invoice": invoice, "supplier_invoice": supplier_invoice,
        "can_change": can_change(request),
    })


@company_view(Permission.CHANGE)
@require_POST
def voucher_reverse(request, company_id, voucher_id):
    obj = owned(Voucher, request, voucher_id)
    form = ReverseForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("ledger:voucher", request.company.pk, obj.pk)
    try:
        reversal = posting.reverse_voucher(request.user, obj, date=form.cleaned_data["date"])
    except LedgerError as exc:
        messages.error(request, str(exc))
        return redirect("ledger:voucher", request.company.pk, obj.pk)
    messages.success(request, _("Voucher %(number)s was reversed by %(reversal)s.") % {
        "number": obj.display_number, "reversal": reversal.display_number})
    return redirect("ledger:voucher", request.company.pk, reversal.pk)


@company_view()
def attachment(request, company_id, attachment_id):
    obj = owned(Attachment, request, attachment_id)
    return FileResponse(obj.file.open("rb"), as_attachment=False, filename=obj.name,
                        content_type=obj.content_type or "application/octet-stream")


# --- Periods and settings ---------------------------------------------------------------------


@company_view()
def periods(request, company_id):
    company = request.company
    day = today()
    if request.method == "POST":
        try:
            year, month = int(request.POST.get("year", "")), int(request.POST.get("month", ""))
        except ValueError:
            messages.error(request, _("Choose a month."))
            return redirect(request.path)
        try:
            if request.POST.get("action") == "unlock":
                if not request.membership.allows(Permission.MANAGE):
                    raise PermissionDenied
                posting.unlock_period(request.user, company, year, month)
                messages.success(request, _("The period was opened again."))
            else:
                posting.lock_period(request.user, company, year, month)
                messages.success(request, _("The period was locked."))
        except LedgerError as exc:
            messages.error(request, str(exc))
        return redirect(f"{request.path}?year={year}")
    try:
        year = int(request.GET.get("year", day.year))
    except ValueError:
        year = day.year
    locked = posting.locked_periods(company)
    counts = dict(
        Voucher.objects.filter(company=company, date__year=year).values_list("date__month").annotate(n=Count("id")).values_list("date__month", "n")
    )
    months = [
        {"month": m, "date": datetime.date(year, m, 1), "locked": (year, m) in locked, "vouchers": counts.get(m, 0),
         "before_conversion": datetime.date(year, m, 1) < company.conversion_date.replace(day=1)}
        for m in range(1, 13)
    ]
    return render(request, "ledger/periods.html", {
        "company": company, "year": year, "months": months, "can_change": can_change(request),
        "can_manage": request.membership.allows(Permission.MANAGE),
    })


@company_view(Permission.VIEW, write=Permission.MANAGE)
def ledger_settings(request, company_id):
    company = request.company
    current = chart.settings_for(company)
    initial = {f: getattr(current, f) for f in chart.SETTINGS_FIELDS}
    form = LedgerSettingsForm(request.POST or None, initial=initial)
    can_manage = request.membership.allows(Permission.MANAGE)
    if request.method == "POST" and form.is_valid():
        try:
            chart.update_settings(request.user, company, **form.cleaned_data)
        except LedgerError as exc:
            add_problems(form, exc)
        else:
            messages.success(request, _("The ledger settings were saved."))
            return redirect("ledger:settings", company.pk)
    if not can_manage:
        for field in form.fields.values():
            field.disabled = True
    from ..invoicing import make_kid

    try:
        example = make_kid(current, 10023, 57)
    except LedgerError:
        example = ""
    return render(request, "ledger/settings.html", {
        "company": company, "form": form, "can_manage": can_manage, "example_kid": example, "settings": current,
        "fiscal_year": fiscal_year_label(fiscal_year(today(), company.fiscal_year_start_month), company.fiscal_year_start_month),
    })


def series_choices():
    return Series.choices
