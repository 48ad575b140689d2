"""Background work of the bank context (django-tasks; arguments are JSON: ids only)."""

from __future__ import annotations

from django_tasks import task


@task()
def sync_agreement(run_id: int) -> str:
    from .sync import run_sync

    run = run_sync(run_id)
    if run.status == "done":
        from avstem.reconciliation.automatic import after_sync

        after_sync(run)  # every sync ends with a reconciliation run (R3.4, R5.1)
    return f"{run.status}: {run.lines_new} new, {run.lines_updated} updated"


@task()
def import_upload(batch_id: int) -> str:
    from .uploads import run_batch

    batch = run_batch(batch_id)
    return f"{batch.status}: {batch.lines_new} new"
