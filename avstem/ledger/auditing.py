"""Audit entries for many objects at once, for the batch services (`post_vouchers`,
`settle_many`, the reconciliation's automatic run).

Writes exactly what `avstem.audit.services.record` writes, one entry per object, as plain rows in
one insert per batch instead of one per object.
"""

from __future__ import annotations

from django.utils import timezone

from avstem.audit.models import AuditEntry

from .rows import insert_rows

FIELDS = ["at", "actor", "actor_label", "company", "action", "object_type", "object_id", "object_repr", "changes",
          "summary"]


def actor_label(actor, job: str = "") -> str:
    if actor is not None and getattr(actor, "is_authenticated", False):
        return actor.email
    return f"job:{job or 'system'}"


def record_many(*, action: str, actor=None, job: str = "", company=None, items, describe=str) -> int:
    """`items` yields (object, changes, summary); returns how many entries were written.
    `describe` names an object (its str, unless the caller has a quicker way for many)."""
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    label = actor_label(actor, job)
    now = timezone.now()
    company_id = company.pk if company is not None else None
    return insert_rows(AuditEntry, FIELDS, (
        (now, user.pk if user else None, label, company_id, action, obj._meta.label, str(obj.pk), describe(obj)[:300],
         changes or {}, summary or "")
        for obj, changes, summary in items))
