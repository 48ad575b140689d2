"""Customer invoices, credit notes and supplier invoices.

A customer invoice is a draft until posted. Posting gives it the next number of the company's
invoice series (gap-free; credit notes share it), a KID and a voucher in the sales series:

    debit  1500 customers       gross   (the open item, with due date and KID)
    credit 3xxx revenue         net     (one line per revenue account and VAT code)
    credit 2700... output VAT   VAT     (calculated per account and code, as on the invoice)

A credit note is the mirror image and is settled against the invoice it credits.

KID layout: customer number zero-padded to `kid_customer_digits`, invoice number zero-padded
to `kid_invoice_digits`, one check digit (MOD10 by default, MOD11 by the company's ledger
settings; MOD11 may give "-"). Customer 10023, invoice 57, 5+6 digits, MOD10: 10023000057 + 4.

A supplier invoice is booked on one expense account:

    credit 2400 suppliers       gross   (the open item, with due date and the KID or message)
    debit  expense              net
    debit  2710... input VAT    VAT
"""

from __future__ import annotations

import datetime
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from avstem.audit import services as audit
from avstem.norway import accounts as bank_numbers
from avstem.norway.errors import InvalidNumber
from avstem.norway.kid import KID, InvalidKid

from . import vat
from .chart import settings_for
from .errors import LedgerError
from .models import (
    Account,
    Customer,
    DocumentStatus,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    OpenItem,
    Series,
    Supplier,
    SupplierInvoice,
)
from .money import format_amount, round_half_up
from .periods import add_days
from .posting import Line, NewVoucher, post_voucher, take_numbers
from .subledger import number_message, settle, subledger_account

INVOICE_FIELDS = ("customer", "invoice_date", "due_date", "reference", "note")
SUPPLIER_INVOICE_FIELDS = (
    "supplier", "supplier_invoice_number", "invoice_date", "due_date", "description", "account", "vat_code",
    "gross_amount", "vat_amount", "kid", "message", "creditor_account",
)
DEFAULT_REVENUE_ACCOUNT = "3000"
DEFAULT_EXPENSE_ACCOUNT = "6800"


@dataclass
class InvoiceLineInput:
    description: str
    quantity: Decimal
    unit_price: int  # øre, excluding VAT
    account: Account | str | None = None
    vat_code: str | None = None


def line_amount(quantity: Decimal, unit_price: int) -> int:
    return round_half_up(Decimal(quantity) * Decimal(unit_price))


# --- KID --------------------------------------------------------------------------------------


def make_kid(company_settings, customer_number: int, invoice_number: int) -> str:
    customer, invoice = str(customer_number), str(invoice_number)
    if len(customer) > company_settings.kid_customer_digits:
        raise LedgerError(
            _("Customer number %(number)s has more digits than the KID has room for (%(digits)s). Change the KID layout in the ledger settings.")
            % {"number": customer, "digits": company_settings.kid_customer_digits}
        )
    if len(invoice) > company_settings.kid_invoice_digits:
        raise LedgerError(
            _("Invoice number %(number)s has more digits than the KID has room for (%(digits)s). Change the KID layout in the ledger settings.")
            % {"number": invoice, "digits": company_settings.kid_invoice_digits}
        )
    payload = customer.zfill(company_settings.kid_customer_digits) + invoice.zfill(company_settings.kid_invoice_digits)
    return KID.create(payload, company_settings.kid_algorithm).value


def check_kid(text: str) -> str:
    """A KID given by a supplier: spaces removed, refused with the reason when its check digit
    fits neither MOD10 nor MOD11."""
    try:
        return KID.parse(text).validate().value
    except InvalidKid as exc:
        raise LedgerError(str(exc)) from None


# --- Customer invoices ------------------------------------------------------------------------


def _account(company, ref, default: str) -> Account:
    if isinstance(ref, Account):
        if ref.company_id != company.pk:
            raise LedgerError(_("Account %(number)s does not exist.") % {"number": ref.number})
        return ref
    number = str(ref or default).strip()
    account = Account.objects.filter(company=company, number=number).first()
    if account is None:
        raise LedgerError(_("Account %(number)s does not exist.") % {"number": number})
    return account


