"""Customers, suppliers, open items and settlement.

The services the reconciliation and payment contexts call:

    settle(actor, payment, [(open_item, amount_ore), ...], date=None) -> Settlement
    unsettle(actor, settlement) -> Settlement
    post_payment(actor, company, date=..., amount=..., customer=... | supplier=...,
                 allocations=[(open_item, amount_ore), ...] | "oldest" | None) -> (Voucher, Settlement | None)
    open_items_for_kid(company, kid) -> [OpenItem]

`payment` is the posting on 1500/2400 that the payment made (or its OpenItem). Amounts to
settle are positive øre: how much of each open item the payment closes. What the payment does
not close stays open on it: a customer who paid too much has a credit (a negative open item)
until it is settled against a later invoice or paid back.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from avstem.audit import services as audit
from avstem.norway import accounts as bank_numbers
from avstem.norway import identifiers
from avstem.norway.errors import InvalidNumber

from .auditing import actor_label, record_many
from .errors import LedgerError
from .models import Account, Customer, OpenItem, Posting, Series, Settlement, SettlementLine, Supplier, Voucher
from .money import format_amount
from .posting import Line, NewVoucher, post_voucher
from .rows import built, chunks, gettext_once, insert_rows, update_column

PARTY_FIELDS = ("number", "name", "org_number", "address", "postal_code", "city", "email", "active")
SUPPLIER_FIELDS = PARTY_FIELDS + ("bank_account", "iban", "bic", "default_account")
FIRST_NUMBER = {Customer: 10000, Supplier: 20000}


# --- Customers and suppliers ------------------------------------------------------------------


def number_message(exc: InvalidNumber) -> str:
    """The validator's form message in the active language."""
    from django.utils.translation import get_language

    return exc.message_en if (get_language() or "nb").startswith("en") else exc.message_nb


def _clean_party_fields(model, fields: dict) -> dict:
    clean = dict(fields)
    try:
        if clean.get("org_number"):
            clean["org_number"] = identifiers.validate_organisation_number(clean["org_number"])
        if clean.get("postal_code"):
            clean["postal_code"] = identifiers.validate_postal_code(clean["postal_code"])
        if model is Supplier:
            if clean.get("bank_account"):
                clean["bank_account"] = bank_numbers.validate_account_number(clean["bank_account"])
            if clean.get("iban"):
                clean["iban"] = bank_numbers.validate_iban(clean["iban"])
            if clean.get("bic"):
                clean["bic"] = bank_numbers.validate_bic(clean["bic"])
    except InvalidNumber as exc:
        raise LedgerError(number_message(exc)) from None
    if "name" in clean:
        clean["name"] = (clean["name"] or "").strip()
        if not clean["name"]:
            raise LedgerError(_("The name is required."))
    return clean


def next_party_number(model, company) -> int:
    last = model.objects.filter(company=company).aggregate(n=Max("number"))["n"]
    return (last or FIRST_NUMBER[model] - 1) + 1


def _create_party(model, actor, company, fields: dict, action: str):
    fields = _clean_party_fields(model, fields)
    if fields.get("number") is None:
        fields["number"] = next_party_number(model, company)
    account = fields.get("default_account")
    if account is not None and account.company_id != company.pk:
        raise LedgerError(_("Account %(number)s does not exist.") % {"number": account.number})
    party = model(company=company, **fields)
    try:
        with transaction.atomic():
            party.save()
    except IntegrityError:
        raise LedgerError(_("Number %(number)s is already in use.") % {"number": fields["number"]}) from None
    names = SUPPLIER_FIELDS if model is Supplier else PARTY_FIELDS
    audit.record(action=action, actor=actor, company=company, obj=party, changes=audit.diff({}, audit.snapshot(party, names)))
    return party


def _update_party(model, actor, party, fields: dict, action: str):
    names = SUPPLIER_FIELDS if model is Supplier else PARTY_FIELDS
    unknown = set(fields) - set(names)
    if unknown:
        raise TypeError(f"unknown fields {', '.join(sorted(unknown))}")
    fields = _clean_party_fields(model, fields)
    party = model.objects.select_for_update().get(pk=party.pk)
    before = audit.snapshot(party, names)
    for name, value in fields.items():
        setattr(party, name, value)
    try:
        with transaction.atomic():
            party.save()
    except IntegrityError:
        raise LedgerError(_("Number %(number)s is already in use.") % {"number": party.number}) from None
    changes = audit.diff(before, audit.snapshot(party, names))
    if changes:
        audit.record(action=action, actor=actor, company=party.company, obj=party, changes=changes)
    return party


