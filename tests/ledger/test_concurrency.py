"""Gap-free voucher numbers under concurrent posting (PostgreSQL: real concurrent writers)."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection

from avstem.ledger.errors import LedgerError
from avstem.ledger.models import NumberCounter, Voucher
from avstem.ledger.posting import Line, NewVoucher, post_voucher

THREADS, POSTS = 8, 25


@pytest.mark.postgres
def test_numbers_stay_gap_free_under_concurrent_posting(transactional_db, company, owner):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite lets one writer in at a time, so it cannot race "
                    "(run with DATABASE_URL=postgres://...)")
    assert not NumberCounter.objects.filter(company=company).exists()  # the first posts also race to create the counter
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []
    refused = []

    def worker(index: int) -> None:
        try:
            barrier.wait()
            for n in range(POSTS):
                amount = 1000 + index * 100 + n
                post_voucher(owner, company, NewVoucher(date=datetime.date(2025, 3, 1 + n), description=f"T{index}-{n}",
                                                        lines=[Line("6800", amount), Line("1920", -amount)]))
                if n % 5 == 0:  # a refused voucher in between: its number must be given back
                    try:
                        post_voucher(owner, company, NewVoucher(date=datetime.date(2025, 3, 1), description="skjev",
                                                                lines=[Line("6800", 1), Line("1920", -2)]))
                    except LedgerError:
                        refused.append(index)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(refused) == THREADS * POSTS // 5
    numbers = sorted(Voucher.objects.filter(company=company, series="manual", fiscal_year=2025).values_list("number", flat=True))
    assert numbers == list(range(1, THREADS * POSTS + 1))
    assert NumberCounter.objects.get(company=company, key="voucher:manual", year=2025).last == THREADS * POSTS