def _invoice_lines(company, lines: Sequence[InvoiceLineInput]) -> list[InvoiceLine]:
    if not lines:
        raise LedgerError(_("The invoice has no lines."))
    result, problems = [], []
    numbers = {str(l.account or DEFAULT_REVENUE_ACCOUNT).strip() for l in lines if not isinstance(l.account, Account)}
    known = {a.number: a for a in Account.objects.filter(company=company, number__in=numbers)}
    for number, given in enumerate(lines, start=1):
        if isinstance(given.account, Account):
            account = given.account if given.account.company_id == company.pk else None
        else:
            account = known.get(str(given.account or DEFAULT_REVENUE_ACCOUNT).strip())
        if account is None:
            label = given.account.number if isinstance(given.account, Account) else (given.account or DEFAULT_REVENUE_ACCOUNT)
            problems.append(_("Account %(number)s does not exist.") % {"number": label})
            continue
        if not account.active:
            problems.append(_("Account %(number)s is inactive.") % {"number": account.number})
        code = given.vat_code if given.vat_code is not None else (account.vat_code or "3")
        if code:
            try:
                vat_code = vat.get(code)
            except vat.VatError:
                problems.append(_("Unknown VAT code %(code)s.") % {"code": code})
                continue
            if not vat_code.is_sales:
                problems.append(_("Line %(line)s: VAT code %(code)s is for purchases, not sales.") % {"line": number, "code": code})
        try:
            quantity = Decimal(given.quantity)
        except (InvalidOperation, TypeError):
            problems.append(_("Line %(line)s: the quantity is not a number.") % {"line": number})
            continue
        if not (given.description or "").strip():
            problems.append(_("Line %(line)s needs a description.") % {"line": number})
        if isinstance(given.unit_price, bool) or not isinstance(given.unit_price, int):
            raise TypeError("unit prices are integer øre")
        result.append(InvoiceLine(
            line=number, description=(given.description or "").strip()[:200], quantity=quantity,
            unit_price=given.unit_price, account=account, vat_code=code, amount=line_amount(quantity, given.unit_price),
        ))
    if problems:
        raise LedgerError(*problems)
    return result


def vat_groups(lines: Sequence[InvoiceLine], day: datetime.date) -> "OrderedDict[tuple[int, str], tuple[int, int]]":
    """(account id, VAT code) -> (net, VAT). VAT is calculated on each group's total, which is
    exactly what the voucher posts."""
    groups: OrderedDict[tuple[int, str], list[int]] = OrderedDict()
    for line in lines:
        groups.setdefault((line.account_id, line.vat_code), [0, 0])[0] += line.amount
    result = OrderedDict()
    for (account_id, code), (net, _zero) in groups.items():
        result[(account_id, code)] = (net, vat.split(code, net, day).vat if code else 0)
    return result


def invoice_totals(lines: Sequence[InvoiceLine], day: datetime.date) -> tuple[int, int, int]:
    groups = vat_groups(lines, day)
    net = sum(n for n, _v in groups.values())
    tax = sum(v for _n, v in groups.values())
    return net, tax, net + tax


def vat_summary(invoice: Invoice) -> list[tuple[str, Decimal | None, int, int]]:
    """Per VAT code: (code, rate, basis, VAT) for the invoice document."""
    lines = list(invoice.lines.all())
    per_code: OrderedDict[str, list[int]] = OrderedDict()
    for (_account_id, code), (net, tax) in vat_groups(lines, invoice.invoice_date).items():
        entry = per_code.setdefault(code, [0, 0])
        entry[0] += net
        entry[1] += tax
    return [(code, vat.percent_on(code, invoice.invoice_date) if code else None, n, t) for code, (n, t) in per_code.items()]


def _save_lines(invoice: Invoice, lines: list[InvoiceLine]) -> None:
    invoice.lines.all().delete()
    for line in lines:
        line.invoice = invoice
    InvoiceLine.objects.bulk_create(lines)
    net, tax, gross = invoice_totals(lines, invoice.invoice_date)
    invoice.net_amount, invoice.vat_amount, invoice.gross_amount = net, tax, gross