@transaction.atomic
def create_customer(actor, company, **fields) -> Customer:
    return _create_party(Customer, actor, company, fields, "customer.create")


@transaction.atomic
def update_customer(actor, customer: Customer, **fields) -> Customer:
    return _update_party(Customer, actor, customer, fields, "customer.update")


@transaction.atomic
def create_supplier(actor, company, **fields) -> Supplier:
    return _create_party(Supplier, actor, company, fields, "supplier.create")


@transaction.atomic
def update_supplier(actor, supplier: Supplier, **fields) -> Supplier:
    return _update_party(Supplier, actor, supplier, fields, "supplier.update")


def subledger_account(company, kind: str) -> Account:
    """The customer (1500) or supplier (2400) account of the company."""
    preferred = "1500" if kind == "customer" else "2400"
    accounts = list(Account.objects.filter(company=company, subledger=kind).order_by("number"))
    account = next((a for a in accounts if a.number == preferred), accounts[0] if accounts else None)
    if account is None:
        raise LedgerError(_("The company has no %(kind)s account.") % {"kind": kind})
    return account


# --- Settlement -------------------------------------------------------------------------------


def _open_item_of(payment) -> OpenItem:
    if isinstance(payment, OpenItem):
        return payment
    if isinstance(payment, Posting):
        item = OpenItem.objects.filter(posting=payment).first()
        if item is None:
            raise LedgerError(_("The posting is not on a customer or supplier account, so it has no open item."))
        return item
    raise TypeError("payment is a Posting or an OpenItem")


def _sign(n: int) -> int:
    return (n > 0) - (n < 0)


def _allocation_problems(pay: OpenItem, allocations) -> tuple[list[tuple[OpenItem, int]], int, list[str]]:
    """The checks of a settlement of `allocations` (locked open item, positive øre) against the
    payment's item `pay`: (targets, total, problems)."""
    problems = []
    total = 0
    targets = []
    for target, amount in allocations:
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
            problems.append(_("The amount to settle on %(item)s must be more than zero.") % {"item": target.label})
            continue
        if (target.customer_id, target.supplier_id) != (pay.customer_id, pay.supplier_id):
            problems.append(_("%(item)s belongs to another customer or supplier.") % {"item": target.label})
            continue
        if target.remaining == 0:
            problems.append(_("%(item)s is already settled in full.") % {"item": target.label})
            continue
        if _sign(target.remaining) == _sign(pay.remaining):
            problems.append(
                _("%(item)s and %(payment)s are on the same side: a settlement pairs a debit with a credit.")
                % {"item": target.label, "payment": pay.label}
            )
            continue
        if amount > abs(target.remaining):
            problems.append(
                _("%(amount)s is more than the %(remaining)s remaining on %(item)s.")
                % {"amount": format_amount(amount), "remaining": format_amount(abs(target.remaining)), "item": target.label}
            )
            continue
        total += amount
        targets.append((target, amount))
    if not problems and total > abs(pay.remaining):
        problems.append(
            _("The amounts to settle (%(total)s) are more than the %(remaining)s left of %(payment)s.")
            % {"total": format_amount(total), "remaining": format_amount(abs(pay.remaining)), "payment": pay.label}
        )
    return targets, total, problems


