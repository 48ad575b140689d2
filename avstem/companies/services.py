"""Company services: every change is one transaction with its audit entry."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from avstem.audit import services as audit

from .models import Company, Membership, Role

COMPANY_FIELDS = (
    "name",
    "org_number",
    "address",
    "postal_code",
    "city",
    "conversion_date",
    "fiscal_year_start_month",
    "runs_payroll",
)


class MembershipError(ValueError):
    """A membership change that would leave the company in a bad state."""


@transaction.atomic
def create_company(actor, **fields) -> Company:
    """Create a company; its creator becomes its owner."""
    company = Company.objects.create(**fields)
    Membership.objects.create(user=actor, company=company, role=Role.OWNER)
    audit.record(
        action="company.create",
        actor=actor,
        company=company,
        obj=company,
        changes=audit.diff({}, audit.snapshot(company, COMPANY_FIELDS)),
    )
    return company


@transaction.atomic
def update_company(actor, company: Company, **fields) -> Company:
    company = Company.objects.select_for_update().get(pk=company.pk)
    before = audit.snapshot(company, COMPANY_FIELDS)
    for name, value in fields.items():
        if name not in COMPANY_FIELDS:
            raise TypeError(f"unknown company field {name}")
        setattr(company, name, value)
    company.full_clean()
    company.save()
    changes = audit.diff(before, audit.snapshot(company, COMPANY_FIELDS))
    if changes:
        audit.record(action="company.update", actor=actor, company=company, obj=company, changes=changes)
    return company


def _owners_left(company: Company, excluding: Membership) -> bool:
    return (
        Membership.objects.filter(company=company, role=Role.OWNER).exclude(pk=excluding.pk).exists()
    )


@transaction.atomic
def add_member(actor, company: Company, email: str, role: str) -> Membership:
    user = get_user_model().objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise MembershipError(_("No user has the e-mail address %(email)s.") % {"email": email})
    membership, created = Membership.objects.get_or_create(user=user, company=company, defaults={"role": role})
    if not created:
        raise MembershipError(_("%(email)s is already a member.") % {"email": user.email})
    audit.record(
        action="membership.create",
        actor=actor,
        company=company,
        obj=membership,
        changes={"user": [None, user.email], "role": [None, role]},
    )
    return membership


@transaction.atomic
def change_role(actor, membership: Membership, role: str) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == Role.OWNER and role != Role.OWNER and not _owners_left(membership.company, membership):
        raise MembershipError(_("A company must have at least one owner."))
    before = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    if before != role:
        audit.record(
            action="membership.update",
            actor=actor,
            company=membership.company,
            obj=membership,
            changes={"role": [before, role]},
        )
    return membership


@transaction.atomic
def remove_member(actor, membership: Membership) -> None:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == Role.OWNER and not _owners_left(membership.company, membership):
        raise MembershipError(_("A company must have at least one owner."))
    audit.record(
        action="membership.delete",
        actor=actor,
        company=membership.company,
        obj=membership,
        changes={"user": [membership.user.email, None], "role": [membership.role, None]},
    )
    membership.delete()
