"""Manual import of a bank file (R3.10, R5.2): camt.053/054, Nets OCR or an online bank's CSV.

The upload is kept under the data directory and imported by a task worker (small files at once,
in the request), with progress a page can poll. A refused file imports nothing and says why,
naming the file, the line and the field.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from avstem.audit import services as audit

from . import bankfiles, importing, progress
from .csvfiles import PRESETS, CsvMappingSpec
from .models import BankAccount, CsvMapping, ImportBatch, ImportStatus

log = logging.getLogger("avstem.banking")

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


def inline_limit() -> int:
    """Files up to this size are imported in the request; larger ones by a worker."""
    return int(settings.BANK_IMPORT_INLINE_BYTES)


def upload_dir(company_id: int) -> Path:
    return Path(settings.DATA_DIR) / "bank-imports" / str(company_id)


def csv_spec(company, choice: str) -> CsvMappingSpec | None:
    """The CSV layout chosen on the form: "" (find it), "preset:dnb", or "saved:<id>"."""
    kind, _, value = (choice or "").partition(":")
    if kind == "preset" and value in PRESETS:
        return PRESETS[value]
    if kind == "saved":
        mapping = CsvMapping.objects.filter(company=company, pk=value if value.isdigit() else 0).first()
        return CsvMappingSpec.from_json(mapping.spec) if mapping else None
    return None


def start_upload(actor, company, name: str, data: bytes, *, account: BankAccount | None = None,
                 csv_choice: str = "") -> ImportBatch:
    """Keep the file and import it (now when small, else queued); returns the batch to show."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise importing.ImportRefused(_("%(file)s is larger than %(mb)d MB.") % {
            "file": name, "mb": MAX_UPLOAD_BYTES // 1024 // 1024})
    folder = upload_dir(company.pk)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}.upload"
    path.write_bytes(data)
    batch = ImportBatch.objects.create(
        company=company, bank_account=account, kind=bankfiles.detect(data) or "csv", file_name=name[:255],
        sha256=hashlib.sha256(data).hexdigest(), size=len(data), stored_path=str(path),
        options={"account_id": account.pk if account else None, "csv": csv_choice}, created_by=actor)
    if len(data) <= inline_limit():
        return run_batch(batch.pk)
    from .tasks import import_upload

    import_upload.enqueue(batch.pk)
    return batch


def run_batch(batch_id: int) -> ImportBatch:
    """Import a queued upload: all or nothing; the batch records the outcome or the reason."""
    batch = ImportBatch.objects.select_related("company", "created_by").get(pk=batch_id)
    if batch.finished:
        return batch
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.RUNNING)
    company = batch.company
    account = BankAccount.objects.filter(company=company, pk=batch.options.get("account_id") or 0).first()
    key = progress_key(batch)
    try:
        data = Path(batch.stored_path).read_bytes()
        kind, document = bankfiles.read(data, batch.file_name, csv_spec=csv_spec(company, batch.options.get("csv", "")))
        batch.kind = kind
        entries = sum(len(s.entries) for s in document.statements)
        reporter = progress.Reporter(key, entries)
        progress.write(key, 0, entries)
        earlier = (ImportBatch.objects.filter(company=company, sha256=batch.sha256, status=ImportStatus.DONE)
                   .exclude(pk=batch.pk).order_by("created_at").first())
        outcome = importing.import_document(document, company=company, source=kind, batch=batch, account=account,
                                            actor=batch.created_by, progress=reporter)
        if earlier is not None:
            note = _("This file was imported before, on %(date)s.") % {
                "date": timezone.localtime(earlier.created_at).strftime("%d.%m.%Y %H:%M")}
            ImportBatch.objects.filter(pk=batch.pk).update(warnings=[note, *batch.warnings])
    except (bankfiles.UnreadableFile, importing.ImportRefused) as exc:
        _refuse(batch, str(exc))
    except Exception as exc:
        log.exception("import %s failed", batch.pk)
        _refuse(batch, _("The import failed unexpectedly (%(error)s). Nothing was imported.")
                % {"error": type(exc).__name__}, status=ImportStatus.FAILED)
    finally:
        progress.clear(key)
        _discard(batch)
    return ImportBatch.objects.get(pk=batch.pk)


def _refuse(batch: ImportBatch, message: str, status: str = ImportStatus.REFUSED) -> None:
    with transaction.atomic():
        ImportBatch.objects.filter(pk=batch.pk).update(status=status, error=message[:4000],
                                                       finished_at=timezone.now(), kind=batch.kind)
        audit.record(action="bank.import_refused", actor=batch.created_by, company=batch.company, obj=batch,
                     summary=message[:300])


def _discard(batch: ImportBatch) -> None:
    try:
        Path(batch.stored_path).unlink()
    except OSError:
        pass


def progress_key(batch: ImportBatch) -> str:
    return f"import-{batch.pk}"


def live_progress(batch: ImportBatch) -> tuple[int, int]:
    """(done, total) while the import runs (from the progress file), else the batch's figures."""
    if batch.status == ImportStatus.RUNNING:
        found = progress.read(progress_key(batch))
        if found is not None:
            return found
    return batch.processed, batch.total


@transaction.atomic
def save_mapping(actor, company, name: str, spec: CsvMappingSpec) -> CsvMapping:
    mapping, created = CsvMapping.objects.update_or_create(company=company, name=name,
                                                            defaults={"spec": spec.to_json()})
    audit.record(action="bank.csv_mapping.save" if created else "bank.csv_mapping.update", actor=actor,
                 company=company, obj=mapping, changes={"spec": [None, spec.to_json()]})
    return mapping
