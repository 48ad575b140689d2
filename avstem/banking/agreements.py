"""Bank agreements: ordering and confirming file exchange (R3.6-R3.9), activating an API
agreement (R2), deactivating accounts, tokens, the rules that follow from an agreement (manual
lines while pending, R3.8; payments from one business day after connecting, R1.5), and what the
front page says about each bank account (R1.5, R5.3).
"""

from __future__ import annotations

import datetime
import logging
import os
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from avstem.audit import services as audit
from avstem.ledger.models import Account
from avstem.norway.calendar import add_business_days

from . import crypto
from .banks import Bank
from .models import (
    AgreementAccount,
    AgreementStatus,
    ApprovalMethod,
    BankAccount,
    BankAgreement,
    Connection,
    DailyBalance,
    Kind,
    Service,
)
from .scheduling import next_run_after

log = logging.getLogger("avstem.banking")

CONSENT_WARNING_DAYS = 14
DEFAULT_FEE_ACCOUNT = "7770"  # Bank and card fees
FIELDS = ("bank_name", "connection", "approval_method", "status", "ordered_on", "active_from", "deactivated_on",
          "ocr_agreement", "ocr_agreement_id", "fee_account", "start_date", "operating_account", "payroll_account",
          "tax_withholding_account", "consent_expires", "external_id")


class AgreementError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def today() -> datetime.date:
    return timezone.localdate()


def _day(value: datetime.date) -> str:
    return value.strftime("%d.%m.%Y")


# --- tokens (never shown, never logged) --------------------------------------------------------


def set_tokens(agreement: BankAgreement, tokens) -> None:
    """Store the bank's tokens encrypted; `tokens` is a connector.Tokens. Saves at once."""
    agreement.tokens = crypto.encrypt_json(tokens.secrets())
    agreement.token_expires_at = datetime.datetime.fromtimestamp(tokens.expires_at, tz=datetime.timezone.utc)
    if tokens.consent_expires:
        agreement.consent_expires = tokens.consent_expires
    if agreement.pk:
        agreement.save(update_fields=["tokens", "token_expires_at", "consent_expires", "updated_at"])


def tokens_of(agreement: BankAgreement) -> dict:
    """{"access": ..., "refresh": ...}; empty when there are none."""
    return crypto.decrypt_json(agreement.tokens) if agreement.tokens else {}


# --- rules ---------------------------------------------------------------------------------------


def live_link(account: BankAccount) -> AgreementAccount | None:
    """The agreement covering the account now (ordered or active), with its agreement."""
    return (AgreementAccount.objects.filter(bank_account=account, active=True)
            .exclude(agreement__status=AgreementStatus.DEACTIVATED).select_related("agreement").first())


def manual_line_problem(account: BankAccount, day: datetime.date) -> str | None:
    """R3.8: while a file-exchange agreement waits for the bank, no lines by hand from its
    activation date on (they will come from the bank); earlier dates are fine."""
    link = live_link(account)
    if link is None or not link.agreement.is_pending:
        return None
    activated = link.agreement.ordered_on
    if day >= activated:
        return (_("The bank agreement for %(account)s was activated on %(date)s and is waiting for the bank's "
                  "confirmation. Lines from that date will come from the bank, so they cannot be entered by hand "
                  "now; lines dated before %(date)s can.") % {"account": account.nickname, "date": _day(activated)})
    return None


def first_payment_day(account: BankAccount) -> datetime.date | None:
    """R1.5: payments from the program from one business day after connecting; None: no agreement
    with remittance covers the account."""
    link = live_link(account)
    if link is None or not link.agreement.is_active or not link.has_remittance:
        return None
    connected = max(link.connected_on, link.agreement.active_from or link.connected_on)  # file exchange: confirmed
    return add_business_days(connected, 1)


def can_pay_from(account: BankAccount, on: datetime.date) -> bool:
    """Whether a payment from `account` may be sent to the bank on `on` (the payments issue calls this)."""
    first = first_payment_day(account)
    return first is not None and on >= first


# --- file exchange (R3.6-R3.9) -----------------------------------------------------------------


def _check_accounts(company, accounts: list[BankAccount], exclude_agreement: BankAgreement | None = None) -> None:
    if not accounts:
        raise AgreementError(_("Choose at least one bank account."), "accounts")
    for account in accounts:
        if account.company_id != company.pk:
            raise AgreementError(_("Choose the company's own bank accounts."), "accounts")
        link = live_link(account)
        if link is not None and (exclude_agreement is None or link.agreement_id != exclude_agreement.pk):
            raise AgreementError(_("%(account)s is already covered by the agreement with %(bank)s.")
                                 % {"account": account, "bank": link.agreement.bank_name}, "accounts")


