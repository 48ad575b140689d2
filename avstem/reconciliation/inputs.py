"""Database rows as the matching engine's inputs (avstem.matching.model).

Everything is read with `values_list` in a handful of queries, so a million lines or open items
load in seconds: no model instances, no per-row queries. Ids are strings of primary keys.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q

from avstem import matching
from avstem.banking.models import AgreementAccount, BankAccount, BankLine, BankLineDetail, LineStatus, ReconciliationStatus
from avstem.ledger.models import Account, OpenItem, Posting, Series
from avstem.ledger.rows import chunks

from .models import BankRule, Method, ReconciledLine, ReconciledPosting, Reconciliation

DIFFERENCE_ACCOUNT = "7799"  # Øvrige kostnader, uten fradrag: what nothing else explains
FEE_ACCOUNT = "7770"  # Bankgebyrer og kortgebyrer
HISTORY_LINES = 5000  # posted bank lines the learned suggestions look at


# --- where reconciliation starts -------------------------------------------------------------------


def start_date(account: BankAccount) -> datetime.date:
    """The first day reconciled (R2.8): the agreement's start date, else the company's conversion
    date. Postings before it, and opening balances, are the opening difference of the report."""
    link = (AgreementAccount.objects.filter(bank_account=account, active=True, agreement__start_date__isnull=False)
            .select_related("agreement").first())
    if link is not None:
        return max(link.agreement.start_date, account.company.conversion_date)
    return account.company.conversion_date


def in_scope_postings(account: BankAccount, start: datetime.date | None = None):
    """Postings on the account's GL account that stand for bank transactions: from the start date,
    opening balances left out."""
    start = start or start_date(account)
    return (Posting.objects.filter(account_id=account.gl_account_id, date__gte=start)
            .exclude(voucher__series=Series.OPENING))


def unreconciled_postings(account: BankAccount, start: datetime.date | None = None):
    linked = ReconciledPosting.objects.filter(posting=OuterRef("pk"), active=True)
    return in_scope_postings(account, start).filter(~Exists(linked))


# --- bank lines ------------------------------------------------------------------------------------


def _texts(*parts: str) -> tuple[str, ...]:
    return tuple(p for p in parts if p and p.strip())


def bank_lines(company, *, accounts: Iterable[int] | None = None, line_ids: Iterable[int] | None = None,
               include_pending: bool = False) -> list[matching.BankLine]:
    """Live unreconciled lines (or exactly `line_ids`) with their transaction details."""
    query = BankLine.objects.filter(company=company, deleted_at__isnull=True,
                                    reconciliation_status=ReconciliationStatus.UNRECONCILED)
    if not include_pending:
        query = query.filter(status=LineStatus.BOOKED)
    if accounts is not None:
        query = query.filter(bank_account_id__in=list(accounts))
    if line_ids is not None:
        query = BankLine.objects.filter(company=company, pk__in=list(line_ids))
    rows = list(query.values_list("pk", "bank_account_id", "date", "value_date", "amount", "currency", "status",
                                  "description", "counterparty_name", "counterparty_account", "ref", "is_batch"))
    details: dict[int, list[matching.TxDetail]] = defaultdict(list)
    # A single-transaction line carries its detail's text and counterparty itself, but its
    # references (KID, end-to-end id) only on the detail: every line's details load.
    for ids in chunks([r[0] for r in rows]):
        for (line_id, amount, kid, refs, remittance, e2e, pmtinf, ref, name, cp, info) in (
                BankLineDetail.objects.filter(line_id__any_key=ids).order_by("line_id", "n").values_list(
                    "line_id", "amount", "kid", "creditor_references", "remittance", "end_to_end_id",
                    "payment_information_id", "ref", "counterparty_name", "counterparty_account", "additional_info")):
            creditor_refs = tuple(refs or ()) or ((kid,) if kid else ())
            details[line_id].append(matching.TxDetail(
                amount=amount, counterparty_name=name, counterparty_account=cp, end_to_end_id=e2e,
                payment_info_id=pmtinf, account_servicer_ref=ref or "", creditor_refs=creditor_refs,
                texts=_texts(remittance, info)))
    out = []
    for (pk, account_id, day, value_date, amount, currency, status, text, name, cp, ref, is_batch) in rows:
        line_details = tuple(details.get(pk, ()))
        if len(line_details) == 1 and line_details[0].texts and all(t in text for t in line_details[0].texts):
            # The import writes a single transaction's remittance into the line's text: once is enough.
            line_details = (replace(line_details[0], texts=()),)
        payment_info = line_details[0].payment_info_id if len(line_details) > 1 else ""
        out.append(matching.BankLine(
            id=str(pk), account_id=str(account_id), booking_date=day, amount=amount, currency=currency or "NOK",
            value_date=value_date, status=matching.model.BOOKED if status == LineStatus.BOOKED else "PDNG",
            texts=_texts(text), counterparty_name=name, counterparty_account=cp, account_servicer_ref=ref or "",
            payment_info_id=payment_info, batch=is_batch, details=line_details))
    return out


# --- candidates ------------------------------------------------------------------------------------


def open_items(company) -> list[matching.OpenItem]:
    # In no order (not the model's): the engine's answer does not depend on the items' order
    # (tests/matching/test_properties.py shuffles them), and on SQLite sorting a million joined
    # rows cost 4 of the query's 10 s and made it read the table in index order, not as stored.
    rows = (OpenItem.objects.filter(company=company).exclude(remaining=0).order_by()
            .values_list("pk", "customer_id", "supplier_id", "remaining", "kid", "due_date", "date",
                         "invoice__number", "supplier_invoice__supplier_invoice_number",
                         "customer__name", "supplier__name", "supplier__bank_account", "supplier__iban",
                         "supplier_invoice__creditor_account"))
    out = []
    for (pk, customer, supplier, remaining, kid, due, day, number, supplier_number, customer_name, supplier_name,
         supplier_account, supplier_iban, creditor_account) in rows.iterator(chunk_size=10000):
        if customer is not None:
            out.append(matching.OpenItem(
                id=str(pk), kind=matching.ItemKind.CUSTOMER, party_id=str(customer), remaining=remaining,
                invoice_number=str(number) if number else "", kid=kid, party_name=customer_name or "",
                due_date=due, invoice_date=day))
        elif supplier is not None:
            accounts = tuple(a for a in (supplier_account, supplier_iban, creditor_account) if a)
            out.append(matching.OpenItem(
                id=str(pk), kind=matching.ItemKind.SUPPLIER, party_id=str(supplier), remaining=remaining,
                invoice_number=supplier_number or "", kid=kid, party_name=supplier_name or "",
                party_accounts=tuple(dict.fromkeys(accounts)), due_date=due, invoice_date=day))
    return out


def ledger_postings(company, accounts: list[BankAccount]) -> list[matching.LedgerPosting]:
    """Unreconciled postings on the bank accounts' GL accounts (debit = money in, positive)."""
    out = []
    for account in accounts:
        rows = unreconciled_postings(account).values_list("pk", "date", "amount", "description", "reference")
        out += [matching.LedgerPosting(id=str(pk), account_id=str(account.pk), date=day, amount=amount,
                                       text=text, reference=reference)
                for pk, day, amount, text, reference in rows.iterator(chunk_size=10000)]
    return out


