"""Customers, suppliers, customer invoices, credit notes and supplier invoices."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, Sum
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from avstem.companies.access import company_view
from avstem.companies.models import Permission

from .. import invoicing, subledger, vat
from ..errors import LedgerError
from ..forms import CreditNoteForm, CustomerForm, InvoiceForm, InvoiceLineFormSet, SupplierForm, SupplierInvoiceForm
from ..models import Account, Customer, DocumentStatus, Invoice, InvoiceKind, OpenItem, Supplier, SupplierInvoice
from ..periods import add_days
from .common import add_problems, can_change, owned, today

PAGE_SIZE = 50


# --- Customers and suppliers ------------------------------------------------------------------


def _party_list(request, model, template):
    company = request.company
    q = request.GET.get("q", "").strip()
    qs = model.objects.filter(company=company).order_by("number")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(org_number__startswith=q) | (Q(number=int(q)) if q.isdigit() else Q()))
    field = "customer" if model is Customer else "supplier"
    balances = dict(
        OpenItem.objects.filter(company=company, **{f"{field}__isnull": False}).values(field).annotate(s=Sum("remaining")).values_list(field, "s")
    )
    rows = [(p, balances.get(p.pk, 0)) for p in qs]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, template, {"company": company, "page": page, "q": q, "can_change": can_change(request)})


def _party_initial(party, names):
    initial = {f: getattr(party, f) for f in names if f != "default_account"}
    if hasattr(party, "default_account"):
        initial["default_account"] = party.default_account.number if party.default_account else ""
    return initial


def _party_fields(company, data: dict) -> dict:
    fields = dict(data)
    if "default_account" in fields:
        number = fields["default_account"]
        fields["default_account"] = Account.objects.filter(company=company, number=number).first() if number else None
    return fields


def _party_edit(request, model, party, form_class, create, update, template, detail_name):
    company = request.company
    names = subledger.SUPPLIER_FIELDS if model is Supplier else subledger.PARTY_FIELDS
    extra = {"company": company} if model is Supplier else {}
    initial = _party_initial(party, names) if party else {"active": True}
    form = form_class(request.POST or None, initial=initial, **extra)
    if request.method == "POST":
        if not can_change(request):
            raise PermissionDenied
        if form.is_valid():
            fields = _party_fields(company, form.cleaned_data)
            try:
                if party is None:
                    party = create(request.user, company, **fields)
                else:
                    if fields.get("number") is None:
                        fields.pop("number")
                    party = update(request.user, party, **fields)
            except LedgerError as exc:
                add_problems(form, exc)
            else:
                messages.success(request, _("%(name)s was saved.") % {"name": party.name})
                return redirect(detail_name, company.pk, party.pk)
    if not can_change(request):
        for field in form.fields.values():
            field.disabled = True
    context = {"company": company, "form": form, "party": party, "can_change": can_change(request)}
    if party is not None:
        field = "customer" if model is Customer else "supplier"
        context["items"] = subledger.open_items(company, **{field: party})
        context["balance"] = subledger.party_balance(company, **{field: party})
        invoices = list(party.invoices.order_by("-invoice_date", "-id")[:20])
        link = "invoice" if model is Customer else "supplier_invoice"
        remaining = dict(
            OpenItem.objects.filter(**{f"{link}__in": invoices}).values(link).annotate(s=Sum("remaining")).values_list(link, "s")
        )
        context["invoices"] = [(i, remaining.get(i.pk)) for i in invoices]
        context["today"] = today()
    return render(request, template, context)


@company_view()
def customers(request, company_id):
    return _party_list(request, Customer, "ledger/customers.html")


@company_view()
def customer_new(request, company_id):
    return _party_edit(request, Customer, None, CustomerForm, subledger.create_customer, subledger.update_customer,
                       "ledger/customer.html", "ledger:customer")


@company_view()
def customer(request, company_id, customer_id):
    return _party_edit(request, Customer, owned(Customer, request, customer_id), CustomerForm, subledger.create_customer,
                       subledger.update_customer, "ledger/customer.html", "ledger:customer")


@company_view()
def suppliers(request, company_id):
    return _party_list(request, Supplier, "ledger/suppliers.html")


@company_view()
def supplier_new(request, company_id):
    return _party_edit(request, Supplier, None, SupplierForm, subledger.create_supplier, subledger.update_supplier,
                       "ledger/supplier.html", "ledger:supplier")


@company_view()
def supplier(request, company_id, supplier_id):
    return _party_edit(request, Supplier, owned(Supplier, request, supplier_id), SupplierForm, subledger.create_supplier,
                       subledger.update_supplier, "ledger/supplier.html", "ledger:supplier")


# --- Customer invoices ------------------------------------------------------------------------


@company_view()
def invoices(request, company_id):
    company = request.company
    status = request.GET.get("status", "")
    qs = Invoice.objects.filter(company=company).select_related("customer").order_by("-invoice_date", "-id")
    day = today()
    if status == "draft":
        qs = qs.filter(status=DocumentStatus.DRAFT)
    elif status == "open":
        qs = qs.filter(open_items__remaining__gt=0).distinct()
    elif status == "overdue":
        qs = qs.filter(open_items__remaining__gt=0, due_date__lt=day).distinct()
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(customer__name__icontains=q) | Q(kid=q) | (Q(number=int(q)) if q.isdigit() else Q()))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    remaining = dict(
        OpenItem.objects.filter(invoice__in=[i.pk for i in page]).values("invoice").annotate(s=Sum("remaining")).values_list("invoice", "s")
    )
    rows = [(i, remaining.get(i.pk)) for i in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "ledger/invoices.html", {
        "company": company, "page": page, "rows": rows, "status": status, "q": q, "today": day,
        "query": query.urlencode(), "can_change": can_change(request),
    })


def _invoice_lines(formset) -> list[invoicing.InvoiceLineInput]:
    return [
        invoicing.InvoiceLineInput(
            description=f.cleaned_data["description"], quantity=f.cleaned_data["quantity"],
            unit_price=f.cleaned_data["unit_price"], account=f.cleaned_data["account"], vat_code=f.cleaned_data["vat_code"],
        )
        for f in formset.forms
        if f.has_changed() and f.cleaned_data
    ]


def _invoice_form(request, invoice: Invoice | None):
    company = request.company
    if not can_change(request):
        raise PermissionDenied
    if invoice is not None and not invoice.is_draft:
        messages.error(request, _("A posted invoice cannot be changed; credit it instead."))
        return redirect("ledger:invoice", company.pk, invoice.pk)
    if invoice is None:
        initial = {"invoice_date": today()}
        line_initial = None
        customer_id = request.GET.get("customer")
        if customer_id and customer_id.isdigit():
            initial["customer"] = Customer.objects.filter(company=company, pk=customer_id).first()
    else:
        initial = {f: getattr(invoice, f) for f in ("customer", "invoice_date", "due_date", "reference", "note")}
        line_initial = [
            {"description": l.description, "quantity": l.quantity, "unit_price": l.unit_price,
             "account": l.account.number, "vat_code": l.vat_code}
            for l in invoice.lines.select_related("account")
        ]
    form = InvoiceForm(request.POST or None, initial=initial, company=company)
    formset = InvoiceLineFormSet(request.POST or None, prefix="lines", company=company, initial=line_initial)
    if invoice is not None:
        formset.extra = 1
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        lines = _invoice_lines(formset)
        try:
            if invoice is None:
                invoice = invoicing.create_invoice(
                    request.user, company, customer=data["customer"], invoice_date=data["invoice_date"],
                    due_date=data["due_date"], reference=data["reference"], note=data["note"], lines=lines,
                    post="post" in request.POST,
                )
            else:
                due = data["due_date"] or add_days(data["invoice_date"], invoicing.settings_for(company).payment_terms_days)
                invoice = invoicing.update_invoice(
                    request.user, invoice, customer=data["customer"], invoice_date=data["invoice_date"], due_date=due,
                    reference=data["reference"], note=data["note"], lines=lines,
                )
                if "post" in request.POST:
                    invoice = invoicing.post_invoice(request.user, invoice)
        except LedgerError as exc:
            add_problems(form, exc)
        else:
            if invoice.is_draft:
                messages.success(request, _("The draft was saved."))
            else:
                messages.success(request, _("Invoice %(number)s was posted with KID %(kid)s.") % {"number": invoice.number, "kid": invoice.kid})
            return redirect("ledger:invoice", company.pk, invoice.pk)
    return render(request, "ledger/invoice_form.html", {"company": company, "form": form, "formset": formset, "invoice": invoice})


@company_view()
def invoice_new(request, company_id):
    return _invoice_form(request, None)


@company_view()
def invoice_edit(request, company_id, invoice_id):
    return _invoice_form(request, owned(Invoice, request, invoice_id))


@company_view()
def invoice(request, company_id, invoice_id):
    company = request.company
    obj = owned(Invoice, request, invoice_id)
    lines = list(obj.lines.select_related("account"))
    item = invoicing.open_item_of(obj) if not obj.is_draft else None
    settlements = subledger.settlements_of(item) if item else []
    return render(request, "ledger/invoice.html", {
        "company": company, "invoice": obj, "lines": lines, "item": item, "settlements": settlements,
        "vat_summary": invoicing.vat_summary(obj), "credit_form": CreditNoteForm(initial={"date": today()}),
        "credit_notes": obj.credit_notes.all(), "can_change": can_change(request), "today": today(),
    })


@company_view(Permission.CHANGE)
@require_POST
def invoice_post(request, company_id, invoice_id):
    obj = owned(Invoice, request, invoice_id)
    try:
        obj = invoicing.post_invoice(request.user, obj)
    except LedgerError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Invoice %(number)s was posted with KID %(kid)s.") % {"number": obj.number, "kid": obj.kid})
    return redirect("ledger:invoice", request.company.pk, obj.pk)


@company_view(Permission.CHANGE)
@require_POST
def invoice_delete(request, company_id, invoice_id):
    obj = owned(Invoice, request, invoice_id)
    try:
        invoicing.delete_invoice(request.user, obj)
    except LedgerError as exc:
        messages.error(request, str(exc))
        return redirect("ledger:invoice", request.company.pk, obj.pk)
    messages.success(request, _("The draft was deleted."))
    return redirect("ledger:invoices", request.company.pk)


@company_view(Permission.CHANGE)
@require_POST
def invoice_credit(request, company_id, invoice_id):
    obj = owned(Invoice, request, invoice_id, kind=InvoiceKind.INVOICE)
    form = CreditNoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("ledger:invoice", request.company.pk, obj.pk)
    try:
        note = invoicing.create_credit_note(request.user, obj, date=form.cleaned_data["date"], post=True)
    except LedgerError as exc:
        messages.error(request, str(exc))
        return redirect("ledger:invoice", request.company.pk, obj.pk)
    messages.success(request, _("Credit note %(number)s was posted.") % {"number": note.number})
    return redirect("ledger:invoice", request.company.pk, note.pk)


# --- Supplier invoices ------------------------------------------------------------------------


@company_view()
def supplier_invoices(request, company_id):
    company = request.company
    status = request.GET.get("status", "")
    qs = SupplierInvoice.objects.filter(company=company).select_related("supplier", "voucher").order_by("-invoice_date", "-id")
    day = today()
    if status == "draft":
        qs = qs.filter(status=DocumentStatus.DRAFT)
    elif status == "open":
        qs = qs.filter(open_items__remaining__lt=0).distinct()
    elif status == "overdue":
        qs = qs.filter(open_items__remaining__lt=0, due_date__lt=day).distinct()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    remaining = dict(
        OpenItem.objects.filter(supplier_invoice__in=[i.pk for i in page]).values("supplier_invoice").annotate(s=Sum("remaining")).values_list("supplier_invoice", "s")
    )
    rows = [(i, remaining.get(i.pk)) for i in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "ledger/supplier_invoices.html", {
        "company": company, "page": page, "rows": rows, "status": status, "today": day, "query": query.urlencode(),
        "can_change": can_change(request),
    })


def _supplier_invoice_fields(company, data: dict) -> dict:
    fields = {k: v for k, v in data.items() if k in invoicing.SUPPLIER_INVOICE_FIELDS}
    fields["account"] = Account.objects.filter(company=company, number=data["account"]).first() if data.get("account") else None
    if fields["account"] is None:
        fields.pop("account")
    if not data.get("vat_code"):
        fields.pop("vat_code", None)
    if data.get("vat_amount") is None:
        fields.pop("vat_amount", None)
    return fields


def _supplier_invoice_form(request, obj: SupplierInvoice | None):
    company = request.company
    if not can_change(request):
        raise PermissionDenied
    if obj is not None and not obj.is_draft:
        return redirect("ledger:supplier_invoice", company.pk, obj.pk)
    if obj is None:
        initial = {"invoice_date": today()}
        supplier_id = request.GET.get("supplier")
        if supplier_id and supplier_id.isdigit():
            initial["supplier"] = Supplier.objects.filter(company=company, pk=supplier_id).first()
    else:
        initial = {f: getattr(obj, f) for f in invoicing.SUPPLIER_INVOICE_FIELDS}
        initial["account"] = obj.account.number
    form = SupplierInvoiceForm(request.POST or None, initial=initial, company=company)
    if request.method == "POST" and form.is_valid():
        fields = _supplier_invoice_fields(company, form.cleaned_data)
        try:
            if obj is None:
                obj = invoicing.create_supplier_invoice(request.user, company, post="post" in request.POST, **fields)
            else:
                obj = invoicing.update_supplier_invoice(request.user, obj, **fields)
                if "post" in request.POST:
                    obj = invoicing.post_supplier_invoice(request.user, obj)
        except LedgerError as exc:
            add_problems(form, exc)
        else:
            messages.success(request, _("The supplier invoice was posted.") if not obj.is_draft else _("The draft was saved."))
            return redirect("ledger:supplier_invoice", company.pk, obj.pk)
    return render(request, "ledger/supplier_invoice_form.html", {"company": company, "form": form, "obj": obj})


@company_view()
def supplier_invoice_new(request, company_id):
    return _supplier_invoice_form(request, None)


@company_view()
def supplier_invoice_edit(request, company_id, supplier_invoice_id):
    return _supplier_invoice_form(request, owned(SupplierInvoice, request, supplier_invoice_id))


@company_view()
def supplier_invoice(request, company_id, supplier_invoice_id):
    obj = owned(SupplierInvoice, request, supplier_invoice_id)
    item = invoicing.open_item_of(obj) if not obj.is_draft else None
    return render(request, "ledger/supplier_invoice.html", {
        "company": request.company, "obj": obj, "item": item, "settlements": subledger.settlements_of(item) if item else [],
        "vat_code": vat.codes().get(obj.vat_code), "can_change": can_change(request), "today": today(),
        "vat_name": vat.codes()[obj.vat_code].name(get_language() or "nb") if obj.vat_code in vat.codes() else "",
    })


@company_view(Permission.CHANGE)
@require_POST
def supplier_invoice_post(request, company_id, supplier_invoice_id):
    obj = owned(SupplierInvoice, request, supplier_invoice_id)
    try:
        invoicing.post_supplier_invoice(request.user, obj)
    except LedgerError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The supplier invoice was posted."))
    return redirect("ledger:supplier_invoice", request.company.pk, obj.pk)


@company_view(Permission.CHANGE)
@require_POST
def supplier_invoice_delete(request, company_id, supplier_invoice_id):
    obj = owned(SupplierInvoice, request, supplier_invoice_id)
    try:
        invoicing.delete_supplier_invoice(request.user, obj)
    except LedgerError as exc:
        messages.error(request, str(exc))
        return redirect("ledger:supplier_invoice", request.company.pk, obj.pk)
    messages.success(request, _("The draft was deleted."))
    return redirect("ledger:supplier_invoices", request.company.pk)