@transaction.atomic
def settle(actor, payment, allocations: Sequence[tuple[OpenItem, int]], *, date: datetime.date | None = None,
           note: str = "", job: str = "") -> Settlement:
    """Close `allocations` (open item, positive øre) against the open item of `payment`.

    Full: the amount is all that remains on the item. Partial: less; the rest stays open.
    Over-payment: the payment's own item keeps what was not used (a credit on the customer).
    The items are locked, so two settlements of the same invoice cannot both succeed.
    """
    payment_item = _open_item_of(payment)
    if payment_item.remaining == 0:
        raise LedgerError(_("%(item)s is already settled in full.") % {"item": payment_item.label})
    if not allocations:
        raise LedgerError(_("Choose at least one open item to settle."))
    ids = [payment_item.pk] + [item.pk for item, _amount in allocations]
    if len(set(ids)) != len(ids):
        raise LedgerError(_("An open item appears more than once in the settlement."))
    locked = {
        i.pk: i
        for i in OpenItem.objects.select_for_update(of=("self",))
        .select_related("invoice", "supplier_invoice", "company")
        .filter(pk__in=ids, company_id=payment_item.company_id)
        .order_by("pk")
    }
    if len(locked) != len(ids):
        raise LedgerError(_("An open item does not exist in this company."))
    pay = locked[payment_item.pk]
    if pay.remaining == 0:
        raise LedgerError(_("%(item)s is already settled in full.") % {"item": pay.label})
    targets, total, problems = _allocation_problems(pay, [(locked[item.pk], amount) for item, amount in allocations])
    if problems:
        raise LedgerError(*problems)

    user = actor if getattr(actor, "is_authenticated", False) else None
    day = date or max([pay.date] + [t.date for t, _a in targets])
    settlement = Settlement.objects.create(
        company_id=pay.company_id, date=day, note=note[:200], created_by=user, created_by_label=actor_label(actor, job)
    )
    lines = [SettlementLine(settlement=settlement, open_item=pay, amount=_sign(pay.remaining) * total)]
    lines += [SettlementLine(settlement=settlement, open_item=t, amount=_sign(t.remaining) * a) for t, a in targets]
    SettlementLine.objects.bulk_create(lines)
    for line in lines:
        line.open_item.remaining -= line.amount
        OpenItem.objects.filter(pk=line.open_item.pk).update(remaining=line.open_item.remaining)
    audit.record(
        action="settlement.create", actor=actor, job=job, company=pay.company, obj=settlement,
        changes={
            f"{line.open_item.label} (#{line.open_item.pk})": [
                format_amount(line.open_item.remaining + line.amount), format_amount(line.open_item.remaining)
            ]
            for line in lines
        },
        summary=note,
    )
    return settlement


@dataclass(slots=True)
class LockedItem:
    """An open item as `settle_many` locks it: what the checks and the audit entry read."""

    pk: int
    customer_id: int | None
    supplier_id: int | None
    remaining: int
    date: datetime.date
    label: str


def lock_items(company, ids) -> dict[int, LockedItem]:
    """Lock the open items (primary key order) and read them as values: a model instance per
    item, and two more for its invoice, cost more than the whole settlement's writes."""
    out, tr = {}, gettext_once()
    for chunk in chunks(sorted(ids)):
        for pk, customer, supplier, remaining, day, text, invoice, kind, number, supplier_invoice, supplier_number in (
                OpenItem.objects.select_for_update(of=("self",)).filter(pk__any_key=chunk, company=company).order_by("pk")
                .values_list("pk", "customer_id", "supplier_id", "remaining", "date", *OpenItem.LABEL_VALUES)):
            label = OpenItem.label_of(text, (kind, number) if invoice else None,
                                      supplier_number if supplier_invoice else None, tr)
            out[pk] = LockedItem(pk, customer, supplier, remaining, day, label)
    return out


def _key(item) -> int:
    """An open item's key, given the item or its key (a getattr with a default raised and caught
    an AttributeError per key given)."""
    return item if isinstance(item, int) else item.pk


SETTLEMENT_FIELDS = ["company", "date", "note", "created_at", "created_by", "created_by_label"]


