"""Benchmark: posting vouchers through the ledger's service layer, and the trial balance after.

    .venv/bin/python bench/ledger.py [--vouchers 100000] [--batch 1000] [--databases sqlite,postgres]

For each database a child process gets a throwaway database of its own (a temporary SQLite file;
a fresh PostgreSQL database, dropped afterwards, on the server of $BENCH_POSTGRES_URL, default
postgres://postgres@127.0.0.1:5432/postgres), migrates it and creates one company with the
standard chart. Then:

  service   post_vouchers() in batches (one transaction per batch): every voucher checked
            (accounts, balance, dates, periods), VAT lines calculated, numbers taken from the
            locked series counter, one audit entry per voucher
  baseline  the same voucher and posting rows, built in memory beforehand, written in the same
            batches with nothing checked: once with the ORM's bulk_create, once the way the
            service writes postings (COPY on PostgreSQL, executemany on SQLite): the floor
  reports   the trial balance for the year, and one account's balance on one date (the single
            indexed query), on the data the service posted

The vouchers (seeded, so every run posts the same) have 3 or 4 postings: sales with output VAT,
purchases of two lines with input VAT taken out of a gross amount, and payroll transfers.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
YEAR_START = datetime.date(2025, 1, 1)
ORG_NUMBERS = {"bulk_create": "934567897", "copy": "974760673"}


def specs(count: int, seed: int = 2025):
    """(date, description, [(account, øre, vat code, gross)]) for `count` vouchers."""
    rng = random.Random(seed)
    for n in range(count):
        day = YEAR_START + datetime.timedelta(days=n * 365 // count)
        kind = rng.random()
        if kind < 0.5:  # sale: bank / revenue with output VAT (3 postings with the VAT line)
            net = rng.randint(10_000, 5_000_000)
            yield day, f"Salg {n}", [("1920", net + (net * 25 + 50) // 100, "", False), ("3000", -net, "3", False)]
        elif kind < 0.8:  # purchase: rent without VAT, supplies with VAT in the gross, bank (4 postings)
            rent, supplies = rng.randint(10_000, 2_000_000), rng.randint(1_000, 500_000)
            yield day, f"Kjøp {n}", [("6300", rent, "", False), ("6800", supplies, "1", True), ("1920", -(rent + supplies), "", False)]
        else:  # payroll: salary, tax withheld, bank (3 postings)
            pay = rng.randint(2_000_000, 6_000_000)
            tax = pay * 3 // 10
            yield day, f"Lønn {n}", [("5000", pay, "", False), ("2600", -tax, "", False), ("1920", -(pay - tax), "", False)]


# --- the child: one database ------------------------------------------------------------------


def child(args) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "avstem.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Prefetch

    from avstem.companies.services import create_company
    from avstem.ledger import reports
    from avstem.ledger.models import Account, Posting, Voucher
    from avstem.ledger.posting import Line, NewVoucher, insert_postings, post_vouchers
    from avstem.users.services import create_user

    call_command("migrate", verbosity=0)
    user = create_user("bench@example.no", "bench-password-123", name="Bench")
    company = create_company(user, name="Benk AS", org_number="923456783", conversion_date=YEAR_START)
    vouchers = [
        NewVoucher(date=day, description=text, lines=[Line(a, x, vat_code=c, gross=g) for a, x, c, g in lines])
        for day, text, lines in specs(args.vouchers)
    ]
    result = {"vendor": connection.vendor, "vouchers": args.vouchers}

    started = time.perf_counter()
    for start in range(0, len(vouchers), args.batch):
        post_vouchers(user, company, vouchers[start : start + args.batch])
    result["service_s"] = time.perf_counter() - started
    result["postings"] = Posting.objects.filter(company=company).count()
    assert Voucher.objects.filter(company=company).count() == args.vouchers

    # Baselines: the same rows, built in memory before the clock starts, written for a company
    # of their own in the same batches with nothing checked, calculated or audited.
    originals = list(Voucher.objects.filter(company=company).order_by("id").prefetch_related(
        Prefetch("postings", queryset=Posting.objects.select_related("account").order_by("line"))
    ))
    for name, raw in (("bulk_create", False), ("copy", True)):
        other = create_company(user, name=f"Grunnlinje {name} AS", org_number=ORG_NUMBERS[name], conversion_date=YEAR_START)
        accounts = {a.number: a for a in Account.objects.filter(company=other)}
        rows = []
        for number, v in enumerate(originals, 1):
            copy = Voucher(company=other, series=v.series, fiscal_year=v.fiscal_year, number=number, date=v.date,
                           description=v.description, posted_by=user, posted_by_label=user.email)
            specs_ = [dict(line=p.line, account=accounts[p.account.number], amount=p.amount, description=p.description,
                           vat_code=p.vat_code, vat_rate=p.vat_rate, vat_amount=p.vat_amount, is_vat=p.is_vat,
                           vat_base_line=p.vat_base_line, currency="", currency_amount=None, customer=None, supplier=None,
                           bank_account_id=None, reference="")
                      for p in v.postings.all()]
            rows.append((copy, specs_))
        started = time.perf_counter()
        for start in range(0, len(rows), args.batch):
            chunk = rows[start : start + args.batch]
            with transaction.atomic():
                Voucher.objects.bulk_create([v for v, _specs in chunk], batch_size=2000)
                if raw:
                    insert_postings(other, chunk)
                else:
                    Posting.objects.bulk_create(
                        [Posting(company=other, voucher=v, date=v.date, **spec) for v, specs_ in chunk for spec in specs_],
                        batch_size=2000,
                    )
        result[f"baseline_{name}_s"] = time.perf_counter() - started
        assert Posting.objects.filter(company=other).count() == result["postings"]

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE ledger_posting")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    started = time.perf_counter()
    report = reports.trial_balance(company, YEAR_START, datetime.date(2025, 12, 31))
    result["trial_balance_s"] = time.perf_counter() - started
    assert report.totals.closing == 0 and report.totals.debit == report.totals.credit
    result["trial_balance_rows"] = len(report.rows)
    bank = Account.objects.get(company=company, number="1920")
    timings = []
    for day in (datetime.date(2025, 3, 31), datetime.date(2025, 6, 30), datetime.date(2025, 9, 30), datetime.date(2025, 12, 31)):
        started = time.perf_counter()
        reports.balance(company, bank, day)
        timings.append(time.perf_counter() - started)
    result["balance_ms"] = 1000 * min(timings)
    return result


# --- the parent: one child per database -------------------------------------------------------


def run_child(database_url: str, args, data_dir: str) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "AVSTEM_DATA_DIR": data_dir, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, __file__, "--child", "--vouchers", str(args.vouchers), "--batch", str(args.batch)]
    completed = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)
    if completed.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{completed.stderr[-4000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def sqlite(args) -> dict:
    with tempfile.TemporaryDirectory(prefix="avstem-bench-") as tmp:
        return run_child(f"sqlite:///{tmp}/bench.sqlite3", args, tmp)


def postgres(args) -> dict:
    import psycopg

    base = os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES)
    name = f"avstem_bench_ledger_{os.getpid()}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        with tempfile.TemporaryDirectory(prefix="avstem-bench-") as tmp:
            return run_child(base.rsplit("/", 1)[0] + "/" + name, args, tmp)
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def report(r: dict) -> None:
    n = r["vouchers"]
    print(f"{r['vendor']}: {n:,} vouchers, {r['postings']:,} postings")
    print(f"  service   post_vouchers()          {r['service_s']:7.1f} s  {n / r['service_s']:8,.0f} vouchers/s")
    for name, label in (("bulk_create", "ORM bulk_create"), ("copy", "COPY / executemany")):
        seconds = r[f"baseline_{name}_s"]
        print(f"  baseline  {label:<24} {seconds:7.1f} s  {n / seconds:8,.0f} vouchers/s"
              f"   service takes {r['service_s'] / seconds:.2f}x its time")
    print(f"  trial balance, one year ({r['trial_balance_rows']} accounts)   {r['trial_balance_s'] * 1000:7.0f} ms")
    print(f"  balance of 1920 on a date (one query)  {r['balance_ms']:7.2f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vouchers", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(child(args)))
        return 0
    for database in args.databases.split(","):
        report({"sqlite": sqlite, "postgres": postgres}[database.strip()](args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
