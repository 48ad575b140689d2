"""The reconciliation screen's lists: filtered and paged in the database (indexes on account,
date and amount), so 10,000 open lines cost what one page costs. Each row carries what the
screen shows with it: a bank line its cached proposals, rendered in the reader's language."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, Sum
from django.utils.translation import gettext as _

from avstem.banking.models import BankAccount, BankLine, LineStatus, ReconciliationStatus
from avstem.ledger.models import Account, OpenItem, Posting
from avstem.ledger.money import AmountError, format_amount, parse_amount

from .explanations import render
from .inputs import unreconciled_postings
from .models import LineAnalysis, LineProposal, ReconciledLine, Reconciliation

PAGE_SIZE = 50


@dataclass
class Filters:
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    amount_min: int | None = None  # absolute øre
    amount_max: int | None = None
    text: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return bool(self.date_from or self.date_to or self.amount_min is not None or self.text)


DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y")


def parse_date(value: str) -> datetime.date:
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def _date(value: str, errors: list[str]) -> datetime.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return parse_date(value)
    except ValueError:
        errors.append(_("“%(value)s” is not a date (dd.mm.yyyy).") % {"value": value})
        return None


def parse_filters(params, prefix: str = "") -> Filters:
    """From the query: <prefix>from, <prefix>to (dd.mm.yyyy), <prefix>amount ("1 250,50" or a range
    "100-200"), <prefix>q (text)."""
    errors: list[str] = []
    f = Filters(date_from=_date(params.get(prefix + "from", ""), errors), date_to=_date(params.get(prefix + "to", ""), errors),
                text=(params.get(prefix + "q") or "").strip()[:100], errors=errors)
    amount = (params.get(prefix + "amount") or "").strip()
    if amount:
        try:
            low, sep, high = amount.partition("..") if ".." in amount else _split_range(amount)
            f.amount_min = abs(parse_amount(low)) if low.strip() else 0
            f.amount_max = abs(parse_amount(high)) if sep and high.strip() else (f.amount_min if not sep else None)
        except AmountError:
            errors.append(_("“%(value)s” is not an amount (e.g. 1 250,50 or 100-200).") % {"value": amount})
            f.amount_min = f.amount_max = None
    return f


def _split_range(text: str) -> tuple[str, str, str]:
    """"100-200" is a range; "-100" is an amount (the sign is ignored)."""
    body = text.strip()
    cut = body.find("-", 1)
    if cut > 0:
        return body[:cut], "-", body[cut + 1:]
    return body.lstrip("-"), "", ""


def _amounts(query, filters: Filters, field_name: str = "amount"):
    if filters.amount_min is None:
        return query
    low, high = filters.amount_min, filters.amount_max
    if high is None:
        return query.filter(Q(**{f"{field_name}__gte": low}) | Q(**{f"{field_name}__lte": -low}))
    if low == high:
        return query.filter(Q(**{field_name: low}) | Q(**{field_name: -low}))
    return query.filter(Q(**{f"{field_name}__range": (low, high)}) | Q(**{f"{field_name}__range": (-high, -low)}))


def _dates(query, filters: Filters, field_name: str = "date"):
    if filters.date_from:
        query = query.filter(**{f"{field_name}__gte": filters.date_from})
    if filters.date_to:
        query = query.filter(**{f"{field_name}__lte": filters.date_to})
    return query


@dataclass
class Page:
    rows: list
    number: int
    pages: int
    total: int
    total_amount: int = 0

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def _page(query, number: int, size: int = PAGE_SIZE, amount_field: str = "amount") -> tuple[list, Page]:
    totals = query.aggregate(s=Sum(amount_field))
    total = query.count()
    pages = max(1, -(-total // size))
    number = min(max(1, number), pages)
    rows = list(query[(number - 1) * size:number * size])
    return rows, Page(rows, number, pages, total, totals["s"] or 0)


# --- bank lines ---------------------------------------------------------------------------------------


@dataclass
class ProposalView:
    id: int
    kind: str
    confidence: float
    automatic: bool
    explanation: str
    targets: list[str]
    detail: int | None
    alternative: bool


@dataclass
class LineRow:
    line: BankLine
    proposals: list[ProposalView] = field(default_factory=list)
    reason: str = ""
    outcome: str = ""
    reconciliation: Reconciliation | None = None

    @property
    def best(self) -> ProposalView | None:
        return self.proposals[0] if self.proposals else None


def bank_lines(account: BankAccount, filters: Filters, page: int = 1, *, state: str = "open",
               size: int = PAGE_SIZE) -> Page:
    query = BankLine.objects.filter(bank_account=account, deleted_at__isnull=True)
    if state == "open":
        query = query.filter(reconciliation_status=ReconciliationStatus.UNRECONCILED)
    elif state == "reconciled":
        query = query.filter(reconciliation_status=ReconciliationStatus.RECONCILED)
    query = _amounts(_dates(query, filters), filters)
    if filters.text:
        query = query.filter(Q(description__icontains=filters.text) | Q(counterparty_name__icontains=filters.text)
                             | Q(ref__icontains=filters.text))
    query = query.order_by("-date", "-pk") if state == "reconciled" else query.order_by("date", "pk")
    lines, result = _page(query, page, size)
    result.rows = rows = [LineRow(line) for line in lines]
    by_id = {row.line.pk: row for row in rows}
    if state != "reconciled":
        _attach_proposals(account.company, by_id)
    if state != "open":
        for link in ReconciledLine.objects.filter(bank_line_id__in=list(by_id), active=True).select_related(
                "reconciliation", "reconciliation__rule"):
            by_id[link.bank_line_id].reconciliation = link.reconciliation
    return result


def _attach_proposals(company, by_id: dict[int, LineRow]) -> None:
    ids = list(by_id)
    for analysis in LineAnalysis.objects.filter(bank_line_id__in=ids):
        row = by_id[analysis.bank_line_id]
        row.outcome = analysis.outcome
        row.reason = render(analysis.reason)
    proposals = list(LineProposal.objects.filter(bank_line_id__in=ids).order_by("bank_line_id", "alternative", "detail", "rank"))
    labels = target_labels(company, proposals)
    per_line: dict[int, list[LineProposal]] = defaultdict(list)
    for p in proposals:
        per_line[p.bank_line_id].append(p)
    vouchers = {ref: label.split()[-1] for (kind, ref), label in labels.items() if kind == "posting"}
    for line_id, items in per_line.items():
        # Best first: the top proposal of each transaction, then the rest by confidence.
        items.sort(key=lambda p: (p.rank, -p.confidence, p.alternative, p.detail or 0))
        by_id[line_id].proposals = [
            ProposalView(p.pk, p.kind, p.confidence, p.automatic, render(with_vouchers(p.explanation, vouchers)),
                         [labels.get((t[0], str(t[1])), str(t[1])) + " " + format_amount(abs(int(t[2]))) for t in p.targets],
                         p.detail, p.alternative)
            for p in items[:4]]


def with_vouchers(parts: list, vouchers: dict[str, str]) -> list:
    """The engine names a posting by its id; a bookkeeper knows it by its voucher number."""
    return [[part[0], vouchers.get(str(part[1]), part[1]), *part[2:]] if part and part[0] == "posting" and len(part) > 1
            else part for part in parts]


def target_labels(company, proposals) -> dict[tuple[str, str], str]:
    """What each target of `proposals` is, as a person reads it."""
    items, postings, accounts, transfers = set(), set(), set(), set()
    for p in proposals:
        for t in p.targets:
            kind, ref = t[0], str(t[1])
            if kind == "open_item":
                items.add(int(ref))
            elif kind == "posting":
                postings.add(int(ref))
            elif kind in ("gl", "fee", "difference"):
                accounts.add(ref)
            elif kind == "transfer":
                transfers.add(int(ref))
    labels: dict[tuple[str, str], str] = {}
    for item in OpenItem.objects.filter(company=company, pk__in=items).select_related(
            "invoice", "supplier_invoice", "customer", "supplier"):
        labels[("open_item", str(item.pk))] = f"{item.label} ({item.party.name})" if item.party else item.label
    for posting in Posting.objects.filter(company=company, pk__in=postings).select_related("voucher"):
        labels[("posting", str(posting.pk))] = _("Posting %(voucher)s") % {"voucher": posting.voucher.display_number}
    names = dict(Account.objects.filter(company=company, number__in=accounts).values_list("number", "name"))
    for kind in ("gl", "fee", "difference"):
        for number in accounts:
            labels[(kind, number)] = f"{number} {names.get(number, '')}".strip()
    for bank in BankAccount.objects.filter(company=company, pk__in=transfers):
        labels[("transfer", str(bank.pk))] = _("Transfer to/from %(account)s") % {"account": bank.nickname}
    for p in proposals:
        for t in p.targets:
            if t[0] == "unapplied":
                labels[("unapplied", str(t[1]))] = _("Left on the customer's or supplier's account")
    return labels


# --- the ledger side --------------------------------------------------------------------------------------


def postings(account: BankAccount, filters: Filters, page: int = 1, size: int = PAGE_SIZE) -> Page:
    query = _amounts(_dates(unreconciled_postings(account), filters), filters)
    if filters.text:
        query = query.filter(Q(description__icontains=filters.text) | Q(reference__icontains=filters.text)
                             | Q(voucher__description__icontains=filters.text))
    query = query.select_related("voucher").order_by("date", "pk")
    _rows, result = _page(query, page, size)
    return result


def open_items(company, kind: str, filters: Filters, page: int = 1, size: int = PAGE_SIZE) -> Page:
    query = OpenItem.objects.filter(company=company).exclude(remaining=0)
    query = query.filter(customer__isnull=False) if kind == "customer" else query.filter(supplier__isnull=False)
    query = _amounts(_dates(query, filters, "due_date"), filters, "remaining")
    if filters.text:
        text = filters.text
        q = Q(description__icontains=text) | Q(kid__icontains=text)
        q |= Q(customer__name__icontains=text) if kind == "customer" else Q(supplier__name__icontains=text)
        if text.isdigit():
            q |= Q(invoice__number=int(text)) if kind == "customer" else Q(supplier_invoice__supplier_invoice_number=text)
        else:
            q |= Q(supplier_invoice__supplier_invoice_number__icontains=text) if kind == "supplier" else Q()
        query = query.filter(q)
    query = query.select_related("customer", "supplier", "invoice", "supplier_invoice").order_by("due_date", "pk")
    _rows, result = _page(query, page, size, amount_field="remaining")
    return result


# --- counts for the heading ---------------------------------------------------------------------------------


def counts(account: BankAccount) -> dict[str, int]:
    open_lines = BankLine.objects.filter(bank_account=account, deleted_at__isnull=True,
                                         reconciliation_status=ReconciliationStatus.UNRECONCILED)
    booked = open_lines.filter(status=LineStatus.BOOKED)
    totals = booked.aggregate(s=Sum("amount"))
    proposed = LineAnalysis.objects.filter(bank_account=account, bank_line__reconciliation_status="unreconciled")
    return {
        "lines": booked.count(),
        "lines_sum": totals["s"] or 0,
        "pending": open_lines.filter(status=LineStatus.PENDING).count(),
        "proposed": proposed.filter(outcome__in=["proposed", "matched"]).count(),
        "postings": unreconciled_postings(account).count(),
        "unanalysed": booked.filter(~Exists(LineAnalysis.objects.filter(bank_line=OuterRef("pk")))).count(),
    }
