"""API onboarding (R2): Settings > Bank accounts > Agreements > "Connect service" on a bank's card.

    begin()          PKCE + state, the bank's consent page (BankID in production)     R2.4
    callback()       code -> tokens (encrypted), the accounts the user may administer R2.4
    accounts step    choose accounts, a GL account each (never one for two)          R2.5
    services step    remittance, reconciliation or both per account                   R2.6
    fee step         the GL account for bank fees                                     R2.7
    start step       reconciliation start date, not before the conversion date        R2.8
    balance check    bank vs ledger on the start date: go on, correct, or exclude     R2.8
    roles step       operating, payroll and tax withholding accounts                  R2.9
    finish()         accounts created, agreement active, the first sync queued        R2.3

The wizard's state lives in the user's session (a dict); the tokens and the PKCE verifier in it
are encrypted. Running it again for a bank with an agreement changes that agreement: the same
bank accounts, the same agreement, links switched on or off — nothing duplicated (R2.11).
"""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from avstem.audit import services as audit
from avstem.ledger.models import Account, Posting, Series
from avstem.ledger.reports import balance as ledger_balance
from avstem.norway.accounts import format_account_number

from . import crypto
from .agreements import FIELDS as AGREEMENT_FIELDS
from .agreements import DEFAULT_FEE_ACCOUNT, AgreementError, set_tokens
from .banks import Bank
from .connector import BankApi, BankError, Tokens, pkce_pair
from .models import (
    AgreementAccount,
    AgreementStatus,
    ApprovalMethod,
    BankAccount,
    BankAgreement,
    Connection,
    Kind,
    RunKind,
    Service,
)
from .scheduling import next_run_after

SESSION_KEY = "bank_onboarding"
STEPS = ("accounts", "services", "fee", "start", "balance", "roles")


class OnboardingError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def api_for(bank: Bank) -> BankApi:
    return BankApi(bank.api_url or settings.BANK_API_URL, settings.BANK_CLIENT_ID,
                   max_wait=float(settings.BANK_RETRY_MAX_WAIT))


def live_agreement(company, bank_key: str) -> BankAgreement | None:
    return (BankAgreement.objects.filter(company=company, bank_key=bank_key, connection=Connection.API)
            .exclude(status=AgreementStatus.DEACTIVATED).first())


# --- consent -----------------------------------------------------------------------------------------


def begin(session, company, bank: Bank, redirect_uri: str, *, preset: dict | None = None, renew: bool = False) -> str:
    """Start over: a new state and PKCE pair; returns the bank's consent URL to redirect to."""
    if not bank.has_api:
        raise OnboardingError(_("%(bank)s offers no direct integration; order file exchange instead.")
                              % {"bank": bank.name})
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(24)
    session[SESSION_KEY] = {
        "company_id": company.pk, "bank_key": bank.key, "state": state, "redirect_uri": redirect_uri,
        "verifier": crypto.encrypt(verifier), "renew": renew, "preset": preset or {}, "step": "consent",
    }
    session.modified = True
    return api_for(bank).authorize_url(redirect_uri, state, challenge)


def state_of(session, company=None) -> dict | None:
    data = session.get(SESSION_KEY)
    if not data or (company is not None and data.get("company_id") != company.pk):
        return None
    return data


def _save(session, data: dict) -> None:
    session[SESSION_KEY] = data
    session.modified = True


def callback(session, query: dict, bank: Bank, company) -> dict:
    """The bank sent the user back: check state, exchange the code, read the accounts."""
    data = state_of(session, company)
    if data is None or not secrets.compare_digest(str(query.get("state", "")), data["state"]):
        raise OnboardingError(_("The answer from the bank does not belong to this connection. Start again."))
    if query.get("error"):
        raise OnboardingError(_("The bank did not give access (%(reason)s).")
                              % {"reason": query.get("error_description") or query["error"]})
    api = api_for(bank)
    try:
        tokens = api.exchange_code(str(query.get("code", "")), data["redirect_uri"], crypto.decrypt(data["verifier"]))
        info = api.accounts(tokens.access_token)
    except BankError as exc:
        raise OnboardingError(_("The bank refused the connection (%(reason)s). Start again.")
                              % {"reason": exc.code or exc.status}) from None
    if tokens.org_number and tokens.org_number != company.org_number:
        raise OnboardingError(_("The consent was given for organisation number %(given)s, but this company is "
                                "%(own)s. Start again and choose %(name)s at the bank.")
                              % {"given": tokens.org_number, "own": company.org_number, "name": company.name})
    accounts = [a for a in info.get("accounts", []) if a.get("bic") == bank.bic]
    data.update(tokens=crypto.encrypt_json(tokens.secrets()), token_expires_at=tokens.expires_at,
                consent_expires=tokens.consent_expires.isoformat() if tokens.consent_expires else None,
                bank_accounts=[_bank_account_json(a) for a in accounts], step="accounts",
                bank_day=info.get("bank_day"))
    data.pop("verifier", None)
    _save(session, data)
    return data