def _check_customer(company, customer: Customer) -> None:
    if customer.company_id != company.pk:
        raise LedgerError(_("The customer does not exist."))


@transaction.atomic
def create_invoice(actor, company, *, customer: Customer, invoice_date: datetime.date,
                   lines: Sequence[InvoiceLineInput], due_date: datetime.date | None = None, reference: str = "",
                   note: str = "", kind: str = InvoiceKind.INVOICE, credited_invoice: Invoice | None = None,
                   post: bool = False, job: str = "") -> Invoice:
    """A draft invoice (or credit note); with `post=True` it is posted at once."""
    _check_customer(company, customer)
    built = _invoice_lines(company, lines)
    terms = settings_for(company).payment_terms_days
    invoice = Invoice(
        company=company, customer=customer, kind=kind, invoice_date=invoice_date,
        due_date=due_date or add_days(invoice_date, terms), reference=reference[:100], note=note,
        credited_invoice=credited_invoice,
    )
    if invoice.due_date < invoice.invoice_date:
        raise LedgerError(_("The due date is before the invoice date."))
    invoice.save()
    _save_lines(invoice, built)
    invoice.save(update_fields=["net_amount", "vat_amount", "gross_amount"])
    audit.record(action="invoice.create", actor=actor, job=job, company=company, obj=invoice,
                 changes=audit.diff({}, audit.snapshot(invoice, INVOICE_FIELDS)))
    if post:
        invoice = post_invoice(actor, invoice, job=job)
    return invoice


def _draft(model, obj):
    party = "customer" if model is Invoice else "supplier"
    obj = model.objects.select_for_update(of=("self",)).select_related("company", party).get(pk=obj.pk)
    if obj.status != DocumentStatus.DRAFT:
        raise LedgerError(_("%(document)s is posted and can no longer be changed.") % {"document": obj})
    return obj


@transaction.atomic
def update_invoice(actor, invoice: Invoice, *, lines: Sequence[InvoiceLineInput] | None = None, **fields) -> Invoice:
    invoice = _draft(Invoice, invoice)
    unknown = set(fields) - set(INVOICE_FIELDS)
    if unknown:
        raise TypeError(f"unknown invoice fields {', '.join(sorted(unknown))}")
    if "customer" in fields:
        _check_customer(invoice.company, fields["customer"])
    before = audit.snapshot(invoice, INVOICE_FIELDS)
    for name, value in fields.items():
        setattr(invoice, name, value)
    if invoice.due_date < invoice.invoice_date:
        raise LedgerError(_("The due date is before the invoice date."))
    if lines is not None:
        _save_lines(invoice, _invoice_lines(invoice.company, lines))
    else:
        _save_lines(invoice, list(invoice.lines.all()))  # the date may change the VAT rate
    invoice.save()
    changes = audit.diff(before, audit.snapshot(invoice, INVOICE_FIELDS))
    audit.record(action="invoice.update", actor=actor, company=invoice.company, obj=invoice, changes=changes)
    return invoice


@transaction.atomic
def delete_invoice(actor, invoice: Invoice) -> None:
    invoice = _draft(Invoice, invoice)
    audit.record(action="invoice.delete", actor=actor, company=invoice.company, obj=invoice,
                 changes=audit.diff(audit.snapshot(invoice, INVOICE_FIELDS), {}))
    invoice.delete()


