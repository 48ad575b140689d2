"""Posting vouchers: VAT lines, refusals with their messages, immutability, reversal, numbering."""

from __future__ import annotations

import datetime

import pytest

from avstem.audit.models import AuditEntry
from avstem.ledger import chart, reports
from avstem.ledger.errors import ImmutableError, LedgerError
from avstem.ledger.models import Account, OpenItem, Posting, Series, Voucher
from avstem.ledger.posting import Line, NewVoucher, lock_period, post_voucher, post_vouchers, reverse_voucher, unlock_period

D = datetime.date


def simple(day=D(2025, 3, 10), amount=125000, **kwargs):
    return NewVoucher(date=day, description="Kontorrekvisita", lines=[Line("6800", amount, vat_code="1", gross=True), Line("1920", -amount)], **kwargs)


def test_a_voucher_with_vat_is_posted_balanced(company, owner):
    voucher = post_voucher(owner, company, simple())
    rows = [(p.line, p.account.number, p.amount, p.vat_code, p.is_vat) for p in voucher.postings.order_by("line")]
    assert rows == [(1, "6800", 100000, "1", False), (2, "2710", 25000, "1", True), (3, "1920", -125000, "", False)]
    assert sum(p.amount for p in voucher.postings.all()) == 0
    base = voucher.postings.get(line=1)
    assert base.vat_amount == 25000 and str(base.vat_rate) == "25.00"
    assert voucher.postings.get(line=2).vat_base_line == 1
    assert voucher.display_number == "M2025-1"
    entry = AuditEntry.objects.get(action="voucher.post", object_id=str(voucher.pk))
    assert entry.actor == owner and entry.company == company


def test_net_amounts_get_vat_added(company, owner):
    voucher = post_voucher(owner, company, NewVoucher(date=D(2025, 3, 1), description="Salg", lines=[
        Line("1920", 115000), Line("3030", -100000, vat_code="31")]))
    assert voucher.postings.get(account__number="2701").amount == -15000


def test_the_rate_valid_on_the_voucher_date_is_used(company, owner):
    from avstem.companies.services import update_company

    company = update_company(owner, company, conversion_date=D(2020, 1, 1))
    v1 = post_voucher(owner, company, NewVoucher(date=D(2020, 6, 1), description="Billett", lines=[
        Line("7140", 10600, vat_code="13", gross=True), Line("1920", -10600)]))
    v2 = post_voucher(owner, company, NewVoucher(date=D(2022, 6, 1), description="Billett", lines=[
        Line("7140", 11200, vat_code="13", gross=True), Line("1920", -11200)]))
    assert v1.postings.get(is_vat=True).amount == 600  # 6 % in 2020
    assert v2.postings.get(is_vat=True).amount == 1200  # 12 % from October 2021


def test_unbalanced_voucher_is_refused_with_both_sums(company, owner):
    with pytest.raises(LedgerError) as exc:
        post_voucher(owner, company, NewVoucher(date=D(2025, 3, 1), description="Feil", lines=[
            Line("6800", 125000), Line("1920", -120000)]))
    assert str(exc.value) == "The voucher does not balance: debit 1 250,00, credit 1 200,00."
    assert not Voucher.objects.filter(company=company).exists()


def test_date_before_conversion_is_refused(company, owner):
    with pytest.raises(LedgerError, match=r"The date 31.12.2024 is before the conversion date 01.01.2025."):
        post_voucher(owner, company, simple(day=D(2024, 12, 31)))


def test_locked_period_is_refused_and_can_be_opened_again(company, owner):
    lock_period(owner, company, 2025, 3)
    with pytest.raises(LedgerError, match="The period March 2025 is locked."):
        post_voucher(owner, company, simple(day=D(2025, 3, 31)))
    post_voucher(owner, company, simple(day=D(2025, 4, 1)))
    unlock_period(owner, company, 2025, 3)
    post_voucher(owner, company, simple(day=D(2025, 3, 31)))
    assert AuditEntry.objects.filter(company=company, action__in=["period.lock", "period.unlock"]).count() == 2


def test_inactive_account_is_refused(company, owner):
    chart.set_account_active(owner, Account.objects.get(company=company, number="1920"), False)
    with pytest.raises(LedgerError, match="Account 1920 is inactive."):
        post_voucher(owner, company, simple())


