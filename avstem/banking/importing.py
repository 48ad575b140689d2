"""Storing deliveries from the bank (API, camt.053/054, Nets OCR, CSV): idempotent, all or nothing.

    outcome = import_document(document, company=..., source=Source.CAMT053, batch=..., account=None)

The caller's document is mapped (mapping.py, pure) and stored inside one transaction: one
refused statement and nothing of the delivery is kept. Recognising a transaction that arrived
before (mapping.py explains `ref` and `fp_key`):

1. the same archive reference on the account: the same line;
2. else the same fingerprint: the same unreferenced line (a file imported again);
3. else a "twin": a line on the same day with the same amount that arrived only by the other
   kind of channel (an unreferenced CSV/OCR line meets its referenced statement entry, in either
   order); each line pairs once, so two equal amounts on one day stay two lines;
4. else, for a booked line, a pending one it settles (same end-to-end id, same amount, dated up
   to 14 days before), when the bank gave the pending entry another reference.

A pending line that books is upgraded in place; a booked line is never turned back to pending.
Removed (soft-deleted) lines still count as known, so a re-import does not bring them back; only a
pending line the bank had dropped (`dropped_by_bank`) comes back when the bank reports it again.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from avstem.audit import services as audit
from avstem.formats.model import Document
from avstem.ledger.money import format_amount
from avstem.norway.accounts import format_account_number

from . import mapping
from .mapping import BOOKED, PENDING, LineData, StatementData
from .models import (
    BankAccount,
    BankLine,
    BankLineDetail,
    DailyBalance,
    ImportBatch,
    LineStatus,
    ReconciliationStatus,
    Source,
)

PENDING_LOOKBACK = datetime.timedelta(days=14)
DESCRIPTIVE = ("entry_ref", "bank_code", "description", "counterparty_name", "counterparty_account")
CHUNK = 500


class ImportRefused(ValueError):
    """A delivery the program will not store; the message names the file, the place and why."""


@dataclass
class Outcome:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # before the agreement's activation or the reconciliation start date
    balances: int = 0
    warnings: list[str] = field(default_factory=list)
    accounts: set[int] = field(default_factory=set)
    days: set[datetime.date] = field(default_factory=set)

    def add(self, other: Outcome) -> None:
        self.new += other.new
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.skipped += other.skipped
        self.balances += other.balances
        self.warnings += other.warnings
        self.accounts |= other.accounts
        self.days |= other.days

    @property
    def total(self) -> int:
        return self.new + self.updated + self.unchanged


def statements_of(document: Document, source: str, file_name: str = "") -> list[StatementData]:
    """Map every statement of a document; a MappingError becomes ImportRefused naming the file."""
    datas = []
    several = len(document.statements) > 1
    for n, statement in enumerate(document.statements, 1):
        label = file_name + (f" Stmt[{n}]" if several else "")
        try:
            datas.append(mapping.statement_data(statement, ocr=source == Source.OCR, label=label))
        except mapping.MappingError as exc:
            raise ImportRefused(f"{label}: {exc}" if label else str(exc)) from None
    if not datas:
        raise ImportRefused(_("%(file)s holds no statements.") % {"file": file_name or _("The file")})
    return datas


def find_account(company, data: StatementData, chosen: BankAccount | None, label: str = "") -> BankAccount:
    """The company's bank account a statement is for: from the file, else the one the user chose."""
    number, iban = data.account_number, (data.iban or "").replace(" ", "").upper()
    prefix = f"{label}: " if label else ""
    if number or iban:
        query = Q(account_number=number) if number else Q()
        if iban:
            query |= Q(iban=iban)
        account = BankAccount.objects.filter(company=company).filter(query).first()
        shown = format_account_number(number) if number else iban
        if account is None:
            raise ImportRefused(prefix + _("the file is for account %(number)s, which is not one of the company's "
                                           "bank accounts. Add it under Settings > Bank accounts first.")
                                % {"number": shown})
        if chosen is not None and chosen.pk != account.pk:
            raise ImportRefused(prefix + _("the file is for account %(number)s, not for %(chosen)s.")
                                % {"number": shown, "chosen": chosen})
        return account
    if chosen is None:
        raise ImportRefused(prefix + _("the file does not say which account it is for. Choose the account."))
    return chosen


