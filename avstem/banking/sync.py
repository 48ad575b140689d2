"""Fetching from the bank: one SyncRun of one agreement, run by a task worker.

API agreements: for each account with statements, transactions and balances from the day after
the last completed day (or the reconciliation start date) to the bank's day, re-reading the last
few days as well (deduplicated) in case the bank booked on them late. Closed business days are
imported DAYS_PER_COMMIT at a time, each step one transaction together with its balances and the
account's `synced_through`, so a crash or a killed worker loses at most the step in progress, and
the next run starts where the last completed one ended. Today's (interim) lines and pending ones follow
in a last transaction that does not move `synced_through`. The range read reaches back to the
oldest pending line still open; a pending line in it that the bank no longer reports at all was
dropped by the bank and is removed (importing.drop_unreported_pending).

File exchange: every camt.053/054 and OCR file in the mailbox not imported before (by SHA-256),
from the agreement's activation date on (R3.7), each file all or nothing.

A bank that is down or rate-limits is retried by the connector (Retry-After, backoff); what
still fails makes the run retry later through the task queue, up to MAX_ATTEMPTS. An expired
access token is refreshed (refresh tokens rotate: the new one is committed at once); an expired
consent stops the run with a message asking the user to renew it.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import time
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from avstem.audit import services as audit
from avstem.norway.calendar import add_business_days, business_days_in_range

from . import bankfiles, importing, mailbox
from .agreements import set_tokens, tokens_of
from .connector import (
    AuthorizationFailed,
    BankApi,
    BankError,
    ConsentExpired,
    TokenInvalid,
    balances_from_json,
    entry_from_json,
)
from .mapping import BOOKED, StatementData, assign_fingerprints, line_data
from .models import (
    STATEMENT_SERVICES,
    AgreementAccount,
    AgreementStatus,
    BankAgreement,
    Connection,
    ImportBatch,
    ImportKind,
    ImportStatus,
    RunKind,
    RunStatus,
    Source,
    SyncRun,
)

log = logging.getLogger("avstem.banking")

MAX_ATTEMPTS = 6
OVERLAP_BUSINESS_DAYS = 3  # re-read: a bank may still book on the last days (deduplicated)
DAYS_PER_COMMIT = 10  # closed business days imported per transaction (and per `synced_through` step)
TOKEN_MARGIN = datetime.timedelta(seconds=30)
PROGRESS_SECONDS = 1.0
ONE_DAY = datetime.timedelta(days=1)


def lease_seconds() -> float:
    return float(settings.BANK_SYNC_LEASE_SECONDS)


def retry_delay(attempt: int, retry_after: float | None = None) -> float:
    """Seconds before the run's next attempt: 1, 2, 4, ... minutes, at least what the bank asked."""
    base = float(settings.BANK_SYNC_RETRY_SECONDS)
    return max(base * 2 ** max(attempt - 1, 0), retry_after or 0)


def enqueue_run(run: SyncRun, delay: float = 0) -> None:
    from .tasks import sync_agreement

    task = sync_agreement.using(run_after=timezone.now() + datetime.timedelta(seconds=delay)) if delay else sync_agreement
    task.enqueue(run.pk)


def start_run(agreement: BankAgreement, kind: str = RunKind.MANUAL, actor=None) -> SyncRun:
    """Fetch statements now (R5.5): a run unless one is already waiting or running."""
    with transaction.atomic():
        running = (SyncRun.objects.filter(agreement=agreement)
                   .filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.RETRYING])
                   .exclude(kind=RunKind.SCHEDULED).first())
        if running is not None and running.status == RunStatus.RUNNING and _lease_expired(agreement):
            # its worker died mid-run (killed, machine lost): what it committed stays, the rest is redone
            _save_run(running, status=RunStatus.FAILED, finished_at=timezone.now(),
                      message=_("The worker stopped during the sync; a new sync continues where it ended."))
            running = None
        if running is not None:
            return running
        run = SyncRun.objects.create(agreement=agreement, kind=kind, run_date=timezone.localdate(),
                                     created_by=actor if getattr(actor, "pk", None) else None)
        if actor is not None:
            audit.record(action="bank_sync.request", actor=actor, company=agreement.company, obj=agreement,
                         summary=run.get_kind_display())
        enqueue_run(run)
    return run


# --- the run --------------------------------------------------------------------------------------


def _lease_expired(agreement: BankAgreement) -> bool:
    until = BankAgreement.objects.filter(pk=agreement.pk).values_list("sync_lease_until", flat=True).first()
    return until is None or until < timezone.now()


