"""Benchmark: the daily bank sync of many companies through the task queue, on PostgreSQL.

    .venv/bin/python bench/sync.py [--companies 1000] [--days 30] [--per-day 4] [--workers 1,2]

Sets up, untimed: a fresh PostgreSQL database (on the server of $BENCH_POSTGRES_URL, default
postgres://postgres@127.0.0.1:5432/postgres; dropped at the end), the sandbox bank as a real
process with `--companies` customers of 2 accounts each and `--days` business days of traffic
(`--per-day` transactions per account and day, a quarter of them KID payments with details), and
in the program the same companies, each with an active API agreement holding real tokens from the
bank's OAuth flow. Then, for each worker count: one "Fetch statements" run per company is queued
and that many `db_worker --batch` processes drain the queue; the time from their start until the
last exits gives companies per minute. Between runs every line, balance, run and task is wiped.
The ratio of the 2-worker figure to the 1-worker baseline measured in the same run is the
scaling. The bank (one process, SQLite) and the database share the machine with the workers.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
CLIENT = "avstem-bench"


def database_url(server: str, name: str) -> str:
    parts = urlsplit(server)
    return urlunsplit(parts._replace(path=f"/{name}"))


def admin_sql(server: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql)


def org_numbers(count: int) -> list[str]:
    from avstem.norway.errors import InvalidNumber
    from avstem.norway.identifiers import validate_organisation_number

    found, n = [], 0
    while len(found) < count:
        n += 1
        for check in range(10):
            try:
                found.append(validate_organisation_number(f"7{n:07d}{check}"))
                break
            except InvalidNumber:
                continue
    return found


def seed_bank(bank, orgs: list[str], days: list[datetime.date], per_day: int) -> dict[str, list[dict]]:
    """Customers, accounts and traffic at the sandbox bank; returns the accounts per company."""
    from avstem.norway.kid import KID

    bank.client.register_client(client_id=CLIENT, name="Avstem (bench)", loopback=True,
                                rate_limit={"requests": 1_000_000, "per_seconds": 1})
    accounts, batch = {}, []
    first = days[0].isoformat()
    for n, org in enumerate(orgs):
        customer = bank.client.create_customer(org, f"Bench {n} AS", accounts=[
            {"bank": "dnb", "name": "Driftskonto", "balance": "100000.00", "opened_on": first},
            {"bank": "dnb", "name": "Sparekonto", "balance": "5000.00", "opened_on": first}])
        accounts[org] = customer["accounts"]
        for account in customer["accounts"]:
            for d, day in enumerate(days):
                for k in range(per_day):
                    spec = {"account": account["account_number"], "date": day.isoformat(),
                            "amount": f"{(n + d + k) % 900 + 10}.{k:02d}" if k % 2 else f"-{(d * 7 + k) % 500 + 1}.50",
                            "description": f"Tx {d}-{k}"}
                    if k % 4 == 3:
                        spec["kid"] = str(KID.create(f"{n:05d}{d:02d}{k}"))
                        spec["counterparty"] = {"name": f"Kunde {k}"}
                    batch.append(spec)
        if len(batch) >= 5000 or n == len(orgs) - 1:
            bank.client.add_transactions(*batch)
            batch = []
    return accounts


def seed_program(bank, orgs: list[str], accounts: dict[str, list[dict]], start: datetime.date) -> None:
    """The companies, bank accounts and active API agreements (bulk: no chart of 745 accounts each)."""
    from avstem.banking.agreements import set_tokens
    from avstem.banking.banks import bank_of_account
    from avstem.banking.connector import Tokens
    from avstem.banking.models import AgreementAccount, AgreementStatus, BankAccount, BankAgreement, Connection
    from avstem.companies.models import Company
    from avstem.ledger.models import Account
    from avstem.sandbox_bank.accounts import test_national_id

    companies = Company.objects.bulk_create(
        [Company(name=f"Bench {n} AS", org_number=org, conversion_date=start) for n, org in enumerate(orgs)])
    gls = Account.objects.bulk_create([Account(company=c, number=number, name=f"Bank {number}", account_type="asset",
                                               grouping_category="RF-1167", grouping_code="1920", is_bank=True)
                                       for c in companies for number in ("1920", "1921")])
    gl = {(a.company_id, a.number): a for a in gls}
    bank_accounts, agreements, links = [], [], []
    for company, org in zip(companies, orgs):
        for number, account in zip(("1920", "1921"), accounts[org]):
            bank_accounts.append(BankAccount(company=company, nickname=account["name"], kind="operating",
                                             account_number=account["account_number"], iban=account["iban"],
                                             gl_account=gl[(company.pk, number)]))
    BankAccount.objects.bulk_create(bank_accounts)
    by_number = {a.account_number: a for a in bank_accounts}
    bank_info = bank_of_account(bank_accounts[0].account_number)
    for company, org in zip(companies, orgs):
        answer = bank.client.connect(national_id=test_national_id(org), org_number=org, client_id=CLIENT,
                                     redirect_uri="http://127.0.0.1:9/callback")
        agreement = BankAgreement(company=company, bank_key=bank_info.key, bank_name=bank_info.name,
                                  connection=Connection.API, status=AgreementStatus.ACTIVE, ordered_on=start,
                                  active_from=start, start_date=start)
        set_tokens(agreement, Tokens(answer["access_token"], answer["refresh_token"], time.time() + 3000))
        agreements.append(agreement)
    BankAgreement.objects.bulk_create(agreements)
    for agreement, org in zip(agreements, orgs):
        for account in accounts[org]:
            links.append(AgreementAccount(agreement=agreement, bank_account=by_number[account["account_number"]],
                                          external_id=account["id"], connected_on=start))
    AgreementAccount.objects.bulk_create(links)


def wipe() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE banking_banklinedetail, banking_bankline, banking_dailybalance, banking_importbatch, "
                       "banking_syncrun, django_tasks_database_dbtaskresult CASCADE")
        cursor.execute("UPDATE banking_agreementaccount SET synced_through = NULL, first_synced_at = NULL")
        cursor.execute("UPDATE banking_bankagreement SET sync_lease_until = NULL, last_sync_at = NULL")


def run(workers: int, env: dict) -> tuple[float, int, int]:
    """Queue one run per agreement, drain with `workers` processes; (seconds, done runs, lines)."""
    from avstem.banking.models import BankAgreement, BankLine, RunStatus, SyncRun
    from avstem.banking.sync import start_run

    wipe()
    for agreement in BankAgreement.objects.all():
        start_run(agreement)
    command = [sys.executable, "-m", "django", "db_worker", "--batch", "--no-startup-delay", "--interval", "0.05"]
    started = time.monotonic()
    procs = [subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
             for _ in range(workers)]
    for proc in procs:
        _, err = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"a worker failed: {err.decode()[-2000:]}")
    seconds = time.monotonic() - started
    done = SyncRun.objects.filter(status=RunStatus.DONE).count()
    failed = list(SyncRun.objects.exclude(status=RunStatus.DONE).values_list("status", "message")[:3])
    if failed:
        print(f"  not done: {failed}")
    return seconds, done, BankLine.objects.count()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--companies", type=int, default=1000)
    parser.add_argument("--days", type=int, default=30, help="business days of traffic per account")
    parser.add_argument("--per-day", type=int, default=4, help="transactions per account and day")
    parser.add_argument("--workers", default="1,2", help="worker counts to measure, the first is the baseline")
    args = parser.parse_args()
    server = os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES)
    name = f"avstem_bench_sync_{os.getpid()}"
    work = ROOT / "bench" / "out" / name
    work.mkdir(parents=True, exist_ok=True)
    url = database_url(server, name)
    env = {**os.environ, "DATABASE_URL": url, "AVSTEM_DATA_DIR": str(work), "DJANGO_SETTINGS_MODULE": "avstem.settings",
           "AVSTEM_BANK_CLIENT_ID": CLIENT, "PYTHONPATH": str(ROOT)}
    admin_sql(server, f'CREATE DATABASE "{name}"')
    bank = None
    try:
        from avstem.sandbox_bank.process import SandboxBankProcess

        bank = SandboxBankProcess(work / "bank").start()
        env["AVSTEM_BANK_API_URL"] = bank.url
        os.environ.update({k: env[k] for k in ("DATABASE_URL", "AVSTEM_DATA_DIR", "DJANGO_SETTINGS_MODULE",
                                                "AVSTEM_BANK_CLIENT_ID", "AVSTEM_BANK_API_URL")})
        import django

        django.setup()
        from django.core.management import call_command

        from avstem.norway.calendar import add_business_days, business_days_in_range

        call_command("migrate", verbosity=0)
        today = datetime.date.fromisoformat(bank.client.state()["bank_day"])
        start = add_business_days(today, -args.days)
        days = business_days_in_range(start, add_business_days(today, -1))
        orgs = org_numbers(args.companies)
        t0 = time.monotonic()
        accounts = seed_bank(bank, orgs, days, args.per_day)
        seed_program(bank, orgs, accounts, start)
        expected = args.companies * 2 * len(days) * args.per_day
        print(f"bench/sync.py: {args.companies} companies x 2 accounts x {len(days)} business days x "
              f"{args.per_day} transactions = {expected:,} bank lines to fetch ({time.monotonic() - t0:.0f} s set-up)")
        results = {}
        for workers in [int(w) for w in args.workers.split(",")]:
            seconds, done, lines = run(workers, env)
            per_minute = done / seconds * 60
            results[workers] = per_minute
            print(f"  {workers} worker{'s' if workers > 1 else ' '}: {seconds:7.1f} s  {done} companies synced, "
                  f"{lines:,} lines  ->  {per_minute:7.1f} companies/minute  ({lines / seconds:,.0f} lines/s)")
            if lines != expected:
                print(f"  !! expected {expected:,} lines")
        baseline = next(iter(results.values()))
        for workers, per_minute in list(results.items())[1:]:
            print(f"  scaling {workers} workers / 1: {per_minute / baseline:.2f}x")
    finally:
        if bank is not None:
            bank.stop()
        from django.db import connections

        connections.close_all()
        admin_sql(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