def _bank_account_json(a: dict) -> dict:
    return {"id": a["id"], "account_number": a["account_number"], "iban": a.get("iban", ""), "name": a.get("name", ""),
            "currency": a.get("currency", "NOK")}


def tokens_in(data: dict) -> Tokens:
    secrets_ = crypto.decrypt_json(data["tokens"])
    consent = data.get("consent_expires")
    return Tokens(access_token=secrets_["access"], refresh_token=secrets_["refresh"],
                  expires_at=float(data.get("token_expires_at") or 0),
                  consent_expires=datetime.date.fromisoformat(consent) if consent else None)


# --- the accounts step ---------------------------------------------------------------------------------


def gl_choices(company):
    """The GL accounts a bank account may use: bank accounts of the chart (19xx or marked as bank)."""
    from django.db.models import Q

    return Account.objects.filter(company=company, active=True).filter(
        Q(number__startswith="19") | Q(is_bank=True)).order_by("number")


def proposal(company, data: dict) -> list[dict]:
    """One row per account at the bank: chosen?, the program's account if any, GL suggestion."""
    agreement = live_agreement(company, data["bank_key"])
    linked = {}
    if agreement is not None:
        linked = {link.bank_account.account_number: link for link in
                  AgreementAccount.objects.filter(agreement=agreement).select_related("bank_account")}
    preset = set(data.get("preset", {}).get("accounts", []))
    chosen = data.get("chosen", {})
    used = set(BankAccount.objects.filter(company=company, active=True).values_list("gl_account_id", flat=True))
    free = [a for a in gl_choices(company) if a.pk not in used]
    rows = []
    for bank_account in data.get("bank_accounts", []):
        number = bank_account["account_number"]
        existing = BankAccount.objects.filter(company=company, account_number=number).first()
        link = linked.get(number)
        previous = chosen.get(bank_account["id"], {})
        if previous.get("gl"):
            gl = int(previous["gl"])
        elif existing is not None:
            gl = existing.gl_account_id
        else:
            suggestion = _suggest(bank_account, free)
            gl = suggestion.pk if suggestion else None
            free = [a for a in free if a.pk != gl]
        if previous:
            selected = bool(previous.get("selected"))
        elif link is not None:
            selected = link.active
        else:
            selected = not preset or number in preset
        rows.append({**bank_account, "existing": existing, "selected": selected, "gl": gl,
                     "services": previous.get("services") or (link.services if link else Service.BOTH)})
    return rows


def _suggest(bank_account: dict, free: list[Account]) -> Account | None:
    name = bank_account.get("name", "").casefold()
    wanted = "1950" if "skatt" in name else ("1920" if "drift" in name else None)
    for account in free:
        if account.number == wanted:
            return account
    preferred = [a for a in free if a.number.startswith("192")] or free
    return preferred[0] if preferred else None


def choose_accounts(session, company, data: dict, rows: list[dict]) -> None:
    """rows: [{"id", "selected", "gl"}]. R2.5: one GL account never serves two bank accounts."""
    by_id = {a["id"]: a for a in data.get("bank_accounts", [])}
    selected = [r for r in rows if r.get("selected")]
    if not selected:
        raise OnboardingError(_("Choose at least one account to activate."))
    allowed = {a.pk: a for a in gl_choices(company)}
    seen: dict[int, str] = {}
    for row in selected:
        account = by_id.get(row["id"])
        if account is None:
            raise OnboardingError(_("An account the bank did not list was chosen. Start again."))
        gl = int(row.get("gl") or 0)
        if gl not in allowed:
            raise OnboardingError(_("Choose a GL account for %(number)s.") % {"number": account["account_number"]},
                                  row["id"])
        if gl in seen:
            raise OnboardingError(
                _("GL account %(gl)s is chosen for both %(a)s and %(b)s. Two bank accounts on one GL account mix "
                  "their lines in the books and make reconciliation impossible.")
                % {"gl": allowed[gl], "a": format_account_number(seen[gl]),
                   "b": format_account_number(account["account_number"])}, row["id"])
        seen[gl] = account["account_number"]
        clash = (BankAccount.objects.filter(gl_account_id=gl, active=True)
                 .exclude(company=company, account_number__in=[by_id[r["id"]]["account_number"] for r in selected])
                 .first())
        if clash is not None:
            raise OnboardingError(_("GL account %(gl)s is already used by the bank account %(other)s.")
                                  % {"gl": allowed[gl], "other": clash}, row["id"])
    chosen = data.get("chosen", {})
    for row in rows:
        chosen.setdefault(row["id"], {}).update(selected=bool(row.get("selected")), gl=int(row.get("gl") or 0) or None)
    data["chosen"], data["step"] = chosen, "services"
    _save(session, data)


