"""The reconciliation API under /api/companies/{company_id}/reconciliation/: everything the screen
does. Amounts are decimal strings in NOK ("1250.50"), signed like the bank (money in positive).

A refusal is 400 with the reasons; a line or posting someone else reconciled first is 409 and
says who and when.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Literal

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from avstem.banking.models import BankAccount, BankLine
from avstem.companies.models import Permission
from avstem.web.api_tools import Money
from avstem.web.api_tools import company_of as _company
from avstem.ledger.models import Customer, Supplier
from avstem.ledger.money import AmountError, from_ore, to_ore

from . import automatic, automation, queries, report, rules, services, signoff
from .errors import ReconciliationError
from .explanations import render
from .models import BankRule, LineProposal, Reconciliation, SignOff, Trigger

router = Router(tags=["reconciliation"])
P = "/{company_id}/reconciliation"


def _account(company, bank_account_id) -> BankAccount:
    return get_object_or_404(BankAccount.objects.select_related("gl_account"), pk=bank_account_id, company=company)


def _ore(value: Decimal | None) -> int | None:
    if value is None:
        return None
    try:
        return to_ore(value)
    except AmountError as exc:
        raise HttpError(422, str(exc)) from None


def _money(ore: int | None) -> Decimal | None:
    return None if ore is None else from_ore(ore)


# --- schemas ------------------------------------------------------------------------------------------------


class AccountSummaryOut(Schema):
    id: int
    nickname: str
    account_number: str
    gl_account: str
    lines_to_reconcile: int
    lines_sum: Decimal
    pending: int
    with_proposals: int
    postings_not_in_bank: int
    automatic: bool


class TargetOut(Schema):
    kind: str
    ref: str
    label: str
    amount: Decimal
    gl_account: str = ""
    vat_code: str = ""


class ProposalOut(Schema):
    id: int
    bank_line_id: int
    detail: int | None
    whole_line: bool
    kind: str
    confidence: float
    automatic: bool
    explanation: str
    targets: list[TargetOut]


class BankLineOut(Schema):
    id: int
    date: datetime.date
    amount: Decimal
    status: str
    text: str
    counterparty: str
    reference: str | None
    reconciled: bool
    outcome: str = Field("", description="The engine's last word: matched, proposed or left")
    reason: str = ""
    proposals: list[ProposalOut] = []
    reconciliation_id: int | None = None


class PostingOut(Schema):
    id: int
    date: datetime.date
    voucher: str
    text: str
    reference: str
    amount: Decimal


class OpenItemOut(Schema):
    id: int
    kind: Literal["customer", "supplier"]
    party_id: int
    party: str
    label: str
    due_date: datetime.date
    kid: str
    remaining: Decimal


class PageOut(Schema):
    page: int
    pages: int
    total: int
    total_amount: Decimal


class BankLinesPage(PageOut):
    items: list[BankLineOut]


class PostingsPage(PageOut):
    items: list[PostingOut]


class OpenItemsPage(PageOut):
    items: list[OpenItemOut]


class ReconciliationOut(Schema):
    id: int
    bank_account_id: int
    method: str
    kind: str
    confidence: float | None
    explanation: str
    date: datetime.date
    amount: Decimal
    bank_line_ids: list[int]
    posting_ids: list[int]
    vouchers: list[str]
    created_at: datetime.datetime
    created_by: str
    undone_at: datetime.datetime | None
    undone_by: str


class ItemShareIn(Schema):
    id: int
    amount: Money | None = Field(None, description="How much of it to settle, signed like the item; default: what remains")


class ReconcileIn(Schema):
    bank_line_ids: list[int] = []
    posting_ids: list[int] = Field([], description="Unreconciled postings on the bank's GL account")
    open_items: list[ItemShareIn] = Field([], description="Customer or supplier items the payment settles")
    difference_account: str = Field("", description="Post what does not add up to this GL account")
    description: str = ""


class PostIn(Schema):
    account: str = Field("", description="GL account number, e.g. 7770; or give customer_id / supplier_id")
    vat_code: str = Field("", description="The bank amount includes VAT; the VAT is taken out of it")
    description: str = ""
    customer_id: int | None = None
    supplier_id: int | None = None
    open_item_ids: list[int] = Field([], description="The party's items to settle; the rest stays on their account")


class AcceptManyIn(Schema):
    proposal_ids: list[int]


class AcceptOutcomeOut(Schema):
    bank_line_id: int
    reconciliation_id: int | None
    error: str


class RunIn(Schema):
    apply: bool | None = Field(None, description="Apply certain matches (default: when automation is on for the account)")


class RunOut(Schema):
    run_id: int
    lines: int
    matched: int
    proposed: int
    left: int
    by_rule: dict[str, dict[str, int]]


class ReportItemOut(Schema):
    kind: str
    id: int
    date: datetime.date
    amount: Decimal
    text: str
    reference: str


class ReportOut(Schema):
    bank_account_id: int
    date: datetime.date
    start: datetime.date
    bank_balance: Decimal | None
    bank_balance_date: datetime.date | None
    ledger_balance: Decimal
    difference: Decimal | None
    opening_difference: Decimal | None
    postings_not_in_bank: Decimal
    bank_lines_not_in_ledger: Decimal
    unexplained: Decimal | None
    agrees: bool
    postings: list[ReportItemOut]
    bank_lines: list[ReportItemOut]
    balances: list[tuple[datetime.date, Decimal | None, Decimal]]


class SignOffIn(Schema):
    through: datetime.date
    note: str = ""


class SignOffOut(Schema):
    id: int
    bank_account_id: int
    period_start: datetime.date
    period_end: datetime.date
    signed_at: datetime.datetime
    signed_by: str
    note: str
    bank_balance: Decimal | None
    ledger_balance: Decimal
    unexplained: Decimal | None
    revoked_at: datetime.datetime | None


class SplitIn(Schema):
    account: str
    percent: Decimal | None = None
    amount: Money | None = None
    vat_code: str = ""
    description: str = ""


class RuleIn(Schema):
    name: str
    account: str = Field(description="GL account number")
    order: int | None = None
    active: bool = True
    bank_account_id: int | None = None
    text_contains: str = ""
    text_regex: str = ""
    counterparty: str = ""
    amount_equal: Money | None = None
    amount_min: Money | None = None
    amount_max: Money | None = None
    direction: Literal["", "in", "out"] = ""
    vat_code: str = ""
    description: str = ""
    splits: list[SplitIn] = []
    automatic: bool = False


class RulePatch(Schema):
    name: str | None = None
    account: str | None = None
    order: int | None = None
    active: bool | None = None
    bank_account_id: int | None = None
    text_contains: str | None = None
    text_regex: str | None = None
    counterparty: str | None = None
    amount_equal: Money | None = None
    amount_min: Money | None = None
    amount_max: Money | None = None
    direction: Literal["", "in", "out"] | None = None
    vat_code: str | None = None
    description: str | None = None
    splits: list[SplitIn] | None = None
    automatic: bool | None = None


class RuleOut(RuleIn):
    id: int
    order: int


class MoveIn(Schema):
    direction: Literal["up", "down"]


class AutomationOut(Schema):
    bank_account_id: int
    on: bool
    min_confidence: Decimal
    problem: str


class AutomationPatch(Schema):
    on: bool | None = None
    min_confidence: Decimal | None = Field(None, description="0.5 to 1")


class FilterIn(Schema):
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    amount: str = Field("", description="An amount, or a range 100-200 (absolute)")
    q: str = ""
    page: int = 1


# --- converters ---------------------------------------------------------------------------------------------


def _filters(f: FilterIn) -> queries.Filters:
    parsed = queries.parse_filters({"amount": f.amount, "q": f.q})
    if parsed.errors:
        raise HttpError(422, " ".join(parsed.errors))
    parsed.date_from, parsed.date_to = f.date_from, f.date_to
    return parsed


def _proposals_out(company, proposals: list[LineProposal]) -> list[ProposalOut]:
    labels = queries.target_labels(company, proposals)
    vouchers = {ref: label.split()[-1] for (kind, ref), label in labels.items() if kind == "posting"}
    return [ProposalOut(
        id=p.pk, bank_line_id=p.bank_line_id, detail=p.detail, whole_line=p.alternative or p.detail is None, kind=p.kind,
        confidence=p.confidence, automatic=p.automatic,
        explanation=render(queries.with_vouchers(p.explanation, vouchers)),
        targets=[TargetOut(kind=t[0], ref=str(t[1]), label=labels.get((t[0], str(t[1])), str(t[1])),
                           amount=from_ore(int(t[2])), gl_account=t[3] if len(t) > 3 else "",
                           vat_code=t[4] if len(t) > 4 else "") for t in p.targets])
        for p in proposals]


def _rec_out(rec: Reconciliation) -> ReconciliationOut:
    return ReconciliationOut(
        id=rec.pk, bank_account_id=rec.bank_account_id, method=rec.method, kind=rec.kind, confidence=rec.confidence,
        explanation=render(rec.explanation), date=rec.date, amount=from_ore(rec.amount),
        bank_line_ids=list(rec.line_links.values_list("bank_line_id", flat=True)),
        posting_ids=list(rec.posting_links.values_list("posting_id", flat=True)),
        vouchers=[rec.voucher.display_number] if rec.voucher_id else [],
        created_at=rec.created_at, created_by=rec.created_by_label, undone_at=rec.undone_at,
        undone_by=rec.undone_by_label)


def _rule_out(rule: BankRule) -> RuleOut:
    return RuleOut(
        id=rule.pk, name=rule.name, account=rule.account.number, order=rule.order, active=rule.active,
        bank_account_id=rule.bank_account_id, text_contains=rule.text_contains, text_regex=rule.text_regex,
        counterparty=rule.counterparty, amount_equal=_money(rule.amount_equal), amount_min=_money(rule.amount_min),
        amount_max=_money(rule.amount_max), direction=rule.direction, vat_code=rule.vat_code,
        description=rule.description, automatic=rule.automatic,
        splits=[SplitIn(account=s["account"], percent=Decimal(str(s["percent"])) if s.get("percent") not in (None, "") else None,
                        amount=_money(s.get("amount")) if s.get("amount") not in (None, "") else None,
                        vat_code=s.get("vat_code", ""), description=s.get("description", ""))
                for s in rule.splits or ()])


def _rule_fields(company, data: dict) -> dict:
    from avstem.ledger.models import Account

    out = {}
    for name, value in data.items():
        if name == "account":
            account = Account.objects.filter(company=company, number=value).first()
            if account is None:
                raise HttpError(422, f"GL account {value} does not exist in this company.")
            out["account"] = account
        elif name == "bank_account_id":
            out["bank_account"] = _account(company, value) if value else None
        elif name in ("amount_equal", "amount_min", "amount_max"):
            out[name] = _ore(value)
        elif name == "splits":
            out["splits"] = [{k: v for k, v in {
                "account": s["account"], "percent": str(s["percent"]) if s.get("percent") is not None else None,
                "amount": _ore(s.get("amount")), "vat_code": s.get("vat_code", ""),
                "description": s.get("description", "")}.items() if v not in (None, "")} for s in value]
        else:
            out[name] = value
    return out


# --- the screen ---------------------------------------------------------------------------------------------


@router.get(P + "/accounts", response=list[AccountSummaryOut], summary="Bank accounts with what waits to be reconciled")
def list_accounts(request, company_id: int):
    company = _company(request, company_id)
    out = []
    for account in BankAccount.objects.filter(company=company, active=True).select_related("gl_account"):
        counts = queries.counts(account)
        out.append(AccountSummaryOut(
            id=account.pk, nickname=account.nickname, account_number=account.account_number,
            gl_account=account.gl_account.number, lines_to_reconcile=counts["lines"],
            lines_sum=from_ore(counts["lines_sum"]), pending=counts["pending"], with_proposals=counts["proposed"],
            postings_not_in_bank=counts["postings"], automatic=automatic.automation_on(account)))
    return out


@router.get(P + "/accounts/{bank_account_id}/bank-lines", response=BankLinesPage,
            summary="Bank lines (the left side) with their proposals and reasons")
def bank_lines(request, company_id: int, bank_account_id: int, filters: Query[FilterIn],
               state: Literal["open", "reconciled", "all"] = "open"):
    company = _company(request, company_id)
    account = _account(company, bank_account_id)
    page = queries.bank_lines(account, _filters(filters), filters.page, state=state)
    proposals = {p.pk: p for p in LineProposal.objects.filter(bank_line_id__in=[r.line.pk for r in page.rows])}
    items = []
    for row in page.rows:
        line = row.line
        mine = [proposals[p.id] for p in row.proposals if p.id in proposals]
        items.append(BankLineOut(
            id=line.pk, date=line.date, amount=from_ore(line.amount), status=line.status, text=line.description,
            counterparty=line.counterparty_name, reference=line.ref, reconciled=line.reconciliation_status == "reconciled",
            outcome=row.outcome, reason=row.reason, proposals=_proposals_out(company, mine),
            reconciliation_id=row.reconciliation.pk if row.reconciliation else None))
    return BankLinesPage(page=page.number, pages=page.pages, total=page.total, total_amount=from_ore(page.total_amount),
                         items=items)


@router.get(P + "/accounts/{bank_account_id}/postings", response=PostingsPage,
            summary="Unreconciled postings on the bank's GL account (the right side)")
def postings(request, company_id: int, bank_account_id: int, filters: Query[FilterIn]):
    company = _company(request, company_id)
    account = _account(company, bank_account_id)
    page = queries.postings(account, _filters(filters), filters.page)
    return PostingsPage(page=page.number, pages=page.pages, total=page.total, total_amount=from_ore(page.total_amount),
                        items=[PostingOut(id=p.pk, date=p.date, voucher=p.voucher.display_number,
                                          text=p.description or p.voucher.description, reference=p.reference,
                                          amount=from_ore(p.amount)) for p in page.rows])


@router.get(P + "/open-items", response=OpenItemsPage, summary="Open customer or supplier items (the tabs)")
def open_items(request, company_id: int, filters: Query[FilterIn], kind: Literal["customer", "supplier"] = "customer"):
    company = _company(request, company_id)
    page = queries.open_items(company, kind, _filters(filters), filters.page)
    return OpenItemsPage(page=page.number, pages=page.pages, total=page.total, total_amount=from_ore(page.total_amount),
                         items=[OpenItemOut(id=i.pk, kind=kind, party_id=i.customer_id or i.supplier_id,
                                            party=i.party.name, label=str(i.label), due_date=i.due_date, kid=i.kid,
                                            remaining=from_ore(i.remaining)) for i in page.rows])


@router.post(P + "/accounts/{bank_account_id}/reconcile", response={201: ReconciliationOut},
             summary="Reconcile bank lines against postings and open items (or post the difference)")
def reconcile(request, company_id: int, bank_account_id: int, payload: ReconcileIn):
    company = _company(request, company_id, Permission.CHANGE)
    account = _account(company, bank_account_id)
    items = [(i.id, _ore(i.amount)) for i in payload.open_items]
    rec = services.reconcile(request.user, company, account, line_ids=payload.bank_line_ids,
                             posting_ids=payload.posting_ids, items=items,
                             difference_account=payload.difference_account, description=payload.description)
    return Status(201, _rec_out(rec))


@router.post(P + "/bank-lines/{bank_line_id}/post", response={201: ReconciliationOut},
             summary="Post a bank line to an account (or a customer/supplier) and reconcile it")
def post_line(request, company_id: int, bank_line_id: int, payload: PostIn):
    company = _company(request, company_id, Permission.CHANGE)
    line = get_object_or_404(BankLine, pk=bank_line_id, company=company)
    customer = get_object_or_404(Customer, pk=payload.customer_id, company=company) if payload.customer_id else None
    supplier = get_object_or_404(Supplier, pk=payload.supplier_id, company=company) if payload.supplier_id else None
    rec = services.post_and_reconcile(request.user, company, line.pk, account=payload.account, vat_code=payload.vat_code,
                                      description=payload.description, customer=customer, supplier=supplier,
                                      items=payload.open_item_ids)
    return Status(201, _rec_out(rec))


@router.get(P + "/bank-lines/{bank_line_id}/proposals", response=list[ProposalOut], summary="A bank line's proposals")
def line_proposals(request, company_id: int, bank_line_id: int):
    company = _company(request, company_id)
    line = get_object_or_404(BankLine, pk=bank_line_id, company=company)
    return _proposals_out(company, list(LineProposal.objects.filter(bank_line=line).order_by("alternative", "detail", "rank")))


@router.post(P + "/proposals/{proposal_id}/accept", response={201: ReconciliationOut}, summary="Accept one proposal")
def accept(request, company_id: int, proposal_id: int):
    company = _company(request, company_id, Permission.CHANGE)
    proposal = get_object_or_404(LineProposal, pk=proposal_id, bank_line__company=company)
    return Status(201, _rec_out(services.accept_proposal(request.user, company, proposal.pk)))


@router.post(P + "/proposals/accept", response=list[AcceptOutcomeOut],
             summary="Accept many proposals; each line on its own, so one refusal does not stop the rest")
def accept_many(request, company_id: int, payload: AcceptManyIn):
    company = _company(request, company_id, Permission.CHANGE)
    outcomes = services.accept_proposals(request.user, company, payload.proposal_ids)
    return [AcceptOutcomeOut(bank_line_id=o.line_id, reconciliation_id=o.reconciliation.pk if o.reconciliation else None,
                             error=o.error) for o in outcomes]


@router.post(P + "/accounts/{bank_account_id}/run", response=RunOut,
             summary="Match the account's lines now (applies certain matches when automation is on)")
def run(request, company_id: int, bank_account_id: int, payload: RunIn):
    company = _company(request, company_id, Permission.CHANGE)
    account = _account(company, bank_account_id)
    apply_to = None if payload.apply is None else ({account.pk} if payload.apply else set())
    result = automatic.run(company, accounts=[account.pk], apply_to=apply_to, trigger=Trigger.API, actor=request.user)
    counts = result.counts()
    return RunOut(run_id=result.run.pk, lines=len(result.lines), by_rule=result.by_rule(), **counts)


@router.get(P + "/reconciliations", response=list[ReconciliationOut], summary="Reconciliations, newest first")
def list_reconciliations(request, company_id: int, bank_account_id: int | None = None, limit: int = 100, offset: int = 0):
    company = _company(request, company_id)
    qs = Reconciliation.objects.filter(company=company).order_by("-created_at", "-pk")
    if bank_account_id is not None:
        qs = qs.filter(bank_account_id=bank_account_id)
    return [_rec_out(r) for r in qs[offset:offset + min(limit, 500)]]


@router.get(P + "/reconciliations/{reconciliation_id}", response=ReconciliationOut)
def get_reconciliation(request, company_id: int, reconciliation_id: int):
    company = _company(request, company_id)
    return _rec_out(get_object_or_404(Reconciliation, pk=reconciliation_id, company=company))


@router.post(P + "/reconciliations/{reconciliation_id}/undo", response=ReconciliationOut,
             summary="Undo a reconciliation: reverse what it posted, free its lines")
def undo(request, company_id: int, reconciliation_id: int):
    company = _company(request, company_id, Permission.CHANGE)
    rec = get_object_or_404(Reconciliation, pk=reconciliation_id, company=company)
    return _rec_out(services.undo(request.user, company, rec.pk))


# --- report and sign-off -------------------------------------------------------------------------------------------


def _report(request, company_id, bank_account_id, date):
    company = _company(request, company_id)
    account = _account(company, bank_account_id)
    return company, account, report.build(account, date or timezone.localdate())


def _items_out(items) -> list[ReportItemOut]:
    return [ReportItemOut(kind=i.kind, id=i.id, date=i.date, amount=from_ore(i.amount), text=i.text, reference=i.reference)
            for i in items]


@router.get(P + "/accounts/{bank_account_id}/report", response=ReportOut,
            summary="Reconciliation report: bank against ledger on a date, the difference explained")
def get_report(request, company_id: int, bank_account_id: int, date: datetime.date | None = None):
    _company_, account, built = _report(request, company_id, bank_account_id, date)
    return ReportOut(
        bank_account_id=account.pk, date=built.on, start=built.start, bank_balance=_money(built.bank_balance),
        bank_balance_date=built.bank_balance_date, ledger_balance=from_ore(built.ledger_balance),
        difference=_money(built.difference), opening_difference=_money(built.opening_difference),
        postings_not_in_bank=from_ore(built.postings_sum), bank_lines_not_in_ledger=from_ore(built.lines_sum),
        unexplained=_money(built.unexplained), agrees=built.agrees, postings=_items_out(built.postings),
        bank_lines=_items_out(built.lines),
        balances=[(d, _money(b), from_ore(ledger)) for d, b, ledger in built.points])


@router.get(P + "/accounts/{bank_account_id}/report.csv", summary="The report as CSV (semicolons, decimal commas)",
            response={200: None})
def report_csv(request, company_id: int, bank_account_id: int, date: datetime.date | None = None):
    _c, account, built = _report(request, company_id, bank_account_id, date)
    response = HttpResponse(report.to_csv(built).encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bankavstemming-{account.account_number}-{built.on}.csv"'
    return response


@router.get(P + "/accounts/{bank_account_id}/report.pdf", summary="The report as PDF", response={200: None})
def report_pdf(request, company_id: int, bank_account_id: int, date: datetime.date | None = None):
    from . import pdf

    company, account, built = _report(request, company_id, bank_account_id, date)
    response = HttpResponse(pdf.render(built, company.name), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bankavstemming-{account.account_number}-{built.on}.pdf"'
    return response


def _sign_off_out(s: SignOff) -> SignOffOut:
    return SignOffOut(id=s.pk, bank_account_id=s.bank_account_id, period_start=s.period_start, period_end=s.period_end,
                      signed_at=s.signed_at, signed_by=s.signed_by_label, note=s.note, bank_balance=_money(s.bank_balance),
                      ledger_balance=from_ore(s.ledger_balance), unexplained=_money(s.unexplained), revoked_at=s.revoked_at)


@router.get(P + "/accounts/{bank_account_id}/sign-offs", response=list[SignOffOut])
def list_sign_offs(request, company_id: int, bank_account_id: int):
    company = _company(request, company_id)
    account = _account(company, bank_account_id)
    return [_sign_off_out(s) for s in SignOff.objects.filter(bank_account=account).order_by("-period_end")]


@router.post(P + "/accounts/{bank_account_id}/sign-offs", response={201: SignOffOut},
             summary="Sign the account's reconciliation off through a date (locks its reconciled lines)")
def create_sign_off(request, company_id: int, bank_account_id: int, payload: SignOffIn):
    company = _company(request, company_id, Permission.CHANGE)
    account = _account(company, bank_account_id)
    return Status(201, _sign_off_out(signoff.sign_off(request.user, company, account, payload.through, note=payload.note)))


@router.post(P + "/sign-offs/{sign_off_id}/revoke", response=SignOffOut, summary="Withdraw a sign-off (owners)")
def revoke_sign_off(request, company_id: int, sign_off_id: int):
    company = _company(request, company_id, Permission.MANAGE)
    signed = get_object_or_404(SignOff, pk=sign_off_id, company=company)
    return _sign_off_out(signoff.revoke(request.user, company, signed.pk))


# --- rules -----------------------------------------------------------------------------------------------------------


@router.get(P + "/rules", response=list[RuleOut], summary="Bank rules in the order they apply")
def list_rules(request, company_id: int):
    company = _company(request, company_id)
    return [_rule_out(r) for r in BankRule.objects.filter(company=company).select_related("account")]


@router.post(P + "/rules", response={201: RuleOut}, summary="Add a bank rule")
def create_rule(request, company_id: int, payload: RuleIn):
    company = _company(request, company_id, Permission.CHANGE)
    fields = _rule_fields(company, payload.dict())
    return Status(201, _rule_out(rules.create_rule(request.user, company, **fields)))


@router.get(P + "/rules/{rule_id}", response=RuleOut)
def get_rule(request, company_id: int, rule_id: int):
    company = _company(request, company_id)
    return _rule_out(get_object_or_404(BankRule, pk=rule_id, company=company))


@router.patch(P + "/rules/{rule_id}", response=RuleOut)
def update_rule(request, company_id: int, rule_id: int, payload: RulePatch):
    company = _company(request, company_id, Permission.CHANGE)
    rule = get_object_or_404(BankRule, pk=rule_id, company=company)
    fields = _rule_fields(company, payload.dict(exclude_unset=True))
    return _rule_out(rules.update_rule(request.user, rule, **fields))


@router.delete(P + "/rules/{rule_id}", response={204: None})
def delete_rule(request, company_id: int, rule_id: int):
    company = _company(request, company_id, Permission.CHANGE)
    rules.delete_rule(request.user, get_object_or_404(BankRule, pk=rule_id, company=company))
    return Status(204, None)


@router.post(P + "/rules/{rule_id}/move", response=list[RuleOut], summary="Move a rule one place earlier or later")
def move_rule(request, company_id: int, rule_id: int, payload: MoveIn):
    company = _company(request, company_id, Permission.CHANGE)
    rule = get_object_or_404(BankRule, pk=rule_id, company=company)
    rules.move_rule(request.user, rule, -1 if payload.direction == "up" else 1)
    return [_rule_out(r) for r in BankRule.objects.filter(company=company).select_related("account")]


@router.get(P + "/bank-lines/{bank_line_id}/rule-draft", response=RuleIn,
            summary="Make a rule from this line: a draft to edit and save")
def rule_draft(request, company_id: int, bank_line_id: int, account: str = "", vat_code: str = ""):
    company = _company(request, company_id)
    line = get_object_or_404(BankLine, pk=bank_line_id, company=company)
    try:
        draft = rules.draft_from_line(company, line, account=account, vat_code=vat_code)
    except Exception as exc:  # matching.InvalidRule: nothing on the line to make a rule from
        raise ReconciliationError(str(exc)) from None
    return RuleIn(name=draft["name"], account=draft["account"] or "7770", bank_account_id=draft["bank_account"],
                  text_contains=draft["text_contains"], counterparty=draft["counterparty"], direction=draft["direction"],
                  vat_code=draft["vat_code"], description=draft["description"])


# --- automation ---------------------------------------------------------------------------------------------------------


def _automation_out(row) -> AutomationOut:
    return AutomationOut(bank_account_id=row.account.pk, on=row.on, min_confidence=row.min_confidence, problem=row.problem)


@router.get(P + "/automation", response=list[AutomationOut], summary="Settings > Automation per bank account")
def list_automation(request, company_id: int):
    company = _company(request, company_id)
    return [_automation_out(row) for row in automation.settings_for(company)]


@router.patch(P + "/accounts/{bank_account_id}/automation", response=AutomationOut,
              summary="Switch automatic reconciliation on or off, or set the confidence needed")
def set_automation(request, company_id: int, bank_account_id: int, payload: AutomationPatch):
    company = _company(request, company_id, Permission.MANAGE)
    account = _account(company, bank_account_id)
    return _automation_out(automation.set_automation(request.user, company, account, on=payload.on,
                                                     min_confidence=payload.min_confidence))