def _claim_lease(agreement: BankAgreement) -> bool:
    now = timezone.now()
    return bool(BankAgreement.objects.filter(pk=agreement.pk)
                .filter(Q(sync_lease_until__isnull=True) | Q(sync_lease_until__lt=now))
                .update(sync_lease_until=now + datetime.timedelta(seconds=lease_seconds())))


def _renew_lease(agreement: BankAgreement) -> None:
    BankAgreement.objects.filter(pk=agreement.pk).update(
        sync_lease_until=timezone.now() + datetime.timedelta(seconds=lease_seconds()))


def _release_lease(agreement: BankAgreement) -> None:
    BankAgreement.objects.filter(pk=agreement.pk).update(sync_lease_until=None)


def _save_run(run: SyncRun, **fields) -> None:
    for name, value in fields.items():
        setattr(run, name, value)
    SyncRun.objects.filter(pk=run.pk).update(**fields)


def run_sync(run_id: int, api: BankApi | None = None) -> SyncRun:
    run = SyncRun.objects.select_related("agreement", "agreement__company").get(pk=run_id)
    if run.finished:
        return run
    agreement = run.agreement
    if agreement.status != AgreementStatus.ACTIVE:
        _save_run(run, status=RunStatus.FAILED, finished_at=timezone.now(),
                  message=_("The agreement is not active."))
        return run
    if not _claim_lease(agreement):
        _save_run(run, status=RunStatus.QUEUED, message=_("Waiting for another sync of this agreement to finish."))
        enqueue_run(run, delay=max(5.0, lease_seconds() / 10))
        return run
    _save_run(run, status=RunStatus.RUNNING, attempt=run.attempt + 1, started_at=timezone.now(), message="")
    try:
        if agreement.connection == Connection.API:
            ApiSync(run, agreement, api).run()
        else:
            FileSync(run, agreement).run()
    except (ConsentExpired, AuthorizationFailed) as exc:
        message = _("The bank no longer accepts the program's access (%(reason)s). Renew the consent under "
                    "Settings > Bank accounts > Agreements.") % {"reason": exc.code or exc.status}
        _fail(run, agreement, message)
        if isinstance(exc, ConsentExpired):
            yesterday = timezone.localdate() - ONE_DAY
            BankAgreement.objects.filter(pk=agreement.pk, consent_expires__gt=yesterday).update(consent_expires=yesterday)
    except BankError as exc:
        if run.attempt < MAX_ATTEMPTS:
            delay = retry_delay(run.attempt, exc.retry_after)
            _save_run(run, status=RunStatus.RETRYING,
                      message=_("The bank did not answer (%(reason)s); trying again in %(seconds)d seconds.")
                      % {"reason": exc.code or exc.status, "seconds": delay})
            enqueue_run(run, delay=delay)
        else:
            _fail(run, agreement, _("The bank did not answer after %(n)d attempts (%(reason)s).")
                  % {"n": run.attempt, "reason": exc.code or exc.status})
    except Exception as exc:  # noqa: BLE001 - record it on the run, then let the worker log it
        _fail(run, agreement, _("The sync failed: %(error)s") % {"error": type(exc).__name__})
        raise
    else:
        now = timezone.now()
        _save_run(run, status=RunStatus.DONE, finished_at=now)
        BankAgreement.objects.filter(pk=agreement.pk).update(last_sync_at=now, last_sync_error="")
    finally:
        _release_lease(agreement)
    return run


def _fail(run: SyncRun, agreement: BankAgreement, message: str) -> None:
    _save_run(run, status=RunStatus.FAILED, finished_at=timezone.now(), message=message[:500])
    BankAgreement.objects.filter(pk=agreement.pk).update(last_sync_error=message[:500])


class _Sync:
    def __init__(self, run: SyncRun, agreement: BankAgreement) -> None:
        self.sync_run, self.agreement, self.company = run, agreement, agreement.company
        self.links = list(AgreementAccount.objects.filter(agreement=agreement, active=True,
                                                          services__in=STATEMENT_SERVICES)
                          .select_related("bank_account"))
        self._pending: dict = {}
        self._new, self._updated = run.lines_new, run.lines_updated
        self._reported = 0.0

    def progress(self, done: int | None = None, total: int | None = None, new: int = 0, updated: int = 0,
                 force: bool = False) -> None:
        """Counts for the page that polls the run; written (and the lease renewed) at most every
        PROGRESS_SECONDS, so a sync of many days does not spend its time reporting."""
        pending = self._pending
        if done is not None:
            pending["progress_done"] = done
        if total is not None:
            pending["progress_total"] = total
        self._new += new
        self._updated += updated
        now = time.monotonic()
        if not force and now - self._reported < PROGRESS_SECONDS and total is None:
            return
        self._reported = now
        pending["lines_new"], pending["lines_updated"] = self._new, self._updated
        _save_run(self.sync_run, **pending)
        self._pending = {}
        _renew_lease(self.agreement)

    def record(self, link: AgreementAccount, outcome: importing.Outcome, what: str) -> None:
        if outcome.new or outcome.updated:
            audit.record(action="bank.sync", job="bank-sync", company=self.company, obj=link.bank_account,
                         changes={"lines_new": [None, outcome.new], "lines_updated": [None, outcome.updated]},
                         summary=what)


