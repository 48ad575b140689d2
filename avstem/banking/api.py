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


# --- agreements, bank lines, balances, syncs (no secret ever leaves: tokens are not in any schema) ---

import datetime  # noqa: E402
from decimal import Decimal  # noqa: E402

from avstem.ledger.money import from_ore  # noqa: E402

from .models import AgreementAccount, BankAgreement, DailyBalance, SyncRun  # noqa: E402


class AgreementAccountOut(Schema):
    bank_account_id: int
    account_number: str
    services: str
    active: bool
    connected_on: datetime.date
    synced_through: datetime.date | None
    auto_reconcile: bool


class AgreementOut(Schema):
    id: int
    bank: str
    bic: str
    connection: str
    approval_method: str
    status: str
    ordered_on: datetime.date
    active_from: datetime.date | None
    deactivated_on: datetime.date | None
    start_date: datetime.date | None
    fee_account: str | None
    consent_expires: datetime.date | None
    last_sync_at: datetime.datetime | None
    last_sync_error: str
    accounts: list[AgreementAccountOut]


class DetailOut(Schema):
    amount: Decimal | None
    kid: str
    creditor_references: list[str]
    remittance: str
    end_to_end_id: str
    counterparty_name: str
    counterparty_account: str


class LineOut(Schema):
    id: int
    date: datetime.date
    booking_date: datetime.date | None
    value_date: datetime.date | None
    status: str
    amount: Decimal
    currency: str
    reference: str | None
    description: str
    counterparty_name: str
    sources: list[str]
    reconciliation_status: str
    removed: bool
    remove_reason: str
    details: list[DetailOut]


class BalanceOut(Schema):
    date: datetime.date
    opening_booked: Decimal | None
    closing_booked: Decimal | None
    available: Decimal | None
    final: bool
    gap: Decimal | None


class RunOut(Schema):
    id: int
    kind: str
    status: str
    progress_done: int
    progress_total: int
    lines_new: int
    lines_updated: int
    message: str


def _money(ore):
    return None if ore is None else from_ore(ore)


def _agreement_out(a: BankAgreement) -> AgreementOut:
    links = AgreementAccount.objects.filter(agreement=a).select_related("bank_account")
    return AgreementOut(
        id=a.pk, bank=a.bank_name, bic=a.bank_bic, connection=a.connection, approval_method=a.approval_method,
        status=a.status, ordered_on=a.ordered_on, active_from=a.active_from, deactivated_on=a.deactivated_on,
        start_date=a.start_date, fee_account=a.fee_account.number if a.fee_account else None,
        consent_expires=a.consent_expires, last_sync_at=a.last_sync_at, last_sync_error=a.last_sync_error,
        accounts=[AgreementAccountOut(bank_account_id=link.bank_account_id, account_number=link.bank_account.account_number,
                                      services=link.services, active=link.active, connected_on=link.connected_on,
                                      synced_through=link.synced_through, auto_reconcile=link.auto_reconcile)
                  for link in links])


def _run_out(run: SyncRun) -> RunOut:
    return RunOut(id=run.pk, kind=run.kind, status=run.status, progress_done=run.progress_done,
                  progress_total=run.progress_total, lines_new=run.lines_new, lines_updated=run.lines_updated,
                  message=run.message)


@router.get("/companies/{company_id}/bank-agreements", response=list[AgreementOut], summary="Bank agreements")
def list_agreements(request, company_id: int):
    company = membership_for(request.user, company_id).company
    return [_agreement_out(a) for a in BankAgreement.objects.filter(company=company).select_related("fee_account")]


@router.get("/companies/{company_id}/bank-agreements/{agreement_id}", response=AgreementOut)
def get_agreement(request, company_id: int, agreement_id: int):
    company = membership_for(request.user, company_id).company
    return _agreement_out(get_object_or_404(BankAgreement, pk=agreement_id, company=company))


@router.post("/companies/{company_id}/bank-agreements/{agreement_id}/fetch", response={202: RunOut},
             summary="Fetch statements now (R5.5); poll the run for progress")
def fetch_statements(request, company_id: int, agreement_id: int):
    from .sync import start_run

    company = membership_for(request.user, company_id, Permission.CHANGE).company
    agreement = get_object_or_404(BankAgreement, pk=agreement_id, company=company)
    if not agreement.is_active:
        raise HttpError(409, "The agreement is not active.")
    return Status(202, _run_out(start_run(agreement, actor=request.user)))


@router.get("/companies/{company_id}/sync-runs/{run_id}", response=RunOut)
def get_run(request, company_id: int, run_id: int):
    company = membership_for(request.user, company_id).company
    return _run_out(get_object_or_404(SyncRun, pk=run_id, agreement__company=company))


@router.get("/companies/{company_id}/bank-accounts/{bank_account_id}/lines", response=list[LineOut],
            summary="Bank lines with their transaction details (R5.4)")
def list_lines(request, company_id: int, bank_account_id: int, date_from: datetime.date | None = None,
               date_to: datetime.date | None = None, include_removed: bool = False):
    from . import lines

    company = membership_for(request.user, company_id).company
    account = get_object_or_404(BankAccount, pk=bank_account_id, company=company)
    rows = lines.lines(account, date_from, date_to, include_removed=include_removed).prefetch_related("details")
    return [LineOut(
        id=line.pk, date=line.date, booking_date=line.booking_date, value_date=line.value_date, status=line.status,
        amount=from_ore(line.amount), currency=line.currency, reference=line.ref, description=line.description,
        counterparty_name=line.counterparty_name, sources=line.source_list(),
        reconciliation_status=line.reconciliation_status, removed=line.deleted_at is not None,
        remove_reason=line.delete_reason,
        details=[DetailOut(amount=_money(d.amount), kid=d.kid, creditor_references=d.creditor_references,
                           remittance=d.remittance, end_to_end_id=d.end_to_end_id,
                           counterparty_name=d.counterparty_name, counterparty_account=d.counterparty_account)
                 for d in line.details.all()])
        for line in rows[:5000]]


@router.get("/companies/{company_id}/bank-accounts/{bank_account_id}/balances", response=list[BalanceOut],
            summary="The bank's balances per day")
def list_balances(request, company_id: int, bank_account_id: int, date_from: datetime.date | None = None,
                  date_to: datetime.date | None = None):
    company = membership_for(request.user, company_id).company
    account = get_object_or_404(BankAccount, pk=bank_account_id, company=company)
    rows = DailyBalance.objects.filter(bank_account=account).order_by("date")
    if date_from:
        rows = rows.filter(date__gte=date_from)
    if date_to:
        rows = rows.filter(date__lte=date_to)
    return [BalanceOut(date=b.date, opening_booked=_money(b.opening_booked), closing_booked=_money(b.closing_booked),
                       available=_money(b.available), final=b.final, gap=_money(b.gap)) for b in rows]
