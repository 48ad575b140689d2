"""Who may see and change which company. Every company-scoped view and API operation goes
through `membership_for`: a non-member gets 404 (the company's existence is not revealed),
a member without the permission gets 403."""

from __future__ import annotations

import functools

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Membership, Permission

SESSION_KEY = "avstem_company_id"


def membership_for(user, company_id, permission: str = Permission.VIEW) -> Membership:
    if not user.is_authenticated:
        raise Http404
    try:
        membership = Membership.objects.select_related("company").get(user=user, company_id=company_id)
    except (Membership.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not membership.allows(permission):
        raise PermissionDenied(permission)
    return membership


def company_view(permission: str = Permission.VIEW, *, write: str | None = None):
    """Decorate a view taking `company_id`: sets request.company and request.membership.

    `write` is the permission needed for unsafe methods (POST, ...); it defaults to CHANGE
    when the view's read permission is VIEW, else to the read permission itself.
    """
    write_permission = write or (Permission.CHANGE if permission == Permission.VIEW else permission)

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, company_id, *args, **kwargs):
            needed = permission if request.method in ("GET", "HEAD", "OPTIONS") else write_permission
            membership = membership_for(request.user, company_id, needed)
            request.membership = membership
            request.company = membership.company
            request.session[SESSION_KEY] = membership.company_id
            return view(request, membership.company.pk, *args, **kwargs)

        wrapper.company_scoped = True  # the isolation test checks every company URL has this
        return wrapper

    return decorator


def companies_of(user):
    from .models import Company

    if not user.is_authenticated:
        return Company.objects.none()
    return Company.objects.filter(memberships__user=user).order_by("name")