class ApiSync(_Sync):
    def __init__(self, run: SyncRun, agreement: BankAgreement, api: BankApi | None = None) -> None:
        super().__init__(run, agreement)
        self.api = api or BankApi(agreement.api_base_url or settings.BANK_API_URL, settings.BANK_CLIENT_ID,
                                  max_wait=float(settings.BANK_RETRY_MAX_WAIT))
        self.tokens = tokens_of(agreement)

    # tokens -------------------------------------------------------------------------------------

    def refresh(self) -> None:
        if not self.tokens.get("refresh"):
            raise AuthorizationFailed("no refresh token", code="no_refresh_token")
        tokens = self.api.refresh(self.tokens["refresh"])
        with transaction.atomic():  # a rotated refresh token must outlive any later failure
            set_tokens(self.agreement, tokens)
        self.tokens = tokens.secrets()

    def call(self, method, *args, **kwargs):
        expires = self.agreement.token_expires_at
        if expires is not None and expires - TOKEN_MARGIN < timezone.now():
            self.refresh()
        try:
            return method(self.tokens.get("access", ""), *args, **kwargs)
        except TokenInvalid:
            self.refresh()
            return method(self.tokens["access"], *args, **kwargs)

    def transactions(self, account_id: str, first: datetime.date, last: datetime.date) -> list[dict]:
        items, cursor = [], None
        while True:
            page = self.call(self.api.transactions_page, account_id, first, last, cursor)
            items += page.get("transactions", [])
            cursor = page.get("next_cursor")
            if not cursor:
                return items

    # the run ----------------------------------------------------------------------------------

    def run(self) -> None:
        info = self.call(self.api.accounts)
        bank_day = datetime.date.fromisoformat(info["bank_day"])
        consent = (info.get("consent") or {}).get("expires")
        if consent:
            BankAgreement.objects.filter(pk=self.agreement.pk).update(
                consent_expires=datetime.date.fromisoformat(consent))
        self.progress(done=0, total=len(self.links))
        for n, link in enumerate(self.links, 1):
            self.account(link, bank_day)
            self.progress(done=n, force=n == len(self.links))

    def account(self, link: AgreementAccount, bank_day: datetime.date) -> None:
        start = self.agreement.start_date or link.connected_on
        first = start
        if link.synced_through:  # go on from there, with a few days' overlap for late bookings
            first = max(start, add_business_days(link.synced_through, -OVERLAP_BUSINESS_DAYS) + ONE_DAY)
        if first > bank_day:
            return
        # Read back to the oldest pending line still open, so that each is seen again as pending,
        # as booked, or not at all (dropped by the bank); booked lines before `first` were stored
        # by earlier runs and are left alone.
        oldest_pending = (importing.open_pending(link.bank_account).filter(date__gte=start, date__lt=first)
                          .order_by("date").values_list("date", flat=True).first())
        fetch_from = min(first, oldest_pending or first)
        items = self.transactions(link.external_id, fetch_from, bank_day)
        balances = {b.date: b for b in balances_from_json(self.call(self.api.balances, link.external_id, first, bank_day))}
        closed: dict[datetime.date, list] = defaultdict(list)
        open_items = []
        reported: set[str] = set()  # every reference the bank gave for [fetch_from, bank_day]
        for n, item in enumerate(items, 1):
            line = line_data(entry_from_json(item), f"{link.external_id}/transactions[{n}]")
            if line is None:
                continue
            if line.ref:
                reported.add(line.ref)
            if line.status == BOOKED and line.date < first:
                continue
            if line.status == BOOKED and line.date < bank_day:
                closed[line.date].append(line)
            else:
                open_items.append(line)
        batch = ImportBatch.objects.create(
            company=self.company, bank_account=link.bank_account, agreement=self.agreement, kind=ImportKind.API,
            file_name=f"API {first:%d.%m.%Y}–{bank_day:%d.%m.%Y}", status=ImportStatus.RUNNING)
        total = importing.Outcome()
        days = sorted(set(business_days_in_range(first, bank_day - ONE_DAY)) | set(closed))
        for start_at in range(0, len(days), DAYS_PER_COMMIT):
            chunk = days[start_at:start_at + DAYS_PER_COMMIT]
            data = StatementData(iban=None, bban=None, currency=None,
                                 lines=[line for day in chunk for line in closed.get(day, [])],
                                 balances=[balances[day] for day in chunk if day in balances], warnings=[])
            with transaction.atomic():  # these days whole, with the progress mark, or not at all
                outcome = importing.store(link.bank_account, data, source=Source.API, batch=batch, not_before=start)
                link.synced_through = chunk[-1]
                fields = ["synced_through"]
                if link.first_synced_at is None:
                    link.first_synced_at = timezone.now()
                    fields.append("first_synced_at")
                link.save(update_fields=fields)
            total.add(outcome)
            self.progress(new=outcome.new, updated=outcome.updated)
        today = [b for d, b in balances.items() if d >= bank_day]
        assign_fingerprints(open_items)
        with transaction.atomic():
            outcome = importing.store(link.bank_account, StatementData(None, None, None, open_items, today, []),
                                      source=Source.API, batch=batch, not_before=start)
            # the whole range was read (every page), so a pending line in it the bank no longer
            # reports, neither pending nor booked, was dropped by the bank
            outcome.warnings += importing.drop_unreported_pending(
                link.bank_account, max(fetch_from, start), bank_day, reported, batch=batch, job="bank-sync")
            if link.first_synced_at is None:
                link.first_synced_at = timezone.now()
                link.save(update_fields=["first_synced_at"])
        total.add(outcome)
        self.progress(new=outcome.new, updated=outcome.updated)
        importing.finish_batch(batch, total)
        self.record(link, total, f"API {first}–{bank_day}")