@transaction.atomic
def post_invoice(actor, invoice: Invoice, *, job: str = "") -> Invoice:
    invoice = _draft(Invoice, invoice)
    company = invoice.company
    lines = list(invoice.lines.select_related("account"))
    if not lines:
        raise LedgerError(_("The invoice has no lines."))
    net, tax, gross = invoice_totals(lines, invoice.invoice_date)
    if gross <= 0:
        raise LedgerError(_("The total of an invoice or credit note must be more than zero."))
    credit = invoice.kind == InvoiceKind.CREDIT_NOTE
    if credit:
        _check_credit_room(invoice, gross)
    number = take_numbers(company, "invoice", 0, 1)
    kid = "" if credit else make_kid(settings_for(company), invoice.customer.number, number)
    sign = -1 if credit else 1
    label = (_("Credit note %(number)s, %(customer)s") if credit else _("Invoice %(number)s, %(customer)s")) % {
        "number": number, "customer": invoice.customer.name}
    accounts = {line.account_id: line.account for line in lines}
    voucher_lines = [Line(
        account=subledger_account(company, "customer"), amount=sign * gross, customer=invoice.customer,
        due_date=invoice.due_date, kid=kid, invoice_id=invoice.pk, reference=kid or str(number), description=label,
    )]
    for (account_id, code), (group_net, group_vat) in vat_groups(lines, invoice.invoice_date).items():
        voucher_lines.append(Line(
            account=accounts[account_id], amount=-sign * group_net, vat_code=code,
            vat_amount=-sign * group_vat if code and vat.get(code).computes_vat else None, description=label,
        ))
    voucher = post_voucher(
        actor, company,
        NewVoucher(date=invoice.invoice_date, description=label, lines=voucher_lines, series=Series.SALES, source="invoice"),
        job=job,
    )
    invoice.number, invoice.kid, invoice.voucher = number, kid, voucher
    invoice.net_amount, invoice.vat_amount, invoice.gross_amount = net, tax, gross
    invoice.status, invoice.posted_at = DocumentStatus.POSTED, timezone.now()
    try:
        with transaction.atomic():
            invoice.save()
    except IntegrityError:  # the unique (company, kid) constraint: a KID layout that repeats
        raise LedgerError(
            _("KID %(kid)s is already used by another invoice. Change the KID layout in the ledger settings.") % {"kid": kid}
        ) from None
    audit.record(action="invoice.post", actor=actor, job=job, company=company, obj=invoice,
                 changes={"number": [None, number], "kid": [None, kid], "gross_amount": [None, format_amount(gross)]},
                 summary=voucher.display_number)
    if credit and invoice.credited_invoice_id:
        _settle_credit_note(actor, invoice, job)
    return invoice


def _check_credit_room(credit_note: Invoice, gross: int) -> None:
    original = credit_note.credited_invoice
    if original is None:
        return
    credited = (
        Invoice.objects.filter(credited_invoice=original, status=DocumentStatus.POSTED).aggregate(s=Sum("gross_amount"))["s"] or 0
    )
    if credited + gross > original.gross_amount:
        raise LedgerError(
            _("The credit notes would credit %(total)s, more than the %(gross)s of invoice %(number)s.")
            % {"total": format_amount(credited + gross), "gross": format_amount(original.gross_amount), "number": original.number}
        )


def _settle_credit_note(actor, credit_note: Invoice, job: str) -> None:
    """Close the credit note against what is left of the invoice it credits."""
    mine = OpenItem.objects.get(invoice=credit_note)
    theirs = OpenItem.objects.filter(invoice=credit_note.credited_invoice).first()
    if theirs is None or theirs.remaining <= 0:
        return  # already paid: the credit stays open on the customer
    settle(actor, mine, [(theirs, min(theirs.remaining, abs(mine.remaining)))], date=credit_note.invoice_date, job=job,
           note=str(credit_note))


@transaction.atomic
def create_credit_note(actor, invoice: Invoice, *, date: datetime.date | None = None,
                       lines: Sequence[InvoiceLineInput] | None = None, post: bool = False, job: str = "") -> Invoice:
    """A credit note against a posted invoice: all of it unless `lines` says otherwise."""
    if invoice.status != DocumentStatus.POSTED or invoice.kind != InvoiceKind.INVOICE:
        raise LedgerError(_("Only a posted invoice can be credited."))
    if lines is None:
        lines = [InvoiceLineInput(description=l.description, quantity=l.quantity, unit_price=l.unit_price,
                                  account=l.account, vat_code=l.vat_code) for l in invoice.lines.select_related("account")]
    day = date or max(timezone.localdate(), invoice.invoice_date)
    return create_invoice(
        actor, invoice.company, customer=invoice.customer, invoice_date=day, due_date=day, lines=lines,
        reference=_("Credits invoice %(number)s") % {"number": invoice.number}, kind=InvoiceKind.CREDIT_NOTE,
        credited_invoice=invoice, post=post, job=job,
    )


