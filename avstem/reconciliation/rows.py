"""Plain rows into a table in one go: COPY on PostgreSQL, executemany on SQLite. For the batch
path's link and audit rows, whose model instances would cost more to build than the rows cost to
write (the ledger writes its postings the same way). Only for rows that are complete as given:
no defaults, no signals, no returned keys."""

from __future__ import annotations

import json

from django.db import connection, models
from django.utils import timezone


def _adapter(field: models.Field):
    ops = connection.ops
    if isinstance(field, models.JSONField):
        return lambda v: json.dumps(v, ensure_ascii=False)
    if isinstance(field, models.DateTimeField) and connection.vendor != "postgresql":
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField) and connection.vendor != "postgresql":
        return ops.adapt_datefield_value
    return None


def insert_rows(model: type[models.Model], names: list[str], rows) -> int:
    """Insert `rows` (tuples in the order of the field `names`); returns how many."""
    fields = [model._meta.get_field(name) for name in names]
    adapters = [_adapter(f) for f in fields]
    if any(adapters):
        rows = [tuple(a(v) if a is not None and v is not None else v for a, v in zip(adapters, row)) for row in rows]
    else:
        rows = list(rows)
    if not rows:
        return 0
    ops = connection.ops
    table = ops.quote_name(model._meta.db_table)
    columns = ", ".join(ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
            for start in range(0, len(rows), 5000):
                cursor.executemany(sql, rows[start:start + 5000])
    return len(rows)


AUDIT_FIELDS = ["at", "actor", "actor_label", "company", "action", "object_type", "object_id", "object_repr",
                "changes", "summary"]


def audit_rows(*, action: str, actor, job: str, company, items) -> int:
    """Audit entries as `record_many` writes them, `items` yielding (object, changes, summary)."""
    from avstem.audit.models import AuditEntry
    from avstem.ledger.auditing import actor_label

    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    label = actor_label(actor, job)
    now = timezone.now()
    return insert_rows(AuditEntry, AUDIT_FIELDS, (
        (now, user.pk if user else None, label, company.pk, action, obj._meta.label, str(obj.pk), str(obj)[:300],
         changes or {}, summary or "")
        for obj, changes, summary in items))