def selected_accounts(data: dict) -> list[dict]:
    chosen = data.get("chosen", {})
    return [{**a, **chosen[a["id"]]} for a in data.get("bank_accounts", [])
            if chosen.get(a["id"], {}).get("selected") and not chosen[a["id"]].get("excluded")]


def choose_services(session, data: dict, services: dict[str, str]) -> None:
    for account in selected_accounts(data):
        value = services.get(account["id"], Service.BOTH)
        if value not in Service.values:
            raise OnboardingError(_("Choose the services for %(number)s.") % {"number": account["account_number"]})
        data["chosen"][account["id"]]["services"] = value
    data["step"] = "fee"
    _save(session, data)


def choose_fee_account(session, company, data: dict, account: Account) -> None:
    if account is None or account.company_id != company.pk:
        raise OnboardingError(_("Choose the GL account for bank fees."), "fee_account")
    data["fee_account"], data["step"] = account.pk, "start"
    _save(session, data)


def default_fee_account(company) -> Account | None:
    return Account.objects.filter(company=company, number=DEFAULT_FEE_ACCOUNT).first()


def default_start_date(company, on: datetime.date | None = None) -> datetime.date:
    on = on or timezone.localdate()
    return max(company.conversion_date, on.replace(day=1))


def choose_start_date(session, company, data: dict, start: datetime.date) -> None:
    """R2.8: never before the conversion date; a past date fetches everything from it."""
    if start < company.conversion_date:
        raise OnboardingError(_("The start date cannot be before the conversion date %(date)s.")
                              % {"date": company.conversion_date.strftime("%d.%m.%Y")}, "start_date")
    latest = max(timezone.localdate(), datetime.date.fromisoformat(data.get("bank_day") or "2000-01-01"))
    if start > latest:  # the bank's day may run ahead of ours (the sandbox's can be moved on)
        raise OnboardingError(_("The start date cannot be in the future."), "start_date")
    data["start_date"], data["step"] = start.isoformat(), "balance"
    _save(session, data)


# --- the balance check (R2.8) --------------------------------------------------------------------------


def ledger_balance_at_start(company, gl: Account, start: datetime.date) -> int:
    """The GL account's balance when the start date begins: everything dated before it, and the
    opening balance when the start date is the conversion date."""
    amount = ledger_balance(company, gl, start - datetime.timedelta(days=1))
    if start == company.conversion_date:
        amount += (Posting.objects.filter(account=gl, date=start, voucher__series=Series.OPENING)
                   .aggregate(s=Sum("amount"))["s"] or 0)
    return amount


def balance_check(company, data: dict) -> list[dict]:
    """Per chosen account: the bank's opening balance on the start date, the ledger's, the difference."""
    bank = _bank(data)
    start = datetime.date.fromisoformat(data["start_date"])
    api = api_for(bank)
    tokens = tokens_in(data)
    rows = []
    for account in selected_accounts(data):
        gl = Account.objects.get(company=company, pk=account["gl"])
        try:
            answer = api.balances(tokens.access_token, account["id"], start, start + datetime.timedelta(days=10))
        except BankError as exc:
            raise OnboardingError(_("The bank did not give the balances (%(reason)s). Try again.")
                                  % {"reason": exc.code or exc.status}) from None
        days = answer.get("balances", [])
        bank_amount = None
        if days:
            from decimal import Decimal

            bank_amount = int(Decimal(str(days[0]["opening_booked"])) * 100)
        ledger = ledger_balance_at_start(company, gl, start)
        rows.append({**account, "gl_account": gl, "bank_balance": bank_amount, "ledger_balance": ledger,
                     "difference": None if bank_amount is None else bank_amount - ledger})
    return rows


