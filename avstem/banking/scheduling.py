"""The daily bank sync, scheduled from the database (django-tasks has no periodic scheduler).

Each active agreement has `next_sync_at` (the next morning at its `sync_time`, Europe/Oslo). A
scheduler tick claims the agreements that are due with SELECT ... FOR UPDATE SKIP LOCKED (on
PostgreSQL; SQLite serialises writers anyway), creates that morning's SyncRun — unique per
agreement and day, so a second scheduler racing for the same run gets an IntegrityError instead
of a second run — enqueues it in the same transaction and moves `next_sync_at` on.

    avstem scheduler            # loop: one tick every 30 seconds
    avstem scheduler --once     # one tick (cron, tests)
"""

from __future__ import annotations

import datetime
import logging
import threading
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

log = logging.getLogger("avstem.banking")

OSLO = ZoneInfo("Europe/Oslo")
CLAIM_BATCH = 200


def default_sync_time() -> datetime.time:
    hours, _, minutes = settings.BANK_SYNC_TIME.partition(":")
    return datetime.time(int(hours), int(minutes or 0))


def next_run_after(now: datetime.datetime, at: datetime.time | None = None) -> datetime.datetime:
    """The first `at` (Oslo time) strictly after `now`: "the next morning"."""
    at = at or default_sync_time()
    local = now.astimezone(OSLO)
    candidate = datetime.datetime.combine(local.date(), at, OSLO)
    if candidate <= local:
        candidate = datetime.datetime.combine(local.date() + datetime.timedelta(days=1), at, OSLO)
    return candidate


def tick(now: datetime.datetime | None = None) -> list[int]:
    """Enqueue every due run; returns the new SyncRun ids. Safe to run in many processes at once."""
    from .agreements import check_with_bank
    from .models import AgreementStatus, BankAgreement, Connection

    now = now or timezone.now()
    for agreement in BankAgreement.objects.filter(status=AgreementStatus.ORDERED, connection=Connection.FILE):
        check_with_bank(agreement)
    created: list[int] = []
    while True:
        batch = _claim(now)
        created += batch
        if len(batch) < CLAIM_BATCH:
            return created


def _claim(now: datetime.datetime) -> list[int]:
    from .models import AgreementStatus, BankAgreement, RunKind, SyncRun
    from .sync import enqueue_run

    created = []
    with transaction.atomic():
        due = BankAgreement.objects.filter(status=AgreementStatus.ACTIVE, next_sync_at__lte=now).order_by("next_sync_at")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        claimed = list(due[:CLAIM_BATCH])
        for agreement in claimed:
            run_date = agreement.next_sync_at.astimezone(OSLO).date()
            agreement.next_sync_at = next_run_after(now, agreement.sync_time)
            agreement.save(update_fields=["next_sync_at"])
            try:
                with transaction.atomic():
                    run = SyncRun.objects.create(agreement=agreement, kind=RunKind.SCHEDULED, run_date=run_date)
            except IntegrityError:
                continue  # another scheduler made this morning's run
            enqueue_run(run)
            created.append(run.pk)
    if created:
        log.info("scheduled %d bank sync run(s)", len(created))
    return created


def loop(interval: float = 30.0, stop: threading.Event | None = None) -> None:
    """Tick every `interval` seconds until `stop` is set (at once, even mid-wait)."""
    stop = stop or threading.Event()
    while not stop.is_set():
        try:
            tick()
        except Exception:  # noqa: BLE001 - a failed tick must not end the scheduler
            log.exception("bank sync scheduler tick failed")
        stop.wait(interval)
