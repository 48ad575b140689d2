"""The reconciliation report per bank account and date (R5): the bank's balance from the
statements against the ledger balance of the GL account, and the difference explained line by
line.

    ledger balance - bank balance
      = (ledger - bank before reconciliation starts)      the opening difference
      + postings not yet in the bank                       outstanding ledger postings
      - bank lines not yet in the ledger                   outstanding bank lines
      + unexplained                                        0 when the books and the statements agree

"Outstanding on a date": dated on or before it and not in a reconciliation dated on or before it,
so the report for an earlier date shows what was open then, even if it is reconciled now.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils.translation import gettext as _

from avstem.banking.models import BankAccount, BankLine, DailyBalance, LineStatus
from avstem.ledger import reports as ledger_reports
from avstem.ledger.models import Posting, Series
from avstem.ledger.money import format_amount

from .inputs import in_scope_postings, start_date
from .models import ReconciledLine, ReconciledPosting, SignOff

CHART_DAYS = 92
MAX_LISTED = 2000  # outstanding items listed one by one; beyond that the sums still count all


@dataclass
class Item:
    kind: str  # line | posting
    id: int
    date: datetime.date
    amount: int
    text: str
    reference: str = ""


@dataclass
class Report:
    account: BankAccount
    on: datetime.date
    start: datetime.date
    bank_balance: int | None
    bank_balance_date: datetime.date | None
    ledger_balance: int
    opening_ledger: int
    opening_bank: int | None
    lines: list[Item]
    postings: list[Item]
    lines_count: int
    lines_sum: int
    postings_count: int
    postings_sum: int
    pending_count: int = 0
    points: list[tuple[datetime.date, int | None, int]] = field(default_factory=list)
    sign_offs: list[SignOff] = field(default_factory=list)

    @property
    def opening_difference(self) -> int | None:
        return None if self.opening_bank is None else self.opening_ledger - self.opening_bank

    @property
    def difference(self) -> int | None:
        return None if self.bank_balance is None else self.ledger_balance - self.bank_balance

    @property
    def explained(self) -> int:
        return (self.opening_difference or 0) + self.postings_sum - self.lines_sum

    @property
    def unexplained(self) -> int | None:
        return None if self.difference is None else self.difference - self.explained

    @property
    def agrees(self) -> bool:
        return self.unexplained == 0

    @property
    def signed(self) -> SignOff | None:
        return next((s for s in self.sign_offs if s.active and s.period_start <= self.on <= s.period_end), None)


def _outstanding_lines(account: BankAccount, start: datetime.date, on: datetime.date):
    done = ReconciledLine.objects.filter(bank_line=OuterRef("pk"), active=True, reconciliation__date__lte=on)
    return (BankLine.objects.filter(bank_account=account, deleted_at__isnull=True, status=LineStatus.BOOKED,
                                    date__gte=start, date__lte=on).filter(~Exists(done)))


def _outstanding_postings(account: BankAccount, start: datetime.date, on: datetime.date):
    done = ReconciledPosting.objects.filter(posting=OuterRef("pk"), active=True, reconciliation__date__lte=on)
    return in_scope_postings(account, start).filter(date__lte=on).filter(~Exists(done))


def _opening_bank(account: BankAccount, start: datetime.date) -> int | None:
    first = DailyBalance.objects.filter(bank_account=account, date__gte=start).order_by("date").first()
    if first is not None and first.date == start and first.opening_booked is not None:
        return first.opening_booked
    before = (DailyBalance.objects.filter(bank_account=account, date__lt=start, closing_booked__isnull=False)
              .order_by("-date").first())
    return before.closing_booked if before else None


def build(account: BankAccount, on: datetime.date, *, chart_days: int = CHART_DAYS, listed: int = MAX_LISTED) -> Report:
    company = account.company
    start = start_date(account)
    gl = account.gl_account
    balance_row = (DailyBalance.objects.filter(bank_account=account, date__lte=on, closing_booked__isnull=False)
                   .order_by("-date").first())
    ledger_balance = ledger_reports.balance(company, gl, on)
    opening_ledger = (Posting.objects.filter(account=gl, date__lte=on)
                      .filter(Q(date__lt=start) | Q(voucher__series=Series.OPENING)).aggregate(s=Sum("amount"))["s"] or 0)
    opening_bank = _opening_bank(account, start)
    lines_q = _outstanding_lines(account, start, on)
    postings_q = _outstanding_postings(account, start, on)
    lines_total = lines_q.aggregate(n=Count("pk"), s=Sum("amount"))
    postings_total = postings_q.aggregate(n=Count("pk"), s=Sum("amount"))
    lines = [Item("line", pk, day, amount, text or name, ref or "")
             for pk, day, amount, text, name, ref in lines_q.order_by("date", "pk")
             .values_list("pk", "date", "amount", "description", "counterparty_name", "ref")[:listed]]
    postings = [Item("posting", pk, day, amount, text, f"{_prefix(series)}{year}-{number}")
                for pk, day, amount, text, series, year, number in postings_q.order_by("date", "pk").values_list(
                    "pk", "date", "amount", "description", "voucher__series", "voucher__fiscal_year", "voucher__number")[:listed]]
    if opening_bank is None and balance_row is not None:
        # No statement balance at the start: take it back from the first statement we have.
        first = DailyBalance.objects.filter(bank_account=account, date__gte=start, opening_booked__isnull=False).order_by("date").first()
        if first is not None:
            moved = (BankLine.objects.filter(bank_account=account, deleted_at__isnull=True, status=LineStatus.BOOKED,
                                             date__gte=start, date__lt=first.date).aggregate(s=Sum("amount"))["s"] or 0)
            opening_bank = first.opening_booked - moved
    report = Report(
        account=account, on=on, start=start,
        bank_balance=balance_row.closing_booked if balance_row else None,
        bank_balance_date=balance_row.date if balance_row else None,
        ledger_balance=ledger_balance, opening_ledger=opening_ledger, opening_bank=opening_bank,
        lines=lines, postings=postings, lines_count=lines_total["n"], lines_sum=lines_total["s"] or 0,
        postings_count=postings_total["n"], postings_sum=postings_total["s"] or 0,
        pending_count=BankLine.objects.filter(bank_account=account, deleted_at__isnull=True, status=LineStatus.PENDING,
                                              date__lte=on).count(),
        sign_offs=list(SignOff.objects.filter(bank_account=account).select_related("signed_by").order_by("-period_end")[:12]),
    )
    if chart_days:
        begins = [d for d in (
            DailyBalance.objects.filter(bank_account=account).order_by("date").values_list("date", flat=True).first(),
            Posting.objects.filter(account=gl).order_by("date").values_list("date", flat=True).first(),
            BankLine.objects.filter(bank_account=account).order_by("date").values_list("date", flat=True).first(),
        ) if d is not None]
        if begins:
            first = max(min(begins), company.conversion_date, on - datetime.timedelta(days=chart_days))
            report.points = balance_points(account, min(first, on), on)
    return report


def _prefix(series: str) -> str:
    from avstem.ledger.models import SERIES_PREFIX

    return SERIES_PREFIX.get(series, "?")


def balance_points(account: BankAccount, first: datetime.date, last: datetime.date):
    """(day, bank closing balance or None, ledger balance) for every day from `first` to `last`."""
    company = account.company
    ledger = ledger_reports.balance(company, account.gl_account, first - datetime.timedelta(days=1))
    moves = dict(Posting.objects.filter(account=account.gl_account, date__range=(first, last))
                 .values_list("date").annotate(s=Sum("amount")).values_list("date", "s"))
    closings = dict(DailyBalance.objects.filter(bank_account=account, date__range=(first, last),
                                                closing_booked__isnull=False).values_list("date", "closing_booked"))
    before = (DailyBalance.objects.filter(bank_account=account, date__lt=first, closing_booked__isnull=False)
              .order_by("-date").values_list("closing_booked", flat=True).first())
    bank = before
    points = []
    day = first
    while day <= last:
        ledger += moves.get(day, 0)
        bank = closings.get(day, bank)
        points.append((day, bank, ledger))
        day += datetime.timedelta(days=1)
    return points


# --- CSV ------------------------------------------------------------------------------------------------


def _amount(ore: int | None) -> str:
    return "" if ore is None else format_amount(ore, thousands="")


def _day(day: datetime.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


@dataclass
class SummaryRow:
    op: str  # "", "+", "−", "="
    label: str
    amount: int | None
    strong: bool = False


def summary_rows(report: Report) -> list[SummaryRow]:
    """The classic bank reconciliation, top to bottom: from the ledger balance, add what the bank
    has and the ledger has not, take away what the ledger has and the bank has not, and arrive at
    the bank balance the statements should show; the rest is unexplained."""
    expected = report.ledger_balance + report.lines_sum - report.postings_sum - (report.opening_difference or 0)
    rows = [
        SummaryRow("", _("Ledger balance, account %(number)s") % {"number": report.account.gl_account.number},
                   report.ledger_balance),
        SummaryRow("+", _("Bank lines not yet in the ledger (%(count)s)") % {"count": report.lines_count}, report.lines_sum),
        SummaryRow("−", _("Postings not yet in the bank (%(count)s)") % {"count": report.postings_count}, report.postings_sum),
    ]
    if report.opening_difference != 0:
        rows.append(SummaryRow("−", _("Difference before reconciliation starts (%(date)s)") % {"date": _day(report.start)},
                               report.opening_difference))
    rows += [
        SummaryRow("=", _("Bank balance according to the ledger"), expected, strong=True),
        SummaryRow("", _("Bank balance according to the statements"), report.bank_balance),
        SummaryRow("", _("Unexplained difference"), None if report.bank_balance is None else expected - report.bank_balance,
                   strong=True),
    ]
    return rows


def to_csv(report: Report) -> str:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    account = report.account
    writer.writerow([_("Bank reconciliation"), str(account), account.gl_account.number, _day(report.on)])
    writer.writerow([])
    for row in summary_rows(report):
        writer.writerow([f"{row.op} {row.label}".strip(), _amount(row.amount)])
    writer.writerow([])
    writer.writerow([_("Type"), _("Date"), _("Reference"), _("Text"), _("Amount")])
    for item in report.postings:
        writer.writerow([_("Posting not in the bank"), _day(item.date), item.reference, item.text, _amount(item.amount)])
    for item in report.lines:
        writer.writerow([_("Bank line not in the ledger"), _day(item.date), item.reference, item.text, _amount(item.amount)])
    return buffer.getvalue()
