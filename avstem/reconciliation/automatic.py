"""The automatic reconciliation run (R3.4, R5.1) and the proposal cache the screen reads.

    run(company, accounts=None, apply=..., trigger=..., actor=None, job="")  -> RunResult
    reconcile_after_sync(company, bank_account, job="bank-sync")           the sync's last step
    refresh(company, line_ids)                                             proposals for a few lines again

A run loads the company's unreconciled booked lines and every candidate, asks the engine, then
applies the certain matches of the accounts with automation on (each its own reconciliation, with
its own audit entry, undoable like any other) when their confidence reaches the account's
setting, and stores everything else as proposals and reasons for the screen. Lines are applied
in chunks, one transaction per chunk and a savepoint per line: a line a user reconciled
meanwhile is skipped (they won), and one refusal does not hold the others back.
"""

from __future__ import annotations

import gc
import logging
import time
from collections import Counter, defaultdict
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from avstem import matching
from avstem.audit import services as audit
from avstem.banking.models import AgreementAccount, AgreementStatus, BankAccount, BankLine
from avstem.ledger.auditing import actor_label
from avstem.ledger.rows import chunks, insert_instances

from . import inputs
from .errors import ReconciliationError
from .explanations import dump
from .models import AutomationSetting, BankRule, LineAnalysis, LineProposal, Method, ReconciliationRun, Trigger
from .plans import from_proposals
from .services import apply

log = logging.getLogger("avstem.reconciliation")

DEFAULT_CONFIDENCE = Decimal("0.900")
# Lines per transaction when applying. Each transaction has a fixed cost (its queries, and on
# SQLite the commit writing every page it touched), so bigger is faster: at 100k lines 4,000
# took 7 % (SQLite) to 10 % (PostgreSQL) less time than 1,000, and 250 took 13 % more than
# 1,000. Bigger also holds SQLite's one write lock longer, about 2 s here, which a user's click
# may wait for during a big run (a daily sync is a few hundred lines, one transaction anyway).
APPLY_CHUNK = 4000
# A big run's batches grow so that it has at most about this many. On SQLite each commit
# writes every page its batch touched, and at a million lines the open items' and postings'
# indexes are so large that a batch of 4,000 touches a fresh page for almost every row. On the
# same data: 16,700 lines per batch applied in 270 s, 33,500 in 239 s (4,000: 324 s, with another
# run on the machine); 20 batches gained nothing more. Each batch then holds SQLite's write lock
# about 10 s, inside the 20 s a click waits for it.
APPLY_BATCHES = 25
APPLY_CONNECTIONS = 2  # PostgreSQL: batches applied at once (see apply_batches)
WAL_CHECKPOINT_PAGES = 100_000  # SQLite: pages of log between checkpoints during a run (see _checkpoints_spaced)


@dataclass
class LineOutcome:
    line_id: int
    account_id: int
    outcome: str  # matched (applied), proposed, left
    kind: str = ""
    rule: str = ""
    confidence: float = 0.0
    reconciliation_id: int | None = None
    reasons: matching.Explanation | None = None  # the engine's, as it gave them
    note: str = ""  # why a certain match was not applied

    @property
    def explanation(self) -> list:
        """The reasons as stored (explanations.dump): made when asked, not for each of a run's lines."""
        return dump(self.reasons)


@dataclass
class RunResult:
    run: ReconciliationRun
    lines: list[LineOutcome]
    seconds: dict[str, float]

    def counts(self) -> dict[str, int]:
        counts = Counter(o.outcome for o in self.lines)
        return {k: counts.get(k, 0) for k in ("matched", "proposed", "left")}

    def by_rule(self) -> dict[str, dict[str, int]]:
        """Outcome -> evidence kind or rule name -> lines."""
        out: dict[str, Counter] = defaultdict(Counter)
        for o in self.lines:
            out[o.outcome][f"rule: {o.rule}" if o.rule else (o.kind or "nothing fits")] += 1
        return {k: dict(sorted(v.items(), key=lambda kv: (-kv[1], kv[0]))) for k, v in out.items()}


