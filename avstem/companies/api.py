import datetime

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import field_validator

from avstem.norway import identifiers
from avstem.web.validators import api_checked

from . import services
from .access import companies_of, membership_for
from .models import Membership, Permission, Role

router = Router(tags=["companies"])


class CompanyOut(Schema):
    id: int
    name: str
    org_number: str
    address: str
    postal_code: str
    city: str
    conversion_date: datetime.date
    fiscal_year_start_month: int
    runs_payroll: bool


class CompanyIn(Schema):
    name: str
    org_number: str
    address: str = ""
    postal_code: str = ""
    city: str = ""
    conversion_date: datetime.date
    fiscal_year_start_month: int = 1
    runs_payroll: bool = False

    @field_validator("org_number")
    @classmethod
    def _org_number(cls, v: str) -> str:
        return api_checked(identifiers.validate_organisation_number, v)

    @field_validator("postal_code")
    @classmethod
    def _postal_code(cls, v: str) -> str:
        return api_checked(identifiers.validate_postal_code, v) if v else v

    @field_validator("fiscal_year_start_month")
    @classmethod
    def _month(cls, v: int) -> int:
        if not 1 <= v <= 12:
            raise ValueError("month must be 1-12")
        return v


class CompanyPatch(CompanyIn):
    name: str | None = None
    org_number: str | None = None
    conversion_date: datetime.date | None = None


class MembershipOut(Schema):
    id: int
    user_email: str
    user_name: str
    role: Role


class MembershipIn(Schema):
    email: str
    role: Role


class RoleIn(Schema):
    role: Role


def _membership_out(m: Membership) -> MembershipOut:
    return MembershipOut(id=m.pk, user_email=m.user.email, user_name=m.user.name, role=m.role)


@router.get("", response=list[CompanyOut], summary="Companies the user belongs to")
def list_companies(request):
    return list(companies_of(request.user))


@router.post("", response={201: CompanyOut}, summary="Create a company (you become its owner)")
def create_company(request, payload: CompanyIn):
    from .models import Company

    if Company.objects.filter(org_number=payload.org_number).exists():
        raise HttpError(409, "A company with this organisation number is already registered.")
    return Status(201, services.create_company(request.user, **payload.dict()))


@router.get("/{company_id}", response=CompanyOut)
def get_company(request, company_id: int):
    return membership_for(request.user, company_id).company


@router.patch("/{company_id}", response=CompanyOut)
def update_company(request, company_id: int, payload: CompanyPatch):
    company = membership_for(request.user, company_id, Permission.MANAGE).company
    return services.update_company(request.user, company, **payload.dict(exclude_unset=True))


@router.get("/{company_id}/memberships", response=list[MembershipOut])
def list_memberships(request, company_id: int):
    company = membership_for(request.user, company_id).company
    return [_membership_out(m) for m in company.memberships.select_related("user").order_by("user__email")]


@router.post("/{company_id}/memberships", response={201: MembershipOut})
def add_membership(request, company_id: int, payload: MembershipIn):
    company = membership_for(request.user, company_id, Permission.MANAGE).company
    try:
        return Status(201, _membership_out(services.add_member(request.user, company, payload.email, payload.role)))
    except services.MembershipError as exc:
        raise HttpError(400, str(exc)) from None


@router.patch("/{company_id}/memberships/{membership_id}", response=MembershipOut)
def change_membership(request, company_id: int, membership_id: int, payload: RoleIn):
    membership_for(request.user, company_id, Permission.MANAGE)
    membership = get_object_or_404(Membership, pk=membership_id, company_id=company_id)
    try:
        return _membership_out(services.change_role(request.user, membership, payload.role))
    except services.MembershipError as exc:
        raise HttpError(400, str(exc)) from None


@router.delete("/{company_id}/memberships/{membership_id}", response={204: None})
def remove_membership(request, company_id: int, membership_id: int):
    membership_for(request.user, company_id, Permission.MANAGE)
    membership = get_object_or_404(Membership, pk=membership_id, company_id=company_id)
    try:
        services.remove_member(request.user, membership)
    except services.MembershipError as exc:
        raise HttpError(400, str(exc)) from None
    return Status(204, None)
