"""Balances and reports: account balance on a date, trial balance (saldobalanse), general
ledger per account, open items with aging. Read-only; each report can be written as CSV.

The balance of one account on one date is one aggregate query on the index
(company, account, date, amount).
"""

from __future__ import annotations

import csv
import datetime
import io
from collections import OrderedDict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Case, Sum, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Account, Customer, OpenItem, Posting, SettlementLine, Supplier
from .money import format_amount
from .periods import fiscal_year, fiscal_year_start


def balance(company, account: Account | str, on_date: datetime.date) -> int:
    """The balance (øre, debit positive) of one account at the end of `on_date`."""
    if isinstance(account, Account):
        if account.company_id != company.pk:
            raise ValueError("the account belongs to another company")
        # The account implies the company: filtering on it alone keeps the query on the balance index.
        filters = {"account": account}
    else:
        filters = {"account__company": company, "account__number": str(account)}
    return Posting.objects.filter(date__lte=on_date, **filters).aggregate(s=Sum("amount"))["s"] or 0


def balances(company, on_date: datetime.date, numbers: list[str] | None = None) -> dict[str, int]:
    """Balance per account number at the end of `on_date` (accounts with postings only)."""
    qs = Posting.objects.filter(company=company, date__lte=on_date)
    if numbers is not None:
        qs = qs.filter(account__number__in=numbers)
    rows = qs.values("account_id").annotate(s=Sum("amount"))
    names = dict(Account.objects.filter(company=company).values_list("pk", "number"))
    return {names[r["account_id"]]: r["s"] for r in rows}


# --- Trial balance ----------------------------------------------------------------------------


@dataclass
class TrialBalanceRow:
    account: Account | None  # None: result of earlier years not yet closed to equity
    opening: int = 0
    debit: int = 0
    credit: int = 0  # positive

    @property
    def movement(self) -> int:
        return self.debit - self.credit

    @property
    def closing(self) -> int:
        return self.opening + self.movement

    @property
    def number(self) -> str:
        return self.account.number if self.account else ""

    @property
    def name(self) -> str:
        return self.account.name if self.account else str(_("Result of earlier years, not closed"))


@dataclass
class TrialBalance:
    date_from: datetime.date
    date_to: datetime.date
    rows: list[TrialBalanceRow] = field(default_factory=list)

    def total(self, attribute: str) -> int:
        return sum(getattr(r, attribute) for r in self.rows)

    @property
    def totals(self) -> TrialBalanceRow:
        return TrialBalanceRow(account=None, opening=self.total("opening"), debit=self.total("debit"), credit=self.total("credit"))


def _company_postings(company):
    """All postings of the company, filtered the way each database answers fastest: SQLite from
    the covering balance index (account, date, amount), PostgreSQL from (company, date)."""
    if connection.vendor == "sqlite":
        return Posting.objects.filter(account_id__in=Account.objects.filter(company=company).values("pk"))
    return Posting.objects.filter(company=company)


def trial_balance(company, date_from: datetime.date, date_to: datetime.date, *, include_zero: bool = False) -> TrialBalance:
    """Opening, movement (debit, credit) and closing per account for the period.

    Balance-sheet accounts (classes 1-2) open with everything before `date_from`; profit and
    loss accounts (3-8) with what is posted since the start of the fiscal year `date_from` is
    in. Profit or loss of earlier fiscal years that no year-end voucher has moved to equity is
    shown on its own line, so the opening column sums to zero like the others.
    """
    year_start = fiscal_year_start(fiscal_year(date_from, company.fiscal_year_start_month), company.fiscal_year_start_month)
    # One pass over the postings, grouped by account, with no join: which accounts are profit
    # and loss (classes 3-8) is sorted out afterwards in Python.
    rows = (
        _company_postings(company).filter(date__lte=date_to)
        .values("account_id")
        .annotate(
            before=Sum(Case(When(date__lt=date_from, then="amount"), default=0)),
            before_year=Sum(Case(When(date__lt=year_start, then="amount"), default=0)),
            debit=Sum(Case(When(date__gte=date_from, amount__gt=0, then="amount"), default=0)),
            credit=Sum(Case(When(date__gte=date_from, amount__lt=0, then="amount"), default=0)),
        )
        .order_by()
    )
    accounts = {a.pk: a for a in Account.objects.filter(company=company)}
    by_account: dict[int, TrialBalanceRow] = {}
    earlier = 0
    for r in rows:
        account = accounts[r["account_id"]]
        opening = r["before"] or 0
        if not account.is_balance_sheet:
            earlier += r["before_year"] or 0
            opening -= r["before_year"] or 0
        by_account[r["account_id"]] = TrialBalanceRow(
            account=account, opening=opening, debit=r["debit"] or 0, credit=-(r["credit"] or 0)
        )
    if include_zero:
        for pk, account in accounts.items():
            by_account.setdefault(pk, TrialBalanceRow(account=account))
    result = TrialBalance(date_from=date_from, date_to=date_to)
    result.rows = sorted(
        (r for r in by_account.values() if include_zero or r.opening or r.debit or r.credit),
        key=lambda r: r.account.number,
    )
    if earlier:  # shown with the equity, after the balance sheet accounts
        position = sum(1 for r in result.rows if r.account.number < "3")
        result.rows.insert(position, TrialBalanceRow(account=None, opening=earlier))
    return result


