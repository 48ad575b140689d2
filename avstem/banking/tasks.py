"""Background work of the bank context (django-tasks; arguments are JSON: ids only).

Messages a job stores (a run's status, an import's refusal) are written in the site's language,
as a worker has no request to take one from."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django_tasks import task


@task()
def sync_agreement(run_id: int) -> str:
    from .sync import run_sync

    with translation.override(settings.LANGUAGE_CODE):
        run = run_sync(run_id)
        if run.status == "done":
            from avstem.reconciliation.automatic import after_sync

            after_sync(run)  # every sync ends with a reconciliation run (R3.4, R5.1); never raises
    return f"{run.status}: {run.lines_new} new, {run.lines_updated} updated"


@task()
def import_upload(batch_id: int) -> str:
    from .uploads import run_batch

    with translation.override(settings.LANGUAGE_CODE):
        batch = run_batch(batch_id)
    return f"{batch.status}: {batch.lines_new} new"