def threshold(account_id: int) -> Decimal:
    setting = AutomationSetting.objects.filter(bank_account_id=account_id).values_list("min_confidence", flat=True).first()
    return setting if setting is not None else DEFAULT_CONFIDENCE


def automation_on(account: BankAccount) -> bool:
    """R5.1: automatic reconciliation needs an active agreement with statements, switched on."""
    return AgreementAccount.objects.filter(bank_account=account, active=True, auto_reconcile=True,
                                           agreement__status=AgreementStatus.ACTIVE,
                                           services__in=["statements", "both"]).exists()


def _match_of(result: matching.LineResult) -> list[matching.Proposal] | None:
    if result.outcome is not matching.Outcome.MATCHED:
        return None
    return [d.match for d in result.details]


def _rule_names(company) -> dict[str, str]:
    return {str(pk): name for pk, name in BankRule.objects.filter(company=company).values_list("pk", "name")}


def run(company, *, accounts: list[int] | None = None, apply_to: set[int] | None = None, trigger: str = Trigger.SCREEN,
        actor=None, job: str = "") -> RunResult:
    """Match the company's unreconciled lines; apply the certain matches of the accounts in
    `apply_to` (default: those with automation on) and store proposals for the rest. `accounts`
    limits which lines the run reports and caches (the engine still sees every account, so own
    transfers pair)."""
    clock = time.perf_counter()
    seconds: dict[str, float] = {}
    company_accounts = list(BankAccount.objects.filter(company=company).select_related("gl_account"))
    scope = {a.pk for a in company_accounts} if accounts is None else set(accounts)
    if apply_to is None:
        apply_to = {a.pk for a in company_accounts if a.pk in scope and automation_on(a)}
    run_row = ReconciliationRun.objects.create(
        company=company, bank_account_id=next(iter(scope)) if len(scope) == 1 else None, trigger=trigger,
        apply=bool(apply_to), started_by=actor if getattr(actor, "is_authenticated", False) else None,
        label=actor_label(actor, job))
    with _long_lived():  # what the run loads and makes lives until it ends
        lines = inputs.bank_lines(company)
        candidates = dict(
            open_items=inputs.open_items(company), postings=inputs.ledger_postings(company, company_accounts),
            sent_payments=inputs.sent_payments(company), own_accounts=inputs.own_accounts(company),
            rules=inputs.rules(company), learner=inputs.learner(company), config=inputs.config(company))
        seconds["load"] = time.perf_counter() - clock
        clock = time.perf_counter()
        result = matching.reconcile(lines, **candidates)
        seconds["match"] = time.perf_counter() - clock
        clock = time.perf_counter()
        rule_names = _rule_names(company)
        limits = {pk: float(threshold(pk)) for pk in apply_to}
        outcomes: list[LineOutcome] = []
        to_apply: list[tuple[LineOutcome, list[matching.Proposal]]] = []
        cache: list[matching.LineResult] = []
        for line in result.lines:
            account_id = int(line.account_id)
            if account_id not in scope:
                continue
            best = _best(line)
            outcome = LineOutcome(int(line.line_id), account_id, line.outcome.value, kind=best.kind.value if best else "",
                                  rule=rule_names.get(best.rule_id, "") if best and best.rule_id else "",
                                  confidence=best.confidence if best else 0.0,
                                  reasons=best.explanation if best else _reason(line))
            outcomes.append(outcome)
            match = _match_of(line)
            if match is not None and account_id in limits and min(p.confidence for p in match) >= limits[account_id]:
                to_apply.append((outcome, match))
            else:
                if match is not None:
                    outcome.outcome = "proposed"
                    outcome.note = ("automation off" if account_id not in limits else "below the confidence needed")
                cache.append(line)
        applied_ids = _apply_all(company, to_apply, run_row, actor, job)
        for outcome, _match in to_apply:
            if outcome.line_id not in applied_ids:
                outcome.outcome = "proposed"
        failed = {o.line_id for o, _m in to_apply if o.line_id not in applied_ids}
        cache += [line for line in result.lines if int(line.line_id) in failed]
        seconds["apply"] = time.perf_counter() - clock
        clock = time.perf_counter()
        store(cache, run_row, replace_accounts=scope, keep=applied_ids)
        seconds["store"] = time.perf_counter() - clock

    res = RunResult(run_row, outcomes, seconds)
    counts = res.counts()
    run_row.lines, run_row.matched, run_row.applied = len(outcomes), len(to_apply), len(applied_ids)
    run_row.proposed, run_row.left = counts["proposed"], counts["left"]
    run_row.summary = {"by": res.by_rule(), "seconds": {k: round(v, 3) for k, v in seconds.items()}}
    run_row.finished_at = timezone.now()
    run_row.save()
    audit.record(action="reconciliation.run", actor=actor, job=job, company=company, obj=run_row,
                 changes={"applied": [None, run_row.applied], "proposed": [None, run_row.proposed],
                          "left": [None, run_row.left]},
                 summary=f"{run_row.get_trigger_display()}: {run_row.lines}")
    return res