def import_document(document: Document, *, company, source: str, batch: ImportBatch | None = None,
                    account: BankAccount | None = None, actor=None, job: str = "",
                    not_before: datetime.date | None = None, progress=None, file_name: str = "",
                    only_accounts: set[int] | None = None) -> Outcome:
    """Store a whole delivery in one transaction (see the module docstring). With `only_accounts`
    (bank account ids), statements for other accounts are left out with a warning."""
    datas = statements_of(document, source, file_name or (batch.file_name if batch else ""))
    outcome = Outcome()
    with transaction.atomic():
        for data in datas:
            target = find_account(company, data, account, data.label)
            if only_accounts is not None and target.pk not in only_accounts:
                outcome.warnings.append(_("%(label)s: %(account)s is not covered by the agreement; left out.")
                                        % {"label": data.label or _("The file"), "account": target})
                continue
            if data.currency and data.currency != target.currency:
                raise ImportRefused(_("%(label)s: the statement is in %(ccy)s but %(account)s is in %(own)s.")
                                    % {"label": data.label or _("The file"), "ccy": data.currency,
                                       "account": target, "own": target.currency})
            outcome.add(store(target, data, source=source, batch=batch, not_before=not_before, progress=progress))
        outcome.warnings = [*(w for d in datas for w in d.warnings), *outcome.warnings]
        if batch is not None:
            finish_batch(batch, outcome)
        _audit(company, batch, source, outcome, actor, job)
    return outcome


def finish_batch(batch: ImportBatch, outcome: Outcome) -> None:
    from .models import ImportStatus

    batch.status = ImportStatus.DONE
    batch.lines_new, batch.lines_updated, batch.lines_unchanged = outcome.new, outcome.updated, outcome.unchanged
    batch.balances = outcome.balances
    batch.total = batch.processed = outcome.total + outcome.skipped
    batch.warnings = outcome.warnings[:200]
    batch.finished_at = timezone.now()
    if batch.bank_account_id is None and len(outcome.accounts) == 1:
        batch.bank_account_id = next(iter(outcome.accounts))
    batch.save()


def _audit(company, batch, source, outcome: Outcome, actor, job) -> None:
    if not (outcome.new or outcome.updated):
        return
    audit.record(
        action="bank.import", actor=actor, job=job, company=company, obj=batch,
        changes={"lines_new": [None, outcome.new], "lines_updated": [None, outcome.updated],
                 "balances": [None, outcome.balances]},
        summary=f"{source}: {outcome.new} new, {outcome.updated} updated, {outcome.unchanged} already known",
    )


# --- storing one account's lines and balances (inside the caller's transaction) --------------------