def _check_roles(company, operating, payroll, tax) -> None:
    if operating is None:
        raise AgreementError(_("Choose the operating account."), "operating_account")
    if company.runs_payroll and tax is None:
        raise AgreementError(_("The company runs payroll: choose the tax withholding account."),
                             "tax_withholding_account")
    if tax is not None and tax.kind != Kind.TAX_WITHHOLDING:
        raise AgreementError(_("%(account)s is not a tax withholding account.") % {"account": tax},
                             "tax_withholding_account")


@transaction.atomic
def order_file_agreement(actor, company, bank: Bank, accounts: list[BankAccount], *,
                         approval_method: str = ApprovalMethod.ACCOUNTING, services: str = Service.BOTH,
                         operating_account: BankAccount | None = None, payroll_account: BankAccount | None = None,
                         tax_withholding_account: BankAccount | None = None, ocr_agreement_id: str = "",
                         on: datetime.date | None = None) -> BankAgreement:
    """Activate file exchange in the program and order it at the bank (R3.6)."""
    on = on or today()
    _check_accounts(company, accounts)
    # R3.5: activation needs the operating account or a currency account, with IBAN.
    if not any(a.kind in (Kind.OPERATING, Kind.CURRENCY) and a.iban for a in accounts):
        raise AgreementError(_("File exchange needs the company's operating account or a currency account, "
                               "with its IBAN, among the accounts."), "accounts")
    operating_account = operating_account or next((a for a in accounts if a.kind == Kind.OPERATING), None)
    _check_roles(company, operating_account, payroll_account, tax_withholding_account)
    agreement = BankAgreement(
        company=company, bank_key=bank.key, bank_name=bank.name, bank_bic=bank.bic, connection=Connection.FILE,
        approval_method=approval_method, status=AgreementStatus.ORDERED, ordered_on=on,
        terms_accepted_at=timezone.now(), terms_accepted_by=actor if getattr(actor, "pk", None) else None,
        ocr_agreement=bool(ocr_agreement_id), ocr_agreement_id=ocr_agreement_id, start_date=on,
        fee_account=Account.objects.filter(company=company, number=DEFAULT_FEE_ACCOUNT).first(),
        operating_account=operating_account, payroll_account=payroll_account,
        tax_withholding_account=tax_withholding_account)
    try:
        with transaction.atomic():
            agreement.save()
    except IntegrityError:
        raise AgreementError(_("The company already has an agreement with %(bank)s. Change that one instead.")
                             % {"bank": bank.name}) from None
    AgreementAccount.objects.bulk_create([
        AgreementAccount(agreement=agreement, bank_account=a, services=services, connected_on=on) for a in accounts])
    audit.record(action="bank_agreement.order", actor=actor, company=company, obj=agreement,
                 changes=audit.diff({}, audit.snapshot(agreement, FIELDS)),
                 summary=", ".join(a.account_number for a in accounts))
    _order_at_sandbox(agreement, accounts)
    return agreement


def _back_office():
    from .connector import SandboxBackOffice

    # The demo starts the sandbox bank after the settings are read and shares its key by environment.
    key = settings.SANDBOX_ADMIN_KEY or os.environ.get("AVSTEM_SANDBOX_ADMIN_KEY", "")
    return SandboxBackOffice(settings.BANK_API_URL, key) if key else None


def _order_at_sandbox(agreement: BankAgreement, accounts: list[BankAccount]) -> None:
    """Against the sandbox bank the program places the order itself (a real bank takes it at the
    counter); it confirms after BANK_FILE_AGREEMENT_CONFIRM_DAYS business days. The order carries
    the activation date (`ordered_on`), so the bank delivers statements from that very day (R3.7),
    the waiting period's once it is active."""
    office = _back_office()
    if office is None:
        return
    from .connector import BankError

    try:
        answer = office.order_agreement(agreement.company.org_number, [a.account_number for a in accounts],
                                        settings.BANK_FILE_AGREEMENT_CONFIRM_DAYS, statements_from=agreement.ordered_on)
    except BankError as exc:
        log.warning("ordering file exchange for agreement %s at the sandbox bank failed: %s", agreement.pk, exc)
        return
    agreement.external_id = answer.get("id", "")
    expected = answer.get("active_from")
    agreement.active_from = datetime.date.fromisoformat(expected) if expected else None
    agreement.save(update_fields=["external_id", "active_from", "updated_at"])