class FileSync(_Sync):
    KINDS = {"camt053": Source.CAMT053, "camt054": Source.CAMT054, "camt052": Source.CAMT052, "ocr": Source.OCR}

    def run(self) -> None:
        covered = {link.bank_account_id: link for link in self.links}
        files = mailbox.outbound_files(settings.BANK_MAILBOX_DIR, self.company.org_number)
        activated = self.agreement.ordered_on  # R3.7: statements from the activation date only
        files = [f for f in files if f.day is None or f.day >= activated]
        self.progress(done=0, total=len(files))
        for n, item in enumerate(files, 1):
            self.file(item, covered)
            self.progress(done=n, force=n == len(files))

    def file(self, item: mailbox.MailboxFile, covered: dict[int, AgreementAccount]) -> None:
        try:
            data = item.path.read_bytes()
        except OSError:
            return  # taken away meanwhile; the next run sees what is there
        kind = bankfiles.detect(data)
        if kind not in self.KINDS:
            return  # pain.002 status reports belong to payments
        digest = hashlib.sha256(data).hexdigest()
        if ImportBatch.objects.filter(company=self.company, sha256=digest, status=ImportStatus.DONE).exists():
            return
        batch = ImportBatch.objects.create(company=self.company, agreement=self.agreement, kind=kind,
                                           file_name=item.name, sha256=digest, size=len(data),
                                           status=ImportStatus.RUNNING)
        try:
            _kind, document = bankfiles.read(data, item.name)
            outcome = importing.import_document(
                document, company=self.company, source=self.KINDS[kind], batch=batch, job="bank-sync",
                not_before=self.agreement.ordered_on, only_accounts=set(covered))
        except (bankfiles.UnreadableFile, importing.ImportRefused) as exc:
            ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.REFUSED, error=str(exc)[:4000],
                                                           finished_at=timezone.now())
            message = _("A file from the bank was refused: %(error)s") % {"error": str(exc)[:300]}
            _save_run(self.sync_run, message=message[:500])
            return
        self.progress(new=outcome.new, updated=outcome.updated)
        now = timezone.now()
        for account_id in outcome.accounts:
            link = covered[account_id]
            fields = {}
            if link.first_synced_at is None:
                fields["first_synced_at"] = link.first_synced_at = now
            if kind == "camt053" and item.day and (link.synced_through is None or item.day > link.synced_through):
                fields["synced_through"] = link.synced_through = item.day
            if fields:
                AgreementAccount.objects.filter(pk=link.pk).update(**fields)


def wait_for(run_id: int, timeout: float = 30.0) -> SyncRun:
    """Poll a run until it finishes (the CLI and tests use this)."""
    deadline = time.monotonic() + timeout
    while True:
        run = SyncRun.objects.get(pk=run_id)
        if run.finished or time.monotonic() > deadline:
            return run
        time.sleep(0.2)
