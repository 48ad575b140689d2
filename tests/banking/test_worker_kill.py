"""A real worker process killed with SIGKILL in the middle of a sync: every day it committed is
whole (lines, balance and progress together), nothing of the day in progress is left, and the
next run goes on from there to the same result as an uninterrupted sync."""

from __future__ import annotations

import datetime
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from avstem.norway.calendar import add_business_days, business_days_in_range

from .conftest import AVSTEM, TEST_CLIENT, new_org_number

SCRIPT = Path(__file__).with_name("kill_script.py")
ROOT = Path(__file__).resolve().parents[2]
DAYS = 80
PER_DAY = 60


def _env(data: Path, sandbox) -> dict:
    env = {**os.environ, "AVSTEM_DATA_DIR": str(data), "DATABASE_URL": f"sqlite:///{data / 'avstem.sqlite3'}",
           "AVSTEM_BANK_API_URL": sandbox.url, "AVSTEM_BANK_CLIENT_ID": TEST_CLIENT,
           "AVSTEM_BANK_SYNC_LEASE_SECONDS": "1", "DJANGO_SETTINGS_MODULE": "avstem.settings",
           "PYTHONPATH": str(ROOT)}
    env.pop("AVSTEM_SANDBOX_ADMIN_KEY", None)
    return env


def _script(env, *args) -> str:
    done = subprocess.run([sys.executable, str(SCRIPT), *args], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1]


def _state(db: Path) -> tuple[str | None, Counter]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
        synced = conn.execute("SELECT synced_through FROM banking_agreementaccount").fetchone()[0]
        per_day = Counter(dict(conn.execute("SELECT date, count(*) FROM banking_bankline GROUP BY date").fetchall()))
    return synced, per_day


def test_killed_worker_leaves_whole_days_and_the_next_run_finishes(sandbox, tmp_path):
    from avstem.sandbox_bank.accounts import test_national_id

    org = new_org_number()
    customer = sandbox.client.create_customer(org, "Kill AS", accounts=[
        {"bank": "dnb", "name": "Driftskonto", "balance": "100000.00", "opened_on": "2025-01-01"}])
    number = customer["accounts"][0]["account_number"]
    today = datetime.date.fromisoformat(sandbox.client.state()["bank_day"])
    start = add_business_days(today, -DAYS)
    days = business_days_in_range(start, add_business_days(today, -1))
    sandbox.client.add_transactions(*({"account": number, "amount": f"{(n % 7) + 1}.{n % 100:02d}",
                                       "date": day.isoformat(), "description": f"Salg {n}"}
                                      for day in days for n in range(PER_DAY)))
    env = _env(tmp_path, sandbox)
    _script(env, "setup", org, test_national_id(org), number, start.isoformat())
    db = tmp_path / "avstem.sqlite3"
    worker = subprocess.Popen([str(AVSTEM) if AVSTEM.exists() else sys.executable, *([] if AVSTEM.exists() else
                               ["-m", "avstem.cli"]), "worker"], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            synced, _ = _state(db)
            if synced and datetime.date.fromisoformat(synced) >= days[len(days) // 4]:
                break
            time.sleep(0.02)
        worker.send_signal(signal.SIGKILL)
    finally:
        worker.wait(timeout=10)
    synced, per_day = _state(db)
    assert synced is not None, "the worker never got going"
    synced_day = datetime.date.fromisoformat(synced)
    assert synced_day < days[-1], "the sync finished before the kill: raise DAYS or PER_DAY"
    for day in days:  # every committed day is whole; nothing after it
        expected = PER_DAY if day <= synced_day else 0
        assert per_day.get(day.isoformat(), 0) == expected, (day, per_day.get(day.isoformat()))

    time.sleep(1.2)  # the dead worker's claim on the agreement lapses
    _script(env, "fetch")
    finished = subprocess.run([str(AVSTEM) if AVSTEM.exists() else sys.executable,
                               *([] if AVSTEM.exists() else ["-m", "avstem.cli"]), "worker", "--batch"],
                              env=env, cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert finished.returncode == 0, finished.stderr[-2000:]
    synced, per_day = _state(db)
    assert synced == days[-1].isoformat()
    assert all(per_day[day.isoformat()] == PER_DAY for day in days)
    assert sum(per_day.values()) == len(days) * PER_DAY
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        statuses = [r[0] for r in conn.execute("SELECT status FROM banking_syncrun ORDER BY id")]
    assert statuses == ["failed", "done"]  # the killed run, marked when the new one was asked for