class _Store:
    def __init__(self, account: BankAccount, source: str, batch: ImportBatch | None) -> None:
        self.account, self.source, self.batch = account, source, batch
        self.by_ref: dict[str, BankLine] = {}
        self.by_fp: dict[str, BankLine] = {}
        self.dates: set[datetime.date] = set()
        self.twins: dict[bool, dict | None] = {True: None, False: None}
        self.pending: list | None = None
        self.claimed: set[int] = set()
        self.with_details: set[int] = set()
        self.details_known: set[int] = set()
        self.new: list[tuple[BankLine, LineData]] = []
        self.outcome = Outcome(accounts={account.pk})

    def load(self, lines: list[LineData]) -> None:
        """The lines this delivery may repeat, found by reference or fingerprint in a few queries."""
        refs = [line.ref for line in lines if line.ref]
        fps = [line.fp_key for line in lines if line.fp_key]
        self.dates = {line.date for line in lines}
        base = BankLine.objects.filter(bank_account=self.account)
        for start in range(0, len(refs), CHUNK):
            self.by_ref.update((b.ref, b) for b in base.filter(ref__in=refs[start:start + CHUNK]))
        for start in range(0, len(fps), CHUNK):
            self.by_fp.update((b.fp_key, b) for b in base.filter(fp_key__in=fps[start:start + CHUNK]))
        ids = list({b.pk for b in (*self.by_ref.values(), *self.by_fp.values())})
        self.details_known.update(ids)
        for start in range(0, len(ids), CHUNK):
            self.with_details.update(BankLineDetail.objects.filter(line_id__in=ids[start:start + CHUNK])
                                     .values_list("line_id", flat=True).distinct())

    def has_details(self, line: BankLine) -> bool:
        if line.pk not in self.details_known:
            self.details_known.add(line.pk)
            if line.details.exists():
                self.with_details.add(line.pk)
        return line.pk in self.with_details

    def twins_on(self, day: datetime.date, referenced: bool) -> list[BankLine]:
        """Lines of the other kind of channel on a day: unreferenced ones (CSV, OCR) for a
        referenced arrival, referenced ones without a fingerprint for an unreferenced arrival.
        Loaded for every day of the delivery in one query, the first time one is needed."""
        cache = self.twins[referenced]
        if cache is None:
            query = BankLine.objects.filter(bank_account=self.account, date__in=self.dates).exclude(
                source=Source.MANUAL)
            query = query.filter(ref__isnull=True, fp_key__isnull=False) if referenced else query.filter(
                fp_key__isnull=True, ref__isnull=False)
            cache = self.twins[referenced] = defaultdict(list)
            for candidate in query.order_by("id"):
                cache[candidate.date].append(candidate)
        return cache.get(day, [])

    def twin(self, line: LineData) -> BankLine | None:
        candidates = [c for c in self.twins_on(line.date, bool(line.ref))
                      if c.pk not in self.claimed and c.amount == line.amount]
        if len(candidates) > 1:  # prefer the one that tells the same story
            text = line.description.casefold()
            candidates.sort(key=lambda c: (not (c.description and c.description.casefold() in text), c.pk))
        return candidates[0] if candidates else None

    def pending_predecessor(self, line: LineData) -> BankLine | None:
        if line.status != BOOKED or not line.end_to_end_ids:
            return None
        if self.pending is None:  # the account's pending lines with their end-to-end ids, once
            self.pending = []
            lines = {p.pk: p for p in BankLine.objects.filter(bank_account=self.account, status=LineStatus.PENDING)}
            ids: dict[int, set[str]] = defaultdict(set)
            for line_id, e2e in BankLineDetail.objects.filter(line_id__in=list(lines)).exclude(end_to_end_id="") \
                    .values_list("line_id", "end_to_end_id"):
                ids[line_id].add(e2e)
            self.pending = sorted(((p, ids[p.pk]) for p in lines.values() if ids[p.pk]),
                                  key=lambda item: (item[0].date, item[0].pk))
        for candidate, e2e in self.pending:
            if (candidate.pk not in self.claimed and candidate.amount == line.amount and e2e & line.end_to_end_ids
                    and line.date - PENDING_LOOKBACK <= candidate.date <= line.date):
                return candidate
        return None

    def match(self, line: LineData) -> BankLine | None:
        found = self.by_ref.get(line.ref) if line.ref else None
        if found is None and line.fp_key:
            found = self.by_fp.get(line.fp_key)
        if found is None:
            found = self.twin(line) or self.pending_predecessor(line)
        return found

    def create(self, line: LineData) -> None:
        obj = BankLine(
            company_id=self.account.company_id, bank_account=self.account,
            status=LineStatus.PENDING if line.status == PENDING else LineStatus.BOOKED,
            amount=line.amount, currency=line.currency or self.account.currency, date=line.date,
            booking_date=line.booking_date, value_date=line.value_date, transaction_date=line.transaction_date,
            ref=line.ref, fp_key=line.fp_key, entry_ref=line.entry_ref, bank_code=line.bank_code,
            description=line.description, counterparty_name=line.counterparty_name,
            counterparty_account=line.counterparty_account, reversal=line.reversal, is_batch=line.is_batch,
            source=self.source, sources=self.source, import_batch=self.batch,
        )
        self.new.append((obj, line))
        if line.ref:
            self.by_ref[line.ref] = obj
        if line.fp_key:
            self.by_fp[line.fp_key] = obj
        self.outcome.new += 1

    def merge(self, existing: BankLine, line: LineData) -> None:
        """Bring what this delivery knows into a line that arrived before."""
        changed: set[str] = set()
        if existing.pk is not None:
            self.claimed.add(existing.pk)
        if existing.dropped_by_bank and existing.deleted_at is not None:  # the bank reports it again
            existing.deleted_at, existing.deleted_by, existing.delete_reason = None, None, ""
            existing.dropped_by_bank = False
            changed |= {"deleted_at", "deleted_by", "delete_reason", "dropped_by_bank"}
            audit.record(action="bank_line.restore", job="bank-import", company=self.account.company,
                         obj=existing, summary=_("The bank reports the transaction again."))
        if existing.status == LineStatus.PENDING and line.status == BOOKED:
            existing.status = LineStatus.BOOKED
            existing.date, existing.booking_date = line.date, line.booking_date
            existing.value_date = line.value_date or existing.value_date
            existing.amount = line.amount  # a card hold may settle at another amount
            changed |= {"status", "date", "booking_date", "value_date", "amount"}
        elif existing.status == LineStatus.PENDING and line.status == PENDING:
            if (existing.amount, existing.date) != (line.amount, line.date):
                existing.amount, existing.date = line.amount, line.date
                changed |= {"amount", "date"}
        elif existing.amount != line.amount and line.status == BOOKED:
            self.outcome.warnings.append(
                _("%(where)s: reference %(ref)s arrived with the amount %(new)s but %(old)s was stored; kept %(old)s.")
                % {"where": line.where, "ref": line.ref or line.fp_key, "new": format_amount(line.amount),
                   "old": format_amount(existing.amount)})
        if line.ref and not existing.ref:
            existing.ref = line.ref
            changed.add("ref")
        if line.fp_key and not existing.fp_key:
            existing.fp_key = line.fp_key
            changed.add("fp_key")
        for name in DESCRIPTIVE:
            if not getattr(existing, name) and getattr(line, name):
                setattr(existing, name, getattr(line, name))
                changed.add(name)
        if line.is_batch and not existing.is_batch:
            existing.is_batch = True
            changed.add("is_batch")
        sources = existing.source_list()
        if self.source not in sources:
            existing.sources = ",".join([*sources, self.source])
            changed.add("sources")
        if existing.pk is None:  # a line new in this same delivery
            return
        if line.details and not self.has_details(existing):
            _add_details(existing, line)
            self.with_details.add(existing.pk)
            changed.add("details")
        if changed:
            fields = sorted(changed - {"details"})
            if fields:
                existing.save(update_fields=[*fields, "updated_at"])
            self.outcome.updated += 1
        else:
            self.outcome.unchanged += 1

    def flush(self) -> None:
        if not self.new:
            return
        BankLine.objects.bulk_create([obj for obj, _line in self.new], batch_size=CHUNK)
        details = [BankLineDetail(line=obj, **_detail_fields(d)) for obj, line in self.new for d in line.details]
        BankLineDetail.objects.bulk_create(details, batch_size=CHUNK)


