"""Balances, trial balance, general ledger and their CSV; the balance query on a year of data."""

from __future__ import annotations

import datetime
import random

import pytest
from django.db import connection

from avstem.ledger import reports
from avstem.ledger.models import Account, Posting
from avstem.ledger.posting import Line, NewVoucher, post_voucher, post_vouchers

D = datetime.date


def book(company, owner, day, *lines, description="Bilag"):
    return post_voucher(owner, company, NewVoucher(date=day, description=description, lines=[Line(a, x) for a, x in lines]))


@pytest.fixture
def books(company, owner):
    book(company, owner, D(2025, 1, 1), ("1920", 500000), ("2000", -500000), description="Åpning")
    book(company, owner, D(2025, 2, 10), ("1920", 200000), ("3000", -200000), description="Salg februar")
    book(company, owner, D(2025, 3, 15), ("6300", 80000), ("1920", -80000), description="Husleie")
    book(company, owner, D(2025, 4, 20), ("1920", 50000), ("3000", -50000), description="Salg april")
    book(company, owner, D(2026, 1, 5), ("1920", 10000), ("3000", -10000), description="Salg januar 2026")
    return company


def row(report, number):
    return next(r for r in report.rows if r.number == number)


def test_trial_balance_opening_movement_closing(books):
    report = reports.trial_balance(books, D(2025, 3, 1), D(2025, 3, 31))
    assert [(r.number, r.opening, r.debit, r.credit, r.closing) for r in report.rows] == [
        ("1920", 700000, 0, 80000, 620000),
        ("2000", -500000, 0, 0, -500000),
        ("3000", -200000, 0, 0, -200000),
        ("6300", 0, 80000, 0, 80000),
    ]
    totals = report.totals
    assert (totals.opening, totals.debit, totals.credit, totals.closing) == (0, 80000, 80000, 0)


def test_profit_and_loss_accounts_open_at_zero_in_a_new_fiscal_year(books):
    report = reports.trial_balance(books, D(2026, 1, 1), D(2026, 1, 31))
    assert row(report, "3000").opening == 0 and row(report, "3000").closing == -10000
    assert row(report, "1920").opening == 670000
    earlier = report.rows[2]  # after 1920 and 2000, before 3000
    assert earlier.account is None and earlier.opening == -170000  # 2025's profit, not yet closed to equity
    assert [r.number for r in report.rows] == ["1920", "2000", "", "3000"]
    assert report.totals.opening == 0 and report.totals.closing == 0


def test_general_ledger_runs_the_balance(books):
    gl = reports.general_ledger(books, Account.objects.get(company=books, number="1920"), D(2025, 2, 1), D(2025, 12, 31))
    assert gl.opening == 500000
    assert [(line.posting.voucher.description, line.balance) for line in gl.lines] == [
        ("Salg februar", 700000), ("Husleie", 620000), ("Salg april", 670000)]
    assert (gl.debit, gl.credit, gl.closing) == (250000, 80000, 670000)
    revenue = reports.general_ledger(books, Account.objects.get(company=books, number="3000"), D(2026, 1, 1), D(2026, 12, 31))
    assert revenue.opening == 0 and revenue.closing == -10000


def test_csv_downloads(books):
    text = reports.trial_balance_csv(reports.trial_balance(books, D(2025, 1, 1), D(2025, 12, 31)))
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0] == "Account;Name;Opening balance;Debit;Credit;Movement;Closing balance"
    assert "1920;Bank, driftskonto;0,00;7500,00;800,00;6700,00;6700,00" in lines
    assert lines[-1] == ";Total;0,00;8300,00;8300,00;0,00;0,00"
    gl = reports.general_ledger_csv(reports.general_ledger(books, Account.objects.get(company=books, number="1920"), D(2025, 1, 1), D(2025, 12, 31)))
    assert "15.03.2025;M2025-3;Husleie;;;800,00;6200,00" in gl


def test_balance_on_a_date(books):
    assert reports.balance(books, "1920", D(2025, 3, 14)) == 700000
    assert reports.balance(books, "1920", D(2025, 3, 15)) == 620000
    assert reports.balances(books, D(2025, 12, 31), ["1920", "3000"]) == {"1920": 670000, "3000": -250000}


def test_balance_is_one_indexed_query_on_a_year_of_data(company, owner, django_assert_num_queries):
    rng = random.Random(7)
    vouchers = []
    day = D(2025, 1, 1)
    for n in range(3000):
        amount = rng.randint(100, 500000)
        vouchers.append(NewVoucher(date=day + datetime.timedelta(days=n % 365), description=f"Bilag {n}", lines=[
            Line(rng.choice(["1920", "1950"]), amount),
            Line(rng.choice(["3000", "3100", "6300", "6800"]), -amount)]))
    for start in range(0, len(vouchers), 1000):
        post_vouchers(owner, company, vouchers[start:start + 1000])
    account = Account.objects.get(company=company, number="1920")
    expected = sum(Posting.objects.filter(account=account, date__lte=D(2025, 9, 30)).values_list("amount", flat=True))
    with django_assert_num_queries(1):
        assert reports.balance(company, account, D(2025, 9, 30)) == expected
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE ledger_posting")
    query = Posting.objects.filter(account=account, date__lte=D(2025, 9, 30)).order_by().values("amount")
    plan = query.explain()
    assert "ledger_posting_balance" in plan, plan
