"""The screen with 10,000 open bank lines and 10,000 postings waiting: one page is paged and
filtered in the database, so it costs a bounded number of queries and well under a second."""

from __future__ import annotations

import datetime
import time

import pytest

from tests.reconciliation.conftest import DAY

pytestmark = pytest.mark.django_db

N = 10_000


def _fill(company, account):
    from avstem.banking.models import BankLine
    from avstem.ledger.models import Account, Posting, Voucher

    BankLine.objects.bulk_create([
        BankLine(company=company, bank_account=account, status="booked", amount=1000 + n, date=DAY - datetime.timedelta(days=n % 60),
                 ref=f"S{n}", description=f"Betaling {n}", counterparty_name=f"Kunde {n % 500}", source="camt053")
        for n in range(N)], batch_size=2000)
    bank, sales = (Account.objects.get(company=company, number=n) for n in ("1920", "3000"))
    voucher = Voucher.objects.create(company=company, series="bank", fiscal_year=2025, number=1, date=DAY,
                                     description="Dagsoppgjør")
    postings = [Posting(company=company, voucher=voucher, line=n + 1, account=bank, date=DAY, amount=5000 + n,
                        description=f"Salg {n}") for n in range(N)]
    postings.append(Posting(company=company, voucher=voucher, line=N + 1, account=sales, date=DAY,
                            amount=-sum(p.amount for p in postings)))
    Posting.objects.bulk_create(postings, batch_size=4000)

def test_ten_thousand_lines_page_fast(client, company, owner, account, django_assert_max_num_queries):
    from django.conf import settings

    from tests.conftest import enable_totp, login_verified

    _fill(company, account)
    _device, next_code = enable_totp(owner)
    login_verified(client, owner, next_code)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = f"/c/{company.pk}/reconciliation/accounts/{account.pk}/"
    client.get(url)  # warm up templates
    started = time.perf_counter()
    with django_assert_max_num_queries(40):
        page = client.get(url, {"bq": "Betaling 99", "bpage": "1"})
    elapsed = time.perf_counter() - started
    body = page.content.decode()
    assert "Betaling 9999" in body and "111 lines" in body  # "Betaling 99", "990".."999", "9900".."9999"
    assert elapsed < 3.0, elapsed  # about 0.15 s on an idle machine; generous for a busy one
    started = time.perf_counter()
    with django_assert_max_num_queries(25):
        part = client.get(url + "bank/", {"bpage": "150", "bamount": "10-20"})
    assert time.perf_counter() - started < 2.0
    assert "page 1 of 1" in part.content.decode() or "lines" in part.content.decode()
    started = time.perf_counter()
    ledger = client.get(url + "ledger/", {"lpage": "200"}).content.decode()
    assert time.perf_counter() - started < 2.0 and "page 200 of 200" in ledger
