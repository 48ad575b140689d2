"""The reconciliation services. Each owns its transaction; views, the API, the CLI and tasks call
them.

    apply(actor, company, plan, job="")                        one reconciliation from a Plan
    reconcile(actor, company, account, line_ids=..., posting_ids=..., items=..., difference_account=...)
    post_and_reconcile(actor, company, line_id, account=..., vat_code=..., customer=... | supplier=...)
    accept_proposal(actor, company, proposal_id) / accept_proposals(actor, company, ids)
    undo(actor, company, reconciliation_id)

One winner: the bank lines (then the postings) are locked with SELECT ... FOR UPDATE in primary
key order and checked inside the transaction; a line or posting someone reconciled meanwhile
refuses the second attempt with AlreadyReconciled naming who did it and when. A partial unique
index on the links backs this up in the database. Open items are locked and checked by the
ledger's `settle`, so nothing is posted or settled twice.
"""

from __future__ import annotations

import datetime
import functools
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from avstem.audit import services as audit
from avstem.banking.models import BankAccount, BankLine, LineStatus, ReconciliationStatus
from avstem.ledger import subledger
from avstem.ledger.auditing import actor_label
from avstem.ledger.errors import LedgerError
from avstem.ledger.models import Account, Customer, OpenItem, Posting, Series, Supplier, Voucher
from avstem.ledger.money import format_amount
from avstem.ledger.posting import Line, NewVoucher, post_voucher, reverse_voucher

from .errors import AlreadyReconciled, ReconciliationError
from .models import (
    LineAnalysis,
    LineProposal,
    MadeSettlement,
    Method,
    ReconciledLine,
    ReconciledPosting,
    Reconciliation,
    SignOff,
)
from .plans import GLShare, Plan, Transfer, from_proposals

log = logging.getLogger("avstem.reconciliation")


