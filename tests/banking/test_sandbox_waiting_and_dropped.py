"""End to end against the sandbox bank process: a file agreement's statements from the
activation date (R3.7, R3.8), per-account deactivation (R3.9), and pending lines the bank drops."""

from __future__ import annotations

import datetime

import pytest

from avstem.audit.models import AuditEntry
from avstem.banking import agreements, lines, scheduling
from avstem.banking.banks import bank
from avstem.banking.lines import LineError, create_manual_line
from avstem.banking.models import (
    AgreementAccount,
    AgreementStatus,
    BankLine,
    DailyBalance,
    ImportBatch,
    LineStatus,
    RunStatus,
)
from avstem.banking.services import create_bank_account
from avstem.banking.sync import run_sync, start_run
from avstem.norway.calendar import add_business_days, business_days_in_range, previous_business_day

from .conftest import drain, make_bank_customer
from .test_sandbox_e2e import DNB, add, bank_day, connect_api, gl


@pytest.fixture
def customer(db, bank_env):
    return make_bank_customer(bank_env)


def sync(agreement):
    run = start_run(agreement)
    drain()
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.message
    return run


def from_bank(account):
    return list(BankLine.objects.filter(bank_account=account, deleted_at__isnull=True)
                .exclude(source="manual").order_by("date", "id"))


def test_file_agreement_statements_from_the_activation_date(customer, bank_env, django_capture_on_commit_callbacks):
    sandbox, company = bank_env, customer.company
    drift = customer.accounts["Driftskonto"]
    tax = customer.accounts["Skattetrekkskonto"]
    account = create_bank_account(customer.owner, company, nickname="Drift", kind="operating",
                                  account_number=drift["account_number"], gl_account=gl(company, "1920"))
    tax_account = create_bank_account(customer.owner, company, nickname="Skattetrekk", kind="tax_withholding",
                                      account_number=tax["account_number"], gl_account=gl(company, "1950"))
    today = bank_day(sandbox)
    # the user activates in the program the business day before the bank takes the order, so the
    # program's date, not the bank's ordering day, must be the one the statements start from
    activation = previous_business_day(today)
    before = previous_business_day(activation)
    add(sandbox, {"account": drift["account_number"], "amount": "-50.00", "date": before.isoformat(),
                  "description": "før aktivering"},
        {"account": drift["account_number"], "amount": "100.00", "date": activation.isoformat(),
         "counterparty": {"name": "Kunde 1"}},
        {"account": drift["account_number"], "amount": "200.00", "counterparty": {"name": "Kunde 2"}},
        {"account": tax["account_number"], "amount": "7.00", "date": activation.isoformat()})

    agreement = agreements.order_file_agreement(customer.owner, company, bank(DNB), [account, tax_account],
                                                on=activation)
    assert agreement.status == AgreementStatus.ORDERED and agreement.ordered_on == activation
    [at_bank] = sandbox.client.admin("GET", f"/sandbox/agreements?org_number={company.org_number}")["agreements"]
    assert at_bank["statements_from"] == activation.isoformat() and at_bank["status"] == "pending"
    assert agreement.active_from == add_business_days(today, 2)

    # R3.8 while pending: from the activation date on, refused with the reason; earlier, accepted
    for day in (activation, today, add_business_days(today, 5)):
        with pytest.raises(LineError, match=f"activated on {activation:%d.%m.%Y}.*waiting for the bank"):
            create_manual_line(customer.owner, account, date=day, amount=-5000, text="for tidlig")
    manual = create_manual_line(customer.owner, account, date=before, amount=-5000, text="før aktivering")

    sandbox.client.advance_day()
    middle = bank_day(sandbox)
    add(sandbox, {"account": drift["account_number"], "amount": "300.00", "counterparty": {"name": "Kunde 3"}})
    scheduling.tick()
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ORDERED
    assert not list((sandbox.data_dir / "mailbox" / company.org_number / "outbound").glob("camt053_*"))

    sandbox.client.advance_day()  # confirmation day: the waiting period's statements arrive at once
    confirmed = bank_day(sandbox)
    scheduling.tick()
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ACTIVE and agreement.active_from == confirmed
    sync(agreement)

    lines_in = from_bank(account)
    assert [(line.date, line.amount) for line in lines_in] == [(activation, 10000), (today, 20000), (middle, 30000)]
    assert all(line.date >= activation for line in BankLine.objects.filter(bank_account=account).exclude(
        source="manual"))
    assert [line.amount for line in from_bank(tax_account)] == [700]
    balances = {b.date: b for b in DailyBalance.objects.filter(bank_account=account)}
    closed = business_days_in_range(activation, previous_business_day(confirmed))
    assert sorted(balances) == closed  # every business day from the activation date, none earlier
    assert [(balances[d].opening_booked, balances[d].closing_booked) for d in closed] == [
        (4_995_000, 5_005_000), (5_005_000, 5_025_000), (5_025_000, 5_055_000)]
    assert not any(b.gap for b in balances.values())
    link = AgreementAccount.objects.get(agreement=agreement, bank_account=account)
    assert link.synced_through == previous_business_day(confirmed)

    # R3.8 once active: the waiting period may be entered by hand
    create_manual_line(customer.owner, account, date=activation, amount=100, text="i ventetiden")

    # the next sync, and the next day's, add nothing twice
    count = BankLine.objects.filter(bank_account__company=company).count()
    run = sync(agreement)
    assert run.lines_new == 0 and BankLine.objects.filter(bank_account__company=company).count() == count
    sandbox.client.advance_day()
    run = sync(agreement)
    assert run.lines_new == 0 and BankLine.objects.filter(bank_account__company=company).count() == count
    assert DailyBalance.objects.filter(bank_account=account, date=confirmed).get().closing_booked == 5_055_000

    # R3.9 per account: the tax withholding account leaves; its files stop, the operating account's go on
    with django_capture_on_commit_callbacks(execute=True):
        agreements.deactivate_accounts(customer.owner, agreement, [tax_account])
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ACTIVE
    [at_bank] = sandbox.client.admin("GET", f"/sandbox/agreements?org_number={company.org_number}")["agreements"]
    assert list(at_bank["ended_accounts"]) == [tax["id"]] and at_bank["status"] == "active"
    day = bank_day(sandbox)
    add(sandbox, {"account": drift["account_number"], "amount": "400.00", "counterparty": {"name": "Kunde 4"}},
        {"account": tax["account_number"], "amount": "8.00"})
    written = sandbox.client.advance_day()["files_written"]
    assert f"camt053_{drift['account_number']}_{day:%Y%m%d}.xml" in written
    assert not [name for name in written if tax["account_number"] in name]
    sync(agreement)
    assert [line.amount for line in from_bank(account)][-1] == 40000
    assert [line.amount for line in from_bank(tax_account)] == [700]
    assert BankLine.objects.get(pk=manual.pk).deleted_at is None