@contextmanager
def _long_lived():
    """Keep the cyclic garbage collector off for the whole run, from the load to the stored
    proposals. What the run loads and makes (the engine's inputs and results, each batch's
    results) lives until it ends and holds no reference cycles, so a collection finds nothing,
    yet each walked all of it again: with the collector on during the apply, 19 full collections
    took a fifth of the apply time at 100k lines; switched back on between the load, the engine
    and the apply, its first collection after each walked everything made since (about 3 s at
    1M lines). At the end a freeze and an unfreeze, which only move lists, put all of it in the
    oldest generation, so the next young collection does not walk it either. Objects someone
    froze before the run (a server before it forks) stay frozen, and so then do the run's."""
    was_enabled, was_frozen = gc.isenabled(), gc.get_freeze_count() > 0
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if not was_frozen:
            gc.unfreeze()
        if was_enabled:
            gc.enable()


def _best(line: matching.LineResult) -> matching.Proposal | None:
    for detail in line.details:
        if detail.proposals:
            return detail.proposals[0]
    return line.alternatives[0] if line.alternatives else None


def _reason(line: matching.LineResult):
    for detail in line.details:
        if detail.reason is not None:
            return detail.reason
    return None


def _apply_all(company, to_apply, run_row, actor, job: str) -> set[int]:
    """Apply the certain matches in chunks (one transaction each, see batch.py); returns the
    lines reconciled. A plan someone else got to first is left, with the reason as its note."""
    batches = _batches(to_apply)
    applied: set[int] = set()
    results = apply_batches(actor, company, [plans for _outcomes, plans in batches], job=job, run=run_row)
    for (outcomes, _plans), batch_results in zip(batches, results, strict=True):
        for outcome, result in zip(outcomes, batch_results, strict=True):
            if result.reconciliation is not None:
                outcome.reconciliation_id = result.reconciliation.pk
                applied.update(result.plan.line_ids)
            else:
                outcome.note = result.error[:300]
    return applied