def open_item_of(invoice) -> OpenItem | None:
    field = "invoice" if isinstance(invoice, Invoice) else "supplier_invoice"
    return OpenItem.objects.filter(**{field: invoice}).order_by("id").first()


# --- Supplier invoices ------------------------------------------------------------------------


def _clean_supplier_invoice(company, fields: dict, instance: SupplierInvoice | None = None) -> dict:
    clean = dict(fields)
    problems = []
    supplier: Supplier = clean.get("supplier") or (instance.supplier if instance else None)
    if supplier is None or supplier.company_id != company.pk:
        raise LedgerError(_("The supplier does not exist."))
    if "account" in clean or instance is None:
        account = clean.get("account") or supplier.default_account
        try:
            clean["account"] = _account(company, account, DEFAULT_EXPENSE_ACCOUNT)
        except LedgerError as exc:
            problems += exc.problems
    account = clean.get("account") or (instance.account if instance else None)
    if "vat_code" not in clean and instance is None:
        clean["vat_code"] = account.vat_code if account else ""
    code = clean.get("vat_code", instance.vat_code if instance else "")
    if code:
        try:
            if vat.get(code).is_sales:
                problems.append(_("VAT code %(code)s is for sales, not purchases.") % {"code": code})
        except vat.VatError:
            problems.append(_("Unknown VAT code %(code)s.") % {"code": code})
    gross = clean.get("gross_amount", instance.gross_amount if instance else 0)
    if isinstance(gross, bool) or not isinstance(gross, int):
        raise TypeError("amounts are integer øre")
    if gross == 0:
        problems.append(_("The amount must not be zero."))
    number = (clean.get("supplier_invoice_number", instance.supplier_invoice_number if instance else "") or "").strip()
    if not number:
        problems.append(_("The supplier's invoice number is required."))
    clean["supplier_invoice_number"] = number
    kid = (clean.get("kid", instance.kid if instance else "") or "").strip()
    message = (clean.get("message", instance.message if instance else "") or "").strip()
    if kid:
        try:
            clean["kid"] = check_kid(kid)
        except LedgerError as exc:
            problems += exc.problems
    if kid and message:
        problems.append(_("Give either a KID or a message, not both."))
    creditor = (clean.get("creditor_account", instance.creditor_account if instance else "") or "").strip()
    if not creditor:
        creditor = supplier.payment_account
    if creditor:
        try:
            creditor = (bank_numbers.validate_account_number(creditor) if creditor[:1].isdigit()
                        else bank_numbers.validate_iban(creditor))
        except InvalidNumber as exc:
            problems.append(_("Pay-to account: %(problem)s") % {"problem": number_message(exc)})
    clean["creditor_account"] = creditor
    duplicates = SupplierInvoice.objects.filter(company=company, supplier=supplier, supplier_invoice_number=number).exclude(
        voucher__reversed_by__isnull=False
    )
    if instance is not None:
        duplicates = duplicates.exclude(pk=instance.pk)
    if number and duplicates.exists():
        problems.append(_("Invoice %(number)s from %(supplier)s is already registered.") % {"number": number, "supplier": supplier.name})
    if problems:
        raise LedgerError(*problems)
    return clean


def _supplier_vat(code: str, gross: int, day: datetime.date, given: int | None) -> int:
    """The VAT on the supplier's invoice: as stated, else extracted from the gross amount.
    Reverse-charge invoices carry no VAT (we calculate it ourselves when posting)."""
    if not code:
        return 0
    vat_code = vat.get(code)
    if vat_code.treatment != "input":
        return 0
    if given is not None:
        return given
    return vat.split(vat_code, gross, day, gross=True).vat