def _detail_fields(d: mapping.DetailData) -> dict:
    return {"n": d.n, "amount": d.amount, "currency": d.currency, "kid": d.kid,
            "creditor_references": d.creditor_references, "remittance": d.remittance,
            "end_to_end_id": d.end_to_end_id, "instruction_id": d.instruction_id,
            "payment_information_id": d.payment_information_id, "ref": d.ref,
            "counterparty_name": d.counterparty_name, "counterparty_account": d.counterparty_account,
            "counterparty_bic": d.counterparty_bic, "counterparty_org": d.counterparty_org,
            "additional_info": d.additional_info, "return_reason": d.return_reason, "ocr_type": d.ocr_type}


def _add_details(line: BankLine, data: LineData) -> None:
    BankLineDetail.objects.bulk_create([BankLineDetail(line=line, **_detail_fields(d)) for d in data.details])


def store(account: BankAccount, data: StatementData, *, source: str, batch: ImportBatch | None = None,
          not_before: datetime.date | None = None, progress=None) -> Outcome:
    """Store one account's lines and daily balances. The caller holds the transaction."""
    work = _Store(account, source, batch)
    lines = [line for line in data.lines if not_before is None or line.date >= not_before]
    work.outcome.skipped = len(data.lines) - len(lines)
    if work.outcome.skipped:
        work.outcome.warnings.append(
            _("%(n)s lines dated before %(date)s were left out (before the agreement's start).")
            % {"n": work.outcome.skipped, "date": not_before.strftime("%d.%m.%Y")})  # type: ignore[union-attr]
    work.load(lines)
    for line in lines:
        found = work.match(line)
        if found is None:
            work.create(line)
        else:
            work.merge(found, line)
        if progress is not None:
            progress.add()
    work.flush()
    work.outcome.days = {line.date for line in lines}
    balances = [b for b in data.balances if not_before is None or b.date >= not_before]
    work.outcome.balances += store_balances(account, balances, source, work.outcome.warnings)
    return work.outcome