def _user(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


@functools.lru_cache(maxsize=4096)
def _day(day: datetime.date) -> str:
    return day.strftime("%d.%m.%Y")  # cached: the automatic run labels a line per reconciliation


def line_label(line: BankLine) -> str:
    text = (line.description or line.counterparty_name or "").strip()
    label = f"{_day(line.date)} {format_amount(line.amount)}"
    return f"{label} «{text[:40]}»" if text else label


def _who(rec: Reconciliation) -> str:
    when = timezone.localtime(rec.created_at).strftime("%d.%m.%Y %H:%M")
    who = rec.created_by_label or "?"
    if who.startswith("job:"):
        who = _("the automatic reconciliation")
    return _("%(who)s at %(when)s") % {"who": who, "when": when}


# --- applying a plan --------------------------------------------------------------------------------


@dataclass
class _Locked:
    account: BankAccount
    lines: list[BankLine]
    postings: list[Posting]


def _lock(company, plan: Plan) -> _Locked:
    account = BankAccount.objects.select_related("gl_account").filter(company=company, pk=plan.bank_account_id).first()
    if account is None:
        raise ReconciliationError(_("The bank account does not exist in this company."))
    line_ids = sorted(set(plan.line_ids))
    if len(line_ids) != len(plan.line_ids):
        raise ReconciliationError(_("A bank line is chosen twice."))
    posting_ids = sorted(set(plan.posting_ids))
    if len(posting_ids) != len(plan.posting_ids):
        raise ReconciliationError(_("A posting is chosen twice."))
    if not line_ids and not posting_ids:
        raise ReconciliationError(_("Choose at least one bank line or posting."))
    lines = list(BankLine.objects.select_for_update().filter(company=company, pk__in=line_ids).order_by("pk"))
    if len(lines) != len(line_ids):
        raise ReconciliationError(_("A bank line does not exist in this company."))
    counterparts = {t.counterpart_line: t for t in plan.transfers if t.counterpart_line is not None}
    problems = []
    taken = {link.bank_line_id: link.reconciliation for link in ReconciledLine.objects.filter(
        bank_line_id__in=line_ids, active=True).select_related("reconciliation")}
    for line in lines:
        if line.pk in taken or line.reconciliation_status == ReconciliationStatus.RECONCILED:
            rec = taken.get(line.pk)
            raise AlreadyReconciled(
                _("Bank line %(line)s was reconciled by %(who)s.") % {"line": line_label(line), "who": _who(rec)}
                if rec else _("Bank line %(line)s is already reconciled.") % {"line": line_label(line)})
        if line.deleted_at is not None:
            problems.append(_("Bank line %(line)s was removed.") % {"line": line_label(line)})
        elif line.status != LineStatus.BOOKED:
            problems.append(_("Bank line %(line)s is not booked by the bank yet.") % {"line": line_label(line)})
        transfer = counterparts.get(line.pk)
        if transfer is not None:
            if line.bank_account_id != transfer.account_id or line.amount != -transfer.amount:
                problems.append(_("Bank line %(line)s is not the other side of the transfer.") % {"line": line_label(line)})
        elif line.bank_account_id != account.pk:
            problems.append(_("Bank line %(line)s belongs to another bank account.") % {"line": line_label(line)})
    postings = list(Posting.objects.select_for_update().filter(company=company, pk__in=posting_ids)
                    .select_related("voucher").order_by("pk"))
    if len(postings) != len(posting_ids):
        raise ReconciliationError(_("A posting does not exist in this company."))
    linked = {link.posting_id: link.reconciliation for link in ReconciledPosting.objects.filter(
        posting_id__in=posting_ids, active=True).select_related("reconciliation")}
    for posting in postings:
        label = f"{posting.voucher.display_number} {_day(posting.date)} {format_amount(posting.amount)}"
        if posting.pk in linked:
            raise AlreadyReconciled(_("Posting %(posting)s was reconciled by %(who)s.")
                                    % {"posting": label, "who": _who(linked[posting.pk])})
        if posting.account_id != account.gl_account_id:
            problems.append(_("Posting %(posting)s is not on the bank's GL account %(account)s.")
                            % {"posting": label, "account": account.gl_account.number})
    if problems:
        raise ReconciliationError(*problems)
    return _Locked(account, lines, postings)


def _check_balance(plan: Plan, locked: _Locked) -> None:
    counterparts = {t.counterpart_line for t in plan.transfers if t.counterpart_line is not None}
    bank = sum(line.amount for line in locked.lines if line.pk not in counterparts)
    booked = sum(p.amount for p in locked.postings) + plan.shares
    if bank != booked:
        raise ReconciliationError(
            _("The bank lines (%(bank)s) and the ledger side (%(ledger)s) differ by %(difference)s. "
              "Choose more, or post the difference to an account.")
            % {"bank": format_amount(bank), "ledger": format_amount(booked), "difference": format_amount(bank - booked)})


def _parties(company, plan: Plan) -> tuple[dict[int, OpenItem], dict[tuple[str, int], object]]:
    items = {i.pk: i for i in OpenItem.objects.filter(company=company, pk__in=[i for i, _a in plan.items])
             .select_related("invoice", "supplier_invoice")}
    if len(items) != len({i for i, _a in plan.items}):
        raise ReconciliationError(_("An open item does not exist in this company."))
    wanted: set[tuple[str, int]] = {("customer", i.customer_id) if i.customer_id else ("supplier", i.supplier_id)
                                    for i in items.values()}
    wanted |= {(kind, pid) for kind, pid, _a in plan.unapplied}
    parties: dict[tuple[str, int], object] = {}
    customers = [pid for kind, pid in wanted if kind == "customer"]
    suppliers = [pid for kind, pid in wanted if kind == "supplier"]
    parties.update({("customer", c.pk): c for c in Customer.objects.filter(company=company, pk__in=customers)})
    parties.update({("supplier", s.pk): s for s in Supplier.objects.filter(company=company, pk__in=suppliers)})
    if len(parties) != len(wanted):
        raise ReconciliationError(_("A customer or supplier does not exist in this company."))
    return items, parties


def _subledger_account(company, kind: str):
    """1500 or 2400, looked up once per company and kind in a batch (the account never changes)."""
    cache = getattr(company, "_subledger_accounts", None)
    if cache is None:
        cache = company._subledger_accounts = {}
    if kind not in cache:
        cache[kind] = subledger.subledger_account(company, kind)
    return cache[kind]


def _voucher_for(company, plan: Plan, locked: _Locked, items: dict[int, OpenItem], parties: dict,
                 tr=_) -> NewVoucher:
    """The voucher `plan` posts. `tr`: the gettext to use (the automatic run's batch gives
    rows.gettext_once(), which translates each text once)."""
    account = locked.account
    day = max([line.date for line in locked.lines] or [timezone.localdate()])
    first = locked.lines[0] if locked.lines else None
    reference = ""
    if first is not None:
        reference = (first.ref or "")[:60]
    groups: dict[tuple[str, int], int] = defaultdict(int)
    for item_id, amount in plan.items:
        item = items[item_id]
        groups[("customer", item.customer_id) if item.customer_id else ("supplier", item.supplier_id)] += amount
    for kind, pid, amount in plan.unapplied:
        groups[(kind, pid)] += amount
    lines = [Line(account=account.gl_account, amount=plan.shares, bank_account_id=account.pk, reference=reference,
                  description=plan.description)]
    for (kind, pid), amount in sorted(groups.items()):
        party = parties[(kind, pid)]
        lines.append(Line(account=_subledger_account(company, kind), amount=-amount,
                          customer=party if kind == "customer" else None,
                          supplier=party if kind == "supplier" else None, reference=reference,
                          description=plan.description))
    for share in plan.gl:
        lines.append(Line(account=share.account, amount=-share.amount, vat_code=share.vat_code,
                          gross=bool(share.vat_code), description=share.description or plan.description))
    for transfer in plan.transfers:
        lines.append(Line(account=transfer.gl_account, amount=-transfer.amount, bank_account_id=transfer.account_id,
                          reference=reference, description=plan.description))
    description = plan.description or _description(plan, locked, parties, groups, tr)
    return NewVoucher(date=day, description=description[:200], lines=lines, series=Series.BANK,
                      source="reconciliation")


def _description(plan: Plan, locked: _Locked, parties: dict, groups: dict, tr=_) -> str:
    if len(groups) == 1 and not plan.gl and not plan.transfers:
        (kind, pid), amount = next(iter(groups.items()))
        name = parties[(kind, pid)].name
        # gettext_noop marks the texts for the catalogue; `tr` translates them
        return tr(gettext_noop("Payment from %(name)s") if amount > 0 else gettext_noop("Payment to %(name)s")) % {
            "name": name}
    if plan.transfers and not groups:
        return tr(gettext_noop("Transfer between own accounts"))
    line = locked.lines[0] if locked.lines else None
    text = (line.description or line.counterparty_name).strip() if line else ""
    return text or tr(gettext_noop("Bank line"))


def _settlement_specs(plan: Plan, items: dict[int, OpenItem], payments: dict[tuple, int], day) -> list[tuple]:
    """What `subledger.settle_many` must do for `plan`: each party's open items settled against the
    payment posted for the party (`payments`: (customer id, supplier id) -> its open item id). A
    credit note in the same payment is first settled against the party's invoices, since a
    settlement pairs a debit with a credit."""
    specs = []
    by_party: dict[tuple, list[tuple[OpenItem, int]]] = defaultdict(list)
    for item_id, amount in plan.items:
        item = items[item_id]
        by_party[(item.customer_id, item.supplier_id)].append((item, amount))
    for party, shares in sorted(by_party.items(), key=lambda kv: (kv[0][0] or 0, kv[0][1] or 0)):
        net = sum(a for _i, a in shares)
        with_net = [[i, a] for i, a in shares if (a > 0) == (net > 0) and a]
        against = [(i, a) for i, a in shares if (a > 0) != (net > 0) and a]
        for credit, amount in against:  # credit notes (or invoices, for a net refund) first
            allocations, left = [], abs(amount)
            for pair in with_net:
                take = min(left, abs(pair[1]))
                if take:
                    allocations.append((pair[0].pk, take))
                    pair[1] -= take if pair[1] > 0 else -take
                    left -= take
                if not left:
                    break
            specs.append((credit.pk, allocations, day, ""))
        rest = [(i.pk, abs(a)) for i, a in with_net if a]
        if rest:
            specs.append((payments[party], rest, day, ""))
    return specs


def _settle(actor, company, voucher: Voucher, plan: Plan, items: dict[int, OpenItem], job: str):
    if not plan.items:
        return []
    payments = {(i.customer_id, i.supplier_id): i.pk for i in OpenItem.objects.filter(posting__voucher=voucher)}
    return subledger.settle_many(actor, company, _settlement_specs(plan, items, payments, voucher.date), job=job)


def _sign_off_lock(company, lines: list[BankLine]) -> None:
    for line in lines:
        signed = SignOff.objects.filter(company=company, bank_account_id=line.bank_account_id, revoked_at__isnull=True,
                                        period_end__gte=line.date).order_by("period_end").first()
        if signed is not None:
            raise ReconciliationError(
                _("Bank line %(line)s is in the period signed off through %(date)s by %(who)s; the sign-off must be "
                  "withdrawn first.") % {"line": line_label(line), "date": _day(signed.period_end),
                                         "who": signed.signed_by_label})


def apply(actor, company, plan: Plan, *, job: str = "", run=None) -> Reconciliation:
    """Write one reconciliation: lock and check, post and settle what the plan posts, link."""
    try:
        with transaction.atomic():
            return _apply(actor, company, plan, job, run)
    except IntegrityError:
        # The unique links: another transaction reconciled a line or posting between our check
        # and our insert (only possible where the row locks do not reach).
        raise AlreadyReconciled(_("A bank line or posting was reconciled by someone else at the same moment.")) from None
    except LedgerError as exc:
        raise ReconciliationError(*exc.problems) from None


def _apply(actor, company, plan: Plan, job: str, run) -> Reconciliation:
    locked = _lock(company, plan)
    _check_balance(plan, locked)
    items, parties = _parties(company, plan)
    voucher = None
    settlements = []
    if plan.posts:
        if not locked.lines:
            raise ReconciliationError(_("Choose the bank line the posting is for."))
        voucher = post_voucher(actor, company, _voucher_for(company, plan, locked, items, parties), job=job)
        settlements = _settle(actor, company, voucher, plan, items, job)
    dates = [line.date for line in locked.lines] + [p.date for p in locked.postings]
    if voucher is not None:
        dates.append(voucher.date)
    learn_account, learn_vat = plan.learned()
    rec = Reconciliation.objects.create(
        company=company, bank_account=locked.account, method=plan.method, kind=plan.kind,
        confidence=plan.confidence, explanation=plan.explanation, rule_id=plan.rule_id, run=run,
        date=max(dates), amount=sum(line.amount for line in locked.lines if line.bank_account_id == locked.account.pk),
        note=plan.note[:200], learn_account=learn_account, learn_vat=learn_vat, created_by=_user(actor),
        created_by_label=actor_label(actor, job), voucher=voucher)
    new_postings = []
    if voucher is not None:
        gls = {locked.account.gl_account_id} | set(
            Account.objects.filter(company=company, number__in=[t.gl_account for t in plan.transfers if t.counterpart_line])
            .values_list("pk", flat=True))
        new_postings = [p for p in voucher.postings.all() if p.account_id in gls and p.bank_account_id]
    ReconciledLine.objects.bulk_create([ReconciledLine(reconciliation=rec, bank_line=line) for line in locked.lines])
    ReconciledPosting.objects.bulk_create(
        [ReconciledPosting(reconciliation=rec, posting=p) for p in [*locked.postings, *new_postings]])
    MadeSettlement.objects.bulk_create([MadeSettlement(reconciliation=rec, settlement=s) for s in settlements])
    line_ids = [line.pk for line in locked.lines]
    BankLine.objects.filter(pk__in=line_ids).update(reconciliation_status=ReconciliationStatus.RECONCILED,
                                                    updated_at=timezone.now())
    LineProposal.objects.filter(bank_line_id__in=line_ids).delete()
    LineAnalysis.objects.filter(bank_line_id__in=line_ids).delete()
    audit.record(action="reconciliation.create", actor=actor, job=job, company=company, obj=rec,
                 changes=_audit_changes(rec, locked, voucher, settlements), summary=_summary(plan, locked))
    return rec


def _audit_changes(rec, locked: _Locked, voucher, settlements) -> dict:
    changes = {
        "method": [None, rec.method],
        "bank_lines": [None, [line_label(line) for line in locked.lines]],
    }
    if locked.postings:
        changes["postings"] = [None, [f"{p.voucher.display_number} {format_amount(p.amount)}" for p in locked.postings]]
    if voucher is not None:
        changes["voucher"] = [None, voucher.display_number]
    if settlements:
        changes["settlements"] = [None, [s.pk for s in settlements]]
    if rec.kind:
        changes["evidence"] = [None, rec.kind]
    return changes


def _summary(plan: Plan, locked: _Locked) -> str:
    from .explanations import render, render_reasons

    if plan.reasons:  # straight from the engine's parts: the automatic run's, one per line
        text = render_reasons(plan.reasons, "nb")
    else:
        text = render(plan.explanation, "nb") if plan.explanation else ""
    return text[:300] or ", ".join(line_label(line) for line in locked.lines)[:300]


# --- the screen's operations ------------------------------------------------------------------------


def reconcile(actor, company, account: BankAccount | int, *, line_ids=(), posting_ids=(), items=(),
              difference_account: str = "", difference_text: str = "", description: str = "", job: str = "") -> Reconciliation:
    """Reconcile a selection by hand: bank lines against postings on the bank's GL account and open
    items (id, or (id, share); a share defaults to what remains). What is left over goes to
    `difference_account` if given; without one the sides must be equal."""
    account_id = account.pk if isinstance(account, BankAccount) else int(account)
    plan = Plan(bank_account_id=account_id, line_ids=[int(i) for i in line_ids],
                posting_ids=[int(i) for i in posting_ids], method=Method.MANUAL, description=description.strip())
    wanted = [(int(i), None) if not isinstance(i, (tuple, list)) else (int(i[0]), i[1]) for i in items]
    if wanted:
        remaining = dict(OpenItem.objects.filter(company=company, pk__in=[i for i, _a in wanted])
                         .values_list("pk", "remaining"))
        for item_id, share in wanted:
            if item_id not in remaining:
                raise ReconciliationError(_("An open item does not exist in this company."))
            plan.items.append((item_id, remaining[item_id] if share is None else int(share)))
    if difference_account:
        lines = dict(BankLine.objects.filter(company=company, pk__in=plan.line_ids).values_list("pk", "amount"))
        postings = dict(Posting.objects.filter(company=company, pk__in=plan.posting_ids).values_list("pk", "amount"))
        difference = sum(lines.values()) - sum(postings.values()) - plan.shares
        if difference:
            plan.gl.append(GLShare(difference_account, difference, "",
                                   difference_text.strip() or _("Difference on reconciliation"), "difference"))
    return apply(actor, company, plan, job=job)


def post_and_reconcile(actor, company, line_id: int, *, account: str, vat_code: str = "", description: str = "",
                       customer: Customer | None = None, supplier: Supplier | None = None,
                       items=(), rule_id: int | None = None, job: str = "") -> Reconciliation:
    """R5.6: post a bank line straight from the screen and reconcile it. To a GL account (with a VAT
    code; the bank amount includes VAT), or to a customer or supplier: settling `items` (ids),
    the rest left on the party's account."""
    line = BankLine.objects.filter(company=company, pk=line_id).first()
    if line is None:
        raise ReconciliationError(_("The bank line does not exist in this company."))
    plan = Plan(bank_account_id=line.bank_account_id, line_ids=[line.pk], method=Method.POSTED,
                description=(description or "").strip(), rule_id=rule_id)
    if customer is not None or supplier is not None:
        kind, party = ("customer", customer) if customer is not None else ("supplier", supplier)
        if party.company_id != company.pk:
            raise ReconciliationError(_("A customer or supplier does not exist in this company."))
        left = line.amount
        for item in OpenItem.objects.filter(company=company, pk__in=[int(i) for i in items]).order_by("due_date", "pk"):
            if (item.customer_id, item.supplier_id) != ((party.pk, None) if kind == "customer" else (None, party.pk)):
                raise ReconciliationError(_("%(item)s belongs to another customer or supplier.") % {"item": item.label})
            share = item.remaining if abs(item.remaining) <= abs(left) else left
            if share and (share > 0) == (left > 0):
                plan.items.append((item.pk, share))
                left -= share
        if left:
            plan.unapplied.append((kind, party.pk, left))
    else:
        number = (account or "").strip()
        gl = Account.objects.filter(company=company, number=number).first()
        if gl is None:
            raise ReconciliationError(_("Account %(number)s does not exist.") % {"number": number})
        if gl.subledger:
            raise ReconciliationError(_("Account %(number)s needs a customer or supplier.") % {"number": number})
        if gl.pk == line.bank_account.gl_account_id:
            raise ReconciliationError(_("A bank line cannot be posted to its own bank's GL account."))
        plan.gl.append(GLShare(number, line.amount, (vat_code or "").strip(), plan.description, "gl"))
    return apply(actor, company, plan, job=job)


def _proposal_plan(company, proposal: LineProposal, method: str) -> Plan:
    """The plan for accepting `proposal`: a whole-line proposal alone; a transaction's proposal
    together with the best proposal of each other transaction of the line."""
    if proposal.alternative or proposal.detail is None:
        chosen = [proposal]
    else:
        best: dict[int, LineProposal] = {}
        for p in LineProposal.objects.filter(bank_line_id=proposal.bank_line_id, alternative=False,
                                             detail__isnull=False).order_by("detail", "rank"):
            best.setdefault(p.detail, p)
        best[proposal.detail] = proposal
        count = proposal_detail_count(proposal.bank_line_id)
        missing = [n + 1 for n in range(count) if n not in best]
        if missing:
            raise ReconciliationError(
                _("Transaction %(n)s of this bank line has no proposal: reconcile the line by hand.")
                % {"n": ", ".join(str(n) for n in missing)})
        chosen = [best[n] for n in sorted(best)]
    return from_proposals(proposal.bank_account_id, proposal.bank_line_id, chosen, method=method)


def proposal_detail_count(line_id: int) -> int:
    from avstem.banking.models import BankLineDetail

    return BankLineDetail.objects.filter(line_id=line_id).count()


def accept_proposal(actor, company, proposal_id: int, *, job: str = "") -> Reconciliation:
    proposal = LineProposal.objects.filter(pk=proposal_id, bank_line__company=company).first()
    if proposal is None:
        raise ReconciliationError(_("The proposal no longer exists: the line was reconciled or matched again."))
    plan = _proposal_plan(company, proposal, Method.PROPOSAL)
    try:
        return apply(actor, company, plan, job=job)
    except AlreadyReconciled:
        raise
    except ReconciliationError as exc:
        raise ReconciliationError(_("The proposal could not be applied:"), *exc.problems) from None


@dataclass
class Outcome:
    line_id: int
    reconciliation: Reconciliation | None = None
    error: str = ""


def accept_proposals(actor, company, proposal_ids, *, job: str = "") -> list[Outcome]:
    """Accept many proposals (the best of each line chosen); each line in its own transaction, so
    one refusal does not hold the others back."""
    proposals = list(LineProposal.objects.filter(pk__in=[int(i) for i in proposal_ids], bank_line__company=company)
                     .order_by("bank_line_id", "rank"))
    outcomes, seen = [], set()
    for proposal in proposals:
        if proposal.bank_line_id in seen:
            continue
        seen.add(proposal.bank_line_id)
        try:
            outcomes.append(Outcome(proposal.bank_line_id, accept_proposal(actor, company, proposal.pk, job=job)))
        except ReconciliationError as exc:
            outcomes.append(Outcome(proposal.bank_line_id, error=str(exc)))
    return outcomes


# --- undo ---------------------------------------------------------------------------------------------


def undo(actor, company, reconciliation_id: int, *, job: str = "") -> Reconciliation:
    """Undo a reconciliation: its settlements are undone, its voucher reversed (each original
    bank posting paired with its mirror, so neither waits on the screen), its lines and postings
    free again."""
    try:
        with transaction.atomic():
            return _undo(actor, company, reconciliation_id, job)
    except LedgerError as exc:
        raise ReconciliationError(*exc.problems) from None


def _undo(actor, company, reconciliation_id: int, job: str) -> Reconciliation:
    rec = Reconciliation.objects.select_for_update().filter(company=company, pk=reconciliation_id).first()
    if rec is None:
        raise ReconciliationError(_("The reconciliation does not exist in this company."))
    if rec.undone_at is not None:
        raise ReconciliationError(_("This reconciliation was undone already."))
    if rec.method == Method.REVERSAL:
        raise ReconciliationError(_("A posting paired with its reversal cannot be undone."))
    line_ids = list(rec.line_links.filter(active=True).values_list("bank_line_id", flat=True))
    lines = list(BankLine.objects.select_for_update().filter(pk__in=line_ids).order_by("pk"))
    _sign_off_lock(company, lines)
    for made in rec.settlements.select_related("settlement").order_by("-pk"):
        if made.settlement.reversed_at is None:
            subledger.unsettle(actor, made.settlement, job=job)
    reversals = []
    if rec.voucher_id is not None:
        reversal = reverse_voucher(actor, rec.voucher, description=_("Undo of reconciliation: reversal of %(number)s")
                                   % {"number": rec.voucher.display_number}, job=job)
        rec.reversal = reversal
        reversals.append((rec.voucher, reversal))
    rec.line_links.update(active=False)
    rec.posting_links.update(active=False)
    _pair_reversals(actor, company, rec, reversals, job)
    BankLine.objects.filter(pk__in=line_ids).update(reconciliation_status=ReconciliationStatus.UNRECONCILED,
                                                    updated_at=timezone.now())
    rec.undone_at, rec.undone_by, rec.undone_by_label = timezone.now(), _user(actor), actor_label(actor, job)
    rec.save(update_fields=["undone_at", "undone_by", "undone_by_label", "reversal"])
    audit.record(action="reconciliation.undo", actor=actor, job=job, company=company, obj=rec,
                 changes={"bank_lines": [[line_label(line) for line in lines], None],
                          "reversals": [None, [r.display_number for _v, r in reversals]]},
                 summary=_("Undone; %(count)s voucher(s) reversed") % {"count": len(reversals)})
    return rec


def _pair_reversals(actor, company, rec: Reconciliation, reversals, job: str) -> None:
    """A reversed bank posting and its mirror cancel out: reconcile them with each other."""
    for original, reversal in reversals:
        pairs = []
        mirrors = {p.line: p for p in reversal.postings.all()}
        for posting in original.postings.all():
            if posting.bank_account_id and posting.line in mirrors:
                pairs += [posting, mirrors[posting.line]]
        if not pairs:
            continue
        bank_account_id = next(p.bank_account_id for p in pairs)
        account = BankAccount.objects.filter(company=company, pk=bank_account_id).first() or rec.bank_account
        pair = Reconciliation.objects.create(
            company=company, bank_account=account, method=Method.REVERSAL, date=reversal.date, amount=0,
            note=_("%(original)s and its reversal %(reversal)s") % {"original": original.display_number,
                                                                  "reversal": reversal.display_number},
            created_by=_user(actor), created_by_label=actor_label(actor, job))
        ReconciledPosting.objects.bulk_create([ReconciledPosting(reconciliation=pair, posting=p) for p in pairs])
