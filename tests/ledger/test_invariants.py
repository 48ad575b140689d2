"""Double-entry invariants, for any vouchers hypothesis can think of: every posted voucher sums
to zero, the trial balance sums to zero in every column, a reversal restores every balance."""

from __future__ import annotations

import datetime

from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from avstem.ledger import reports, vat
from avstem.ledger.models import Posting
from avstem.ledger.posting import Line, NewVoucher, post_voucher, reverse_voucher

ACCOUNTS = ["3000", "3030", "4030", "6300", "6540", "6800", "7140", "1460", "2050"]
CODES = ["", "", "1", "11", "13", "3", "31", "33", "86", "87", "5", "14"]

line = st.tuples(
    st.sampled_from(ACCOUNTS),
    st.integers(min_value=-5_000_000, max_value=5_000_000).filter(bool),
    st.sampled_from(CODES),
    st.booleans(),
)
voucher_spec = st.tuples(
    st.dates(min_value=datetime.date(2025, 1, 1), max_value=datetime.date(2026, 12, 31)),
    st.lists(line, min_size=1, max_size=5),
)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def balancing_amount(day, lines) -> int:
    """What the bank line must carry for the voucher to balance once VAT lines are added."""
    total = 0
    for _account, amount, code, gross in lines:
        if not code:
            total += amount
            continue
        split = vat.split(code, amount, day, gross=gross)
        total += split.net + sum(a for _acc, a in split.lines)
    return -total


def make(day, lines) -> NewVoucher:
    return NewVoucher(date=day, description="Egenskapstest", lines=[
        *[Line(account, amount, vat_code=code, gross=gross) for account, amount, code, gross in lines],
        Line("1920", balancing_amount(day, lines)),
    ])


def all_balances(company, day) -> dict[str, int]:
    return reports.balances(company, day)


@SETTINGS
@given(vouchers=st.lists(voucher_spec, min_size=1, max_size=4))
def test_posted_vouchers_and_the_trial_balance_sum_to_zero(company, owner, vouchers):
    for day, lines in vouchers:
        if balancing_amount(day, lines) == 0:
            continue
        voucher = post_voucher(owner, company, make(day, lines))
        assert voucher.postings.aggregate(s=Sum("amount"))["s"] == 0
        for base in voucher.postings.filter(vat_code__in=["1", "11", "13", "3", "31", "33"], is_vat=False):
            vat_lines = voucher.postings.filter(is_vat=True, vat_base_line=base.line)
            assert sum(p.amount for p in vat_lines) == base.vat_amount
    assert Posting.objects.filter(company=company).aggregate(s=Sum("amount"))["s"] in (0, None)
    for date_from, date_to in [(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)),
                               (datetime.date(2025, 7, 1), datetime.date(2026, 3, 31)),
                               (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))]:
        totals = reports.trial_balance(company, date_from, date_to).totals
        assert totals.opening == 0 and totals.movement == 0 and totals.closing == 0
        assert totals.debit == totals.credit


@SETTINGS
@given(spec=voucher_spec)
def test_a_reversal_restores_every_balance(company, owner, spec):
    day, lines = spec
    if balancing_amount(day, lines) == 0:
        return
    end = datetime.date(2026, 12, 31)
    before = all_balances(company, end)
    voucher = post_voucher(owner, company, make(day, lines))
    assert all_balances(company, end) != before or not any(p.amount for p in voucher.postings.all())
    reverse_voucher(owner, voucher)
    after = {k: v for k, v in all_balances(company, end).items() if v or k in before}
    assert after == {k: v for k, v in before.items()}