def expected_confirmation(agreement: BankAgreement) -> datetime.date:
    """When the bank is expected to confirm: as it said, else 1-3 business days after ordering."""
    return agreement.active_from or add_business_days(agreement.ordered_on, settings.BANK_FILE_AGREEMENT_CONFIRM_DAYS)


@transaction.atomic
def confirm_file_agreement(agreement: BankAgreement, active_from: datetime.date, *, actor=None, job: str = "") -> BankAgreement:
    """The bank confirmed: statements come from the activation date (R3.7); lines for the waiting
    period may now be entered by hand (R3.8)."""
    agreement = BankAgreement.objects.select_for_update().get(pk=agreement.pk)
    if not agreement.is_pending:
        return agreement
    before = audit.snapshot(agreement, FIELDS)
    agreement.status, agreement.active_from = AgreementStatus.ACTIVE, active_from
    agreement.next_sync_at = next_run_after(timezone.now(), agreement.sync_time)
    agreement.save()
    audit.record(action="bank_agreement.confirm", actor=actor, job=job, company=agreement.company, obj=agreement,
                 changes=audit.diff(before, audit.snapshot(agreement, FIELDS)))
    return agreement


def check_with_bank(agreement: BankAgreement) -> BankAgreement:
    """Ask the sandbox bank whether an ordered file agreement is active yet (the scheduler does)."""
    office = _back_office()
    if office is None or not agreement.is_pending or not agreement.external_id:
        return agreement
    from .connector import BankError

    try:
        answers = office.agreements(agreement.company.org_number)
    except BankError as exc:
        log.warning("checking agreement %s at the sandbox bank failed: %s", agreement.pk, exc)
        return agreement
    answer = next((a for a in answers if a.get("id") == agreement.external_id), None)
    if answer and answer.get("status") == "active":
        return confirm_file_agreement(agreement, datetime.date.fromisoformat(answer["active_from"]),
                                      job="bank-agreement-check")
    return agreement


@transaction.atomic
def deactivate_accounts(actor, agreement: BankAgreement, accounts: list[BankAccount],
                        on: datetime.date | None = None) -> BankAgreement:
    """R3.9: stop the agreement for these accounts; with none left, the agreement ends."""
    on = on or today()
    agreement = BankAgreement.objects.select_for_update().get(pk=agreement.pk)
    links = list(AgreementAccount.objects.filter(agreement=agreement, active=True, bank_account__in=accounts)
                 .select_related("bank_account"))
    names = [str(link.bank_account) for link in links]
    numbers = [link.bank_account.account_number for link in links]
    AgreementAccount.objects.filter(pk__in=[link.pk for link in links]).update(active=False, deactivated_on=on)
    if names:
        audit.record(action="bank_agreement.deactivate_accounts", actor=actor, company=agreement.company,
                     obj=agreement, summary=", ".join(names))
    remaining = AgreementAccount.objects.filter(agreement=agreement, active=True).exists()
    if remaining and numbers and agreement.connection == Connection.FILE and agreement.external_id:
        office = _back_office()
        if office is not None:  # the bank stops the files of these accounts only
            external_id = agreement.external_id
            transaction.on_commit(lambda: _deactivate_at_sandbox(office, external_id, numbers))
    if not remaining:
        before = audit.snapshot(agreement, FIELDS)
        agreement.status, agreement.deactivated_on, agreement.next_sync_at = AgreementStatus.DEACTIVATED, on, None
        agreement.tokens = ""
        agreement.save()
        audit.record(action="bank_agreement.deactivate", actor=actor, company=agreement.company, obj=agreement,
                     changes=audit.diff(before, audit.snapshot(agreement, FIELDS)))
        office = _back_office()
        if office is not None and agreement.external_id and agreement.connection == Connection.FILE:
            transaction.on_commit(lambda: _deactivate_at_sandbox(office, agreement.external_id))
    return agreement


def _deactivate_at_sandbox(office, external_id: str, accounts: list[str] | None = None) -> None:
    from .connector import BankError

    try:
        office.deactivate(external_id, accounts)
    except BankError as exc:
        log.warning("ending agreement %s at the sandbox bank failed: %s", external_id, exc)