def correction_date(company, start: datetime.date) -> tuple[datetime.date, str]:
    """The correction is dated the day before the start date, or on the conversion date as part of
    the opening balance when the start date is the conversion date."""
    before = start - datetime.timedelta(days=1)
    if before >= company.conversion_date:
        return before, Series.MANUAL
    return company.conversion_date, Series.OPENING


def settle_differences(actor, session, company, data: dict, decisions: dict[str, dict]) -> list:
    """decisions: {bank account id: {"action": "continue"|"correct"|"exclude", "offset": Account}}."""
    from avstem.ledger.errors import LedgerError
    from avstem.ledger.posting import Line, NewVoucher, post_voucher

    rows = {r["id"]: r for r in balance_check(company, data)}
    start = datetime.date.fromisoformat(data["start_date"])
    vouchers = []
    with transaction.atomic():
        for account_id, decision in decisions.items():
            row = rows.get(account_id)
            if row is None or not row["difference"]:
                continue
            action = decision.get("action", "continue")
            if action == "exclude":
                data["chosen"][account_id]["excluded"] = True
            elif action == "correct":
                offset = decision.get("offset")
                if offset is None or offset.company_id != company.pk or offset.pk == row["gl_account"].pk:
                    raise OnboardingError(_("Choose the account to post the correction of %(number)s against.")
                                          % {"number": row["account_number"]}, account_id)
                day, series = correction_date(company, start)
                diff = row["difference"]
                try:
                    vouchers.append(post_voucher(actor, company, NewVoucher(
                        date=day, series=series, source="bank-onboarding",
                        description=_("Bank balance %(number)s on %(date)s") % {
                            "number": format_account_number(row["account_number"]), "date": start.strftime("%d.%m.%Y")},
                        lines=[Line(row["gl_account"], diff), Line(offset, -diff)])))
                except LedgerError as exc:
                    raise OnboardingError(str(exc), account_id) from None
    if not selected_accounts(data):
        raise OnboardingError(_("Every account was excluded. Go back and choose accounts, or cancel."))
    data["step"] = "roles"
    _save(session, data)
    return vouchers


# --- roles and finish ---------------------------------------------------------------------------------


def role_choices(company, data: dict) -> list[tuple[str, str]]:
    """Accounts that can take a role: the ones being activated and the company's active accounts."""
    choices = [(f"new:{a['account_number']}", f"{a['name']} ({format_account_number(a['account_number'])})")
               for a in selected_accounts(data)]
    numbers = {a["account_number"] for a in selected_accounts(data)}
    choices += [(f"new:{a.account_number}", str(a)) for a in
                BankAccount.objects.filter(company=company, active=True).exclude(account_number__in=numbers)]
    return choices


def choose_roles(session, company, data: dict, operating: str, payroll: str, tax: str) -> None:
    if not operating:
        raise OnboardingError(_("Choose the operating account."), "operating")
    if company.runs_payroll and not tax:
        raise OnboardingError(_("The company runs payroll: choose the tax withholding account."), "tax")
    if tax and tax in (operating, payroll):
        raise OnboardingError(_("The tax withholding account must be an account of its own."), "tax")
    data["roles"] = {"operating": operating, "payroll": payroll, "tax": tax}
    data["step"] = "confirm"
    _save(session, data)


def _bank(data: dict) -> Bank:
    from .banks import bank

    found = bank(data["bank_key"])
    if found is None:
        raise OnboardingError(_("Unknown bank."))
    return found


def _kind_for(number: str, roles: dict, currency: str) -> str:
    if roles.get("tax") == f"new:{number}":
        return Kind.TAX_WITHHOLDING
    if roles.get("payroll") == f"new:{number}" and roles.get("operating") != f"new:{number}":
        return Kind.PAYROLL
    if currency != "NOK":
        return Kind.CURRENCY
    return Kind.OPERATING


