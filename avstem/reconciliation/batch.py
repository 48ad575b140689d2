"""Many reconciliations in one transaction, for the automatic run: the same checks and the same
rows as `services.apply` (but one audit entry per reconciliation, see `_changes`), with a
handful of set-based queries per chunk instead of some thirty per line: lines, postings and
open items locked in one query each, every voucher through one `post_vouchers_written`, which
hands back the keys it wrote so nothing is read back, every settlement through one
`settle_many`, handed the items already locked (the payments' own items are written after it,
settled); reconciliations, links and audit entries inserted as plain rows (see
avstem/ledger/rows.py), on SQLite by a thread of their own while the batch goes on (see
avstem/ledger/writer.py and WRITTEN below).

A plan whose line or posting someone reconciled meanwhile, or whose open item no longer has the
amount, is refused on its own (with the reason) and the rest go ahead. Should the ledger refuse
the batch as a whole (a locked period, say), the chunk falls back to one plan at a time.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field, fields

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from avstem.audit.models import AuditEntry
from avstem.banking.models import BankAccount, BankLine, LineStatus, ReconciliationStatus
from avstem.ledger import subledger
from avstem.ledger.auditing import actor_label, record_many
from avstem.ledger.errors import LedgerError
from avstem.ledger.models import Account, Customer, OpenItem, Posting, Settlement, SettlementLine, Supplier, Voucher
from avstem.ledger.posting import Written, number_vouchers, post_vouchers_written, voucher_changes, write_open_items
from avstem.ledger.rows import built, chunks, gettext_once, insert_instances, insert_rows, set_where
from avstem.ledger.writer import background_writes

from . import services
from .errors import ReconciliationError
from .models import (
    LineAnalysis,
    LineProposal,
    MadeSettlement,
    ReconciledLine,
    ReconciledPosting,
    Reconciliation,
)
from .plans import Plan

log = logging.getLogger("avstem.reconciliation")


@dataclass
class Applied:
    plan: Plan
    reconciliation: Reconciliation | None = None
    error: str = ""


def apply_many(actor, company, plans: list[Plan], *, job: str = "", run=None, parties: dict | None = None) -> list[Applied]:
    """Apply `plans` (each its own reconciliation) in one transaction; see the module docstring.
    `parties`: the customers and suppliers read by earlier batches of the same run, by
    ("customer" or "supplier", key); those this batch reads are added to it."""
    if not plans:
        return []
    try:
        with transaction.atomic(), background_writes(*WRITTEN):
            return _apply_many(actor, company, plans, job, run, {} if parties is None else parties)
    except (LedgerError, IntegrityError) as exc:
        log.info("batch of %s refused as a whole (%s): one at a time", len(plans), exc)
    out = []
    for plan in plans:
        try:
            out.append(Applied(plan, services.apply(actor, company, plan, job=job, run=run)))
        except ReconciliationError as exc:
            out.append(Applied(plan, error=str(exc)))
    return out


# The tables a batch inserts into. On SQLite their rows are written by a thread of their own
# while the batch prepares the next (avstem/ledger/writer.py), so every query of a batch comes
# before its first insert (a query waits for the writes handed over before it), and its updates
# and deletes go through rows.set_where.
WRITTEN = (Voucher, Posting, OpenItem, Settlement, SettlementLine, Reconciliation, ReconciledLine, ReconciledPosting,
           MadeSettlement, AuditEntry)


@dataclass(slots=True)
class _Line:
    """A bank line as the batch locks it: the fields the checks, the voucher and the audit entry
    read (services take it for a BankLine), without a model instance per line."""

    pk: int
    bank_account_id: int
    date: datetime.date
    amount: int
    ref: str
    description: str
    counterparty_name: str
    status: str
    reconciliation_status: str
    deleted_at: datetime.datetime | None


LINE_VALUES = [f.name for f in fields(_Line)]


def _locked_lines(company, plans, results) -> dict[int, _Line]:
    ids = sorted({i for p in plans for i in p.line_ids})
    lines = {}
    for chunk in chunks(ids):
        for row in (BankLine.objects.select_for_update().filter(company=company, pk__any_key=chunk).order_by("pk")
                    .values_list(*LINE_VALUES)):
            lines[row[0]] = _Line(*row)
    taken = set()
    for chunk in chunks(ids):
        taken.update(ReconciledLine.objects.filter(bank_line_id__any_key=chunk, active=True).values_list("bank_line_id", flat=True))
    for n, plan in enumerate(plans):
        counterparts = {t.counterpart_line: t for t in plan.transfers if t.counterpart_line is not None}
        for line_id in plan.line_ids:
            line = lines.get(line_id)
            if line is None:
                results[n].error = _("A bank line does not exist in this company.")
            elif line_id in taken or line.reconciliation_status == ReconciliationStatus.RECONCILED:
                results[n].error = _("Bank line %(line)s is already reconciled.") % {"line": services.line_label(line)}
            elif line.deleted_at is not None or line.status != LineStatus.BOOKED:
                results[n].error = _("Bank line %(line)s is not booked by the bank yet.") % {"line": services.line_label(line)}
            elif line_id in counterparts:
                t = counterparts[line_id]
                if line.bank_account_id != t.account_id or line.amount != -t.amount:
                    results[n].error = _("Bank line %(line)s is not the other side of the transfer.") % {
                        "line": services.line_label(line)}
            elif line.bank_account_id != plan.bank_account_id:
                results[n].error = _("Bank line %(line)s belongs to another bank account.") % {
                    "line": services.line_label(line)}
            if results[n].error:
                break
    return lines


def _apply_many(actor, company, plans: list[Plan], job: str, run, parties: dict) -> list[Applied]:
    results = [Applied(plan) for plan in plans]
    accounts = {a.pk: a for a in BankAccount.objects.filter(company=company, pk__in={p.bank_account_id for p in plans})
                .select_related("gl_account")}
    lines = _locked_lines(company, plans, results)

    posting_ids = sorted({i for p in plans for i in p.posting_ids})
    postings, linked = {}, set()
    for chunk in chunks(posting_ids):
        postings.update({p.pk: p for p in Posting.objects.select_for_update(of=("self",))
                         .filter(company=company, pk__any_key=chunk).select_related("voucher").order_by("pk")})
        linked.update(ReconciledPosting.objects.filter(posting_id__any_key=chunk, active=True).values_list("posting_id", flat=True))

    # Locked once here, as settle_many reads them: it is handed these and the payments' new items.
    items = subledger.lock_items(company, {i for p in plans for i, _a in p.items})
    remaining = {pk: i.remaining for pk, i in items.items()}

    used_lines, used_postings = set(), set()
    todo: list[_Work] = []
    for n, plan in enumerate(plans):
        result = results[n]
        account = accounts.get(plan.bank_account_id)
        if account is None:
            result.error = _("The bank account does not exist in this company.")
        if result.error:
            continue
        if used_lines & set(plan.line_ids) or used_postings & set(plan.posting_ids):
            result.error = _("A bank line or posting was reconciled by someone else at the same moment.")
            continue
        mine = [postings.get(i) for i in plan.posting_ids]
        if any(p is None for p in mine):
            result.error = _("A posting does not exist in this company.")
            continue
        if any(p.pk in linked or p.account_id != account.gl_account_id for p in mine):
            result.error = _("A posting is already reconciled or not on the bank's GL account.")
            continue
        wanted = defaultdict(int)
        for item_id, amount in plan.items:
            wanted[item_id] += amount
        problem = ""
        for item_id, amount in wanted.items():
            left = remaining.get(item_id)
            if left is None:
                problem = _("An open item does not exist in this company.")
            elif not amount or (left > 0) != (amount > 0) or abs(amount) > abs(left):
                problem = _("%(item)s is already settled in full.") % {"item": items[item_id].label}
            if problem:
                break
        locked = services._Locked(account, [lines[i] for i in plan.line_ids], mine)
        if not problem:
            try:
                services._check_balance(plan, locked)
            except ReconciliationError as exc:
                problem = str(exc)
        if problem:
            result.error = problem
            continue
        for item_id, amount in wanted.items():
            remaining[item_id] -= amount
        used_lines.update(plan.line_ids)
        used_postings.update(plan.posting_ids)
        todo.append(_Work(result, plan, locked))

    _read_parties(company, todo, items, parties)
    transfer_gls = dict(Account.objects.filter(company=company, number__in={
        t.gl_account for w in todo for t in w.plan.transfers if t.counterpart_line}).values_list("number", "pk"))
    now = timezone.now()
    posts = [w for w in todo if w.plan.posts]
    tr = gettext_once()
    new_vouchers = [services._voucher_for(company, w.plan, w.locked, items, parties, tr) for w in posts]
    # One audit entry per reconciliation, holding what its voucher and settlements record in
    # entries of their own when posted one at a time: two rows fewer per line.
    # On PostgreSQL numbered at the end (number_vouchers below): the series' number stays locked
    # only from there to the commit, so the batch in the other connection is not kept waiting
    # (automatic.apply_batches). SQLite has one writer, so nothing waits there, and it checks a
    # voucher row written after its postings by searching every table that refers to vouchers.
    late = connection.vendor == "postgresql"
    # The payments' open items are written after they are settled (below): once, not twice.
    written = post_vouchers_written(actor, company, new_vouchers, job=job, audit=False, numbered=not late,
                                    items_later=True) if new_vouchers else []
    # The ledger hands back the keys of what it wrote: the payments' open items to settle and
    # the bank postings to link, without reading them back.
    new_items = set()
    for w, out in zip(posts, written, strict=True):
        w.written = out
        for pk, _line, customer, supplier, amount, day, text in out.open_items:
            w.payments[(customer, supplier)] = pk
            new_items.add(pk)
            items[pk] = subledger.LockedItem(pk, customer, supplier, amount, day, OpenItem.label_of(text, None, None, tr))

    specs, owners = [], []
    for w in posts:
        for spec in services._settlement_specs(w.plan, items, w.payments, w.written.voucher.date):
            specs.append(spec)
            owners.append(w)
    settlements = subledger.settle_many(actor, company, specs, job=job, audit=False, locked=items,
                                        unwritten=frozenset(new_items)) if specs else []
    write_open_items(written, {pk: items[pk].remaining for pk in new_items})
    for owner, settlement in zip(owners, settlements, strict=True):
        owner.settlements.append(settlement)

    user = actor if getattr(actor, "is_authenticated", False) else None
    label = actor_label(actor, job)
    # `.id`, not the `.pk` property, in the loops over every plan.
    recs, run_id, user_id = [], run.id if run else None, user.id if user else None
    for w in todo:
        plan, locked = w.plan, w.locked
        account_id = locked.account.id
        dates = [line.date for line in locked.lines] + [p.date for p in locked.postings]
        if w.written is not None:
            dates.append(w.written.voucher.date)
        learn_account, learn_vat = plan.learned()
        w.result.reconciliation = built(
            Reconciliation, {"company": company, "bank_account": locked.account, "run": run, "created_by": user},
            company_id=company.id, bank_account_id=account_id, method=plan.method, kind=plan.kind,
            confidence=plan.confidence, explanation=plan.explanation, rule_id=plan.rule_id,
            run_id=run_id, date=max(dates),
            amount=sum(line.amount for line in locked.lines if line.bank_account_id == account_id),
            note=plan.note[:200], learn_account=learn_account, learn_vat=learn_vat, created_at=now,
            created_by_id=user_id, created_by_label=label, voucher_id=w.written.voucher.id if w.written else None)
        recs.append(w.result.reconciliation)
    insert_instances(recs, ids=True)  # plain rows: see avstem/ledger/rows.py

    line_links, posting_links, made = [], [], []
    for w in todo:
        rec, locked = w.result.reconciliation.id, w.locked
        line_links += [(rec, line.pk, True) for line in locked.lines]
        posting_links += [(rec, p.id, True) for p in locked.postings]
        if w.written is not None:
            gls = {locked.account.gl_account_id} | {transfer_gls[t.gl_account] for t in w.plan.transfers
                                                    if t.counterpart_line and t.gl_account in transfer_gls}
            posting_links += [(rec, pk, True) for pk, _line, account_id, bank_account_id in w.written.postings
                              if bank_account_id is not None and account_id in gls]
        made += [(rec, settlement.id) for settlement in w.settlements]
    insert_rows(ReconciledLine, ["reconciliation", "bank_line", "active"], line_links)
    insert_rows(ReconciledPosting, ["reconciliation", "posting", "active"], posting_links)
    insert_rows(MadeSettlement, ["reconciliation", "settlement"], made)
    _mark_reconciled(sorted(used_lines), now)
    if late:
        number_vouchers(company, [w.written.voucher for w in posts])
    record_many(action="reconciliation.create", actor=actor, job=job, company=company, items=(
        (w.result.reconciliation, _changes(w), services._summary(w.plan, w.locked)) for w in todo),
        describe=Reconciliation.describer())
    return results


def _mark_reconciled(line_ids: list[int], now) -> None:
    """The lines reconciled, their cached proposals gone; on SQLite written by the batch's writer."""
    set_where(BankLine, "id", line_ids, reconciliation_status=ReconciliationStatus.RECONCILED, updated_at=now)
    set_where(LineProposal, "bank_line", line_ids)
    set_where(LineAnalysis, "bank_line", line_ids)


