"""Posting vouchers: the one way anything reaches the general ledger.

    post_voucher(actor, company, NewVoucher(date=..., description=..., lines=[Line(...), ...]))
    post_vouchers(actor, company, [NewVoucher, ...])     # many in one transaction, bulk inserts
    reverse_voucher(actor, voucher, date=None)           # the only correction
    preview_voucher(company, new)                        # the postings it would make, nothing written
    create_draft / post_draft / delete_draft             # a voucher saved to post later (suggestions)
    lock_period / unlock_period                          # a month closed to posting

All-or-nothing: every voucher of a call is checked first (balance after VAT, conversion date,
locked periods, active accounts, subledger parties, VAT rates); one problem and nothing is
written. Numbers are gap-free per series and fiscal year: the series' counter row is locked
(SELECT ... FOR UPDATE) inside the posting transaction, so concurrent posters queue on it and a
rollback gives the number back.

Amounts are integer øre, debit positive, credit negative. VAT: see `vat.py` (amounts are net
unless a line says `gross=True`).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from avstem.audit import services as audit

from . import vat
from .auditing import actor_label, record_many
from .errors import LedgerError
from .models import (
    Account,
    Customer,
    NumberCounter,
    OpenItem,
    PeriodLock,
    Posting,
    Series,
    Supplier,
    Voucher,
    VoucherDraft,
)
from .money import format_amount
from .periods import fiscal_year
from .rows import built, insert_rows, reserve_ids

SERIES = frozenset(Series.values)


@dataclass
class Line:
    """One posting to make. `account` is an Account or its number."""

    account: Account | str
    amount: int
    description: str = ""
    vat_code: str = ""
    gross: bool = False  # the amount includes VAT: extract it
    vat_amount: int | None = None  # the VAT as stated on a document, instead of calculated
    currency: str = ""
    currency_amount: int | None = None  # hundredths of `currency`, signed like amount
    customer: Customer | None = None
    supplier: Supplier | None = None
    bank_account_id: int | None = None
    reference: str = ""
    # For the open item a line on a subledger account becomes:
    due_date: datetime.date | None = None
    kid: str = ""
    invoice_id: int | None = None
    supplier_invoice_id: int | None = None
    # Ready-made lines (reversals): VAT is not calculated again.
    is_vat: bool = False
    vat_base_line: int | None = None
    vat_rate: Decimal | None = None


@dataclass
class NewVoucher:
    date: datetime.date
    description: str
    lines: Sequence[Line]
    series: str = Series.MANUAL
    source: str = ""
    reversal_of: Voucher | None = None
    calculate_vat: bool = True  # False: the lines already hold their VAT lines (reversals)
    allow_inactive_accounts: bool = False  # reversals may use accounts deactivated since


@dataclass
class _Prepared:
    new: NewVoucher
    fiscal_year: int
    postings: list[dict] = field(default_factory=list)


class _Context:
    """What checking many vouchers of one company needs, loaded once: the accounts they name
    (and the VAT accounts of their codes) and the locked periods."""

    def __init__(self, company, vouchers: Sequence[NewVoucher]):
        self.company = company
        numbers, ids = set(), set()
        for new in vouchers:
            for line in new.lines:
                if isinstance(line.account, Account):
                    ids.add(line.account.pk)
                else:
                    numbers.add(str(line.account).strip())
                if line.vat_code and new.calculate_vat:
                    code = vat.codes().get(line.vat_code)
                    if code is not None:
                        numbers.update(code.accounts())
        accounts = Account.objects.filter(company=company).filter(Q(number__in=numbers) | Q(pk__in=ids))
        self.accounts = {a.number: a for a in accounts}
        self.accounts_by_id = {a.pk: a for a in self.accounts.values()}
        self.locked = set(PeriodLock.objects.filter(company=company).values_list("year", "month"))

    def account(self, ref: Account | str) -> Account | None:
        if isinstance(ref, Account):
            return self.accounts_by_id.get(ref.pk)  # another company's account is not found
        return self.accounts.get(str(ref).strip())


def _month_name(day: datetime.date) -> str:
    return formats.date_format(day, "F Y")


def _day(day: datetime.date) -> str:
    return day.strftime("%d.%m.%Y")


def check_date(company, day: datetime.date, locked: set[tuple[int, int]] | None = None) -> list[str]:
    """Why nothing may be posted on `day` (empty when it may)."""
    problems = []
    if day < company.conversion_date:
        problems.append(
            _("The date %(date)s is before the conversion date %(conversion)s.")
            % {"date": _day(day), "conversion": _day(company.conversion_date)}
        )
    if locked is None:
        locked = set(PeriodLock.objects.filter(company=company).values_list("year", "month"))
    if (day.year, day.month) in locked:
        problems.append(_("The period %(month)s is locked.") % {"month": _month_name(day)})
    return problems


def _prepare(ctx: _Context, new: NewVoucher) -> _Prepared:
    company = ctx.company
    problems: list[str] = []
    if not isinstance(new.date, datetime.date) or isinstance(new.date, datetime.datetime):
        raise LedgerError(_("The voucher needs a date."))
    if new.series not in SERIES:
        problems.append(_("Unknown voucher series %(series)s.") % {"series": new.series})
    if not (new.description or "").strip():
        problems.append(_("The voucher needs a description."))
    if not new.lines:
        problems.append(_("The voucher has no lines."))
    problems += check_date(company, new.date, ctx.locked)

    prepared = _Prepared(new=new, fiscal_year=fiscal_year(new.date, company.fiscal_year_start_month))
    postings = prepared.postings
    for index, line in enumerate(new.lines, start=1):
        if isinstance(line.amount, bool) or not isinstance(line.amount, int):
            raise TypeError(f"line {index}: amounts are integer øre, got {type(line.amount).__name__}")
        account = ctx.account(line.account)
        label = line.account.number if isinstance(line.account, Account) else str(line.account)
        if account is None:
            problems.append(_("Account %(number)s does not exist.") % {"number": label})
            continue
        if not account.active and not new.allow_inactive_accounts:
            problems.append(_("Account %(number)s is inactive.") % {"number": account.number})
        if line.amount == 0 and not line.is_vat:
            problems.append(_("Line %(line)s has no amount.") % {"line": index})
        problems += _check_party(account, line)
        posting = dict(
            account=account,
            amount=line.amount,
            description=(line.description or new.description)[:200],
            vat_code=line.vat_code or "",
            vat_rate=line.vat_rate,
            vat_amount=line.vat_amount if not new.calculate_vat else None,
            is_vat=line.is_vat,
            vat_base_line=line.vat_base_line,
            currency=(line.currency or "").upper()[:3],
            currency_amount=line.currency_amount,
            customer=line.customer,
            supplier=line.supplier,
            bank_account_id=line.bank_account_id,
            reference=(line.reference or "")[:60],
            _item=dict(due_date=line.due_date, kid=line.kid, invoice_id=line.invoice_id,
                       supplier_invoice_id=line.supplier_invoice_id),
        )
        postings.append(posting)
        if line.vat_code and new.calculate_vat:
            problems += _add_vat(ctx, new, line, posting, postings)

    if not problems:
        debit = sum(p["amount"] for p in postings if p["amount"] > 0)
        credit = -sum(p["amount"] for p in postings if p["amount"] < 0)
        if debit != credit:
            problems.append(
                _("The voucher does not balance: debit %(debit)s, credit %(credit)s.")
                % {"debit": format_amount(debit), "credit": format_amount(credit)}
            )
    if problems:
        raise LedgerError(*problems)
    for number, posting in enumerate(postings, start=1):
        posting["line"] = number
    return prepared


def _check_party(account: Account, line: Line) -> list[str]:
    problems = []
    if account.subledger == "customer" and line.customer is None:
        problems.append(_("Account %(number)s needs a customer.") % {"number": account.number})
    if account.subledger == "supplier" and line.supplier is None:
        problems.append(_("Account %(number)s needs a supplier.") % {"number": account.number})
    if line.customer is not None and account.subledger != "customer":
        problems.append(_("A customer can only be given on a customer account (1500), not on %(number)s.") % {"number": account.number})
    if line.supplier is not None and account.subledger != "supplier":
        problems.append(_("A supplier can only be given on a supplier account (2400), not on %(number)s.") % {"number": account.number})
    for party in (line.customer, line.supplier):
        if party is not None and party.company_id != account.company_id:
            problems.append(_("The customer or supplier belongs to another company."))
    return problems


def _add_vat(ctx: _Context, new: NewVoucher, line: Line, posting: dict, postings: list[dict]) -> list[str]:
    """Replace the line's amount by its net and append its VAT lines."""
    try:
        vat_code = vat.get(line.vat_code)
        result = vat.split(vat_code, line.amount, new.date, gross=line.gross, vat=line.vat_amount)
    except vat.VatError as exc:
        return [_translate_vat_error(line.vat_code, new.date, exc)]
    problems = []
    if line.vat_amount is not None and vat_code.computes_vat:
        expected = vat.split(vat_code, line.amount, new.date, gross=line.gross)
        if abs(expected.vat - line.vat_amount) > 100:
            problems.append(
                _("The VAT %(given)s does not match %(percent)s %% of the amount (%(expected)s).")
                % {"given": format_amount(line.vat_amount), "percent": f"{result.percent:g}".replace(".", ","),
                   "expected": format_amount(expected.vat)}
            )
    posting["amount"] = result.net
    posting["vat_rate"] = result.percent
    posting["vat_amount"] = result.vat if (vat_code.computes_vat or vat_code.treatment == "import_vat") else None
    base_index = len(postings)  # 1-based line number of the base posting, before renumbering
    for account_number, amount in result.lines:
        account = posting["account"] if not account_number else ctx.account(account_number)
        if account is None:
            problems.append(_("Account %(number)s does not exist.") % {"number": account_number})
            continue
        if not account.active:
            problems.append(_("Account %(number)s is inactive.") % {"number": account.number})
        if amount == 0:
            continue
        postings.append(dict(
            account=account, amount=amount, description=posting["description"], vat_code=vat_code.code,
            vat_rate=result.percent, vat_amount=amount, is_vat=True, vat_base_line=base_index,
            currency="", currency_amount=None, customer=None, supplier=None, bank_account_id=None,
            reference="", _item=None,
        ))
    return problems


