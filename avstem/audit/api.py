import datetime

from ninja import Query, Router, Schema

from avstem.companies.access import membership_for
from avstem.companies.models import Permission

from .queries import entries_for

router = Router(tags=["audit"])


class AuditOut(Schema):
    id: int
    at: datetime.datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    object: str
    changes: dict
    summary: str


class AuditFilter(Schema):
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    user_id: int | None = None
    object_type: str | None = None
    limit: int = 100
    offset: int = 0


@router.get("/{company_id}/audit", response=list[AuditOut], summary="The company's audit log, newest first")
def audit_log(request, company_id: int, filters: Query[AuditFilter]):
    company = membership_for(request.user, company_id, Permission.AUDIT).company
    qs = entries_for(
        company, date_from=filters.date_from, date_to=filters.date_to, user_id=filters.user_id,
        object_type=filters.object_type,
    )[filters.offset : filters.offset + min(filters.limit, 1000)]
    return [
        AuditOut(id=e.pk, at=e.at, actor=e.actor_label, action=e.action, object_type=e.object_type,
                 object_id=e.object_id, object=e.object_repr, changes=e.changes, summary=e.summary)
        for e in qs
    ]