@transaction.atomic
def set_auto_reconcile(actor, link: AgreementAccount, on: bool) -> None:
    if link.auto_reconcile != on:
        AgreementAccount.objects.filter(pk=link.pk).update(auto_reconcile=on)
        audit.record(action="bank_agreement.auto_reconcile", actor=actor, company=link.agreement.company,
                     obj=link.agreement, changes={"auto_reconcile": [not on, on]}, summary=str(link.bank_account))


# --- what the front page says (R1.5, R5.3) -------------------------------------------------------


def automation_url(company_id: int) -> str | None:
    """Settings > Automation (the reconciliation context's page), when it is installed."""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("reconciliation:automation", args=[company_id])
    except NoReverseMatch:
        return None


@dataclass
class AccountStatus:
    account: BankAccount
    link: AgreementAccount | None
    balance: int  # øre; 0 until the first sync after connecting (R1.5)
    balance_date: datetime.date | None
    last_sync: datetime.datetime | None
    problem: str | None
    consent_warning: str | None
    gaps: list[DailyBalance]
    payments_from: datetime.date | None

    @property
    def agreement(self) -> BankAgreement | None:
        return self.link.agreement if self.link else None

    @property
    def automation_url(self) -> str | None:
        return automation_url(self.account.company_id)


def account_status(account: BankAccount, now: datetime.datetime | None = None) -> AccountStatus:
    now = now or timezone.now()
    link = live_link(account)
    agreement = link.agreement if link else None
    latest = (DailyBalance.objects.filter(bank_account=account, closing_booked__isnull=False, final=True)
              .order_by("-date").first())  # the last closed day: today's figures are interim
    synced = link is not None and link.first_synced_at is not None
    show_balance = latest is not None and (link is None or synced)
    gaps = list(DailyBalance.objects.filter(bank_account=account, gap__isnull=False).order_by("-date")[:3])
    return AccountStatus(
        account=account, link=link,
        balance=latest.closing_booked if show_balance else 0,  # type: ignore[union-attr]
        balance_date=latest.date if show_balance else None,  # type: ignore[union-attr]
        last_sync=agreement.last_sync_at if agreement else None,
        problem=_problem(account, link, now),
        consent_warning=consent_warning(agreement, now.date()) if agreement else None,
        gaps=gaps, payments_from=first_payment_day(account))


def _problem(account: BankAccount, link: AgreementAccount | None, now: datetime.datetime) -> str | None:
    """R5.3: tell "the bank sends no statements" from "statements arrive but automatic
    reconciliation is off"."""
    from .models import BankLine, Source

    if link is None:
        return None
    agreement = link.agreement
    if agreement.is_pending:
        return (_("Waiting for %(bank)s to confirm the agreement ordered on %(date)s (expected by %(expected)s).")
                % {"bank": agreement.bank_name, "date": _day(agreement.ordered_on),
                   "expected": _day(expected_confirmation(agreement))})
    if not link.has_statements:
        return _("The agreement does not include statements for this account, so no bank lines arrive. "
                 "Add the service “Statements and reconciliation” to the agreement.")
    if agreement.last_sync_error:
        return _("The last sync failed: %(error)s") % {"error": agreement.last_sync_error}
    received = BankLine.objects.filter(bank_account=account).exclude(source__in=[Source.MANUAL, Source.CSV]).exists()
    waited = (agreement.active_from or agreement.ordered_on) < now.date() - datetime.timedelta(days=3)
    if not received and waited:
        return (_("The bank has sent no statements since %(date)s. Ask %(bank)s whether they send account "
                  "statements (camt.053) for this account.")
                % {"date": _day(agreement.active_from or agreement.ordered_on), "bank": agreement.bank_name})
    if received and not link.auto_reconcile:
        return _("Statements arrive, but automatic reconciliation is off for this account. Switch it on under "
                 "Settings > Automation.")
    return None


def consent_warning(agreement: BankAgreement, on: datetime.date) -> str | None:
    """The PSD2-style consent expiry, shown ahead of time (R2 API agreements)."""
    if agreement.connection != Connection.API or agreement.consent_expires is None or not agreement.is_active:
        return None
    days = (agreement.consent_expires - on).days
    if days < 0:
        return _("The consent given to %(bank)s expired on %(date)s: nothing is fetched until it is renewed.") % {
            "bank": agreement.bank_name, "date": _day(agreement.consent_expires)}
    if days <= CONSENT_WARNING_DAYS:
        return _("The consent given to %(bank)s expires on %(date)s. Renew it to keep the bank sync running.") % {
            "bank": agreement.bank_name, "date": _day(agreement.consent_expires)}
    return None