@dataclass(slots=True)
class _Work:
    """A plan that passed the checks, and what the batch makes for it; dropped when the batch
    ends, so a run of a million lines keeps only the results."""

    result: Applied
    plan: Plan
    locked: services._Locked
    written: Written | None = None  # its voucher, if it posts one
    payments: dict[tuple, int] = field(default_factory=dict)  # (customer, supplier) -> the payment's open item
    settlements: list = field(default_factory=list)


def _changes(w: _Work) -> dict:
    """The reconciliation's audit changes, with its voucher's (date, amount) and its settlements'
    (each open item's remaining before and after), which one at a time have entries of their own."""
    voucher = w.written.voucher if w.written is not None else None
    changes = services._audit_changes(w.result.reconciliation, w.locked, voucher, w.settlements)
    if voucher is not None:
        changes.update({f"voucher_{k}": v for k, v in voucher_changes(voucher, w.written.total).items()})
    for settlement in w.settlements:
        changes.update(settlement.changes)
    return changes


def _read_parties(company, todo: list[_Work], items: dict[int, subledger.LockedItem], parties: dict) -> None:
    """Add the customers and suppliers `todo` posts to that `parties` lacks. They are not locked,
    as one at a time (services._parties): a voucher needs their key and name, and a
    customer cannot be deleted while it has postings. An earlier batch's copies stay valid, so
    a run reads each party once, not once per batch (a big customer pays in every batch)."""
    customers, suppliers = set(), set()
    for r in todo:
        for item_id, _a in r.plan.items:
            item = items[item_id]
            (customers.add(item.customer_id) if item.customer_id else suppliers.add(item.supplier_id))
        for kind, pid, _a in r.plan.unapplied:
            (customers if kind == "customer" else suppliers).add(pid)
    for chunk in chunks(sorted(pk for pk in customers if ("customer", pk) not in parties)):
        parties.update({("customer", c.pk): c for c in Customer.objects.filter(company=company, pk__any_key=chunk)})
    for chunk in chunks(sorted(pk for pk in suppliers if ("supplier", pk) not in parties)):
        parties.update({("supplier", s.pk): s for s in Supplier.objects.filter(company=company, pk__any_key=chunk)})