@transaction.atomic
def create_supplier_invoice(actor, company, *, post: bool = False, job: str = "", **fields) -> SupplierInvoice:
    unknown = set(fields) - set(SUPPLIER_INVOICE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {', '.join(sorted(unknown))}")
    clean = _clean_supplier_invoice(company, fields)
    terms = settings_for(company).payment_terms_days
    clean.setdefault("due_date", None)
    clean["due_date"] = clean["due_date"] or add_days(clean["invoice_date"], terms)
    try:
        clean["vat_amount"] = _supplier_vat(clean.get("vat_code", ""), clean["gross_amount"], clean["invoice_date"], clean.get("vat_amount"))
    except vat.VatError as exc:
        raise LedgerError(str(exc)) from None
    invoice = SupplierInvoice.objects.create(company=company, **clean)
    audit.record(action="supplier_invoice.create", actor=actor, job=job, company=company, obj=invoice,
                 changes=audit.diff({}, audit.snapshot(invoice, SUPPLIER_INVOICE_FIELDS)))
    if post:
        invoice = post_supplier_invoice(actor, invoice, job=job)
    return invoice


@transaction.atomic
def update_supplier_invoice(actor, invoice: SupplierInvoice, **fields) -> SupplierInvoice:
    invoice = _draft(SupplierInvoice, invoice)
    unknown = set(fields) - set(SUPPLIER_INVOICE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {', '.join(sorted(unknown))}")
    clean = _clean_supplier_invoice(invoice.company, fields, invoice)
    before = audit.snapshot(invoice, SUPPLIER_INVOICE_FIELDS)
    for name, value in clean.items():
        setattr(invoice, name, value)
    if "vat_amount" not in fields:
        invoice.vat_amount = _supplier_vat(invoice.vat_code, invoice.gross_amount, invoice.invoice_date, None)
    invoice.save()
    changes = audit.diff(before, audit.snapshot(invoice, SUPPLIER_INVOICE_FIELDS))
    audit.record(action="supplier_invoice.update", actor=actor, company=invoice.company, obj=invoice, changes=changes)
    return invoice


@transaction.atomic
def delete_supplier_invoice(actor, invoice: SupplierInvoice) -> None:
    invoice = _draft(SupplierInvoice, invoice)
    audit.record(action="supplier_invoice.delete", actor=actor, company=invoice.company, obj=invoice,
                 changes=audit.diff(audit.snapshot(invoice, SUPPLIER_INVOICE_FIELDS), {}))
    invoice.delete()


@transaction.atomic
def post_supplier_invoice(actor, invoice: SupplierInvoice, *, job: str = "") -> SupplierInvoice:
    invoice = _draft(SupplierInvoice, invoice)
    company = invoice.company
    code = invoice.vat_code
    label = _("Invoice %(number)s from %(supplier)s") % {"number": invoice.supplier_invoice_number, "supplier": invoice.supplier.name}
    if code and vat.get(code).treatment == "input":
        expense = Line(account=invoice.account, amount=invoice.gross_amount - invoice.vat_amount, vat_code=code,
                       vat_amount=invoice.vat_amount, description=invoice.description or label)
    else:
        expense = Line(account=invoice.account, amount=invoice.gross_amount, vat_code=code, description=invoice.description or label)
    voucher = post_voucher(
        actor, company,
        NewVoucher(
            date=invoice.invoice_date, description=label, series=Series.PURCHASE, source="supplier_invoice",
            lines=[
                Line(account=subledger_account(company, "supplier"), amount=-invoice.gross_amount, supplier=invoice.supplier,
                     due_date=invoice.due_date, kid=invoice.kid, supplier_invoice_id=invoice.pk,
                     reference=invoice.kid or invoice.supplier_invoice_number, description=label),
                expense,
            ],
        ),
        job=job,
    )
    invoice.voucher, invoice.status, invoice.posted_at = voucher, DocumentStatus.POSTED, timezone.now()
    invoice.save()
    audit.record(action="supplier_invoice.post", actor=actor, job=job, company=company, obj=invoice,
                 summary=voucher.display_number)
    return invoice
