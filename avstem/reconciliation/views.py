"""The reconciliation pages: the screen per bank account (R5.4-R5.6), the report with PDF and CSV
and sign-off, bank rules, Settings > Automation. Every view is company-scoped and calls the
services; lists are paged and filtered in the database and swapped in by htmx."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from avstem.banking.models import BankAccount, BankLine
from avstem.companies.access import company_view
from avstem.companies.models import Permission
from avstem.ledger.models import OpenItem, Posting

from . import automatic, automation, queries, report, rules, services, signoff
from .chart import svg
from .errors import AlreadyReconciled, ReconciliationError
from .forms import AutomationForm, PostForm, ReportForm, RuleForm, SignOffForm, gl_choices
from .models import BankRule, Reconciliation, SignOff, Trigger

BANK_FILTERS = ("bfrom", "bto", "bamount", "bq", "bstate")
LEDGER_FILTERS = ("lfrom", "lto", "lamount", "lq", "tab")
LEDGER_TABS = ("postings", "customer", "supplier")


def _account(request, bank_account_id) -> BankAccount:
    return get_object_or_404(BankAccount.objects.select_related("gl_account", "company"), pk=bank_account_id,
                             company=request.company)


def _can_change(request) -> bool:
    return request.membership.allows(Permission.CHANGE)


def _problems(request, exc: ReconciliationError) -> None:
    for problem in exc.problems or [str(exc)]:
        messages.error(request, problem)


def _screen_url(account: BankAccount, data=None) -> str:
    url = reverse("reconciliation:screen", args=[account.company_id, account.pk])
    if data is not None:
        query = {k: data.get(k) for k in BANK_FILTERS + LEDGER_FILTERS if data.get(k)}
        if query:
            url += "?" + urlencode(query)
    return url


# --- the selection ---------------------------------------------------------------------------------------


def _ids(values) -> set[int]:
    out = set()
    for v in values:
        try:
            out.add(int(v))
        except (TypeError, ValueError):
            continue
    return out


@dataclass
class Selection:
    lines: set[int]
    postings: set[int]
    items: set[int]
    lines_sum: int = 0
    postings_sum: int = 0
    items_sum: int = 0

    @property
    def empty(self) -> bool:
        return not (self.lines or self.postings or self.items)

    @property
    def difference(self) -> int:
        return self.lines_sum - self.postings_sum - self.items_sum

    @property
    def ledger_count(self) -> int:
        return len(self.postings) + len(self.items)

    @property
    def ledger_sum(self) -> int:
        return self.postings_sum + self.items_sum


def selection_of(company, data, *, shown: dict[str, set[int]] | None = None) -> Selection:
    """What is selected: the boxes ticked on the visible pages, plus what was carried from pages
    no longer visible. `shown` overrides what counts as visible (a freshly rendered page)."""
    chosen = {}
    for kind in ("line", "posting", "item"):
        checked = _ids(data.getlist(kind))
        carried = _ids(data.getlist(f"carry_{kind}"))
        was_shown = _ids(data.getlist(f"shown_{kind}"))
        chosen[kind] = checked | (carried - was_shown)
    sel = Selection(chosen["line"], chosen["posting"], chosen["item"])
    if sel.lines:
        sel.lines_sum = BankLine.objects.filter(company=company, pk__in=sel.lines).aggregate(s=Sum("amount"))["s"] or 0
    if sel.postings:
        sel.postings_sum = Posting.objects.filter(company=company, pk__in=sel.postings).aggregate(s=Sum("amount"))["s"] or 0
    if sel.items:
        sel.items_sum = OpenItem.objects.filter(company=company, pk__in=sel.items).aggregate(s=Sum("remaining"))["s"] or 0
    sel.shown = shown  # type: ignore[attr-defined]
    return sel


def _carry(sel: Selection, shown: dict[str, set[int]]) -> dict[str, list[int]]:
    return {"line": sorted(sel.lines - shown.get("line", set())),
            "posting": sorted(sel.postings - shown.get("posting", set())),
            "item": sorted(sel.items - shown.get("item", set()))}


# --- the screen ---------------------------------------------------------------------------------------------


@company_view()
def index(request, company_id):
    accounts = list(BankAccount.objects.filter(company=request.company, active=True).select_related("gl_account"))
    if len(accounts) == 1:
        return redirect("reconciliation:screen", request.company.pk, accounts[0].pk)
    rows = [(a, queries.counts(a)) for a in accounts]
    return render(request, "reconciliation/index.html", {"company": request.company, "rows": rows, "tab_page": "index"})


def _bank_context(request, account: BankAccount, data) -> dict:
    filters = queries.parse_filters(data, "b")
    state = data.get("bstate") if data.get("bstate") in ("open", "reconciled", "all") else "open"
    try:
        number = int(data.get("bpage") or 1)
    except ValueError:
        number = 1
    page = queries.bank_lines(account, filters, number, state=state)
    return {"bank": page, "bank_filters": filters, "bstate": state, "bank_data": data}


def _ledger_context(request, account: BankAccount, data) -> dict:
    filters = queries.parse_filters(data, "l")
    tab = data.get("tab") if data.get("tab") in LEDGER_TABS else "postings"
    try:
        number = int(data.get("lpage") or 1)
    except ValueError:
        number = 1
    if tab == "postings":
        page = queries.postings(account, filters, number)
    else:
        page = queries.open_items(request.company, tab, filters, number)
    return {"ledger": page, "ledger_filters": filters, "tab": tab, "ledger_data": data}


def _shown(bank=None, ledger=None, tab="postings", data=None) -> dict[str, set[int]]:
    """What the page the browser will show lists: a side not re-rendered keeps what it showed."""
    shown = {k: _ids(data.getlist(f"shown_{k}")) if data is not None else set() for k in ("line", "posting", "item")}
    if bank is not None:
        shown["line"] = {row.line.pk for row in bank.rows}
    if ledger is not None:
        if tab == "postings":
            shown["posting"] = {p.pk for p in ledger.rows}
            shown["item"] = set()
        else:
            shown["item"] = {i.pk for i in ledger.rows}
            shown["posting"] = set()
    return shown


def _selection_context(request, account, sel: Selection, shown: dict[str, set[int]]) -> dict:
    return {"sel": sel, "carry": _carry(sel, shown), "difference_accounts": gl_choices(request.company),
            "account": account, "company": request.company, "can_change": _can_change(request)}


@company_view()
def screen(request, company_id, bank_account_id):
    account = _account(request, bank_account_id)
    data = request.GET
    context = {"company": request.company, "account": account, "can_change": _can_change(request),
               "accounts": BankAccount.objects.filter(company=request.company, active=True),
               "counts": queries.counts(account), "automation_on": automatic.automation_on(account),
               "last_run": account_last_run(account), "tab_page": "screen"}
    context.update(_bank_context(request, account, data))
    context.update(_ledger_context(request, account, data))
    shown = _shown(context["bank"], context["ledger"], context["tab"])
    sel = selection_of(request.company, data, shown=shown)
    context.update(_selection_context(request, account, sel, shown))
    context["selected"] = sel
    return render(request, "reconciliation/screen.html", context)


def account_last_run(account: BankAccount):
    from .models import ReconciliationRun

    return (ReconciliationRun.objects.filter(company=account.company, finished_at__isnull=False)
            .filter(bank_account__in=[account.pk, None]).order_by("-started_at").first())


@company_view()
def bank_side(request, company_id, bank_account_id):
    """The bank side for htmx (filters, tabs, pages); the page swaps in its list only (see _bank_side.html)."""
    account = _account(request, bank_account_id)
    context = {"company": request.company, "account": account, "can_change": _can_change(request)}
    context.update(_bank_context(request, account, request.GET))
    shown = _shown(bank=context["bank"], data=request.GET)
    sel = selection_of(request.company, request.GET, shown=shown)
    context.update(_selection_context(request, account, sel, shown))
    context["selected"] = sel
    return render(request, "reconciliation/_bank_side.html", context)


@company_view()
def ledger_side(request, company_id, bank_account_id):
    account = _account(request, bank_account_id)
    context = {"company": request.company, "account": account, "can_change": _can_change(request)}
    context.update(_ledger_context(request, account, request.GET))
    shown = _shown(ledger=context["ledger"], tab=context["tab"], data=request.GET)
    sel = selection_of(request.company, request.GET, shown=shown)
    context.update(_selection_context(request, account, sel, shown))
    context["selected"] = sel
    return render(request, "reconciliation/_ledger_side.html", context)


@company_view(write=Permission.VIEW)
@require_POST
def selection(request, company_id, bank_account_id):
    """The running difference of what is ticked (htmx, on every tick)."""
    account = _account(request, bank_account_id)
    shown = _shown(data=request.POST)
    sel = selection_of(request.company, request.POST, shown=shown)
    return render(request, "reconciliation/_selection.html", _selection_context(request, account, sel, shown))


@company_view(Permission.CHANGE)
@require_POST
def reconcile(request, company_id, bank_account_id):
    account = _account(request, bank_account_id)
    sel = selection_of(request.company, request.POST)
    difference_account = request.POST.get("difference_account", "") if request.POST.get("post_difference") else ""
    try:
        rec = services.reconcile(request.user, request.company, account, line_ids=sorted(sel.lines),
                                 posting_ids=sorted(sel.postings), items=sorted(sel.items),
                                 difference_account=difference_account,
                                 difference_text=request.POST.get("difference_text", ""))
    except ReconciliationError as exc:
        _problems(request, exc)
        return redirect(_with_query(_screen_url(account, request.POST), _carried(sel)))
    messages.success(request, _reconciled_message(rec))
    return redirect(_screen_url(account, request.POST))


def _carried(sel: Selection) -> list[tuple[str, int]]:
    """After a refusal the selection survives the redirect."""
    pairs = [("carry_line", i) for i in sorted(sel.lines)] + [("carry_posting", i) for i in sorted(sel.postings)]
    return pairs + [("carry_item", i) for i in sorted(sel.items)]


def _with_query(url: str, pairs) -> str:
    if not pairs:
        return url
    return url + ("&" if "?" in url else "?") + urlencode(pairs)


def _reconciled_message(rec: Reconciliation) -> str:
    count = rec.line_links.count()
    if rec.voucher_id is not None:
        return _("Reconciled %(count)s bank line(s); voucher %(voucher)s posted.") % {
            "count": count, "voucher": rec.voucher.display_number}
    return _("Reconciled %(count)s bank line(s).") % {"count": count}


@company_view(Permission.CHANGE)
@require_POST
def accept(request, company_id, bank_account_id):
    """Accept one proposal (`proposal`), or the best proposal of every ticked line (`accept_lines`)."""
    account = _account(request, bank_account_id)
    if request.POST.get("proposal"):
        try:
            rec = services.accept_proposal(request.user, request.company, int(request.POST["proposal"]))
        except (ReconciliationError, ValueError) as exc:
            _problems(request, exc) if isinstance(exc, ReconciliationError) else messages.error(request, str(exc))
            if isinstance(exc, ReconciliationError) and not isinstance(exc, AlreadyReconciled):
                _refresh_quietly(request.company, request.POST.getlist("line"))
        else:
            messages.success(request, _reconciled_message(rec))
        return redirect(_screen_url(account, request.POST))
    sel = selection_of(request.company, request.POST)
    from .models import LineProposal

    proposals = []
    for line_id in sorted(sel.lines):
        best = LineProposal.objects.filter(bank_line_id=line_id, bank_line__company=request.company).order_by(
            "alternative", "rank", "-confidence").first()
        if best is not None:
            proposals.append(best.pk)
    if not proposals:
        messages.error(request, _("None of the ticked lines has a proposal."))
        return redirect(_screen_url(account, request.POST))
    outcomes = services.accept_proposals(request.user, request.company, proposals)
    done = [o for o in outcomes if o.reconciliation]
    if done:
        messages.success(request, _("%(count)s proposal(s) accepted.") % {"count": len(done)})
    for o in outcomes:
        if o.error:
            messages.error(request, o.error)
    return redirect(_screen_url(account, request.POST))


def _refresh_quietly(company, line_ids) -> None:
    try:
        automatic.refresh(company, _ids(line_ids))
    except Exception:  # noqa: BLE001 - a refresh is a courtesy; the refusal was already shown
        pass


@company_view(Permission.CHANGE)
@require_POST
def run_now(request, company_id, bank_account_id):
    """"Find matches": the engine over the account's lines now; applies certain matches only when
    automation is on for the account."""
    account = _account(request, bank_account_id)
    result = automatic.run(request.company, accounts=[account.pk], trigger=Trigger.SCREEN, actor=request.user)
    counts = result.counts()
    messages.success(request, _("Matching done: %(matched)s reconciled automatically, %(proposed)s with proposals, "
                                "%(left)s without.") % counts)
    return redirect(_screen_url(account, request.POST))


# --- post and reconcile ------------------------------------------------------------------------------------


@company_view()
def post_line(request, company_id, bank_line_id):
    line = get_object_or_404(BankLine.objects.select_related("bank_account", "bank_account__gl_account"),
                             pk=bank_line_id, company=request.company)
    account = line.bank_account
    suggestion = rules.suggestion_for_line(request.company, line)
    if request.method == "POST":
        if not _can_change(request):
            raise PermissionDenied
        form = PostForm(request.POST, company=request.company)
        if form.is_valid():
            data = form.cleaned_data
            items = suggestion.items if suggestion and (data["customer"] or data["supplier"]) and (
                (data["customer"] and suggestion.customer_id == data["customer"].pk)
                or (data["supplier"] and suggestion.supplier_id == data["supplier"].pk)) else ()
            try:
                rec = services.post_and_reconcile(
                    request.user, request.company, line.pk, account=data.get("account") or "",
                    vat_code=data.get("vat_code") or "", description=data.get("description") or "",
                    customer=data["customer"], supplier=data["supplier"], items=items,
                    rule_id=suggestion.rule_id if suggestion else None)
            except ReconciliationError as exc:
                for problem in exc.problems:
                    form.add_error(None, problem)
            else:
                messages.success(request, _reconciled_message(rec))
                if data.get("make_rule"):
                    return redirect(reverse("reconciliation:rule_new", args=[request.company.pk])
                                    + f"?line={line.pk}&account={rec.learn_account}&vat_code={rec.learn_vat}")
                return redirect(_screen_url(account, request.POST))
    else:
        initial = {}
        if suggestion is not None:
            initial = {"account": suggestion.account, "vat_code": suggestion.vat_code,
                       "description": suggestion.description}
            if suggestion.customer_id:
                initial["party"] = f"c:{suggestion.customer_id}"
            elif suggestion.supplier_id:
                initial["party"] = f"s:{suggestion.supplier_id}"
        initial.setdefault("description", (line.description or line.counterparty_name)[:200])
        form = PostForm(initial=initial, company=request.company)
    template = "reconciliation/_post_form.html" if request.htmx else "reconciliation/post.html"
    return render(request, template, {"company": request.company, "account": account, "line": line, "form": form,
                                      "suggestion": suggestion, "can_change": _can_change(request),
                                      "back": _screen_url(account, request.GET)})


# --- reconciliations and undo -----------------------------------------------------------------------------------


@company_view()
def reconciliation(request, company_id, reconciliation_id):
    rec = get_object_or_404(Reconciliation.objects.select_related("bank_account", "rule", "created_by", "voucher",
                                                                  "reversal"),
                            pk=reconciliation_id, company=request.company)
    from .explanations import render as render_explanation

    return render(request, "reconciliation/reconciliation.html", {
        "company": request.company, "rec": rec, "account": rec.bank_account,
        "lines": [link.bank_line for link in rec.line_links.select_related("bank_line")],
        "postings": [link.posting for link in rec.posting_links.select_related("posting__voucher", "posting__account")],
        "settlements": rec.settlements.select_related("settlement"),
        "explanation": render_explanation(rec.explanation), "can_change": _can_change(request),
        "locked": _locked(rec),
    })


def _locked(rec: Reconciliation) -> SignOff | None:
    dates = list(rec.line_links.filter(active=True).values_list("bank_line__date", flat=True))
    if not dates:
        return None
    return (SignOff.objects.filter(bank_account=rec.bank_account, revoked_at__isnull=True, period_end__gte=min(dates))
            .order_by("period_end").first())


@company_view(Permission.CHANGE)
@require_POST
def undo(request, company_id, reconciliation_id):
    rec = get_object_or_404(Reconciliation, pk=reconciliation_id, company=request.company)
    try:
        services.undo(request.user, request.company, rec.pk)
    except ReconciliationError as exc:
        _problems(request, exc)
    else:
        line_ids = list(rec.line_links.values_list("bank_line_id", flat=True))
        _refresh_quietly(request.company, line_ids)
        messages.success(request, _("The reconciliation was undone; what it posted was reversed."))
    data = request.POST.copy()
    data["bstate"] = "open"  # the lines are back to reconcile: show them there
    return redirect(_screen_url(rec.bank_account, data))


# --- the report --------------------------------------------------------------------------------------------------


@company_view()
def report_view(request, company_id, bank_account_id):
    account = _account(request, bank_account_id)
    form = ReportForm(request.GET or None)
    on = (form.cleaned_data.get("date") if form.is_valid() else None) or timezone.localdate()
    built = report.build(account, on)
    kind = request.GET.get("format")
    name = f"bankavstemming-{account.account_number}-{on:%Y-%m-%d}"
    if kind == "csv":
        response = HttpResponse(report.to_csv(built).encode("utf-8"), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    if kind == "pdf":
        from . import pdf

        response = HttpResponse(pdf.render(built, request.company.name), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
        return response
    if not form.is_bound:
        form = ReportForm(initial={"date": on})
    chart = svg(built.points, bank_label=_("Bank"), ledger_label=_("Ledger"),
                title=_("Balance over time: bank against ledger")) if len(built.points) > 1 else ""
    return render(request, "reconciliation/report.html", {
        "company": request.company, "account": account, "report": built, "form": form, "chart": chart, "on": on,
        "rows": report.summary_rows(built), "sign_form": SignOffForm(initial={"through": on}),
        "can_sign": _can_change(request), "can_revoke": request.membership.allows(Permission.MANAGE),
        "today": timezone.localdate(), "query": urlencode({"date": on.strftime("%d.%m.%Y")}), "tab_page": "report",
    })


@company_view(Permission.CHANGE)
@require_POST
def sign(request, company_id, bank_account_id):
    account = _account(request, bank_account_id)
    form = SignOffForm(request.POST)
    url = reverse("reconciliation:report", args=[request.company.pk, account.pk])
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return redirect(url)
    through = form.cleaned_data["through"]
    try:
        signed = signoff.sign_off(request.user, request.company, account, through, note=form.cleaned_data["note"])
    except ReconciliationError as exc:
        _problems(request, exc)
    else:
        messages.success(request, _("Signed off %(period)s.") % {"period": str(signed)})
    return redirect(url + "?" + urlencode({"date": through.strftime("%d.%m.%Y")}))


@company_view(Permission.MANAGE)
@require_POST
def revoke_sign_off(request, company_id, sign_off_id):
    signed = get_object_or_404(SignOff, pk=sign_off_id, company=request.company)
    try:
        signoff.revoke(request.user, request.company, signed.pk)
    except ReconciliationError as exc:
        _problems(request, exc)
    else:
        messages.success(request, _("The sign-off was withdrawn."))
    return redirect(reverse("reconciliation:report", args=[request.company.pk, signed.bank_account_id])
                    + "?" + urlencode({"date": signed.period_end.strftime("%d.%m.%Y")}))


# --- bank rules ---------------------------------------------------------------------------------------------------


@company_view()
def rule_list(request, company_id):
    items = []
    for rule in BankRule.objects.filter(company=request.company).select_related("account", "bank_account"):
        try:
            from .inputs import engine_rule

            engine_rule(rule)
            problem = ""
        except Exception as exc:  # noqa: BLE001 - shown next to the rule
            problem = str(exc)
        items.append((rule, problem))
    return render(request, "reconciliation/rules.html", {"company": request.company, "rules": items,
                                                          "can_change": _can_change(request), "tab_page": "rules"})


def _rule_form_page(request, form, rule=None, line=None):
    return render(request, "reconciliation/rule_form.html", {"company": request.company, "form": form, "rule": rule,
                                                              "line": line, "can_change": _can_change(request),
                                                              "tab_page": "rules"})


@company_view()
def rule_new(request, company_id):
    line = None
    if request.GET.get("line"):
        line = get_object_or_404(BankLine, pk=request.GET["line"], company=request.company)
    if request.method == "POST":
        if not _can_change(request):
            raise PermissionDenied
        form = RuleForm(request.POST, company=request.company)
        if form.is_valid():
            try:
                rule = rules.create_rule(request.user, request.company, **form.rule_fields())
            except ReconciliationError as exc:
                for problem in exc.problems:
                    form.add_error(None, problem)
            else:
                messages.success(request, _("Rule “%(name)s” saved.") % {"name": rule.name})
                return redirect("reconciliation:rules", request.company.pk)
    else:
        initial = {"active": True}
        if line is not None:
            draft = rules.draft_from_line(request.company, line, account=request.GET.get("account", ""),
                                          vat_code=request.GET.get("vat_code", ""))
            initial.update(draft)
            initial["bank_account"] = str(draft["bank_account"])
        form = RuleForm(initial=initial, company=request.company)
    return _rule_form_page(request, form, line=line)


@company_view()
def rule_edit(request, company_id, rule_id):
    rule = get_object_or_404(BankRule.objects.select_related("account"), pk=rule_id, company=request.company)
    if request.method == "POST":
        if not _can_change(request):
            raise PermissionDenied
        form = RuleForm(request.POST, company=request.company)
        if form.is_valid():
            try:
                rules.update_rule(request.user, rule, **form.rule_fields())
            except ReconciliationError as exc:
                for problem in exc.problems:
                    form.add_error(None, problem)
            else:
                messages.success(request, _("Rule “%(name)s” saved.") % {"name": rule.name})
                return redirect("reconciliation:rules", request.company.pk)
    else:
        form = RuleForm(initial=RuleForm.initial_of(rule), company=request.company)
    return _rule_form_page(request, form, rule=rule)


@company_view(Permission.CHANGE)
@require_POST
def rule_delete(request, company_id, rule_id):
    rule = get_object_or_404(BankRule, pk=rule_id, company=request.company)
    rules.delete_rule(request.user, rule)
    messages.success(request, _("Rule “%(name)s” deleted.") % {"name": rule.name})
    return redirect("reconciliation:rules", request.company.pk)


@company_view(Permission.CHANGE)
@require_POST
def rule_move(request, company_id, rule_id):
    rule = get_object_or_404(BankRule, pk=rule_id, company=request.company)
    rules.move_rule(request.user, rule, -1 if request.POST.get("direction") == "up" else 1)
    return redirect("reconciliation:rules", request.company.pk)


# --- Settings > Automation ----------------------------------------------------------------------------------------


@company_view(Permission.VIEW, write=Permission.MANAGE)
def automation_settings(request, company_id):
    rows = automation.settings_for(request.company)
    if request.method == "POST":
        account = get_object_or_404(BankAccount, pk=request.POST.get("bank_account"), company=request.company)
        form = AutomationForm(request.POST)
        if form.is_valid():  # a disabled switch is not posted: it means "leave it off"
            try:
                automation.set_automation(request.user, request.company, account, on=form.cleaned_data["on"],
                                          min_confidence=form.cleaned_data["min_confidence"])
            except ReconciliationError as exc:
                _problems(request, exc)
            else:
                messages.success(request, _("Automation for %(account)s saved.") % {"account": account.nickname})
        return redirect("reconciliation:automation", request.company.pk)
    forms_ = []
    for row in rows:
        form = AutomationForm(initial={"on": row.on, "min_confidence": f"{row.min_confidence:.3f}"},
                              auto_id=f"a{row.account.pk}_%s")
        form.fields["on"].disabled = bool(row.problem) and not row.on
        forms_.append((row, form))
    return render(request, "reconciliation/automation.html", {
        "company": request.company, "rows": forms_, "active": "automation",
        "can_manage": request.membership.allows(Permission.MANAGE)})