def _translate_vat_error(code: str, day: datetime.date, exc: Exception) -> str:
    try:
        vat.get(code)
    except vat.VatError:
        return _("Unknown VAT code %(code)s.") % {"code": code}
    return _("VAT code %(code)s has no rate on %(date)s.") % {"code": code, "date": _day(day)}


# --- Numbering --------------------------------------------------------------------------------


def locked_counter(company, key: str, year: int = 0) -> NumberCounter:
    """The counter row, locked until the caller's transaction ends; created on first use."""
    rows = NumberCounter.objects.select_for_update()
    counter = rows.filter(company=company, key=key, year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                NumberCounter.objects.create(company=company, key=key, year=year)
        except IntegrityError:
            pass  # created meanwhile by a concurrent transaction, which we now wait for
        counter = rows.get(company=company, key=key, year=year)
    return counter


def take_numbers(company, key: str, year: int, count: int = 1) -> int:
    """Reserve `count` consecutive numbers; returns the first. Call inside a transaction."""
    counter = locked_counter(company, key, year)
    first = counter.last + 1
    NumberCounter.objects.filter(pk=counter.pk).update(last=counter.last + count)
    return first


# --- Posting ----------------------------------------------------------------------------------


def post_voucher(actor, company, new: NewVoucher, *, job: str = "") -> Voucher:
    """Post one voucher; raises LedgerError naming every problem."""
    return post_vouchers(actor, company, [new], job=job)[0]


def post_vouchers(actor, company, vouchers: Sequence[NewVoucher], *, job: str = "") -> list[Voucher]:
    """Post many vouchers in one transaction with bulk inserts (imports, payroll, bank files).
    All or nothing: a problem in any voucher refuses them all, naming the voucher."""
    return [w.voucher for w in post_vouchers_written(actor, company, vouchers, job=job)]


@dataclass
class Written:
    """A voucher as `post_vouchers_written` wrote it, so that a batch caller (the automatic bank
    reconciliation) links and settles without reading back what was just written."""

    voucher: Voucher
    postings: list[tuple[int, int, int, int | None]]  # (posting id, line, account id, bank account id)
    # (open item id, posting line, customer id, supplier id, amount, date, description)
    open_items: list[tuple[int, int, int | None, int | None, int, datetime.date, str]]
    total: int = 0  # the debit total, øre
    item_rows: list[tuple] = field(default_factory=list)  # open items to write later: see `write_open_items`


def post_vouchers_written(actor, company, vouchers: Sequence[NewVoucher], *, job: str = "",
                          audit: bool = True, numbered: bool = True, items_later: bool = False) -> list[Written]:
    """`post_vouchers`, returning the keys of the postings and open items each voucher made.
    `audit=False` leaves the audit entries to a caller that records each voucher in the entry of
    the action it belongs to (the automatic reconciliation: one entry per reconciliation).

    `numbered=False` writes the postings and open items but not yet the voucher rows, which
    `number_vouchers` writes, with their numbers, before the caller's transaction ends (the
    postings' foreign keys are checked at commit). The lock on the series' number is then held
    from there to the commit, not for the whole transaction: two batches posting at once
    (the automatic reconciliation's) wait for each other only at their ends.

    `items_later=True` takes the open items' keys but leaves their rows to `write_open_items`,
    for a caller that settles them first in the same transaction (the automatic reconciliation
    settles every payment it posts): each is then written once, with what remains of it, instead
    of written and updated."""
    if audit and not numbered:
        raise ValueError("a voucher's audit entry names its number: numbered=False needs audit=False")
    if not vouchers:
        return []
    with transaction.atomic():
        ctx = _Context(company, vouchers)
        prepared = []
        for index, new in enumerate(vouchers, start=1):
            try:
                prepared.append(_prepare(ctx, new))
            except LedgerError as exc:
                if len(vouchers) == 1:
                    raise
                prefix = _("Voucher %(index)s (%(date)s, %(description)s):") % {
                    "index": index, "date": _day(new.date), "description": new.description}
                raise LedgerError(prefix, *exc.problems) from None
        return _write(actor, company, prepared, job, audit, numbered, items_later)


VOUCHER_FIELDS = ["company", "series", "fiscal_year", "number", "date", "description", "source", "reversal_of",
                  "posted_at", "posted_by", "posted_by_label"]
OPEN_ITEM_FIELDS = ["company", "posting", "customer", "supplier", "date", "due_date", "amount", "remaining", "kid",
                    "description", "invoice", "supplier_invoice"]


def _write(actor, company, prepared: list[_Prepared], job: str, audit: bool = True,
           numbered: bool = True, items_later: bool = False) -> list[Written]:
    now = timezone.now()
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    label = actor_label(actor, job)
    # The keys first, so that postings can point at vouchers whose rows go in last (numbered=False).
    vouchers = []
    for pk, p in zip(reserve_ids(Voucher, len(prepared)), prepared, strict=True):
        vouchers.append(built(
            Voucher, {"company": company, "reversal_of": p.new.reversal_of, "posted_by": user}, id=pk,
            company_id=company.pk, series=p.new.series, fiscal_year=p.fiscal_year, number=None, date=p.new.date,
            description=p.new.description.strip()[:200], source=p.new.source,
            reversal_of_id=p.new.reversal_of.pk if p.new.reversal_of else None, posted_at=now,
            posted_by_id=user.pk if user else None, posted_by_label=label))
    if numbered:
        number_vouchers(company, vouchers)

    written = [Written(voucher, [], [], _debit_total(p)) for voucher, p in zip(vouchers, prepared, strict=True)]
    items = insert_postings(company, [(voucher, p.postings) for voucher, p in zip(vouchers, prepared, strict=True)])
    # `.id`, not `.pk`, in the loops over every posting: the property costs more than the row.
    by_voucher = {w.voucher.id: w for w in written}
    for w, p in zip(written, prepared, strict=True):
        w.postings.extend((spec["id"], spec["line"], spec["account"].id, spec["bank_account_id"]) for spec in p.postings)
    if items:
        parties = [(spec["customer"].id if spec["customer"] else None, spec["supplier"].id if spec["supplier"] else None)
                   for _voucher, spec, _item in items]
        rows = [(company.id, spec["id"], customer, supplier, voucher.date, item["due_date"] or voucher.date,
                 spec["amount"], spec["amount"], item["kid"] or "", spec["description"], item["invoice_id"],
                 item["supplier_invoice_id"])
                for (voucher, spec, item), (customer, supplier) in zip(items, parties, strict=True)]
        if items_later:
            item_keys = reserve_ids(OpenItem, len(rows))
        else:
            item_keys = insert_rows(OpenItem, OPEN_ITEM_FIELDS, rows, ids=True)
        for pk, row, (voucher, spec, _item), (customer, supplier) in zip(item_keys, rows, items, parties, strict=True):
            w = by_voucher[voucher.id]
            w.open_items.append((pk, spec["line"], customer, supplier, spec["amount"], voucher.date, spec["description"]))
            if items_later:
                w.item_rows.append((pk, *row))
    if audit:
        record_many(
            action="voucher.post", actor=actor, job=job, company=company,
            items=((w.voucher, voucher_changes(w.voucher, w.total), w.voucher.description) for w in written),
        )
    return written


def write_open_items(written: list[Written], remaining: dict[int, int]) -> None:
    """Write the open items `post_vouchers_written(items_later=True)` took the keys of, each with
    its `remaining` as the caller settled it meanwhile (by key; the amount if not given)."""
    at = 1 + OPEN_ITEM_FIELDS.index("remaining")
    rows = []
    for w in written:
        for row in w.item_rows:
            rows.append((*row[:at], remaining.get(row[0], row[at]), *row[at + 1:]))
    insert_rows(OpenItem, ["id", *OPEN_ITEM_FIELDS], rows)


def number_vouchers(company, vouchers: list[Voucher]) -> None:
    """Give vouchers written with `numbered=False` their numbers (the next of their series and
    year, in the order given) and write their rows."""
    counts: dict[tuple[str, int], int] = defaultdict(int)
    for voucher in vouchers:
        counts[(voucher.series, voucher.fiscal_year)] += 1
    next_number = {}
    for series, year in sorted(counts):  # a fixed order, so two batches never deadlock
        next_number[(series, year)] = take_numbers(company, f"voucher:{series}", year, counts[(series, year)])
    for voucher in vouchers:
        key = (voucher.series, voucher.fiscal_year)
        voucher.number = next_number[key]
        next_number[key] += 1
    insert_rows(Voucher, ["id", *VOUCHER_FIELDS], [
        (v.pk, v.company_id, v.series, v.fiscal_year, v.number, v.date, v.description, v.source, v.reversal_of_id,
         v.posted_at, v.posted_by_id, v.posted_by_label) for v in vouchers])


def voucher_changes(voucher: Voucher, total: int) -> dict:
    """What the audit entry of a posted voucher records."""
    return {"date": [None, voucher.date.isoformat()], "amount": [None, format_amount(total)]}


# Posting rows go in as plain rows (rows.py): building a model instance per row and preparing
# every field through the ORM costs more than the checks themselves. The rows are checked in
# `_prepare` and never updated, so nothing the model's save() adds is lost.
POSTING_FIELDS = [
    "company", "voucher", "line", "account", "date", "amount", "description", "vat_code", "vat_rate", "vat_amount",
    "is_vat", "vat_base_line", "currency", "currency_amount", "customer", "supplier", "bank_account_id", "reference",
]


def insert_postings(company, vouchers_and_specs) -> list[tuple]:
    """Insert the posting rows of saved vouchers (each spec gets its posting's key as "id");
    returns (voucher, spec, open item data) for the postings on subledger accounts, which become
    open items."""
    rows, specs, items = [], [], []
    company_id = company.id
    for voucher, voucher_specs in vouchers_and_specs:
        voucher_id, day = voucher.id, voucher.date
        for spec in voucher_specs:
            item = spec.pop("_item", None)
            customer, supplier = spec["customer"], spec["supplier"]
            rows.append((
                company_id, voucher_id, spec["line"], spec["account"].id, day, spec["amount"],
                spec["description"], spec["vat_code"], spec["vat_rate"], spec["vat_amount"], spec["is_vat"],
                spec["vat_base_line"], spec["currency"], spec["currency_amount"], customer.id if customer else None,
                supplier.id if supplier else None, spec["bank_account_id"], spec["reference"],
            ))
            specs.append(spec)
            if spec["account"].subledger and item is not None:
                items.append((voucher, spec, item))
    for spec, pk in zip(specs, insert_rows(Posting, POSTING_FIELDS, rows, ids=True), strict=True):
        spec["id"] = pk
    return items


def _debit_total(p: _Prepared) -> int:
    return sum(s["amount"] for s in p.postings if s["amount"] > 0)


def voucher_total(voucher: Voucher) -> int:
    """The voucher's debit total (= its credit total)."""
    return sum(p.amount for p in voucher.postings.all() if p.amount > 0)


# --- Reversal ---------------------------------------------------------------------------------


@transaction.atomic
def reverse_voucher(actor, voucher: Voucher, *, date: datetime.date | None = None, description: str = "",
                    job: str = "") -> Voucher:
    """Post a voucher mirroring `voucher` (every posting negated, VAT lines included) and link
    the two. Open items of the original are closed against their mirrors. Customer invoices are
    corrected by a credit note instead, as the Bookkeeping Act requires."""
    from .subledger import settle  # settle imports posting

    voucher = Voucher.objects.select_for_update().get(pk=voucher.pk)
    if voucher.is_reversed:
        raise LedgerError(_("Voucher %(number)s is already reversed.") % {"number": voucher.display_number})
    if voucher.reversal_of_id:
        raise LedgerError(_("Voucher %(number)s is itself a reversal.") % {"number": voucher.display_number})
    if hasattr(voucher, "invoice"):
        raise LedgerError(
            _("Voucher %(number)s belongs to invoice %(invoice)s: credit the invoice instead.")
            % {"number": voucher.display_number, "invoice": voucher.invoice.number}
        )
    items = {
        i.posting_id: i
        for i in OpenItem.objects.select_for_update(of=("self",)).filter(posting__voucher=voucher).select_related("posting")
    }
    if any(i.remaining != i.amount for i in items.values()):
        raise LedgerError(
            _("Voucher %(number)s has open items that are settled: unsettle them first.") % {"number": voucher.display_number}
        )
    day = date or voucher.date
    lines = []
    for p in voucher.postings.all().order_by("line"):
        item = items.get(p.pk)
        lines.append(Line(
            account=p.account, amount=-p.amount, description=p.description, vat_code=p.vat_code,
            vat_amount=-p.vat_amount if p.vat_amount is not None else None, vat_rate=p.vat_rate,
            is_vat=p.is_vat, vat_base_line=p.vat_base_line, currency=p.currency,
            currency_amount=-p.currency_amount if p.currency_amount is not None else None,
            customer=p.customer, supplier=p.supplier, bank_account_id=p.bank_account_id, reference=p.reference,
            due_date=item.due_date if item else None, kid=item.kid if item else "",
            supplier_invoice_id=item.supplier_invoice_id if item else None,
        ))
    reversal = post_voucher(
        actor, voucher.company,
        NewVoucher(
            date=day, description=description or _("Reversal of %(number)s") % {"number": voucher.display_number},
            lines=lines, series=voucher.series, source="reversal", reversal_of=voucher,
            calculate_vat=False, allow_inactive_accounts=True,
        ),
        job=job,
    )
    mirrors = {i.posting.line: i for i in OpenItem.objects.filter(posting__voucher=reversal).select_related("posting")}
    for original in items.values():
        mirror = mirrors[original.posting.line]
        settle(actor, mirror, [(original, abs(original.amount))], date=day, job=job,
               note=_("Reversal of %(number)s") % {"number": voucher.display_number})
    audit.record(action="voucher.reverse", actor=actor, job=job, company=voucher.company, obj=voucher,
                 summary=_("Reversed by %(number)s") % {"number": reversal.display_number})
    return reversal


# --- Period locks -----------------------------------------------------------------------------


def locked_periods(company) -> set[tuple[int, int]]:
    return set(PeriodLock.objects.filter(company=company).values_list("year", "month"))


@transaction.atomic
def lock_period(actor, company, year: int, month: int) -> PeriodLock:
    if not 1 <= month <= 12:
        raise LedgerError(_("A month is 1 to 12."))
    lock, created = PeriodLock.objects.get_or_create(
        company=company, year=year, month=month,
        defaults={"locked_by": actor if getattr(actor, "is_authenticated", False) else None},
    )
    if created:
        audit.record(action="period.lock", actor=actor, company=company, obj=lock, summary=f"{year}-{month:02d}")
    return lock


@transaction.atomic
def unlock_period(actor, company, year: int, month: int) -> None:
    lock = PeriodLock.objects.filter(company=company, year=year, month=month).first()
    if lock is not None:
        audit.record(action="period.unlock", actor=actor, company=company, obj=lock, summary=f"{year}-{month:02d}")
        lock.delete()


# --- Drafts -----------------------------------------------------------------------------------
# A draft keeps its lines as JSON; posting goes through post_voucher like everything else.

DRAFT_LINE_FIELDS = ("amount", "description", "vat_code", "gross", "vat_amount", "currency", "currency_amount",
                     "bank_account_id", "reference", "kid")


def _line_to_json(line: Line) -> dict:
    if isinstance(line.amount, bool) or not isinstance(line.amount, int):
        raise TypeError("amounts are integer øre")
    data = {name: getattr(line, name) for name in DRAFT_LINE_FIELDS}
    data["account"] = line.account.number if isinstance(line.account, Account) else str(line.account).strip()
    data["customer_id"] = line.customer.pk if line.customer else None
    data["supplier_id"] = line.supplier.pk if line.supplier else None
    data["due_date"] = line.due_date.isoformat() if line.due_date else None
    return data


def _line_from_json(company, data: dict) -> Line:
    customer = Customer.objects.filter(company=company, pk=data["customer_id"]).first() if data.get("customer_id") else None
    supplier = Supplier.objects.filter(company=company, pk=data["supplier_id"]).first() if data.get("supplier_id") else None
    due = data.get("due_date")
    return Line(
        account=data["account"], customer=customer, supplier=supplier,
        due_date=datetime.date.fromisoformat(due) if due else None,
        **{name: data[name] for name in DRAFT_LINE_FIELDS if name in data},
    )


def draft_as_voucher(draft: VoucherDraft) -> NewVoucher:
    return NewVoucher(date=draft.date, description=draft.description, series=draft.series, source=draft.source or "draft",
                      lines=[_line_from_json(draft.company, data) for data in draft.lines])


@transaction.atomic
def create_draft(actor, company, new: NewVoucher, *, job: str = "") -> VoucherDraft:
    """Save a voucher to post later. Only its shape is checked now; posting checks the rest."""
    if new.series not in SERIES:
        raise LedgerError(_("Unknown voucher series %(series)s.") % {"series": new.series})
    if not (new.description or "").strip():
        raise LedgerError(_("The voucher needs a description."))
    if not new.lines:
        raise LedgerError(_("The voucher has no lines."))
    for line in new.lines:
        for party in (line.customer, line.supplier):
            if party is not None and party.company_id != company.pk:
                raise LedgerError(_("The customer or supplier belongs to another company."))
    draft = VoucherDraft.objects.create(
        company=company, series=new.series, date=new.date, description=new.description.strip()[:200],
        lines=[_line_to_json(line) for line in new.lines], source=new.source,
        created_by=actor if getattr(actor, "is_authenticated", False) else None, created_by_label=actor_label(actor, job),
    )
    audit.record(action="voucher_draft.create", actor=actor, job=job, company=company, obj=draft,
                 changes={"date": [None, draft.date.isoformat()], "amount": [None, format_amount(draft.debit_total)]})
    return draft


@transaction.atomic
def post_draft(actor, draft: VoucherDraft, *, job: str = "") -> Voucher:
    """Post the draft (all the checks of post_voucher) and delete it."""
    draft = VoucherDraft.objects.select_for_update().get(pk=draft.pk)
    voucher = post_voucher(actor, draft.company, draft_as_voucher(draft), job=job)
    audit.record(action="voucher_draft.post", actor=actor, job=job, company=draft.company, obj=draft,
                 summary=_("Posted as %(number)s") % {"number": voucher.display_number})
    draft.delete()
    return voucher


@transaction.atomic
def delete_draft(actor, draft: VoucherDraft, *, job: str = "") -> None:
    draft = VoucherDraft.objects.select_for_update().get(pk=draft.pk)
    audit.record(action="voucher_draft.delete", actor=actor, job=job, company=draft.company, obj=draft,
                 changes={"date": [draft.date.isoformat(), None], "amount": [format_amount(draft.debit_total), None]})
    draft.delete()


def preview_voucher(company, new: NewVoucher) -> list[dict]:
    """The postings `new` would make (VAT lines included), checked like post_voucher checks
    them, without writing anything or taking a number."""
    return _prepare(_Context(company, [new]), new).postings