def test_inactive_vat_account_is_refused(company, owner):
    chart.set_account_active(owner, Account.objects.get(company=company, number="2710"), False)
    with pytest.raises(LedgerError, match="Account 2710 is inactive."):
        post_voucher(owner, company, simple())


def test_every_problem_is_named(company, owner):
    with pytest.raises(LedgerError) as exc:
        post_voucher(owner, company, NewVoucher(date=D(2024, 1, 1), description="", lines=[
            Line("9999", 100), Line("1500", -100), Line("1920", 0)]))
    assert exc.value.problems == [
        "The voucher needs a description.",
        "The date 01.01.2024 is before the conversion date 01.01.2025.",
        "Account 9999 does not exist.",
        "Account 1500 needs a customer.",
        "Line 3 has no amount.",
    ]


def test_customer_only_on_the_customer_account(company, owner, customer):
    with pytest.raises(LedgerError, match="A customer can only be given on a customer account"):
        post_voucher(owner, company, NewVoucher(date=D(2025, 3, 1), description="x", lines=[
            Line("1920", 100, customer=customer), Line("3000", -100)]))


def test_another_companys_account_is_not_found(company, owner, tenant_b):
    foreign = Account.objects.get(company=tenant_b.company, number="1920")
    with pytest.raises(LedgerError, match="Account 1920 does not exist."):
        post_voucher(owner, company, NewVoucher(date=D(2025, 3, 1), description="x", lines=[
            Line(foreign, 100), Line("3000", -100)]))


def test_amounts_are_integer_ore(company, owner):
    from decimal import Decimal

    with pytest.raises(TypeError):
        post_voucher(owner, company, NewVoucher(date=D(2025, 3, 1), description="x", lines=[
            Line("1920", Decimal("1.00")), Line("3000", -100)]))


def test_posted_vouchers_and_postings_cannot_change(company, owner):
    voucher = post_voucher(owner, company, simple())
    voucher.description = "Endret"
    with pytest.raises(ImmutableError):
        voucher.save()
    with pytest.raises(ImmutableError):
        voucher.delete()
    with pytest.raises(ImmutableError):
        Voucher.objects.filter(pk=voucher.pk).update(description="Endret")
    with pytest.raises(ImmutableError):
        Voucher.objects.filter(pk=voucher.pk).delete()
    posting = voucher.postings.first()
    posting.amount = 1
    with pytest.raises(ImmutableError):
        posting.save()
    with pytest.raises(ImmutableError):
        Posting.objects.filter(voucher=voucher).update(amount=0)
    with pytest.raises(ImmutableError):
        Posting.objects.filter(voucher=voucher).delete()


def test_reversal_mirrors_and_links_both_ways(company, owner):
    voucher = post_voucher(owner, company, simple())
    reversal = reverse_voucher(owner, voucher)
    assert reversal.reversal_of == voucher
    voucher.refresh_from_db()
    assert voucher.reversed_by == reversal and voucher.is_reversed
    assert reversal.display_number == "M2025-2" and reversal.date == voucher.date
    mirrored = {(p.account.number, -p.amount, p.vat_code, p.is_vat) for p in voucher.postings.all()}
    assert {(p.account.number, p.amount, p.vat_code, p.is_vat) for p in reversal.postings.all()} == mirrored
    for number in ("6800", "2710", "1920"):
        assert reports.balance(company, number, D(2025, 12, 31)) == 0
    with pytest.raises(LedgerError, match="is already reversed"):
        reverse_voucher(owner, voucher)
    with pytest.raises(LedgerError, match="is itself a reversal"):
        reverse_voucher(owner, reversal)


def test_reversal_in_a_later_period_and_of_an_account_deactivated_since(company, owner):
    voucher = post_voucher(owner, company, simple())
    lock_period(owner, company, 2025, 3)
    with pytest.raises(LedgerError, match="locked"):
        reverse_voucher(owner, voucher)
    chart.set_account_active(owner, Account.objects.get(company=company, number="6800"), False)
    reversal = reverse_voucher(owner, voucher, date=D(2025, 4, 2))
    assert reversal.date == D(2025, 4, 2)


def test_reversal_closes_open_items_against_each_other(company, owner, customer):
    voucher = post_voucher(owner, company, NewVoucher(date=D(2025, 3, 1), description="Innbetaling", lines=[
        Line("1920", 50000), Line("1500", -50000, customer=customer)]))
    reversal = reverse_voucher(owner, voucher)
    items = OpenItem.objects.filter(customer=customer)
    assert sorted(i.amount for i in items) == [-50000, 50000]
    assert all(i.remaining == 0 for i in items)
    assert reversal.postings.get(account__number="1500").customer == customer