def _batches(to_apply) -> list[tuple[list, list]]:
    """The plans in chunks of APPLY_CHUNK lines, or more when there would be more than
    APPLY_BATCHES of them. A line is in one plan only: an own transfer's other side goes with its
    pair (and is left out when it comes up itself)."""
    size = max(APPLY_CHUNK, -(-len(to_apply) // APPLY_BATCHES))
    taken: set[int] = set()
    batches = []
    for start in range(0, len(to_apply), size):
        outcomes, plans = [], []
        for outcome, match in to_apply[start:start + size]:
            if outcome.line_id in taken:
                continue
            plan = from_proposals(outcome.account_id, outcome.line_id, match, method=Method.AUTOMATIC)
            if taken & set(plan.line_ids):
                continue
            taken.update(plan.line_ids)
            outcomes.append(outcome)
            plans.append(plan)
        batches.append((outcomes, plans))
    return batches


def apply_batches(actor, company, batches: list[list], *, job: str = "", run=None) -> list[list]:
    """`batch.apply_many` for each batch of plans, one transaction each; returns their results in
    the order given. On PostgreSQL, outside a caller's transaction, two connections take turns:
    while the server writes and commits one batch, Python prepares the next in the other
    (client and server each had about half of the time, one after the other). Batches that
    share an open item wait for each other on its row lock, as two users would, so the checks
    stay the same; every transaction locks in the same order (lines, postings, items, the
    voucher number), so they cannot deadlock. SQLite has one writer, so it applies them in turn."""
    from django.db import connection
    from django.utils import translation

    from .batch import apply_many

    parties: dict = {}  # customers and suppliers, read once for the whole run
    language = translation.get_language()  # a thread starts with none: voucher texts are in the caller's

    def apply_batch(n: int) -> list:
        with translation.override(language):
            results = apply_many(actor, company, batches[n], job=job, run=run, parties=parties)
        done = n + 1
        if done & (done - 1) == 0 and done < len(batches):
            _fresh_statistics()  # after 1, 2, 4, 8, ... batches
        return results

    if connection.vendor == "postgresql" and not connection.in_atomic_block and len(batches) > 1:
        return _in_connections(apply_batch, len(batches), APPLY_CONNECTIONS)
    spaced = connection.vendor == "sqlite" and len(batches) > 1
    with _checkpoints_spaced(connection) if spaced else nullcontext():
        return [apply_batch(n) for n in range(len(batches))]


@contextmanager
def _checkpoints_spaced(connection, pages: int = WAL_CHECKPOINT_PAGES):
    """SQLite copies its write-ahead log back into the database once the log holds 1,000 pages
    (4 MB), so after every batch of a big run, rewriting pages the next batch dirties again.
    For the run's batches it waits for `pages`: the log may grow to 400 MB, and its file stays
    that size, reused from its start after each checkpoint. The connection's own setting comes
    back at the end."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA wal_autocheckpoint = {int(pages)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA wal_autocheckpoint = {int(before)}")


def _in_connections(work, count: int, connections: int) -> list:
    """work(0) ... work(count - 1) in `connections` threads, each with its own database
    connection (closed at the end); the results in order. The first error stops the rest and
    is raised."""
    import threading

    from django.db import connection

    results: list = [None] * count
    errors: list = []
    pending = iter(range(count))
    lock = threading.Lock()

    def worker():
        try:
            while not errors:
                with lock:
                    n = next(pending, None)
                if n is None:
                    return
                results[n] = work(n)
        except BaseException as exc:  # noqa: BLE001 - raised in the caller's thread below
            errors.append(exc)
        finally:
            connection.close()  # this thread's own

    threads = [threading.Thread(target=worker, name=f"reconcile-{n}") for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


def _fresh_statistics() -> None:
    """PostgreSQL plans the foreign-key checks run at each commit once per session, from the
    table sizes it knows then. On tables that were nearly empty (a new installation, a first big
    run, or autovacuum off) that plan is a sequential scan, kept while the tables grow: a million
    lines would then take hours. Statistics refreshed as the run doubles its work make it plan
    again with the sizes it has reached."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    from avstem.ledger.models import OpenItem, Posting, Settlement, SettlementLine, Voucher

    from .models import MadeSettlement, ReconciledLine, ReconciledPosting, Reconciliation

    models = (Voucher, Posting, OpenItem, Settlement, SettlementLine, Reconciliation, ReconciledLine,
              ReconciledPosting, MadeSettlement)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models))


def store(results, run_row=None, *, replace_accounts=None, replace_lines=None, keep=()) -> None:
    """Replace the cached analysis of the lines in `results` (and drop stale rows of the accounts
    in `replace_accounts` or the lines in `replace_lines`)."""
    with transaction.atomic():
        if replace_accounts is not None:
            LineProposal.objects.filter(bank_account_id__in=list(replace_accounts)).delete()
            LineAnalysis.objects.filter(bank_account_id__in=list(replace_accounts)).delete()
        ids = [int(r.line_id) for r in results] + list(replace_lines or ())
        for chunk in chunks(ids):
            LineProposal.objects.filter(bank_line_id__any_key=chunk).delete()
            LineAnalysis.objects.filter(bank_line_id__any_key=chunk).delete()
        analyses, proposals = [], []
        for line in results:
            if int(line.line_id) in keep:
                continue
            best = _best(line)
            reason = _reason(line)
            analyses.append(LineAnalysis(bank_line_id=int(line.line_id), bank_account_id=int(line.account_id),
                                         outcome=line.outcome.value, confidence=best.confidence if best else 0,
                                         reason=dump(reason), run=run_row))
            for detail in line.details:
                for rank, p in enumerate(detail.proposals):
                    proposals.append(_row(line, detail.detail, False, rank, p))
            for rank, p in enumerate(line.alternatives):
                proposals.append(_row(line, None, True, rank, p))
        # Plain rows (avstem/ledger/rows.py): at a million lines bulk_create's preparing of every
        # field took longer than the writes.
        insert_instances(analyses)
        insert_instances(proposals)


