"""Fixtures for the banking tests: a company with its chart and one operating account."""

from __future__ import annotations

import datetime

import pytest

NUMBER = "86011117947"
IBAN = "NO9386011117947"


@pytest.fixture(autouse=True)
def _services_speak_english():
    """Messages made outside a request (services, tasks) in English, so assertions read one
    language; pages still follow the request (bokmål by default)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def company(tenant_a):
    from avstem.ledger.chart import ensure_chart

    ensure_chart(tenant_a.company)
    return tenant_a.company


@pytest.fixture
def account(tenant_a, company):
    from avstem.banking.services import create_bank_account
    from avstem.ledger.models import Account

    return create_bank_account(tenant_a.owner, company, nickname="Drift", kind="operating", account_number=NUMBER,
                               gl_account=Account.objects.get(company=company, number="1920"),
                               is_default_operating=True)


# --- the sandbox bank as a real process (session), and the program pointed at it -------------------

import itertools  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402

AVSTEM = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "avstem"
TEST_CLIENT = "avstem-test"
_org_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory):
    """The sandbox bank, started once as a real process on a free port (its bank day: today)."""
    from avstem.sandbox_bank.process import SandboxBankProcess

    data = tmp_path_factory.mktemp("sandbox-bank") / "data"
    with SandboxBankProcess(data, command=[str(AVSTEM)] if AVSTEM.exists() else None) as bank:
        # The Django test client's host; a real deployment registers its public URL the same way.
        bank.client.register_client(client_id=TEST_CLIENT, name="Avstem (test)", loopback=True,
                                    redirect_uris=["http://testserver/bank/oauth/callback/"])
        yield bank


@pytest.fixture
def bank_env(settings, sandbox):
    settings.BANK_API_URL = sandbox.url
    settings.BANK_CLIENT_ID = TEST_CLIENT
    settings.SANDBOX_ADMIN_KEY = sandbox.admin_key
    settings.BANK_MAILBOX_DIR = sandbox.data_dir / "mailbox"
    settings.BANK_RETRY_MAX_WAIT = 2
    settings.BANK_SYNC_RETRY_SECONDS = 0
    settings.BANK_SYNC_LEASE_SECONDS = 3
    settings.BANK_FILE_AGREEMENT_CONFIRM_DAYS = 2
    sandbox.client.clear_faults()
    sandbox.client.set_rate_limit(TEST_CLIENT, None)
    return sandbox


def new_org_number() -> str:
    from avstem.norway.errors import InvalidNumber
    from avstem.norway.identifiers import validate_organisation_number

    while True:
        candidate = f"81{next(_org_numbers):06d}"
        for check in range(10):
            try:
                return validate_organisation_number(candidate + str(check))
            except InvalidNumber:
                continue


@dataclass
class BankCustomer:
    """A company in the program and the same company as a customer of the sandbox bank."""

    company: object
    owner: object
    national_id: str
    accounts: dict = field(default_factory=dict)  # name -> the bank's account JSON


def make_bank_customer(sandbox, *, name="Elvebakken Regnskap AS", accounts=None, runs_payroll=False,
                       file_exchange=False) -> BankCustomer:
    from avstem.companies.services import create_company
    from avstem.ledger.chart import ensure_chart
    from avstem.sandbox_bank.accounts import test_national_id
    from avstem.users.services import create_user
    from tests.conftest import PASSWORD

    org = new_org_number()
    owner = create_user(f"eier-{org}@example.no", PASSWORD, name="Eva Eier", mobile="91234567", job="test")
    company = create_company(owner, name=name, org_number=org, postal_code="0150", city="Oslo",
                             conversion_date=datetime.date(2025, 1, 1), runs_payroll=runs_payroll)
    ensure_chart(company)
    specs = accounts or [
        {"bank": "dnb", "name": "Driftskonto", "balance": "50000.00", "opened_on": "2025-01-01"},
        {"bank": "dnb", "name": "Skattetrekkskonto", "balance": "0.00", "opened_on": "2025-01-01"},
        {"bank": "nordea", "name": "Sparekonto", "balance": "1000.00", "opened_on": "2025-01-01"},
    ]
    customer = sandbox.client.create_customer(org, name, accounts=specs)
    return BankCustomer(company=company, owner=owner, national_id=test_national_id(org),
                        accounts={a["name"]: a for a in customer["accounts"]})


def drain(timeout: float = 60.0) -> int:
    """Run every queued task as a worker does (claim, run, record), including retries that come
    due meanwhile. The test's database transaction stays open, so Worker.run's own connection
    handling is left out."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult
    from django.db import transaction

    worker = Worker(queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
                    max_tasks=None, worker_id="pytest", excluded_queue_names=[])
    deadline, ran = time.monotonic() + timeout, 0
    while True:
        with transaction.atomic():  # the lock is only taken inside a transaction (as the worker does)
            task = DBTaskResult.objects.ready().filter(backend_name="default").get_locked()
            if task is not None:
                task.claim("pytest")
        if task is None:
            if not DBTaskResult.objects.filter(status="READY").exists():
                return ran
            assert time.monotonic() < deadline, "queued tasks did not come due"
            time.sleep(0.1)
            continue
        worker.run_task(task)
        ran += 1
        failed = DBTaskResult.objects.get(pk=task.pk)
        assert failed.status != "FAILED", failed.traceback