def test_a_pending_line_the_bank_drops_leaves_the_pending_list(customer, bank_env):
    sandbox = bank_env
    today = bank_day(sandbox)
    drift = customer.accounts["Driftskonto"]["account_number"]
    start = add_business_days(today, -8)
    agreement = connect_api(sandbox, customer, start)
    far = add_business_days(today, 30).isoformat()
    old_hold, hold, books, kept = add(
        sandbox,
        {"account": drift, "amount": "-99.00", "kind": "card", "status": "pending", "book_on": far,
         "date": add_business_days(today, -7).isoformat(), "description": "Hotell (gammel reservasjon)"},
        {"account": drift, "amount": "-45.00", "kind": "card", "status": "pending", "book_on": far,
         "description": "Narvesen"},
        {"account": drift, "amount": "-60.00", "kind": "card", "status": "pending",
         "book_on": add_business_days(today, 1).isoformat(), "description": "Rema 1000"},
        {"account": drift, "amount": "-12.00", "kind": "card", "status": "pending", "book_on": far,
         "description": "Kiosk"})
    add(sandbox, {"account": drift, "amount": "500.00", "date": add_business_days(today, -2).isoformat(),
                  "counterparty": {"name": "Kunde AS"}})
    drain()
    account = BankLine.objects.get(ref=books).bank_account
    pending = {line.ref: line for line in lines.lines(account) if line.status == LineStatus.PENDING}
    assert set(pending) == {old_hold, hold, books, kept}

    # three more mornings: the range read moves on past the old hold's date
    for _ in range(3):
        sandbox.client.advance_day()
        sync(agreement)
    link = AgreementAccount.objects.get(agreement=agreement, bank_account=account)
    assert add_business_days(link.synced_through, -3) > pending[old_hold].date

    # the bank drops two holds; a sync that cannot read the transactions removes nothing
    sandbox.client.cancel_transaction(hold)
    sandbox.client.cancel_transaction(old_hold)
    account_id = customer.accounts["Driftskonto"]["id"]
    sandbox.client.set_faults(fail_next=1000, status=502, retry_after=0,
                              paths=[f"/api/v1/accounts/{account_id}/transactions"])
    run = start_run(agreement)
    run_sync(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.RETRYING
    assert BankLine.objects.filter(ref__in=[hold, old_hold], deleted_at__isnull=True).count() == 2
    sandbox.client.clear_faults()
    drain()
    run.refresh_from_db()
    assert run.status == RunStatus.DONE

    for ref in (hold, old_hold):  # gone from the pending list, kept in the database and the audit log
        line = BankLine.objects.get(ref=ref)
        assert line.deleted_at is not None and line.dropped_by_bank and line.deleted_by is None
        assert line.status == LineStatus.PENDING  # the worker writes in the site's language (bokmål)
        assert line.delete_reason.startswith("Banken rapporterer ikke lenger denne reserverte transaksjonen")
        assert AuditEntry.objects.filter(action="bank_line.dropped", object_id=str(line.pk),
                                         actor_label="job:bank-sync").exists()
    live = {line.ref: line for line in lines.lines(account)}
    assert live[books].status == LineStatus.BOOKED and live[kept].status == LineStatus.PENDING
    assert sum(1 for line in live.values() if line.status == LineStatus.BOOKED) == 2  # never touched

    # a dropped line that was reconciled is kept, with a warning on the import
    lines.mark_reconciled(live[kept], job="test")
    sandbox.client.cancel_transaction(kept)
    sync(agreement)
    line = BankLine.objects.get(ref=kept)
    assert line.deleted_at is None and line.status == LineStatus.PENDING
    batch = ImportBatch.objects.filter(bank_account=account).order_by("-id").first()
    assert any("men den er avstemt og ble derfor beholdt" in w for w in batch.warnings)

    # the next sync changes nothing more
    before = list(BankLine.objects.filter(bank_account=account).values_list("pk", "deleted_at", "status"))
    sync(agreement)
    assert list(BankLine.objects.filter(bank_account=account).values_list("pk", "deleted_at", "status")) == before
