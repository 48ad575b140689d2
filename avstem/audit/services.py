"""Writing the audit log. Services call `record` inside their own transaction."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable
from typing import Any

from django.db import models

from .models import AuditEntry

SYSTEM = None  # the actor of jobs: pass `job="..."` to name the job


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime, decimal.Decimal)):
        return value.isoformat() if hasattr(value, "isoformat") else str(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of `fields`, in a form the audit log can store."""
    return {name: _jsonable(getattr(instance, name)) for name in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for every field that changed."""
    keys = before.keys() | after.keys()
    return {k: [before.get(k), after.get(k)] for k in sorted(keys) if before.get(k) != after.get(k)}


def record(
    *,
    action: str,
    actor=None,
    job: str = "",
    company=None,
    obj: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    summary: str = "",
) -> AuditEntry:
    """Append one entry. `actor` is the user; jobs pass `job` instead."""
    if actor is not None and not actor.is_authenticated:
        actor = None
    return AuditEntry.objects.create(
        actor=actor,
        actor_label=(actor.email if actor is not None else f"job:{job or 'system'}"),
        company=company,
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        changes=changes or {},
        summary=summary,
    )