@transaction.atomic
def settle_many(actor, company, batch, *, job: str = "", audit: bool = True,
                locked: dict[int, LockedItem] | None = None, unwritten: frozenset[int] = frozenset()) -> list[Settlement]:
    """Many settlements in one go, for batch work (the bank reconciliation's automatic run):
    `batch` is [(payment item, [(open item, positive øre), ...], date, note), ...] (items or their
    ids). The same rules as `settle`, checked in order against the remaining amounts as earlier
    settlements of the batch change them; all or nothing. One locking query, one insert per kind
    of row, one update and one audit insert, instead of several queries per settlement.
    `audit=False` leaves the audit entries to the caller, which records each settlement's
    `changes` (set on the settlements returned) in the entry of the action it belongs to.
    `locked`: items the caller holds locked in this transaction already, as `lock_items` gives
    them (or just wrote); only the others are locked and read here. Their `remaining` is updated,
    in the database too except for the items in `unwritten`, which the caller has not written
    yet (see posting.write_open_items)."""
    if not batch:
        return []
    ids = set()
    for payment, allocations, _day, _note in batch:
        ids.add(_key(payment))
        ids.update(_key(item) for item, _amount in allocations)
    known = {pk: item for pk, item in (locked or {}).items() if pk in ids}
    locked = {**known, **lock_items(company, ids - known.keys())}
    if len(locked) != len(ids):
        raise LedgerError(_("An open item does not exist in this company."))
    user = actor if getattr(actor, "is_authenticated", False) else None
    label = actor_label(actor, job)
    now = timezone.now()
    rows, all_lines, audits, changed = [], [], [], set()
    for payment, allocations, day, note in batch:
        pay = locked[_key(payment)]
        wanted = [(locked[_key(item)], amount) for item, amount in allocations]
        if pay.remaining == 0:
            raise LedgerError(_("%(item)s is already settled in full.") % {"item": pay.label})
        if not wanted or len({pay.pk, *(t.pk for t, _a in wanted)}) != len(wanted) + 1:
            raise LedgerError(_("An open item appears more than once in the settlement."))
        targets, total, problems = _allocation_problems(pay, wanted)
        if problems:
            raise LedgerError(*problems)
        day = day or max([pay.date] + [t.date for t, _a in targets])
        rows.append((company.pk, day, (note or "")[:200], now, user.pk if user else None, label))
        lines = [(pay, _sign(pay.remaining) * total)] + [(t, _sign(t.remaining) * a) for t, a in targets]
        changes = {}
        for item, amount in lines:
            changes[f"{item.label} (#{item.pk})"] = [format_amount(item.remaining), format_amount(item.remaining - amount)]
            item.remaining -= amount
            changed.add(item.pk)
        all_lines.append([(item.pk, amount) for item, amount in lines])
        audits.append(changes)
    # Plain rows (rows.py), as post_vouchers writes postings: model instances cost more than the writes.
    keys = insert_rows(Settlement, SETTLEMENT_FIELDS, rows, ids=True)
    insert_rows(SettlementLine, ["settlement", "open_item", "amount"],
                [(pk, item, amount) for pk, lines in zip(keys, all_lines, strict=True) for item, amount in lines])
    update_column(OpenItem, "remaining", [(pk, locked[pk].remaining) for pk in sorted(changed - unwritten)])
    settlements = []
    for pk, (_company, day, note, _now, _user, _label) in zip(keys, rows, strict=True):
        settlements.append(built(Settlement, {"company": company, "created_by": user}, id=pk, company_id=company.pk,
                                 date=day, note=note, created_at=now, created_by_id=user.pk if user else None,
                                 created_by_label=label))
    if audit:
        record_many(action="settlement.create", actor=actor, job=job, company=company,
                    items=((s, changes, s.note) for s, changes in zip(settlements, audits, strict=True)))
    else:
        for settlement, changes in zip(settlements, audits, strict=True):
            settlement.changes = changes
    return settlements


@transaction.atomic
def unsettle(actor, settlement: Settlement, *, job: str = "") -> Settlement:
    """Undo a settlement: every open item gets back what it closed. The settlement is kept,
    marked reversed."""
    settlement = Settlement.objects.select_for_update().get(pk=settlement.pk)
    if settlement.reversed_at is not None:
        raise LedgerError(_("This settlement is already undone."))
    lines = list(settlement.lines.all())
    items = {
        i.pk: i
        for i in OpenItem.objects.select_for_update(of=("self",)).select_related("invoice", "supplier_invoice")
        .filter(pk__in=[line.open_item_id for line in lines]).order_by("pk")
    }
    changes = {}
    for line in lines:
        item = items[line.open_item_id]
        before = item.remaining
        item.remaining += line.amount
        OpenItem.objects.filter(pk=item.pk).update(remaining=item.remaining)
        changes[f"{item.label} (#{item.pk})"] = [format_amount(before), format_amount(item.remaining)]
    settlement.reversed_at = timezone.now()
    settlement.reversed_by = actor if getattr(actor, "is_authenticated", False) else None
    settlement.save(update_fields=["reversed_at", "reversed_by"])
    audit.record(action="settlement.reverse", actor=actor, job=job, company=settlement.company, obj=settlement, changes=changes)
    return settlement


