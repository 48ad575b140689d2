from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import field_validator

from avstem.companies.access import membership_for
from avstem.companies.models import Permission
from avstem.norway import accounts
from avstem.norway.errors import InvalidNumber
from avstem.web.validators import api_checked

from . import services
from .lookup import bank_details
from .models import BankAccount, Kind

router = Router(tags=["banking"])


class BankAccountOut(Schema):
    id: int
    nickname: str
    kind: Kind
    account_number: str
    iban: str
    bic: str
    bank_name: str
    currency: str
    gl_account: str
    is_default_operating: bool
    active: bool


class BankAccountIn(Schema):
    nickname: str
    kind: Kind = Kind.OPERATING
    account_number: str
    currency: str = "NOK"
    gl_account: str  # the GL account number, e.g. "1920"
    is_default_operating: bool = False
    active: bool = True

    @field_validator("account_number")
    @classmethod
    def _account_number(cls, v: str) -> str:
        return api_checked(accounts.validate_account_number, v)


class BankAccountPatch(Schema):
    nickname: str | None = None
    kind: Kind | None = None
    currency: str | None = None
    gl_account: str | None = None
    is_default_operating: bool | None = None
    active: bool | None = None


class BankDetailsOut(Schema):
    account_number: str
    iban: str
    bic: str
    bank_name: str


def _out(a: BankAccount) -> BankAccountOut:
    return BankAccountOut(id=a.pk, nickname=a.nickname, kind=a.kind, account_number=a.account_number, iban=a.iban,
                          bic=a.bic, bank_name=a.bank_name, currency=a.currency, gl_account=a.gl_account.number,
                          is_default_operating=a.is_default_operating, active=a.active)


def _fields(company, data: dict) -> dict:
    from avstem.ledger.models import Account

    if "gl_account" in data:
        number = data["gl_account"]
        data["gl_account"] = Account.objects.filter(company=company, number=number).first()
        if data["gl_account"] is None:
            raise HttpError(422, f"GL account {number} does not exist in this company.")
    return data


@router.get("/banks/lookup", response=BankDetailsOut, summary="Bank, BIC and IBAN of an account number")
def lookup(request, account_number: str):
    try:
        return bank_details(account_number)
    except InvalidNumber as exc:
        raise HttpError(422, f"{exc.message_en} ({exc.detail})") from None


@router.get("/companies/{company_id}/bank-accounts", response=list[BankAccountOut])
def list_bank_accounts(request, company_id: int):
    company = membership_for(request.user, company_id).company
    return [_out(a) for a in BankAccount.objects.filter(company=company).select_related("gl_account")]


@router.post("/companies/{company_id}/bank-accounts", response={201: BankAccountOut})
def create_bank_account(request, company_id: int, payload: BankAccountIn):
    company = membership_for(request.user, company_id, Permission.CHANGE).company
    try:
        account = services.create_bank_account(request.user, company, **_fields(company, payload.dict()))
    except services.BankAccountError as exc:
        raise HttpError(422, str(exc)) from None
    return Status(201, _out(account))


@router.get("/companies/{company_id}/bank-accounts/{bank_account_id}", response=BankAccountOut)
def get_bank_account(request, company_id: int, bank_account_id: int):
    company = membership_for(request.user, company_id).company
    return _out(get_object_or_404(BankAccount, pk=bank_account_id, company=company))


@router.patch("/companies/{company_id}/bank-accounts/{bank_account_id}", response=BankAccountOut)
def update_bank_account(request, company_id: int, bank_account_id: int, payload: BankAccountPatch):
    company = membership_for(request.user, company_id, Permission.CHANGE).company
    account = get_object_or_404(BankAccount, pk=bank_account_id, company=company)
    try:
        fields = _fields(company, payload.dict(exclude_unset=True))
        return _out(services.update_bank_account(request.user, account, **fields))
    except services.BankAccountError as exc:
        raise HttpError(422, str(exc)) from None
