"""Audit entries for many objects at once, for the batch services (`post_vouchers`).

Writes exactly what `avstem.audit.services.record` writes, one entry per object, with one
INSERT per batch instead of one per object.
"""

from __future__ import annotations

from avstem.audit.models import AuditEntry


def actor_label(actor, job: str = "") -> str:
    if actor is not None and getattr(actor, "is_authenticated", False):
        return actor.email
    return f"job:{job or 'system'}"


def record_many(*, action: str, actor=None, job: str = "", company=None, items) -> None:
    """`items` yields (object, changes, summary)."""
    if actor is not None and not actor.is_authenticated:
        actor = None
    label = actor_label(actor, job)
    entries = [
        AuditEntry(
            actor=actor,
            actor_label=label,
            company=company,
            action=action,
            object_type=obj._meta.label,
            object_id=str(obj.pk),
            object_repr=str(obj)[:300],
            changes=changes or {},
            summary=summary,
        )
        for obj, changes, summary in items
    ]
    AuditEntry.objects.bulk_create(entries, batch_size=1000)
