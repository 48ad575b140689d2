"""Reading the audit log of one company, filtered."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from .models import AuditEntry


def entries_for(company, *, date_from=None, date_to=None, user_id=None, object_type=None):
    qs = AuditEntry.objects.filter(company=company).select_related("actor")
    if date_from:
        qs = qs.filter(at__date__gte=date_from)
    if date_to:
        qs = qs.filter(at__date__lte=date_to)
    if user_id:
        qs = qs.filter(actor_id=user_id)
    if object_type:
        qs = qs.filter(object_type=object_type)
    return qs


def actors_of(company):
    ids = AuditEntry.objects.filter(company=company).exclude(actor=None).values("actor_id").distinct()
    return get_user_model().objects.filter(pk__in=ids).order_by("email")


def object_types_of(company) -> list[str]:
    return list(
        AuditEntry.objects.filter(company=company).exclude(object_type="").order_by("object_type")
        .values_list("object_type", flat=True).distinct()
    )