# --- General ledger ---------------------------------------------------------------------------


@dataclass
class LedgerLine:
    posting: Posting
    balance: int


@dataclass
class GeneralLedger:
    account: Account
    date_from: datetime.date
    date_to: datetime.date
    opening: int
    lines: list[LedgerLine]

    @property
    def debit(self) -> int:
        return sum(line.posting.amount for line in self.lines if line.posting.amount > 0)

    @property
    def credit(self) -> int:
        return -sum(line.posting.amount for line in self.lines if line.posting.amount < 0)

    @property
    def closing(self) -> int:
        return self.opening + self.debit - self.credit


def general_ledger(company, account: Account, date_from: datetime.date, date_to: datetime.date) -> GeneralLedger:
    """Every posting on `account` in the period with the running balance. Profit and loss
    accounts open at zero at the start of each fiscal year."""
    start = date_from
    if account.number >= "3":
        year_start = fiscal_year_start(fiscal_year(date_from, company.fiscal_year_start_month), company.fiscal_year_start_month)
        opening_qs = Posting.objects.filter(company=company, account=account, date__gte=year_start, date__lt=start)
    else:
        opening_qs = Posting.objects.filter(company=company, account=account, date__lt=start)
    opening = opening_qs.aggregate(s=Sum("amount"))["s"] or 0
    postings = (
        Posting.objects.filter(company=company, account=account, date__gte=date_from, date__lte=date_to)
        .select_related("voucher", "customer", "supplier")
        .order_by("date", "voucher_id", "line")
    )
    running = opening
    lines = []
    for p in postings:
        running += p.amount
        lines.append(LedgerLine(posting=p, balance=running))
    return GeneralLedger(account=account, date_from=date_from, date_to=date_to, opening=opening, lines=lines)


# --- Open items and aging ---------------------------------------------------------------------


BUCKETS = OrderedDict([
    ("not_due", gettext_lazy("Not due")),
    ("1_30", gettext_lazy("1–30 days")),
    ("31_60", gettext_lazy("31–60 days")),
    ("61_90", gettext_lazy("61–90 days")),
    ("over_90", gettext_lazy("Over 90 days")),
])


def bucket_for(due_date: datetime.date, as_of: datetime.date) -> str:
    """Days past the due date on `as_of`: not due (0 or less), 1-30, 31-60, 61-90, over 90."""
    days = (as_of - due_date).days
    if days <= 0:
        return "not_due"
    if days <= 30:
        return "1_30"
    if days <= 60:
        return "31_60"
    if days <= 90:
        return "61_90"
    return "over_90"


@dataclass
class AgedItem:
    item: OpenItem
    remaining: int  # on the report date
    bucket: str

    @property
    def days_overdue(self) -> int:
        return max(0, (self.as_of - self.item.due_date).days) if hasattr(self, "as_of") else 0


@dataclass
class PartyAging:
    party: Customer | Supplier
    items: list[AgedItem] = field(default_factory=list)

    def bucket(self, key: str) -> int:
        return sum(i.remaining for i in self.items if i.bucket == key)

    @property
    def buckets(self) -> list[int]:
        return [self.bucket(k) for k in BUCKETS]

    @property
    def total(self) -> int:
        return sum(i.remaining for i in self.items)


