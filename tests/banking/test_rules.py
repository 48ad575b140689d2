"""Scheduling "the next morning", the front page's problem line (R5.3), saved CSV layouts."""

from __future__ import annotations

import datetime

from avstem.banking import agreements, scheduling, uploads
from avstem.banking.banks import bank_of_account
from avstem.banking.csvfiles import CsvMappingSpec
from avstem.banking.lines import create_manual_line
from avstem.banking.models import AgreementAccount, BankLine
from tests.banking.builders import DAY

from .conftest import NUMBER

UTC = datetime.timezone.utc


def test_next_morning_is_six_oslo_time_across_daylight_saving():
    # 05:30 UTC on 30 March 2026 is 07:30 in Oslo (summer time began the day before)
    after = scheduling.next_run_after(datetime.datetime(2026, 3, 30, 5, 30, tzinfo=UTC))
    assert after.astimezone(scheduling.OSLO).replace(tzinfo=None) == datetime.datetime(2026, 3, 31, 6, 0)
    assert after.astimezone(UTC).hour == 4
    winter = scheduling.next_run_after(datetime.datetime(2026, 1, 10, 4, 59, tzinfo=UTC))  # 05:59 in Oslo
    assert winter.astimezone(UTC) == datetime.datetime(2026, 1, 10, 5, 0, tzinfo=UTC)
    custom = scheduling.next_run_after(datetime.datetime(2026, 1, 10, 12, 0, tzinfo=UTC), datetime.time(7, 30))
    assert custom.astimezone(scheduling.OSLO).replace(tzinfo=None) == datetime.datetime(2026, 1, 11, 7, 30)


def test_problem_line_tells_no_statements_from_automation_off(tenant_a, company, account):
    friday = datetime.date(2026, 3, 6)
    agreement = agreements.order_file_agreement(tenant_a.owner, company, bank_of_account(NUMBER), [account], on=friday)
    assert "Waiting for" in agreements.account_status(account).problem
    agreements.confirm_file_agreement(agreement, friday, job="test")
    later = datetime.datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
    assert "has sent no statements since 06.03.2026" in agreements.account_status(account, later).problem
    create_manual_line(tenant_a.owner, account, date=friday, amount=100, text="by hand")  # not from the bank
    assert "has sent no statements" in agreements.account_status(account, later).problem
    BankLine.objects.create(company=company, bank_account=account, amount=500, date=friday, ref="R1",
                            source="camt053", sources="camt053")
    assert "automatic reconciliation is off" in agreements.account_status(account, later).problem
    link = AgreementAccount.objects.get(bank_account=account)
    agreements.set_auto_reconcile(tenant_a.owner, link, True)
    assert agreements.account_status(account, later).problem is None
    link.refresh_from_db()
    link.services = "remittance"
    link.save()
    assert "does not include statements" in agreements.account_status(account, later).problem


def test_a_saved_csv_layout_reads_another_banks_export(tenant_a, company, account):
    spec = CsvMappingSpec(name="Lokalbanken", date="Bokført", text=("Melding",), amount="Sum", reference="Arkivref",
                          date_format="%Y-%m-%d", delimiter=",", decimal=".")
    saved = uploads.save_mapping(tenant_a.owner, company, "Lokalbanken", spec)
    data = (f"Bokført,Melding,Sum,Arkivref\n{DAY:%Y-%m-%d},Husleie mars,-12000.00,A-991\n"
            f"{DAY:%Y-%m-%d},Innbetaling,350.50,A-992\n").encode()
    batch = uploads.start_upload(tenant_a.owner, company, "eksport.csv", data, account=account,
                                 csv_choice=f"saved:{saved.pk}")
    assert batch.status == "done", batch.error
    assert sorted(BankLine.objects.filter(bank_account=account).values_list("ref", "amount")) == [
        ("A-991", -1_200_000), ("A-992", 35050)]


def test_scheduler_command_ticks_and_stops_at_once_on_sigterm(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    from .conftest import AVSTEM

    env = {**os.environ, "AVSTEM_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    command = [str(AVSTEM)] if AVSTEM.exists() else [sys.executable, "-m", "avstem.cli"]
    once = subprocess.run([*command, "scheduler", "--once"], env=env, capture_output=True, text=True, timeout=120)
    assert once.returncode == 0 and "0 bank sync run(s) enqueued" in once.stdout, once.stderr[-2000:]
    loop = subprocess.Popen([*command, "scheduler", "--interval", "60"], env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert "a tick every 60 s" in loop.stdout.readline()
        time.sleep(0.5)
        started = time.monotonic()
        loop.send_signal(signal.SIGTERM)
        assert loop.wait(timeout=10) == 0 and time.monotonic() - started < 5
    finally:
        if loop.poll() is None:
            loop.kill()