def _row(line, detail, alternative, rank, p: matching.Proposal) -> LineProposal:
    return LineProposal(
        bank_line_id=int(line.line_id), bank_account_id=int(line.account_id), detail=detail, alternative=alternative,
        rank=rank, kind=p.kind.value, confidence=p.confidence, automatic=p.automatic,
        targets=[[t.kind.value, t.ref, t.amount, t.gl_account, t.vat_code, t.description] for t in p.targets],
        explanation=dump(p.explanation), counterpart=list(p.counterpart) if p.counterpart else None,
        rule_id=p.rule_id or "")


def refresh(company, line_ids) -> None:
    """The engine's proposals for a few lines again (after an undo, or a refused proposal),
    against every current candidate."""
    line_ids = [int(i) for i in line_ids]
    if not line_ids:
        return
    lines = [line for line in inputs.bank_lines(company, line_ids=line_ids) if line.status == matching.model.BOOKED]
    from avstem.banking.models import BankLine, ReconciliationStatus

    open_ids = set(BankLine.objects.filter(pk__in=line_ids, reconciliation_status=ReconciliationStatus.UNRECONCILED,
                                           deleted_at__isnull=True).values_list("pk", flat=True))
    lines = [line for line in lines if int(line.id) in open_ids]
    accounts = list(BankAccount.objects.filter(company=company).select_related("gl_account"))
    result = matching.reconcile(
        lines, open_items=inputs.open_items(company), postings=inputs.ledger_postings(company, accounts),
        sent_payments=inputs.sent_payments(company), own_accounts=inputs.own_accounts(company),
        rules=inputs.rules(company), learner=inputs.learner(company), config=inputs.config(company))
    store(result.lines, replace_lines=line_ids)


def reconcile_after_sync(company, bank_account: BankAccount, *, job: str = "bank-sync") -> RunResult:
    """The last step of every bank sync (R3.4, R5.1): apply what is certain when automation is on
    for the account, and leave proposals for the rest on the screen either way."""
    apply_to = {bank_account.pk} if automation_on(bank_account) else set()
    return run(company, accounts=[bank_account.pk], apply_to=apply_to, trigger=Trigger.SYNC, job=job)


def after_sync(sync_run) -> RunResult | None:
    """Called when a bank sync (banking.SyncRun) has finished: one reconciliation run over the
    agreement's accounts with statements. Never raises: a failed reconciliation must not turn a
    finished sync into a failed one; it is logged and recorded on the reconciliation run."""
    from avstem.banking.models import STATEMENT_SERVICES

    agreement = sync_run.agreement
    accounts = [link.bank_account for link in AgreementAccount.objects.filter(
        agreement=agreement, active=True, services__in=STATEMENT_SERVICES).select_related("bank_account")]
    if not accounts:
        return None
    try:
        return run(agreement.company, accounts=[a.pk for a in accounts],
                   apply_to={a.pk for a in accounts if automation_on(a)}, trigger=Trigger.SYNC, job="bank-sync")
    except Exception as exc:  # noqa: BLE001 - see the docstring
        log.exception("reconciliation after sync run %s failed", sync_run.pk)
        ReconciliationRun.objects.create(company=agreement.company, trigger=Trigger.SYNC, label="job:bank-sync",
                                         finished_at=timezone.now(), error=f"{type(exc).__name__}: {exc}"[:500])
        return None