def own_accounts(company) -> list[matching.OwnAccount]:
    return [matching.OwnAccount(id=str(a.pk), number=a.account_number, gl_account=a.gl_account.number, name=a.nickname)
            for a in BankAccount.objects.filter(company=company, active=True).select_related("gl_account")]


def sent_payments(company) -> list[matching.SentPayment]:
    """Payments the program sent (pain.001). The payments context (issue: remittance) fills this
    in; until it exists there are none."""
    return []


# --- rules and history -----------------------------------------------------------------------------


def engine_rule(rule: BankRule) -> matching.Rule:
    """A stored rule as the engine's; raises matching.InvalidRule for one that cannot work."""
    splits = tuple(
        matching.Split(gl_account=s["account"],
                       percent=Decimal(str(s["percent"])) if s.get("percent") not in (None, "") else None,
                       amount=int(s["amount"]) if s.get("amount") not in (None, "") else None,
                       vat_code=s.get("vat_code", ""), description=s.get("description", ""))
        for s in rule.splits or ())
    return matching.Rule(
        id=str(rule.pk), gl_account=rule.account.number, order=rule.order, name=rule.name,
        text_contains=rule.text_contains, text_regex=rule.text_regex, counterparty=rule.counterparty,
        amount_equal=rule.amount_equal, amount_min=rule.amount_min, amount_max=rule.amount_max,
        direction=matching.Direction(rule.direction) if rule.direction else None,
        account_id=str(rule.bank_account_id) if rule.bank_account_id else "", vat_code=rule.vat_code,
        description=rule.description or rule.name, splits=splits, automatic=rule.automatic)


def rules(company) -> list[matching.Rule]:
    out = []
    for rule in BankRule.objects.filter(company=company, active=True).select_related("account").order_by("order", "pk"):
        try:
            out.append(engine_rule(rule))
        except matching.InvalidRule:
            continue  # saved before a check existed; the rules page shows the problem
    return out


def history(company, limit: int = HISTORY_LINES) -> list[matching.PostedLine]:
    """The company's bank lines posted to a GL account (by hand, by rule or by suggestion), newest
    `limit`, for the learned suggestions."""
    recs = (Reconciliation.objects.filter(company=company, undone_at__isnull=True)
            .exclude(learn_account="").exclude(method=Method.REVERSAL)
            .order_by("-date", "-pk").values_list("pk", "learn_account", "learn_vat")[:limit])
    recs = {pk: (gl, vat) for pk, gl, vat in recs}
    out = []
    for ids in chunks(list(recs)):
        for rec, _pk, day, amount, text, name, cp in ReconciledLine.objects.filter(
                reconciliation_id__in=ids, active=True).values_list(
                "reconciliation_id", "bank_line_id", "bank_line__date", "bank_line__amount", "bank_line__description",
                "bank_line__counterparty_name", "bank_line__counterparty_account"):
            gl, vat = recs[rec]
            out.append(matching.PostedLine(id=str(_pk), date=day, amount=amount, gl_account=gl, texts=_texts(text),
                                           counterparty_name=name, counterparty_account=cp, vat_code=vat))
    return out


def learner(company) -> matching.Learner | None:
    posted = history(company)
    return matching.Learner(posted) if posted else None


def config(company) -> matching.Config:
    from avstem.banking.models import BankAgreement

    fee = (BankAgreement.objects.filter(company=company, fee_account__isnull=False).exclude(status="deactivated")
           .values_list("fee_account__number", flat=True).first())
    return matching.Config(fee_account=fee or FEE_ACCOUNT, difference_account=DIFFERENCE_ACCOUNT)


def account_numbers(company) -> dict[str, Account]:
    return {a.number: a for a in Account.objects.filter(company=company)}


def party_filter(kind: str) -> Q:
    return Q(customer__isnull=False) if kind == "customer" else Q(supplier__isnull=False)
