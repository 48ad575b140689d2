"""The ledger's JSON API under /api/companies/{company_id}/ledger/. Amounts are decimal strings
in NOK ("1250.50"), debit positive and credit negative; at most two decimals."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Literal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from avstem.companies.models import Permission
from avstem.web.api_tools import Money
from avstem.web.api_tools import company_of as _company

from . import chart, invoicing, posting, reports, subledger, vat
from .models import (
    Account,
    Customer,
    DocumentStatus,
    Invoice,
    InvoiceKind,
    OpenItem,
    PeriodLock,
    Posting,
    Settlement,
    Supplier,
    SupplierInvoice,
    Voucher,
    VoucherDraft,
)
from .money import from_ore, to_ore

router = Router(tags=["ledger"])
P = "/{company_id}/ledger"


def _money(ore: int | None) -> Decimal | None:
    return None if ore is None else from_ore(ore)


# --- Schemas ----------------------------------------------------------------------------------


class AccountOut(Schema):
    id: int
    number: str
    name: str
    account_type: str
    vat_code: str
    active: bool
    grouping_category: str
    grouping_code: str
    subledger: str
    is_bank: bool


class AccountIn(Schema):
    number: str
    name: str
    account_type: str = ""
    vat_code: str = ""
    is_bank: bool = False
    grouping_category: str = ""
    grouping_code: str = ""


class AccountPatch(Schema):
    name: str | None = None
    vat_code: str | None = None
    active: bool | None = None
    is_bank: bool | None = None
    grouping_category: str | None = None
    grouping_code: str | None = None


class VatRateOut(Schema):
    valid_from: datetime.date
    valid_to: datetime.date | None
    percent: Decimal


class VatCodeOut(Schema):
    code: str
    treatment: str
    name_nb: str
    name_en: str
    percent: Decimal | None
    output_account: str
    input_account: str
    rates: list[VatRateOut]


class LineIn(Schema):
    account: str = Field(description="Account number, e.g. 1920")
    amount: Money = Field(description="Debit positive, credit negative. Net of VAT unless gross is true.")
    description: str = ""
    vat_code: str = ""
    gross: bool = Field(False, description="The amount includes VAT: the VAT is taken out of it.")
    vat_amount: Money | None = Field(None, description="VAT as stated on the document, instead of calculated")
    currency: str = ""
    currency_amount: Money | None = None
    customer_id: int | None = None
    supplier_id: int | None = None
    bank_account_id: int | None = None
    reference: str = ""
    due_date: datetime.date | None = None
    kid: str = ""


class VoucherIn(Schema):
    date: datetime.date
    description: str
    series: Literal["manual", "sales", "purchase", "bank", "payroll", "opening"] = "manual"
    lines: list[LineIn]


class PostingOut(Schema):
    id: int
    line: int
    account: str
    amount: Decimal
    description: str
    vat_code: str
    vat_rate: Decimal | None
    vat_amount: Decimal | None
    is_vat: bool
    customer_id: int | None
    supplier_id: int | None
    bank_account_id: int | None
    reference: str
    currency: str
    currency_amount: Decimal | None


class VoucherOut(Schema):
    id: int
    number: str = Field(description="Series prefix, fiscal year and number, e.g. S2025-14")
    series: str
    fiscal_year: int
    sequence: int
    date: datetime.date
    description: str
    source: str
    reversal_of_id: int | None
    reversed_by_id: int | None
    posted_at: datetime.datetime
    postings: list[PostingOut]


class ReverseIn(Schema):
    date: datetime.date | None = None
    description: str = ""


class PartyIn(Schema):
    number: int | None = None
    name: str
    org_number: str = ""
    address: str = ""
    postal_code: str = ""
    city: str = ""
    email: str = ""
    active: bool = True


class PartyPatch(Schema):
    name: str | None = None
    org_number: str | None = None
    address: str | None = None
    postal_code: str | None = None
    city: str | None = None
    email: str | None = None
    active: bool | None = None


class CustomerOut(Schema):
    id: int
    number: int
    name: str
    org_number: str
    address: str
    postal_code: str
    city: str
    email: str
    active: bool
    balance: Decimal


class SupplierIn(PartyIn):
    bank_account: str = ""
    iban: str = ""
    bic: str = ""
    default_account: str = Field("", description="Account number of the default expense account")


class SupplierPatch(PartyPatch):
    bank_account: str | None = None
    iban: str | None = None
    bic: str | None = None
    default_account: str | None = None


class SupplierOut(CustomerOut):
    bank_account: str
    iban: str
    bic: str
    default_account: str | None


class InvoiceLineIn(Schema):
    description: str
    quantity: Decimal = Field(Decimal("1"), max_digits=12, decimal_places=3)
    unit_price: Money = Field(description="Excluding VAT")
    account: str = "3000"
    vat_code: str | None = Field(None, description="Default: the account's VAT code")


class InvoiceIn(Schema):
    customer_id: int
    invoice_date: datetime.date
    due_date: datetime.date | None = None
    reference: str = ""
    note: str = ""
    lines: list[InvoiceLineIn]
    post: bool = Field(False, description="Post at once (number, KID, voucher)")


class InvoicePatch(Schema):
    customer_id: int | None = None
    invoice_date: datetime.date | None = None
    due_date: datetime.date | None = None
    reference: str | None = None
    note: str | None = None
    lines: list[InvoiceLineIn] | None = None


class InvoiceLineOut(Schema):
    line: int
    description: str
    quantity: Decimal
    unit_price: Decimal
    account: str
    vat_code: str
    amount: Decimal


class InvoiceOut(Schema):
    id: int
    kind: str
    status: str
    number: int | None
    customer_id: int
    invoice_date: datetime.date
    due_date: datetime.date
    reference: str
    kid: str
    credited_invoice_id: int | None
    voucher_id: int | None
    net_amount: Decimal
    vat_amount: Decimal
    gross_amount: Decimal
    remaining: Decimal | None
    open_item_id: int | None
    lines: list[InvoiceLineOut]


class CreditNoteIn(Schema):
    date: datetime.date | None = None
    lines: list[InvoiceLineIn] | None = Field(None, description="Default: the whole invoice")
    post: bool = True


class SupplierInvoiceIn(Schema):
    supplier_id: int
    supplier_invoice_number: str
    invoice_date: datetime.date
    due_date: datetime.date | None = None
    gross_amount: Money = Field(description="Including VAT; negative for a credit note")
    account: str = Field("", description="Expense account; default the supplier's")
    vat_code: str | None = None
    vat_amount: Money | None = None
    description: str = ""
    kid: str = ""
    message: str = ""
    creditor_account: str = ""
    post: bool = False


class SupplierInvoiceOut(Schema):
    id: int
    status: str
    supplier_id: int
    supplier_invoice_number: str
    invoice_date: datetime.date
    due_date: datetime.date
    description: str
    account: str
    vat_code: str
    gross_amount: Decimal
    vat_amount: Decimal
    kid: str
    message: str
    creditor_account: str
    voucher_id: int | None
    remaining: Decimal | None
    open_item_id: int | None


class OpenItemOut(Schema):
    id: int
    kind: str
    customer_id: int | None
    supplier_id: int | None
    posting_id: int
    voucher_id: int
    date: datetime.date
    due_date: datetime.date
    amount: Decimal
    remaining: Decimal
    kid: str
    description: str
    invoice_id: int | None
    supplier_invoice_id: int | None


class OpenItemFilter(Schema):
    kind: Literal["customer", "supplier"] | None = None
    customer_id: int | None = None
    supplier_id: int | None = None
    kid: str | None = None
    include_closed: bool = False
    limit: int = 500
    offset: int = 0


class AllocationIn(Schema):
    open_item_id: int
    amount: Money = Field(gt=0, description="How much of the open item to close (positive)")


class SettlementIn(Schema):
    payment_open_item_id: int | None = Field(None, description="The open item of the payment or credit")
    payment_posting_id: int | None = Field(None, description="Or the payment's posting on 1500/2400")
    allocations: list[AllocationIn]
    date: datetime.date | None = None
    note: str = ""


class SettlementLineOut(Schema):
    open_item_id: int
    amount: Decimal


class SettlementOut(Schema):
    id: int
    date: datetime.date
    note: str
    reversed: bool
    lines: list[SettlementLineOut]


class PaymentIn(Schema):
    date: datetime.date
    amount: Money = Field(gt=0, description="Received from the customer or paid to the supplier (positive)")
    customer_id: int | None = None
    supplier_id: int | None = None
    bank_account: str = "1920"
    bank_account_id: int | None = None
    reference: str = ""
    description: str = ""
    allocations: list[AllocationIn] | Literal["oldest"] | None = Field(None, description='Open items to settle, "oldest" or none')


class PaymentOut(Schema):
    voucher: VoucherOut
    settlement: SettlementOut | None


class BalanceOut(Schema):
    account: str
    date: datetime.date
    balance: Decimal


class TrialBalanceRowOut(Schema):
    account: str | None
    name: str
    opening: Decimal
    debit: Decimal
    credit: Decimal
    closing: Decimal


class TrialBalanceOut(Schema):
    date_from: datetime.date
    date_to: datetime.date
    rows: list[TrialBalanceRowOut]
    totals: TrialBalanceRowOut


class LedgerLineOut(Schema):
    date: datetime.date
    voucher_id: int
    voucher: str
    description: str
    vat_code: str
    amount: Decimal
    balance: Decimal


class GeneralLedgerOut(Schema):
    account: str
    date_from: datetime.date
    date_to: datetime.date
    opening: Decimal
    closing: Decimal
    lines: list[LedgerLineOut]


class AgedItemOut(Schema):
    open_item_id: int
    due_date: datetime.date
    remaining: Decimal
    bucket: str


class PartyAgingOut(Schema):
    party_id: int
    number: int
    name: str
    total: Decimal
    buckets: dict[str, Decimal]
    items: list[AgedItemOut]


class OpenItemsReportOut(Schema):
    kind: str
    as_of: datetime.date
    total: Decimal
    buckets: dict[str, Decimal]
    parties: list[PartyAgingOut]


class PeriodIn(Schema):
    year: int = Field(ge=1900, le=2200)
    month: int = Field(ge=1, le=12)


class PeriodOut(Schema):
    year: int
    month: int
    locked_at: datetime.datetime


class LedgerSettingsOut(Schema):
    kid_algorithm: str
    kid_customer_digits: int
    kid_invoice_digits: int
    payment_terms_days: int


class LedgerSettingsPatch(Schema):
    kid_algorithm: Literal["MOD10", "MOD11"] | None = None
    kid_customer_digits: int | None = Field(None, ge=1, le=23)
    kid_invoice_digits: int | None = Field(None, ge=1, le=23)
    payment_terms_days: int | None = Field(None, ge=0, le=365)


# --- Conversions ------------------------------------------------------------------------------


def _account_out(a: Account) -> AccountOut:
    return AccountOut(id=a.pk, number=a.number, name=a.name, account_type=a.account_type, vat_code=a.vat_code,
                      active=a.active, grouping_category=a.grouping_category, grouping_code=a.grouping_code,
                      subledger=a.subledger, is_bank=a.is_bank)


def _posting_out(p: Posting) -> PostingOut:
    return PostingOut(
        id=p.pk, line=p.line, account=p.account.number, amount=from_ore(p.amount), description=p.description,
        vat_code=p.vat_code, vat_rate=p.vat_rate, vat_amount=_money(p.vat_amount), is_vat=p.is_vat,
        customer_id=p.customer_id, supplier_id=p.supplier_id, bank_account_id=p.bank_account_id,
        reference=p.reference, currency=p.currency, currency_amount=_money(p.currency_amount),
    )


def _voucher_out(v: Voucher) -> VoucherOut:
    reversed_by = Voucher.objects.filter(reversal_of=v).values_list("pk", flat=True).first()
    return VoucherOut(
        id=v.pk, number=v.display_number, series=v.series, fiscal_year=v.fiscal_year, sequence=v.number, date=v.date,
        description=v.description, source=v.source, reversal_of_id=v.reversal_of_id, reversed_by_id=reversed_by,
        posted_at=v.posted_at, postings=[_posting_out(p) for p in v.postings.select_related("account").order_by("line")],
    )


def _party_out(p, balance: int) -> dict:
    return dict(id=p.pk, number=p.number, name=p.name, org_number=p.org_number, address=p.address,
                postal_code=p.postal_code, city=p.city, email=p.email, active=p.active, balance=from_ore(balance))


def _customer_out(c: Customer) -> CustomerOut:
    return CustomerOut(**_party_out(c, subledger.party_balance(c.company, customer=c)))


def _supplier_out(s: Supplier) -> SupplierOut:
    return SupplierOut(**_party_out(s, subledger.party_balance(s.company, supplier=s)), bank_account=s.bank_account,
                       iban=s.iban, bic=s.bic, default_account=s.default_account.number if s.default_account else None)


def _invoice_out(i: Invoice) -> InvoiceOut:
    item = invoicing.open_item_of(i) if i.status == DocumentStatus.POSTED else None
    return InvoiceOut(
        id=i.pk, kind=i.kind, status=i.status, number=i.number, customer_id=i.customer_id, invoice_date=i.invoice_date,
        due_date=i.due_date, reference=i.reference, kid=i.kid, credited_invoice_id=i.credited_invoice_id,
        voucher_id=i.voucher_id, net_amount=from_ore(i.net_amount), vat_amount=from_ore(i.vat_amount),
        gross_amount=from_ore(i.gross_amount), remaining=_money(item.remaining) if item else None,
        open_item_id=item.pk if item else None,
        lines=[InvoiceLineOut(line=l.line, description=l.description, quantity=l.quantity, unit_price=from_ore(l.unit_price),
                              account=l.account.number, vat_code=l.vat_code, amount=from_ore(l.amount))
               for l in i.lines.select_related("account")],
    )


def _supplier_invoice_out(s: SupplierInvoice) -> SupplierInvoiceOut:
    item = invoicing.open_item_of(s) if s.status == DocumentStatus.POSTED else None
    return SupplierInvoiceOut(
        id=s.pk, status=s.status, supplier_id=s.supplier_id, supplier_invoice_number=s.supplier_invoice_number,
        invoice_date=s.invoice_date, due_date=s.due_date, description=s.description, account=s.account.number,
        vat_code=s.vat_code, gross_amount=from_ore(s.gross_amount), vat_amount=from_ore(s.vat_amount), kid=s.kid,
        message=s.message, creditor_account=s.creditor_account, voucher_id=s.voucher_id,
        remaining=_money(item.remaining) if item else None, open_item_id=item.pk if item else None,
    )


def _open_item_out(i: OpenItem) -> OpenItemOut:
    return OpenItemOut(
        id=i.pk, kind="customer" if i.customer_id else "supplier", customer_id=i.customer_id, supplier_id=i.supplier_id,
        posting_id=i.posting_id, voucher_id=i.posting.voucher_id, date=i.date, due_date=i.due_date,
        amount=from_ore(i.amount), remaining=from_ore(i.remaining), kid=i.kid, description=i.description,
        invoice_id=i.invoice_id, supplier_invoice_id=i.supplier_invoice_id,
    )


def _settlement_out(s: Settlement) -> SettlementOut:
    return SettlementOut(id=s.pk, date=s.date, note=s.note, reversed=s.reversed_at is not None,
                         lines=[SettlementLineOut(open_item_id=l.open_item_id, amount=from_ore(l.amount)) for l in s.lines.all()])


def _customer(company, pk) -> Customer | None:
    return None if pk is None else get_object_or_404(Customer, pk=pk, company=company)


def _supplier(company, pk) -> Supplier | None:
    return None if pk is None else get_object_or_404(Supplier, pk=pk, company=company)


def _line(company, line: LineIn) -> posting.Line:
    return posting.Line(
        account=line.account, amount=to_ore(line.amount), description=line.description, vat_code=line.vat_code,
        gross=line.gross, vat_amount=to_ore(line.vat_amount) if line.vat_amount is not None else None,
        currency=line.currency, currency_amount=to_ore(line.currency_amount) if line.currency_amount is not None else None,
        customer=_customer(company, line.customer_id), supplier=_supplier(company, line.supplier_id),
        bank_account_id=line.bank_account_id, reference=line.reference, due_date=line.due_date, kid=line.kid,
    )


def _new_voucher(company, payload: VoucherIn) -> posting.NewVoucher:
    return posting.NewVoucher(date=payload.date, description=payload.description, series=payload.series, source="api",
                              lines=[_line(company, line) for line in payload.lines])


def _invoice_lines(lines: list[InvoiceLineIn]) -> list[invoicing.InvoiceLineInput]:
    return [invoicing.InvoiceLineInput(description=l.description, quantity=l.quantity, unit_price=to_ore(l.unit_price),
                                       account=l.account, vat_code=l.vat_code) for l in lines]


# --- Accounts and VAT codes -------------------------------------------------------------------


@router.get(P + "/accounts", response=list[AccountOut], summary="Chart of accounts")
def list_accounts(request, company_id: int, active: bool | None = None):
    company = _company(request, company_id)
    qs = Account.objects.filter(company=company).order_by("number")
    if active is not None:
        qs = qs.filter(active=active)
    return [_account_out(a) for a in qs]


@router.post(P + "/accounts", response={201: AccountOut}, summary="Add an account")
def create_account(request, company_id: int, payload: AccountIn):
    company = _company(request, company_id, Permission.CHANGE)
    return Status(201, _account_out(chart.add_account(request.user, company, **payload.dict())))


@router.patch(P + "/accounts/{account_id}", response=AccountOut, summary="Rename, (de)activate or regroup an account")
def update_account(request, company_id: int, account_id: int, payload: AccountPatch):
    company = _company(request, company_id, Permission.CHANGE)
    account = get_object_or_404(Account, pk=account_id, company=company)
    return _account_out(chart.update_account(request.user, account, **payload.dict(exclude_none=True)))


@router.get(P + "/vat-codes", response=list[VatCodeOut], summary="VAT codes with their rates by date")
def list_vat_codes(request, company_id: int, date: datetime.date | None = None):
    _company(request, company_id)
    day = date or timezone.localdate()
    result = []
    for code in vat.codes().values():
        try:
            percent = vat.percent_on(code, day)
        except vat.VatError:
            percent = None
        rates = [VatRateOut(valid_from=r.valid_from, valid_to=r.valid_to, percent=r.percent)
                 for r in vat.rates() if code.rate_class and r.rate_class == code.rate_class]
        result.append(VatCodeOut(code=code.code, treatment=code.treatment, name_nb=code.name_nb, name_en=code.name_en,
                                 percent=percent, output_account=code.output_account, input_account=code.input_account, rates=rates))
    return result


# --- Vouchers ---------------------------------------------------------------------------------


class VoucherFilter(Schema):
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    series: str | None = None
    limit: int = 100
    offset: int = 0


@router.get(P + "/vouchers", response=list[VoucherOut], summary="Posted vouchers, newest first")
def list_vouchers(request, company_id: int, filters: Query[VoucherFilter]):
    company = _company(request, company_id)
    qs = Voucher.objects.filter(company=company).order_by("-date", "-id")
    if filters.date_from:
        qs = qs.filter(date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(date__lte=filters.date_to)
    if filters.series:
        qs = qs.filter(series=filters.series)
    return [_voucher_out(v) for v in qs[filters.offset : filters.offset + min(filters.limit, 1000)]]


@router.post(P + "/vouchers", response={201: VoucherOut}, summary="Post a voucher (all or nothing)")
def create_voucher(request, company_id: int, payload: VoucherIn):
    company = _company(request, company_id, Permission.CHANGE)
    return Status(201, _voucher_out(posting.post_voucher(request.user, company, _new_voucher(company, payload))))


@router.post(P + "/vouchers/batch", response={201: list[VoucherOut]}, summary="Post many vouchers in one transaction")
def create_vouchers(request, company_id: int, payload: list[VoucherIn]):
    company = _company(request, company_id, Permission.CHANGE)
    vouchers = posting.post_vouchers(request.user, company, [_new_voucher(company, v) for v in payload])
    return Status(201, [_voucher_out(v) for v in vouchers])


@router.post(P + "/vouchers/check", response=list[PostingOut], summary="Check a voucher and show the postings it would make, without posting")
def check_voucher(request, company_id: int, payload: VoucherIn):
    company = _company(request, company_id, Permission.CHANGE)
    postings = posting.preview_voucher(company, _new_voucher(company, payload))
    return [
        PostingOut(id=0, line=p["line"], account=p["account"].number, amount=from_ore(p["amount"]), description=p["description"],
                   vat_code=p["vat_code"], vat_rate=p["vat_rate"], vat_amount=_money(p["vat_amount"]), is_vat=p["is_vat"],
                   customer_id=p["customer"].pk if p["customer"] else None, supplier_id=p["supplier"].pk if p["supplier"] else None,
                   bank_account_id=p["bank_account_id"], reference=p["reference"], currency=p["currency"],
                   currency_amount=_money(p["currency_amount"]))
        for p in postings
    ]


class DraftLineOut(Schema):
    account: str
    amount: Decimal
    description: str
    vat_code: str
    gross: bool
    vat_amount: Decimal | None
    currency: str
    currency_amount: Decimal | None
    customer_id: int | None
    supplier_id: int | None
    bank_account_id: int | None
    reference: str
    due_date: datetime.date | None
    kid: str


class DraftOut(Schema):
    id: int
    series: str
    date: datetime.date
    description: str
    source: str
    lines: list[DraftLineOut] = Field(description="The lines as they will be posted (VAT lines are added then)")
    created_at: datetime.datetime


def _draft_out(d: VoucherDraft) -> DraftOut:
    lines = [
        DraftLineOut(**{**line, "amount": from_ore(line["amount"]), "vat_amount": _money(line.get("vat_amount")),
                        "currency_amount": _money(line.get("currency_amount"))})
        for line in d.lines
    ]
    return DraftOut(id=d.pk, series=d.series, date=d.date, description=d.description, source=d.source, lines=lines,
                    created_at=d.created_at)


@router.get(P + "/voucher-drafts", response=list[DraftOut], summary="Vouchers saved to post later")
def list_drafts(request, company_id: int):
    company = _company(request, company_id)
    return [_draft_out(d) for d in VoucherDraft.objects.filter(company=company)]


@router.post(P + "/voucher-drafts", response={201: DraftOut}, summary="Save a voucher as a draft (no number, no balances)")
def create_draft(request, company_id: int, payload: VoucherIn):
    company = _company(request, company_id, Permission.CHANGE)
    return Status(201, _draft_out(posting.create_draft(request.user, company, _new_voucher(company, payload))))


@router.get(P + "/voucher-drafts/{draft_id}", response=DraftOut)
def get_draft(request, company_id: int, draft_id: int):
    company = _company(request, company_id)
    return _draft_out(get_object_or_404(VoucherDraft, pk=draft_id, company=company))


@router.post(P + "/voucher-drafts/{draft_id}/post", response={201: VoucherOut}, summary="Post a draft")
def post_draft(request, company_id: int, draft_id: int):
    company = _company(request, company_id, Permission.CHANGE)
    draft = get_object_or_404(VoucherDraft, pk=draft_id, company=company)
    return Status(201, _voucher_out(posting.post_draft(request.user, draft)))


@router.delete(P + "/voucher-drafts/{draft_id}", response={204: None}, summary="Delete a draft")
def delete_draft(request, company_id: int, draft_id: int):
    company = _company(request, company_id, Permission.CHANGE)
    posting.delete_draft(request.user, get_object_or_404(VoucherDraft, pk=draft_id, company=company))
    return Status(204, None)


@router.get(P + "/vouchers/{voucher_id}", response=VoucherOut)
def get_voucher(request, company_id: int, voucher_id: int):
    company = _company(request, company_id)
    return _voucher_out(get_object_or_404(Voucher, pk=voucher_id, company=company))


@router.post(P + "/vouchers/{voucher_id}/reverse", response={201: VoucherOut}, summary="Reverse a voucher (the only correction)")
def reverse_voucher(request, company_id: int, voucher_id: int, payload: ReverseIn):
    company = _company(request, company_id, Permission.CHANGE)
    voucher = get_object_or_404(Voucher, pk=voucher_id, company=company)
    return Status(201, _voucher_out(posting.reverse_voucher(request.user, voucher, date=payload.date, description=payload.description)))


# --- Customers and suppliers ------------------------------------------------------------------


@router.get(P + "/customers", response=list[CustomerOut])
def list_customers(request, company_id: int, q: str = ""):
    company = _company(request, company_id)
    qs = Customer.objects.filter(company=company).order_by("number")
    if q:
        qs = qs.filter(name__icontains=q)
    return [_customer_out(c) for c in qs]


@router.post(P + "/customers", response={201: CustomerOut})
def create_customer(request, company_id: int, payload: PartyIn):
    company = _company(request, company_id, Permission.CHANGE)
    return Status(201, _customer_out(subledger.create_customer(request.user, company, **payload.dict())))


@router.get(P + "/customers/{customer_id}", response=CustomerOut)
def get_customer(request, company_id: int, customer_id: int):
    company = _company(request, company_id)
    return _customer_out(get_object_or_404(Customer, pk=customer_id, company=company))


@router.patch(P + "/customers/{customer_id}", response=CustomerOut)
def update_customer(request, company_id: int, customer_id: int, payload: PartyPatch):
    company = _company(request, company_id, Permission.CHANGE)
    customer = get_object_or_404(Customer, pk=customer_id, company=company)
    return _customer_out(subledger.update_customer(request.user, customer, **payload.dict(exclude_none=True)))


def _supplier_fields(company, data: dict) -> dict:
    if "default_account" in data:
        number = data["default_account"]
        data["default_account"] = get_object_or_404(Account, company=company, number=number) if number else None
    return data


@router.get(P + "/suppliers", response=list[SupplierOut])
def list_suppliers(request, company_id: int, q: str = ""):
    company = _company(request, company_id)
    qs = Supplier.objects.filter(company=company).select_related("default_account").order_by("number")
    if q:
        qs = qs.filter(name__icontains=q)
    return [_supplier_out(s) for s in qs]


@router.post(P + "/suppliers", response={201: SupplierOut})
def create_supplier(request, company_id: int, payload: SupplierIn):
    company = _company(request, company_id, Permission.CHANGE)
    return Status(201, _supplier_out(subledger.create_supplier(request.user, company, **_supplier_fields(company, payload.dict()))))


@router.get(P + "/suppliers/{supplier_id}", response=SupplierOut)
def get_supplier(request, company_id: int, supplier_id: int):
    company = _company(request, company_id)
    return _supplier_out(get_object_or_404(Supplier, pk=supplier_id, company=company))


@router.patch(P + "/suppliers/{supplier_id}", response=SupplierOut)
def update_supplier(request, company_id: int, supplier_id: int, payload: SupplierPatch):
    company = _company(request, company_id, Permission.CHANGE)
    supplier = get_object_or_404(Supplier, pk=supplier_id, company=company)
    fields = _supplier_fields(company, payload.dict(exclude_none=True))
    return _supplier_out(subledger.update_supplier(request.user, supplier, **fields))


# --- Invoices ---------------------------------------------------------------------------------


class InvoiceFilter(Schema):
    status: Literal["draft", "posted"] | None = None
    customer_id: int | None = None
    kid: str | None = None
    limit: int = 100
    offset: int = 0


@router.get(P + "/invoices", response=list[InvoiceOut], summary="Customer invoices and credit notes")
def list_invoices(request, company_id: int, filters: Query[InvoiceFilter]):
    company = _company(request, company_id)
    qs = Invoice.objects.filter(company=company).order_by("-invoice_date", "-id")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.customer_id:
        qs = qs.filter(customer_id=filters.customer_id)
    if filters.kid:
        qs = qs.filter(kid=filters.kid)
    return [_invoice_out(i) for i in qs[filters.offset : filters.offset + min(filters.limit, 1000)]]


@router.post(P + "/invoices", response={201: InvoiceOut}, summary="Create an invoice draft (post=true posts it at once)")
def create_invoice(request, company_id: int, payload: InvoiceIn):
    company = _company(request, company_id, Permission.CHANGE)
    invoice = invoicing.create_invoice(
        request.user, company, customer=get_object_or_404(Customer, pk=payload.customer_id, company=company),
        invoice_date=payload.invoice_date, due_date=payload.due_date, reference=payload.reference, note=payload.note,
        lines=_invoice_lines(payload.lines), post=payload.post,
    )
    return Status(201, _invoice_out(invoice))


@router.get(P + "/invoices/{invoice_id}", response=InvoiceOut)
def get_invoice(request, company_id: int, invoice_id: int):
    company = _company(request, company_id)
    return _invoice_out(get_object_or_404(Invoice, pk=invoice_id, company=company))


@router.patch(P + "/invoices/{invoice_id}", response=InvoiceOut, summary="Change a draft")
def update_invoice(request, company_id: int, invoice_id: int, payload: InvoicePatch):
    company = _company(request, company_id, Permission.CHANGE)
    invoice = get_object_or_404(Invoice, pk=invoice_id, company=company)
    fields = payload.dict(exclude_none=True, exclude={"lines", "customer_id"})
    if payload.customer_id is not None:
        fields["customer"] = get_object_or_404(Customer, pk=payload.customer_id, company=company)
    lines = _invoice_lines(payload.lines) if payload.lines is not None else None
    return _invoice_out(invoicing.update_invoice(request.user, invoice, lines=lines, **fields))


@router.delete(P + "/invoices/{invoice_id}", response={204: None}, summary="Delete a draft")
def delete_invoice(request, company_id: int, invoice_id: int):
    company = _company(request, company_id, Permission.CHANGE)
    invoicing.delete_invoice(request.user, get_object_or_404(Invoice, pk=invoice_id, company=company))
    return Status(204, None)


@router.post(P + "/invoices/{invoice_id}/post", response=InvoiceOut, summary="Post a draft: number, KID, voucher, open item")
def post_invoice(request, company_id: int, invoice_id: int):
    company = _company(request, company_id, Permission.CHANGE)
    return _invoice_out(invoicing.post_invoice(request.user, get_object_or_404(Invoice, pk=invoice_id, company=company)))


@router.post(P + "/invoices/{invoice_id}/credit-note", response={201: InvoiceOut}, summary="Credit a posted invoice")
def credit_invoice(request, company_id: int, invoice_id: int, payload: CreditNoteIn):
    company = _company(request, company_id, Permission.CHANGE)
    invoice = get_object_or_404(Invoice, pk=invoice_id, company=company, kind=InvoiceKind.INVOICE)
    lines = _invoice_lines(payload.lines) if payload.lines is not None else None
    return Status(201, _invoice_out(invoicing.create_credit_note(request.user, invoice, date=payload.date, lines=lines, post=payload.post)))


@router.get(P + "/supplier-invoices", response=list[SupplierInvoiceOut])
def list_supplier_invoices(request, company_id: int, status: Literal["draft", "posted"] | None = None, supplier_id: int | None = None):
    company = _company(request, company_id)
    qs = SupplierInvoice.objects.filter(company=company).select_related("account").order_by("-invoice_date", "-id")
    if status:
        qs = qs.filter(status=status)
    if supplier_id:
        qs = qs.filter(supplier_id=supplier_id)
    return [_supplier_invoice_out(s) for s in qs[:1000]]


@router.post(P + "/supplier-invoices", response={201: SupplierInvoiceOut}, summary="Register a supplier invoice (post=true posts it)")
def create_supplier_invoice(request, company_id: int, payload: SupplierInvoiceIn):
    company = _company(request, company_id, Permission.CHANGE)
    data = payload.dict()
    fields = dict(
        supplier=get_object_or_404(Supplier, pk=data.pop("supplier_id"), company=company),
        supplier_invoice_number=data["supplier_invoice_number"], invoice_date=data["invoice_date"], due_date=data["due_date"],
        gross_amount=to_ore(payload.gross_amount), description=data["description"], kid=data["kid"], message=data["message"],
        creditor_account=data["creditor_account"],
    )
    if payload.account:
        fields["account"] = get_object_or_404(Account, company=company, number=payload.account)
    if payload.vat_code is not None:
        fields["vat_code"] = payload.vat_code
    if payload.vat_amount is not None:
        fields["vat_amount"] = to_ore(payload.vat_amount)
    invoice = invoicing.create_supplier_invoice(request.user, company, post=payload.post, **fields)
    return Status(201, _supplier_invoice_out(invoice))


@router.get(P + "/supplier-invoices/{supplier_invoice_id}", response=SupplierInvoiceOut)
def get_supplier_invoice(request, company_id: int, supplier_invoice_id: int):
    company = _company(request, company_id)
    return _supplier_invoice_out(get_object_or_404(SupplierInvoice, pk=supplier_invoice_id, company=company))


@router.post(P + "/supplier-invoices/{supplier_invoice_id}/post", response=SupplierInvoiceOut)
def post_supplier_invoice(request, company_id: int, supplier_invoice_id: int):
    company = _company(request, company_id, Permission.CHANGE)
    invoice = get_object_or_404(SupplierInvoice, pk=supplier_invoice_id, company=company)
    return _supplier_invoice_out(invoicing.post_supplier_invoice(request.user, invoice))


@router.delete(P + "/supplier-invoices/{supplier_invoice_id}", response={204: None}, summary="Delete a draft")
def delete_supplier_invoice(request, company_id: int, supplier_invoice_id: int):
    company = _company(request, company_id, Permission.CHANGE)
    invoicing.delete_supplier_invoice(request.user, get_object_or_404(SupplierInvoice, pk=supplier_invoice_id, company=company))
    return Status(204, None)


# --- Open items, settlement, payments ---------------------------------------------------------


@router.get(P + "/open-items", response=list[OpenItemOut], summary="Open items (by party, KID)")
def list_open_items(request, company_id: int, filters: Query[OpenItemFilter]):
    company = _company(request, company_id)
    qs = subledger.open_items(
        company, customer=_customer(company, filters.customer_id), supplier=_supplier(company, filters.supplier_id),
        kind=filters.kind, include_closed=filters.include_closed,
    )
    if filters.kid:
        qs = qs.filter(kid="".join(filters.kid.split()))
    return [_open_item_out(i) for i in qs[filters.offset : filters.offset + min(filters.limit, 5000)]]


@router.get(P + "/open-items/{open_item_id}", response=OpenItemOut)
def get_open_item(request, company_id: int, open_item_id: int):
    company = _company(request, company_id)
    return _open_item_out(get_object_or_404(OpenItem.objects.select_related("posting"), pk=open_item_id, company=company))


def _allocations(company, allocations: list[AllocationIn]):
    return [(get_object_or_404(OpenItem, pk=a.open_item_id, company=company), to_ore(a.amount)) for a in allocations]


@router.post(P + "/settlements", response={201: SettlementOut}, summary="Settle open items against a payment or credit")
def create_settlement(request, company_id: int, payload: SettlementIn):
    company = _company(request, company_id, Permission.CHANGE)
    if payload.payment_open_item_id is not None:
        payment = get_object_or_404(OpenItem, pk=payload.payment_open_item_id, company=company)
    elif payload.payment_posting_id is not None:
        payment = get_object_or_404(Posting, pk=payload.payment_posting_id, company=company)
    else:
        raise HttpError(422, "Give payment_open_item_id or payment_posting_id.")
    settlement = subledger.settle(request.user, payment, _allocations(company, payload.allocations), date=payload.date, note=payload.note)
    return Status(201, _settlement_out(settlement))


@router.post(P + "/settlements/{settlement_id}/unsettle", response=SettlementOut, summary="Undo a settlement")
def unsettle(request, company_id: int, settlement_id: int):
    company = _company(request, company_id, Permission.CHANGE)
    return _settlement_out(subledger.unsettle(request.user, get_object_or_404(Settlement, pk=settlement_id, company=company)))


@router.post(P + "/payments", response={201: PaymentOut}, summary="Book a payment (bank / 1500 or 2400) and settle it")
def create_payment(request, company_id: int, payload: PaymentIn):
    company = _company(request, company_id, Permission.CHANGE)
    allocations = payload.allocations
    if isinstance(allocations, list):
        allocations = _allocations(company, allocations)
    voucher, settlement = subledger.post_payment(
        request.user, company, date=payload.date, amount=to_ore(payload.amount),
        customer=_customer(company, payload.customer_id), supplier=_supplier(company, payload.supplier_id),
        allocations=allocations, bank_account=payload.bank_account, bank_account_id=payload.bank_account_id,
        reference=payload.reference, description=payload.description,
    ) if (payload.customer_id is None) != (payload.supplier_id is None) else (None, None)
    if voucher is None:
        raise HttpError(422, "Give either customer_id or supplier_id.")
    return Status(201, PaymentOut(voucher=_voucher_out(voucher), settlement=_settlement_out(settlement) if settlement else None))


# --- Balances and reports ---------------------------------------------------------------------


@router.get(P + "/balances", response=list[BalanceOut], summary="Account balances at the end of a date")
def list_balances(request, company_id: int, date: datetime.date | None = None, accounts: str = ""):
    company = _company(request, company_id)
    day = date or timezone.localdate()
    numbers = [n.strip() for n in accounts.split(",") if n.strip()] or None
    result = reports.balances(company, day, numbers)
    for number in numbers or []:
        result.setdefault(number, 0)
    return [BalanceOut(account=n, date=day, balance=from_ore(b)) for n, b in sorted(result.items())]


@router.get(P + "/reports/trial-balance", response=TrialBalanceOut, summary="Trial balance (saldobalanse)")
def trial_balance(request, company_id: int, date_from: datetime.date, date_to: datetime.date):
    company = _company(request, company_id)
    report = reports.trial_balance(company, date_from, date_to)

    def row(r) -> TrialBalanceRowOut:
        return TrialBalanceRowOut(account=r.number or None, name=r.name, opening=from_ore(r.opening), debit=from_ore(r.debit),
                                  credit=from_ore(r.credit), closing=from_ore(r.closing))

    totals = report.totals
    return TrialBalanceOut(date_from=date_from, date_to=date_to, rows=[row(r) for r in report.rows],
                           totals=TrialBalanceRowOut(account=None, name="", opening=from_ore(totals.opening), debit=from_ore(totals.debit),
                                                     credit=from_ore(totals.credit), closing=from_ore(totals.closing)))


@router.get(P + "/reports/general-ledger", response=GeneralLedgerOut, summary="General ledger of one account")
def general_ledger(request, company_id: int, account: str, date_from: datetime.date, date_to: datetime.date):
    company = _company(request, company_id)
    acc = get_object_or_404(Account, company=company, number=account)
    report = reports.general_ledger(company, acc, date_from, date_to)
    return GeneralLedgerOut(
        account=acc.number, date_from=date_from, date_to=date_to, opening=from_ore(report.opening), closing=from_ore(report.closing),
        lines=[LedgerLineOut(date=l.posting.date, voucher_id=l.posting.voucher_id, voucher=l.posting.voucher.display_number,
                             description=l.posting.description, vat_code=l.posting.vat_code, amount=from_ore(l.posting.amount),
                             balance=from_ore(l.balance)) for l in report.lines],
    )


@router.get(P + "/reports/open-items", response=OpenItemsReportOut, summary="Open items per customer or supplier with aging")
def open_items_report(request, company_id: int, kind: Literal["customer", "supplier"] = "customer", as_of: datetime.date | None = None):
    company = _company(request, company_id)
    report = reports.open_items_report(company, kind, as_of or timezone.localdate())
    keys = list(reports.BUCKETS)
    return OpenItemsReportOut(
        kind=kind, as_of=report.as_of, total=from_ore(report.total),
        buckets={k: from_ore(v) for k, v in zip(keys, report.buckets, strict=True)},
        parties=[
            PartyAgingOut(party_id=p.party.pk, number=p.party.number, name=p.party.name, total=from_ore(p.total),
                          buckets={k: from_ore(v) for k, v in zip(keys, p.buckets, strict=True)},
                          items=[AgedItemOut(open_item_id=a.item.pk, due_date=a.item.due_date, remaining=from_ore(a.remaining), bucket=a.bucket)
                                 for a in p.items])
            for p in report.parties
        ],
    )


# --- Periods and settings ---------------------------------------------------------------------


@router.get(P + "/periods", response=list[PeriodOut], summary="Locked months")
def list_periods(request, company_id: int):
    company = _company(request, company_id)
    return [PeriodOut(year=p.year, month=p.month, locked_at=p.locked_at) for p in PeriodLock.objects.filter(company=company)]


@router.post(P + "/periods/lock", response=PeriodOut, summary="Lock a month: nothing can be posted in it")
def lock_period(request, company_id: int, payload: PeriodIn):
    company = _company(request, company_id, Permission.CHANGE)
    lock = posting.lock_period(request.user, company, payload.year, payload.month)
    return PeriodOut(year=lock.year, month=lock.month, locked_at=lock.locked_at)


@router.post(P + "/periods/unlock", response={204: None}, summary="Open a locked month again (manage permission)")
def unlock_period(request, company_id: int, payload: PeriodIn):
    company = _company(request, company_id, Permission.MANAGE)
    posting.unlock_period(request.user, company, payload.year, payload.month)
    return Status(204, None)


@router.get(P + "/settings", response=LedgerSettingsOut)
def get_settings(request, company_id: int):
    return chart.settings_for(_company(request, company_id))


@router.patch(P + "/settings", response=LedgerSettingsOut)
def update_settings(request, company_id: int, payload: LedgerSettingsPatch):
    company = _company(request, company_id, Permission.MANAGE)
    return chart.update_settings(request.user, company, **payload.dict(exclude_none=True))


