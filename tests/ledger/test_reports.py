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


# --- The balance query on a year of data ------------------------------------------------------
# Whether a query uses an index is the planner's choice, made from the table's statistics and
# size. Where a fifth of the rows match (one company, six accounts), a sequential scan costs
# about what the index does, and the choice then turns on leftovers of earlier tests in the same
# database: PostgreSQL keeps the rows of their rolled-back transactions as dead tuples until a
# VACUUM, which makes the table and the index bigger than their live rows. So the data here is
# what a real database holds, a year of books of several companies, in which the balance of
# one company's bank account reads about 2 % of the postings, and the statistics are fresh
# (ANALYZE) before the plan of the query the report ran is asked for.

OTHER_COMPANIES = [("910000004", 2), ("910011170", 3), ("910022342", 2), ("910033514", 1), ("910044680", 2), ("910055852", 2)]
PURCHASES = ["4300", "6340", "6800", "6900"]  # with 25 % input VAT


def a_year_of_vouchers(rng: random.Random, year: int, size: int) -> list[NewVoucher]:
    """What a small shop posts in a year, in date order, `size` the scale of its trade: card
    sales paid to the bank with output VAT each working day, purchases paid from the bank with
    input VAT on most of them, and each month rent, salary with withholding tax, the employer's
    contribution, the withholding tax moved to its own account and bank fees."""
    vouchers = []
    day = D(year, 1, 1)
    while day.year == year:
        if day.weekday() < 5:
            for _n in range(size):
                net = rng.randint(50000, 2000000)
                vouchers.append(NewVoucher(date=day, description="Kortsalg", lines=[
                    Line("1920", net + net // 4), Line("3000", -net), Line("2700", -(net // 4))]))
                if rng.random() < 0.6:
                    net = rng.randint(10000, 800000)
                    vouchers.append(NewVoucher(date=day, description="Innkjøp", lines=[
                        Line(rng.choice(PURCHASES), net), Line("2710", net // 4), Line("1920", -(net + net // 4))]))
        if day.day == 1:
            rent = 2400000 * size
            vouchers.append(NewVoucher(date=day, description="Husleie", lines=[Line("6300", rent), Line("1920", -rent)]))
        if day.day == 25:
            gross, tax = 4500000 * size, 1350000 * size
            vouchers.append(NewVoucher(date=day, description="Lønn", lines=[
                Line("5000", gross), Line("2600", -tax), Line("1920", -(gross - tax))]))
            contribution = gross * 141 // 1000
            vouchers.append(NewVoucher(date=day, description="Arbeidsgiveravgift", lines=[
                Line("5400", contribution), Line("2770", -contribution)]))
            vouchers.append(NewVoucher(date=day, description="Skattetrekk", lines=[Line("1950", tax), Line("1920", -tax)]))
        if day.day == 28:
            fee = rng.randint(5000, 40000)
            vouchers.append(NewVoucher(date=day, description="Bankgebyr", lines=[Line("7770", fee), Line("1920", -fee)]))
        day += datetime.timedelta(days=1)
    return vouchers


def plan_of(sql: str) -> str:
    """The plan the database makes for `sql` (as captured, with its parameters in it)."""
    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(explain + sql)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def looks_up_a_range(plan: str, index: str) -> bool:
    """Whether `plan` reads the postings of one account up to a date as a range of `index`
    (not the whole table, nor the whole index with a filter). SQLite also says whether the
    index covers the query; PostgreSQL can only use that once VACUUM has marked the pages all
    visible, which rows written in a test's transaction never are."""
    if connection.vendor == "sqlite":
        return f"SEARCH ledger_posting USING COVERING INDEX {index} (account_id=? AND date<?)" in plan
    lines = plan.splitlines()
    return any(index in line and "Index Cond: ((account_id = " in next_line and "AND (date <= " in next_line
               for line, next_line in zip(lines, lines[1:]))


def balance_index() -> str:
    """The name of the index on ledger_posting (account, date, amount), which holds everything
    the balance of an account on a date reads."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Posting._meta.db_table)
    names = [name for name, c in constraints.items() if c["index"] and c["columns"] == ["account_id", "date", "amount"]]
    assert names, f"no index on ledger_posting (account_id, date, amount): {sorted(constraints)}"
    return names[0]


def test_balance_is_one_indexed_query_on_a_year_of_data(company, owner, django_assert_num_queries):
    from avstem.companies.services import create_company

    rng = random.Random(7)
    books = [(company, a_year_of_vouchers(rng, 2025, 1))]
    for org_number, size in OTHER_COMPANIES:
        other = create_company(owner, name=f"Butikk {org_number} AS", org_number=org_number, postal_code="0150",
                               city="Oslo", conversion_date=D(2025, 1, 1))
        books.append((other, a_year_of_vouchers(rng, 2025, size)))
    for month in range(1, 13):  # the companies post side by side, as they would
        for each, vouchers in books:
            post_vouchers(owner, each, [v for v in vouchers if v.date.month == month])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE ledger_posting")
        cursor.execute("ANALYZE ledger_account")

    account = Account.objects.get(company=company, number="1920")
    on_date = D(2025, 9, 30)
    rows = Posting.objects.filter(account=account, date__lte=on_date)
    assert 0 < rows.count() < Posting.objects.count() / 20  # a case for an index, as in a real database
    expected = sum(rows.values_list("amount", flat=True))
    index = balance_index()
    for asked in (account, "1920"):
        with django_assert_num_queries(1) as captured:
            assert reports.balance(company, asked, on_date) == expected
        plan = plan_of(captured.captured_queries[0]["sql"])
        assert looks_up_a_range(plan, index), plan