def oldest_first(company, *, customer: Customer | None = None, supplier: Supplier | None = None, amount: int) -> list[tuple[OpenItem, int]]:
    """Allocate a payment of `amount` øre (positive) to the party's open invoices, oldest due
    date first. What is left over is not allocated."""
    items = open_items(company, customer=customer, supplier=supplier)
    want = 1 if customer is not None else -1  # receivables are debits, payables credits
    allocations = []
    left = amount
    for item in items:
        if left <= 0:
            break
        if _sign(item.remaining) != want:
            continue
        take = min(left, abs(item.remaining))
        allocations.append((item, take))
        left -= take
    return allocations


@transaction.atomic
def post_payment(actor, company, *, date: datetime.date, amount: int, customer: Customer | None = None,
                 supplier: Supplier | None = None, allocations=None, bank_account: str = "1920",
                 description: str = "", reference: str = "", bank_account_id: int | None = None,
                 job: str = "") -> tuple[Voucher, Settlement | None]:
    """Book a payment received from a customer (debit bank, credit 1500) or made to a supplier
    (credit bank, debit 2400) and settle it. `amount` is positive øre. `allocations` is a list
    of (open item, øre), "oldest" for the oldest open invoices first, or None to settle later."""
    if (customer is None) == (supplier is None):
        raise TypeError("give either a customer or a supplier")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise LedgerError(_("The payment amount must be more than zero."))
    if allocations == "oldest":
        allocations = oldest_first(company, customer=customer, supplier=supplier, amount=amount)
    sign = 1 if customer is not None else -1
    party_account = subledger_account(company, "customer" if customer is not None else "supplier")
    party = customer or supplier
    text = description or (_("Payment from %(name)s") if customer else _("Payment to %(name)s")) % {"name": party.name}
    voucher = post_voucher(
        actor, company,
        NewVoucher(
            date=date, description=text, series=Series.BANK, source="payment",
            lines=[
                Line(account=bank_account, amount=sign * amount, bank_account_id=bank_account_id, reference=reference),
                Line(account=party_account, amount=-sign * amount, customer=customer, supplier=supplier, reference=reference),
            ],
        ),
        job=job,
    )
    settlement = None
    if allocations:
        payment_item = OpenItem.objects.get(posting__voucher=voucher, posting__line=2)
        settlement = settle(actor, payment_item, allocations, date=date, job=job)
    return voucher, settlement


# --- Queries ----------------------------------------------------------------------------------


def open_items(company, *, customer: Customer | None = None, supplier: Supplier | None = None,
               kind: str | None = None, include_closed: bool = False):
    qs = OpenItem.objects.filter(company=company).select_related("customer", "supplier", "invoice", "supplier_invoice", "posting__voucher")
    if customer is not None:
        qs = qs.filter(customer=customer)
    if supplier is not None:
        qs = qs.filter(supplier=supplier)
    if kind == "customer":
        qs = qs.filter(customer__isnull=False)
    elif kind == "supplier":
        qs = qs.filter(supplier__isnull=False)
    if not include_closed:
        qs = qs.exclude(remaining=0)
    return qs.order_by("due_date", "id")


def open_items_for_kid(company, kid: str) -> list[OpenItem]:
    """Open items carrying this KID (normally one invoice), for matching incoming payments."""
    kid = "".join(str(kid).split())
    return list(OpenItem.objects.filter(company=company, kid=kid).exclude(remaining=0).select_related("invoice", "customer"))


def settlements_of(item: OpenItem):
    return Settlement.objects.filter(lines__open_item=item).distinct().prefetch_related("lines__open_item")


def party_balance(company, *, customer: Customer | None = None, supplier: Supplier | None = None) -> int:
    from django.db.models import Sum

    qs = OpenItem.objects.filter(company=company).filter(Q(customer=customer) if customer else Q(supplier=supplier))
    return qs.aggregate(s=Sum("remaining"))["s"] or 0