def open_pending(account: BankAccount):
    """The account's pending lines still shown (not removed)."""
    return BankLine.objects.filter(bank_account=account, status=LineStatus.PENDING, deleted_at__isnull=True)


def drop_unreported_pending(account: BankAccount, first: datetime.date, last: datetime.date, reported: set[str],
                            *, batch: ImportBatch | None = None, job: str = "") -> list[str]:
    """Pending lines dated `first`..`last` whose reference is not in `reported`, the references of
    a delivery known to hold *every* transaction of the account in that range, pending or booked:
    the bank dropped them (a card hold released, a transfer stopped). Each is removed (soft delete,
    `dropped_by_bank`, audited) so it leaves the pending list; it comes back if the bank reports it
    again. Booked lines are never touched; a line without a reference cannot be told apart and is
    left alone, as is a reconciled one (with a warning). Runs inside the caller's transaction,
    after the delivery was stored. Returns the warnings."""
    from .lines import LINE_FIELDS

    warnings: list[str] = []
    now = timezone.now()
    reason = _("The bank no longer reports this pending transaction (checked %(date)s).") % {
        "date": last.strftime("%d.%m.%Y")}
    candidates = (open_pending(account).filter(date__range=(first, last), ref__isnull=False)
                  .select_for_update().order_by("date", "id"))
    for line in candidates:
        if line.ref in reported:
            continue
        if line.reconciliation_status == ReconciliationStatus.RECONCILED:
            warnings.append(_("%(account)s: the bank no longer reports the pending line of %(date)s (%(amount)s), "
                              "but it is reconciled, so it was kept. Undo the reconciliation and remove it.")
                            % {"account": account.nickname, "date": line.date.strftime("%d.%m.%Y"),
                               "amount": format_amount(line.amount)})
            continue
        before = audit.snapshot(line, LINE_FIELDS)
        line.deleted_at, line.deleted_by, line.delete_reason, line.dropped_by_bank = now, None, reason[:300], True
        line.save(update_fields=["deleted_at", "deleted_by", "delete_reason", "dropped_by_bank", "updated_at"])
        audit.record(action="bank_line.dropped", job=job or "bank-import", company=account.company, obj=line,
                     changes=audit.diff(before, audit.snapshot(line, LINE_FIELDS)), summary=reason[:300])
    return warnings


