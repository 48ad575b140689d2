"""Bank rules: the user's own, in the order they apply, and "make a rule from this line".

    create_rule(actor, company, **fields) / update_rule(actor, rule, **fields) / delete_rule(actor, rule)
    move_rule(actor, rule, -1 | +1)
    draft_from_line(company, line, account="", vat_code="")   initial fields for the rule form
    suggestion_for_line(company, line)                          what "post and reconcile" is prefilled with

A rule is checked by building the engine's own `Rule` from it (avstem.matching.rules), so what
the form accepts the engine can run.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from avstem import matching
from avstem.audit import services as audit
from avstem.banking.models import BankLine
from avstem.ledger.models import Account

from . import inputs
from .errors import ReconciliationError
from .explanations import render
from .models import BankRule, LineProposal

RULE_FIELDS = ("order", "name", "active", "bank_account", "text_contains", "text_regex", "counterparty", "amount_equal",
               "amount_min", "amount_max", "direction", "account", "vat_code", "description", "splits", "automatic")


def _check(company, rule: BankRule) -> None:
    if rule.account.company_id != company.pk:
        raise ReconciliationError(_("Account %(number)s does not exist.") % {"number": rule.account.number})
    if rule.bank_account_id and rule.bank_account.company_id != company.pk:
        raise ReconciliationError(_("The bank account does not exist in this company."))
    if rule.account.subledger:
        raise ReconciliationError(_("A rule posts to a GL account, not to a customer or supplier account."))
    numbers = {s.get("account", "") for s in rule.splits or ()}
    known = set(Account.objects.filter(company=company, number__in=numbers, active=True).values_list("number", flat=True))
    for number in sorted(numbers - known):
        raise ReconciliationError(_("Account %(number)s does not exist.") % {"number": number})
    if not (rule.name or "").strip():
        raise ReconciliationError(_("Give the rule a name."))
    try:
        inputs.engine_rule(rule)
    except (matching.InvalidRule, ValueError, TypeError, KeyError) as exc:
        raise ReconciliationError(_("The rule cannot work: %(problem)s") % {"problem": exc}) from None


@transaction.atomic
def create_rule(actor, company, **fields) -> BankRule:
    unknown = set(fields) - set(RULE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {', '.join(sorted(unknown))}")
    if fields.get("order") is None:
        last = BankRule.objects.filter(company=company).aggregate(n=Max("order"))["n"]
        fields["order"] = (last or 0) + 10
    rule = BankRule(company=company, created_by=actor if getattr(actor, "is_authenticated", False) else None, **fields)
    _check(company, rule)
    rule.save()
    audit.record(action="bank_rule.create", actor=actor, company=company, obj=rule,
                 changes=audit.diff({}, audit.snapshot(rule, RULE_FIELDS)))
    return rule


@transaction.atomic
def update_rule(actor, rule: BankRule, **fields) -> BankRule:
    unknown = set(fields) - set(RULE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {', '.join(sorted(unknown))}")
    rule = BankRule.objects.select_for_update().get(pk=rule.pk)
    before = audit.snapshot(rule, RULE_FIELDS)
    for name, value in fields.items():
        setattr(rule, name, value)
    _check(rule.company, rule)
    rule.save()
    changes = audit.diff(before, audit.snapshot(rule, RULE_FIELDS))
    if changes:
        audit.record(action="bank_rule.update", actor=actor, company=rule.company, obj=rule, changes=changes)
    return rule


@transaction.atomic
def delete_rule(actor, rule: BankRule) -> None:
    audit.record(action="bank_rule.delete", actor=actor, company=rule.company, obj=rule,
                 changes=audit.diff(audit.snapshot(rule, RULE_FIELDS), {}))
    LineProposal.objects.filter(bank_account__company=rule.company, rule_id=str(rule.pk)).delete()
    rule.delete()


@transaction.atomic
def move_rule(actor, rule: BankRule, step: int) -> None:
    """Move a rule one place earlier (-1) or later (+1); the orders are renumbered 10, 20, ..."""
    rules = list(BankRule.objects.select_for_update().filter(company=rule.company).order_by("order", "pk"))
    index = next(i for i, r in enumerate(rules) if r.pk == rule.pk)
    other = index + (1 if step > 0 else -1)
    if not 0 <= other < len(rules):
        return
    rules[index], rules[other] = rules[other], rules[index]
    for n, r in enumerate(rules, start=1):
        if r.order != n * 10:
            BankRule.objects.filter(pk=r.pk).update(order=n * 10)
    audit.record(action="bank_rule.move", actor=actor, company=rule.company, obj=rule,
                 changes={"position": [index + 1, other + 1]})


# --- from a bank line ---------------------------------------------------------------------------------


def draft_from_line(company, line: BankLine, *, account: str = "", vat_code: str = "") -> dict:
    """The rule form's initial fields for "make a rule from this line": the engine's draft (its
    counterparty account or name, or the stable part of a card line's text; its direction) with
    the GL account the line was posted to, or the suggestion for it."""
    if not account:
        suggestion = suggestion_for_line(company, line)
        if suggestion is not None:
            account, vat_code = suggestion.account, vat_code or suggestion.vat_code
    engine_line = inputs.bank_lines(company, line_ids=[line.pk])[0]
    draft = matching.rule_draft(engine_line, account or "7770", vat_code=vat_code)
    return {
        "name": draft.name[:100], "text_contains": draft.text_contains, "counterparty": draft.counterparty,
        "direction": draft.direction.value if draft.direction else "", "bank_account": line.bank_account_id,
        "account": account, "vat_code": vat_code, "description": draft.description[:200], "automatic": False,
    }


@dataclass
class PostSuggestion:
    """How "post and reconcile" is prefilled for a line, and why."""

    account: str = ""
    vat_code: str = ""
    description: str = ""
    customer_id: int | None = None
    supplier_id: int | None = None
    items: tuple[int, ...] = ()
    reason: str = ""
    kind: str = ""
    rule_id: int | None = None


def suggestion_for_line(company, line: BankLine) -> PostSuggestion | None:
    """The best cached rule or learned proposal for the line (its GL account and VAT code), or
    the party of its best open-item proposal."""
    proposals = list(LineProposal.objects.filter(bank_line=line).order_by("alternative", "rank"))
    for p in proposals:
        gl = [t for t in p.targets if t[0] == "gl"]
        if gl and p.kind in ("rule", "learned") and len(gl) == len(p.targets):
            top = max(gl, key=lambda t: abs(t[2]))
            return PostSuggestion(account=top[1], vat_code=top[4], description=top[5], reason=render(p.explanation),
                                  kind=p.kind, rule_id=int(p.rule_id) if p.rule_id else None)
    from avstem.ledger.models import OpenItem

    for p in proposals:
        ids = [int(t[1]) for t in p.targets if t[0] == "open_item"]
        if ids:
            item = OpenItem.objects.filter(company=company, pk=ids[0]).first()
            if item is not None:
                return PostSuggestion(customer_id=item.customer_id, supplier_id=item.supplier_id, items=tuple(ids),
                                      reason=render(p.explanation), kind=p.kind)
    return None