@dataclass
class OpenItemsReport:
    kind: str  # "customer" or "supplier"
    as_of: datetime.date
    parties: list[PartyAging]

    @property
    def buckets(self) -> list[int]:
        return [sum(p.bucket(k) for p in self.parties) for k in BUCKETS]

    @property
    def total(self) -> int:
        return sum(p.total for p in self.parties)


def open_items_report(company, kind: str, as_of: datetime.date, *, party: Customer | Supplier | None = None) -> OpenItemsReport:
    """Open items per customer or supplier on `as_of`, aged by due date. An item counts with
    what remained of it on that date: settlements dated later (or undone) are not subtracted."""
    field_name = "customer" if kind == "customer" else "supplier"
    items = OpenItem.objects.filter(company=company, date__lte=as_of, **{f"{field_name}__isnull": False})
    if party is not None:
        items = items.filter(**{field_name: party})
    items = items.select_related(field_name, "invoice", "supplier_invoice", "posting__voucher").order_by(f"{field_name}__number", "due_date", "id")
    settled = dict(
        SettlementLine.objects.filter(
            open_item__company=company, settlement__date__lte=as_of, settlement__reversed_at__isnull=True
        ).values("open_item_id").annotate(s=Sum("amount")).values_list("open_item_id", "s")
    )
    parties: OrderedDict[int, PartyAging] = OrderedDict()
    for item in items:
        remaining = item.amount - settled.get(item.pk, 0)
        if remaining == 0:
            continue
        owner = getattr(item, field_name)
        aged = AgedItem(item=item, remaining=remaining, bucket=bucket_for(item.due_date, as_of))
        aged.as_of = as_of
        parties.setdefault(owner.pk, PartyAging(party=owner)).items.append(aged)
    return OpenItemsReport(kind=kind, as_of=as_of, parties=list(parties.values()))


# --- CSV --------------------------------------------------------------------------------------
# Semicolon-separated with decimal commas and a byte-order mark: what Excel in Norway opens.


def _csv(rows) -> str:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows(rows)
    return buffer.getvalue()


def _amount(ore: int) -> str:
    return format_amount(ore, thousands="")


def trial_balance_csv(report: TrialBalance) -> str:
    rows = [[_("Account"), _("Name"), _("Opening balance"), _("Debit"), _("Credit"), _("Movement"), _("Closing balance")]]
    for r in report.rows:
        rows.append([r.number, r.name, _amount(r.opening), _amount(r.debit), _amount(r.credit), _amount(r.movement), _amount(r.closing)])
    t = report.totals
    rows.append(["", _("Total"), _amount(t.opening), _amount(t.debit), _amount(t.credit), _amount(t.movement), _amount(t.closing)])
    return _csv(rows)


def general_ledger_csv(report: GeneralLedger) -> str:
    rows = [[_("Date"), _("Voucher"), _("Description"), _("VAT code"), _("Debit"), _("Credit"), _("Balance")]]
    rows.append([report.date_from.strftime("%d.%m.%Y"), "", _("Opening balance"), "", "", "", _amount(report.opening)])
    for line in report.lines:
        p = line.posting
        rows.append([p.date.strftime("%d.%m.%Y"), p.voucher.display_number, p.description, p.vat_code,
                     _amount(p.debit) if p.debit else "", _amount(p.credit) if p.credit else "", _amount(line.balance)])
    rows.append([report.date_to.strftime("%d.%m.%Y"), "", _("Closing balance"), "", _amount(report.debit), _amount(report.credit), _amount(report.closing)])
    return _csv(rows)


def open_items_csv(report: OpenItemsReport) -> str:
    party_label = _("Customer") if report.kind == "customer" else _("Supplier")
    rows = [[_("Number"), party_label, _("Item"), _("Date"), _("Due date"), _("KID"), _("Amount"), _("Remaining"), *[str(v) for v in BUCKETS.values()]]]
    keys = list(BUCKETS)
    for party in report.parties:
        for aged in party.items:
            i = aged.item
            cells = ["" for _k in keys]
            cells[keys.index(aged.bucket)] = _amount(aged.remaining)
            rows.append([party.party.number, party.party.name, i.label, i.date.strftime("%d.%m.%Y"), i.due_date.strftime("%d.%m.%Y"),
                         i.kid, _amount(i.amount), _amount(aged.remaining), *cells])
    rows.append(["", _("Total"), "", "", "", "", "", _amount(report.total), *[_amount(b) for b in report.buckets]])
    return _csv(rows)