def test_numbers_are_per_series_and_fiscal_year(company, owner):
    from avstem.companies.services import update_company

    company = update_company(owner, company, fiscal_year_start_month=7)
    numbers = [post_voucher(owner, company, simple(day=day, series=series)).display_number for day, series in [
        (D(2025, 6, 30), Series.MANUAL), (D(2025, 7, 1), Series.MANUAL), (D(2025, 7, 2), Series.MANUAL),
        (D(2025, 7, 2), Series.BANK), (D(2026, 6, 30), Series.MANUAL), (D(2026, 7, 1), Series.MANUAL),
    ]]
    assert numbers == ["M2024-1", "M2025-1", "M2025-2", "B2025-1", "M2025-3", "M2026-1"]


def test_a_refused_voucher_uses_no_number(company, owner):
    post_voucher(owner, company, simple())
    with pytest.raises(LedgerError):
        post_voucher(owner, company, NewVoucher(date=D(2025, 3, 1), description="Feil", lines=[Line("6800", 1), Line("1920", -2)]))
    assert post_voucher(owner, company, simple()).number == 2


def test_batch_posting_is_all_or_nothing(company, owner):
    good = [simple(day=D(2025, 3, d)) for d in range(1, 6)]
    bad = NewVoucher(date=D(2025, 3, 9), description="Skjev", lines=[Line("6800", 100), Line("1920", -99)])
    with pytest.raises(LedgerError) as exc:
        post_vouchers(owner, company, good + [bad])
    assert exc.value.problems[0] == "Voucher 6 (09.03.2025, Skjev):"
    assert "The voucher does not balance: debit 1,00, credit 0,99." in exc.value.problems
    assert not Voucher.objects.filter(company=company).exists()
    vouchers = post_vouchers(owner, company, good)
    assert [v.number for v in vouchers] == [1, 2, 3, 4, 5]
    assert AuditEntry.objects.filter(company=company, action="voucher.post").count() == 5


def test_job_postings_are_audited_as_the_job(company):
    voucher = post_voucher(None, company, simple(), job="bank-import")
    assert voucher.posted_by is None and voucher.posted_by_label == "job:bank-import"
    assert AuditEntry.objects.get(object_id=str(voucher.pk), action="voucher.post").actor_label == "job:bank-import"


def test_drafts_are_checked_when_posted(company, owner, customer):
    from avstem.ledger.models import VoucherDraft
    from avstem.ledger.posting import create_draft, delete_draft, post_draft, preview_voucher

    new = NewVoucher(date=D(2025, 3, 1), description="Innbetaling", series=Series.BANK, source="bank", lines=[
        Line("1920", 125000, reference="E2E-1"), Line("1500", -125000, customer=customer, kid="100000000016")])
    assert [p["account"].number for p in preview_voucher(company, new)] == ["1920", "1500"]
    draft = create_draft(owner, company, new, job="bank-import")
    assert draft.lines[1] == {**draft.lines[1], "account": "1500", "amount": -125000, "customer_id": customer.pk}
    assert not Voucher.objects.filter(company=company).exists()
    voucher = post_draft(owner, draft)
    assert voucher.display_number == "B2025-1" and voucher.source == "bank"
    assert voucher.postings.get(line=1).reference == "E2E-1"
    assert OpenItem.objects.get(posting__voucher=voucher).kid == "100000000016"
    assert not VoucherDraft.objects.filter(pk=draft.pk).exists()
    skewed = create_draft(owner, company, NewVoucher(date=D(2025, 3, 1), description="Skjev", lines=[
        Line("6800", 100), Line("1920", -99)]))
    with pytest.raises(LedgerError, match="does not balance"):
        post_draft(owner, skewed)
    assert VoucherDraft.objects.filter(pk=skewed.pk).exists()  # kept, to be corrected or deleted
    delete_draft(owner, skewed)
    assert [e.action for e in AuditEntry.objects.filter(company=company, action__startswith="voucher_draft").order_by("id")] == [
        "voucher_draft.create", "voucher_draft.post", "voucher_draft.create", "voucher_draft.delete"]