def finish(actor, session, company, data: dict) -> BankAgreement:
    """Create the accounts not yet in the program, activate the agreement, queue the first sync."""
    from .services import BankAccountError, create_bank_account, update_bank_account
    from .sync import start_run

    bank = _bank(data)
    roles = data.get("roles") or {}
    start = datetime.date.fromisoformat(data["start_date"])
    today = timezone.localdate()
    chosen = selected_accounts(data)
    fee = Account.objects.filter(company=company, pk=data.get("fee_account") or 0).first()
    with transaction.atomic():
        accounts: dict[str, BankAccount] = {}
        try:
            for row in chosen:
                gl = Account.objects.get(company=company, pk=row["gl"])
                kind = _kind_for(row["account_number"], roles, row["currency"])
                existing = BankAccount.objects.filter(company=company, account_number=row["account_number"]).first()
                if existing is None:
                    accounts[row["account_number"]] = create_bank_account(
                        actor, company, nickname=row["name"] or row["account_number"], kind=kind,
                        account_number=row["account_number"], currency=row["currency"], gl_account=gl)
                else:
                    changes = {"gl_account": gl, "active": True}
                    if existing.kind != kind and f"new:{row['account_number']}" in roles.values():
                        changes["kind"] = kind
                    accounts[row["account_number"]] = update_bank_account(actor, existing, **changes)
            role_account = {}
            for role, value in roles.items():
                number = (value or "").removeprefix("new:")
                role_account[role] = (accounts.get(number) or
                                      BankAccount.objects.filter(company=company, account_number=number).first()
                                      if number else None)
            if role_account.get("operating") is not None and role_account["operating"].kind == Kind.OPERATING:
                update_bank_account(actor, role_account["operating"], is_default_operating=True)
        except BankAccountError as exc:
            raise OnboardingError(str(exc)) from None
        agreement = live_agreement(company, bank.key)
        before = audit.snapshot(agreement, AGREEMENT_FIELDS) if agreement else {}
        if agreement is None:
            agreement = BankAgreement(company=company, bank_key=bank.key, bank_name=bank.name, bank_bic=bank.bic,
                                      connection=Connection.API, ordered_on=today)
        previous_start = agreement.start_date
        preset = data.get("preset") or {}
        agreement.approval_method = preset.get("approval_method") or agreement.approval_method or ApprovalMethod.ACCOUNTING
        agreement.status, agreement.active_from = AgreementStatus.ACTIVE, agreement.active_from or today
        agreement.terms_accepted_at, agreement.terms_accepted_by = timezone.now(), actor
        agreement.fee_account, agreement.start_date = fee, start
        agreement.operating_account = role_account.get("operating")
        agreement.payroll_account = role_account.get("payroll")
        agreement.tax_withholding_account = role_account.get("tax")
        agreement.api_base_url = bank.api_url or ""
        agreement.next_sync_at = next_run_after(timezone.now(), agreement.sync_time)
        set_tokens(agreement, tokens_in(data))
        agreement.last_sync_error = ""
        agreement.save()
        wanted = {}
        for row in chosen:
            account = accounts[row["account_number"]]
            wanted[account.pk] = row
            link = AgreementAccount.objects.filter(agreement=agreement, bank_account=account).first()
            if link is None:
                other = AgreementAccount.objects.filter(bank_account=account, active=True).exclude(agreement=agreement)
                if other.exists():
                    raise OnboardingError(_("%(account)s is already covered by another bank agreement. Deactivate "
                                            "it there first.") % {"account": account})
                AgreementAccount.objects.create(agreement=agreement, bank_account=account, services=row["services"],
                                                external_id=row["id"], connected_on=today)
            else:
                link.services, link.external_id = row["services"], row["id"]
                if not link.active:
                    link.active, link.deactivated_on, link.connected_on = True, None, today
                link.save()
        AgreementAccount.objects.filter(agreement=agreement, active=True).exclude(bank_account_id__in=wanted).update(
            active=False, deactivated_on=today)
        if previous_start is not None and start < previous_start:  # an earlier start: fetch from it again
            AgreementAccount.objects.filter(agreement=agreement).update(synced_through=None)
        audit.record(action="bank_agreement.connect", actor=actor, company=company, obj=agreement,
                     changes=audit.diff(before, audit.snapshot(agreement, AGREEMENT_FIELDS)),
                     summary=", ".join(f"{r['account_number']} ({r['services']})" for r in chosen))
        start_run(agreement, RunKind.INITIAL)  # the task row commits with the agreement
    session.pop(SESSION_KEY, None)
    return agreement


def renew_consent(actor, session, company, data: dict) -> BankAgreement:
    """After a renewed consent: only the tokens and the consent's expiry change."""
    agreement = live_agreement(company, data["bank_key"])
    if agreement is None:
        raise AgreementError(_("There is no agreement with this bank to renew."))
    with transaction.atomic():
        before = audit.snapshot(agreement, AGREEMENT_FIELDS)
        set_tokens(agreement, tokens_in(data))
        agreement.last_sync_error = ""
        agreement.save(update_fields=["last_sync_error", "updated_at"])
        audit.record(action="bank_agreement.renew_consent", actor=actor, company=company, obj=agreement,
                     changes=audit.diff(before, audit.snapshot(agreement, AGREEMENT_FIELDS)))
    session.pop(SESSION_KEY, None)
    return agreement