def store_balances(account: BankAccount, balances: list[mapping.BalanceData], source: str,
                   warnings: list[str]) -> int:
    """Upsert days' balances (a final figure is never replaced by an interim one) and refresh the
    gap check from the first day changed onwards: a few queries for any number of days."""
    if not balances:
        return 0
    existing = {b.date: b for b in DailyBalance.objects.filter(bank_account=account,
                                                               date__in=[b.date for b in balances])}
    created, updated = [], []
    for balance in balances:
        row = existing.get(balance.date)
        if row is not None and row.final and not balance.final:
            continue
        if row is None:
            row = DailyBalance(bank_account=account, date=balance.date, source=source)
        elif (row.final and balance.closing_booked is not None and row.closing_booked is not None
              and row.closing_booked != balance.closing_booked):
            warnings.append(_("Two deliveries disagree on the closing balance of %(account)s on %(date)s: "
                              "%(old)s and %(new)s; the latest is kept.")
                            % {"account": account.nickname, "date": balance.date.strftime("%d.%m.%Y"),
                               "old": format_amount(row.closing_booked), "new": format_amount(balance.closing_booked)})
        changed = row.pk is None
        for name in ("opening_booked", "closing_booked", "available"):
            value = getattr(balance, name)
            if value is not None and getattr(row, name) != value:
                setattr(row, name, value)
                changed = True
        if row.final != balance.final:
            row.final, changed = balance.final, True
        if changed:
            row.source = source
            (created if row.pk is None else updated).append(row)
    DailyBalance.objects.bulk_create(created)
    DailyBalance.objects.bulk_update(updated, ["opening_booked", "closing_booked", "available", "final", "source"])
    if created or updated:
        first = min(row.date for row in (*created, *updated))
        warnings += refresh_gaps(account, first)
    return len(created) + len(updated)


def refresh_gaps(account: BankAccount, first: datetime.date) -> list[str]:
    """Compare each day's opening balance with the closing balance of the latest earlier day
    stored, from `first` on; returns a warning for every gap found there."""
    previous = (DailyBalance.objects.filter(bank_account=account, date__lt=first, closing_booked__isnull=False)
                .order_by("-date").first())
    closing = previous.closing_booked if previous else None
    closing_day = previous.date if previous else None
    changed, messages = [], []
    for row in DailyBalance.objects.filter(bank_account=account, date__gte=first).order_by("date"):
        gap = gap_from = None
        if row.opening_booked is not None and closing is not None and row.opening_booked != closing:
            gap, gap_from = row.opening_booked - closing, closing_day
        if (row.gap, row.gap_from) != (gap, gap_from):
            row.gap, row.gap_from = gap, gap_from
            changed.append(row)
        if gap:
            messages.append(gap_message(account, row))
        if row.closing_booked is not None:
            closing, closing_day = row.closing_booked, row.date
    DailyBalance.objects.bulk_update(changed, ["gap", "gap_from"])
    return messages


def gap_message(account: BankAccount, row: DailyBalance) -> str:
    return (_("%(account)s: the opening balance on %(date)s differs from the closing balance on %(previous)s by "
              "%(diff)s. Statements for the days between may be missing, or two deliveries overlap wrongly.")
            % {"account": account.nickname, "date": row.date.strftime("%d.%m.%Y"),
               "previous": row.gap_from.strftime("%d.%m.%Y") if row.gap_from else "?",
               "diff": format_amount(row.gap)})


def line_sources(line: BankLine) -> list[str]:
    labels = dict(Source.choices)
    return [str(labels.get(s, s)) for s in line.source_list()]


def counts_by_day(account: BankAccount, first: datetime.date, last: datetime.date) -> dict[datetime.date, int]:
    rows = (BankLine.objects.filter(bank_account=account, date__range=(first, last), deleted_at__isnull=True)
            .values_list("date", flat=True))
    result: dict[datetime.date, int] = defaultdict(int)
    for day in rows:
        result[day] += 1
    return dict(result)
