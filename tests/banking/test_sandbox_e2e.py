"""End to end against the sandbox bank running as a real process: the API onboarding through the
pages, the next-morning sync through the task queue, outage, rate limits, token and consent
expiry, duplicate/overlapping/pending deliveries, and file exchange through the mailbox."""

from __future__ import annotations

import datetime
import urllib.parse
from decimal import Decimal

import pytest
from django.urls import reverse

from avstem.banking import agreements, onboarding, scheduling
from avstem.banking.agreements import tokens_of
from avstem.banking.banks import bank
from avstem.banking.models import (
    AgreementAccount,
    AgreementStatus,
    BankAccount,
    BankAgreement,
    BankLine,
    DailyBalance,
    LineStatus,
    RunKind,
    RunStatus,
    SyncRun,
)
from avstem.banking.sync import run_sync, start_run
from avstem.ledger.models import Account, Voucher
from avstem.norway.calendar import add_business_days, next_business_day
from avstem.norway.kid import KID
from tests.conftest import enable_totp, login_verified

from .conftest import drain, make_bank_customer

DNB = "DNBANOKK"


def bank_day(sandbox) -> datetime.date:
    return datetime.date.fromisoformat(sandbox.client.state()["bank_day"])


def add(sandbox, *transactions):
    return sandbox.client.add_transactions(*transactions)


def lines_of(account_number) -> list[BankLine]:
    return list(BankLine.objects.filter(bank_account__account_number=account_number).order_by("date", "id"))


def gl(company, number):
    return Account.objects.get(company=company, number=number)


def consent_at_bank(sandbox, location: str, customer) -> dict:
    """The user's side at the bank: log in (BankID stand-in), approve the company."""
    assert location.startswith(sandbox.url + "/oauth/authorize?")
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    return sandbox.client.consent(client_id=query["client_id"], redirect_uri=query["redirect_uri"],
                                  national_id=customer.national_id, org_number=customer.company.org_number,
                                  code_challenge=query["code_challenge"], state=query["state"])


class Session(dict):
    """A stand-in for request.session."""

    modified = False


def connect_api(sandbox, customer, start: datetime.date, names=("Driftskonto", "Skattetrekkskonto")) -> BankAgreement:
    """The API onboarding through its services (the pages are tested below)."""
    session, company = Session(), customer.company
    location = onboarding.begin(session, company, bank(DNB), "http://testserver/bank/oauth/callback/")
    answer = consent_at_bank(sandbox, location, customer)
    data = onboarding.callback(session, answer, bank(DNB), company)
    gls = iter(["1920", "1950", "1921"])
    rows = [{"id": a["id"], "selected": a["name"] in names, "gl": gl(company, next(gls)).pk if a["name"] in names else None}
            for a in data["bank_accounts"]]
    onboarding.choose_accounts(session, company, data, rows)
    onboarding.choose_services(session, data, {})
    onboarding.choose_fee_account(session, company, data, gl(company, "7770"))
    onboarding.choose_start_date(session, company, data, start)
    onboarding.settle_differences(customer.owner, session, company, data, {})
    numbers = {a["name"]: a["account_number"] for a in data["bank_accounts"]}
    onboarding.choose_roles(session, company, data, f"new:{numbers['Driftskonto']}", "",
                            f"new:{numbers['Skattetrekkskonto']}" if "Skattetrekkskonto" in names else "")
    return onboarding.finish(customer.owner, session, company, data)


@pytest.fixture
def customer(db, bank_env):
    return make_bank_customer(bank_env)


@pytest.fixture
def owner_client(client, customer):
    _, next_code = enable_totp(customer.owner)
    login_verified(client, customer.owner, next_code)
    return client


def test_api_onboarding_through_the_pages(owner_client, customer, bank_env):
    sandbox, company = bank_env, customer.company
    today = bank_day(sandbox)
    drift = customer.accounts["Driftskonto"]["account_number"]
    start = add_business_days(today, -6)
    kid = str(KID.create("4711"))
    add(sandbox, {"account": drift, "amount": "1200.00", "date": add_business_days(today, -4).isoformat(),
                  "kid": kid, "counterparty": {"name": "Kunde AS", "account": "12010012358"}},
        {"account": drift, "amount": "-300.00", "kind": "fee", "date": add_business_days(today, -2).isoformat(),
         "description": "Gebyr"},
        {"account": drift, "amount": "-99.90", "kind": "card", "status": "pending",
         "book_on": next_business_day(today).isoformat(), "description": "Kiwi"})
    assert not BankAccount.objects.filter(company=company).exists()  # R2.3: created by the onboarding

    def page(step):
        return reverse("banking:onboarding", kwargs={"company_id": company.pk, "step": step})

    response = owner_client.post(reverse("banking:connect", args=[company.pk]) + f"?bank={DNB}")
    answer = consent_at_bank(sandbox, response["Location"], customer)
    response = owner_client.get(reverse("banking:oauth_callback"), answer)
    assert response["Location"] == page("accounts")
    html = owner_client.get(page("accounts")).content.decode()
    assert "Driftskonto" in html and "Skattetrekkskonto" in html and "Sparekonto" not in html  # Nordea's
    ids = {a["name"]: a["id"] for a in owner_client.session[onboarding.SESSION_KEY]["bank_accounts"]}
    both = {f"select-{ids['Driftskonto']}": "on", f"select-{ids['Skattetrekkskonto']}": "on"}
    same = {**both, f"gl-{ids['Driftskonto']}": gl(company, "1920").pk, f"gl-{ids['Skattetrekkskonto']}": gl(company, "1920").pk}
    html = owner_client.post(page("accounts"), same).content.decode()
    assert "is chosen for both" in html or "er valgt for både" in html  # R2.5
    good = {**both, f"gl-{ids['Driftskonto']}": gl(company, "1920").pk, f"gl-{ids['Skattetrekkskonto']}": gl(company, "1950").pk}
    assert owner_client.post(page("accounts"), good)["Location"] == page("services")
    assert owner_client.post(page("services"), {f"services-{ids['Driftskonto']}": "both",
                                                f"services-{ids['Skattetrekkskonto']}": "statements"})["Location"] == page("fee")
    assert owner_client.post(page("fee"), {"fee_account": gl(company, "7770").pk})["Location"] == page("start")
    html = owner_client.post(page("start"), {"start_date": "31.12.2024"}).content.decode()
    assert "01.01.2025" in html and owner_client.session[onboarding.SESSION_KEY].get("start_date") is None
    assert owner_client.post(page("start"), {"start_date": start.strftime("%d.%m.%Y")})["Location"] == page("balance")
    html = owner_client.get(page("balance")).content.decode()
    assert "50\u00a0000,00" in html  # the bank's figure; the books have 0
    response = owner_client.post(page("balance"), {f"action-{ids['Driftskonto']}": "correct",
                                                   f"offset-{ids['Driftskonto']}": gl(company, "2050").pk})
    assert response["Location"] == page("roles")
    correction = Voucher.objects.get(company=company, source="bank-onboarding")
    assert correction.postings.get(account__number="1920").amount == 5_000_000
    numbers = {n: customer.accounts[n]["account_number"] for n in ("Driftskonto", "Skattetrekkskonto")}
    assert owner_client.post(page("roles"), {"operating": f"new:{numbers['Driftskonto']}", "payroll": "",
                                             "tax": f"new:{numbers['Skattetrekkskonto']}"})["Location"] == page("confirm")
    assert "Skattetrekkskonto" in owner_client.get(page("confirm")).content.decode()
    response = owner_client.post(page("confirm"))
    agreement = BankAgreement.objects.get(company=company)
    assert response["Location"] == reverse("banking:agreement", args=[company.pk, agreement.pk])
    assert agreement.status == AgreementStatus.ACTIVE and agreement.start_date == start
    assert agreement.fee_account.number == "7770" and agreement.tax_withholding_account.kind == "tax_withholding"
    assert BankAccount.objects.filter(company=company).count() == 2
    operating = BankAccount.objects.get(company=company, account_number=numbers["Driftskonto"])
    assert operating.is_default_operating and operating.gl_account.number == "1920"
    # R1.5: 0 on the front page until the first sync
    assert 'data-testid="balance">0,00' in owner_client.get(reverse("companies:dashboard", args=[company.pk])).content.decode()
    run = SyncRun.objects.get(agreement=agreement)
    assert run.kind == RunKind.INITIAL and run.status == RunStatus.QUEUED
    drain()
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.message
    rows = lines_of(numbers["Driftskonto"])
    assert [(r.amount, r.status) for r in rows] == [(120000, "booked"), (-30000, "booked"), (-9990, "pending")]
    assert rows[0].details.get().kid == kid
    closing = DailyBalance.objects.get(bank_account=operating, date=add_business_days(today, -1))
    assert closing.closing_booked == 5_000_000 + 120000 - 30000
    front = owner_client.get(reverse("companies:dashboard", args=[company.pk])).content.decode()
    assert "50\u00a0900,00" in front
    # tokens are encrypted at rest and appear on no page
    secrets_ = tokens_of(agreement)
    assert secrets_["access"] not in agreement.tokens and secrets_["refresh"] not in agreement.tokens
    for path in (reverse("banking:agreement", args=[company.pk, agreement.pk]), reverse("banking:agreements", args=[company.pk]),
                 reverse("banking:overview", args=[company.pk])):
        assert secrets_["access"] not in owner_client.get(path).content.decode()

    # R2.11: run it again, leave the tax withholding account out: same agreement, same accounts
    response = owner_client.post(reverse("banking:connect", args=[company.pk]) + f"?bank={DNB}")
    owner_client.get(reverse("banking:oauth_callback"), consent_at_bank(sandbox, response["Location"], customer))
    owner_client.post(page("accounts"), {f"select-{ids['Driftskonto']}": "on", f"gl-{ids['Driftskonto']}": gl(company, "1920").pk,
                                         f"gl-{ids['Skattetrekkskonto']}": gl(company, "1950").pk})
    owner_client.post(page("services"), {f"services-{ids['Driftskonto']}": "statements"})
    owner_client.post(page("fee"), {"fee_account": gl(company, "7770").pk})
    owner_client.post(page("start"), {"start_date": start.strftime("%d.%m.%Y")})
    owner_client.post(page("balance"), {})
    owner_client.post(page("roles"), {"operating": f"new:{numbers['Driftskonto']}", "tax": f"new:{numbers['Skattetrekkskonto']}"})
    owner_client.post(page("confirm"))
    assert BankAgreement.objects.filter(company=company).count() == 1
    assert BankAccount.objects.filter(company=company).count() == 2
    links = {link.bank_account.account_number: link for link in AgreementAccount.objects.filter(agreement=agreement)}
    assert links[numbers["Driftskonto"]].active and links[numbers["Driftskonto"]].services == "statements"
    assert not links[numbers["Skattetrekkskonto"]].active
    drain()
    assert len(lines_of(numbers["Driftskonto"])) == 3  # the second sync added nothing


def test_next_morning_sync_pending_then_booked(customer, bank_env):
    sandbox = bank_env
    today = bank_day(sandbox)
    drift = customer.accounts["Driftskonto"]["account_number"]
    agreement = connect_api(sandbox, customer, add_business_days(today, -3))
    add(sandbox, {"account": drift, "amount": "-45.00", "kind": "card", "status": "pending",
                  "book_on": next_business_day(today).isoformat(), "description": "Narvesen"},
        {"account": drift, "amount": "800.00", "counterparty": {"name": "Kunde AS"}, "message": "Faktura 3"})
    drain()
    [pending] = [line for line in lines_of(drift) if line.status == LineStatus.PENDING]
    link = AgreementAccount.objects.get(agreement=agreement, bank_account__account_number=drift)
    assert link.synced_through == add_business_days(today, -1)

    sandbox.client.advance_day()  # the bank closes the day; the card purchase books
    agreement.refresh_from_db()
    morning = agreement.next_sync_at
    assert morning.astimezone(scheduling.OSLO).time() == datetime.time(6, 0)
    assert scheduling.tick(morning - datetime.timedelta(minutes=1)) == []
    first, second = scheduling.tick(morning), scheduling.tick(morning)  # two schedulers, one run
    assert len(first) == 1 and second == []
    assert SyncRun.objects.filter(agreement=agreement, kind=RunKind.SCHEDULED).count() == 1
    drain()
    booked = BankLine.objects.get(pk=pending.pk)  # it booked as the next day opened
    assert booked.status == LineStatus.BOOKED and booked.date == next_business_day(today)
    assert len(lines_of(drift)) == 2
    link.refresh_from_db()
    assert link.synced_through == today
    balance = DailyBalance.objects.get(bank_account=link.bank_account, date=today)
    assert (balance.opening_booked, balance.closing_booked) == (5_000_000, 5_000_000 + 80000)


def test_outage_rate_limit_and_token_expiry_mid_sync(customer, bank_env, caplog):
    sandbox = bank_env
    today = bank_day(sandbox)
    drift = customer.accounts["Driftskonto"]["account_number"]
    agreement = connect_api(sandbox, customer, add_business_days(today, -5))
    drain()
    add(sandbox, *({"account": drift, "amount": f"{n}.00", "date": add_business_days(today, -n).isoformat()}
                   for n in range(1, 4)))

    # a short outage: the connector waits and retries within the run
    sandbox.client.set_faults(fail_next=2, status=503, retry_after=0)
    run = start_run(agreement)
    drain()
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and sandbox.client.admin("GET", "/sandbox/faults")["injected"] == 2

    # rate limited: 429 with Retry-After, respected
    sandbox.client.set_rate_limit("avstem-test", 2, 1)
    run = start_run(agreement)
    drain()
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    sandbox.client.set_rate_limit("avstem-test", None)

    # the access token expires mid-sync: refreshed (the refresh token rotates) and the run goes on
    before = tokens_of(agreement)
    sandbox.client.expire_tokens(customer.company.org_number)
    run = start_run(agreement)
    drain()
    run.refresh_from_db()
    agreement.refresh_from_db()
    assert run.status == RunStatus.DONE and tokens_of(agreement)["refresh"] != before["refresh"]
    assert before["access"] not in caplog.text and before["refresh"] not in caplog.text

    # a long outage: the run gives up for now and retries later through the queue
    sandbox.client.set_faults(fail_next=1000, status=502, retry_after=0)
    run = start_run(agreement)
    run_sync(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.RETRYING and run.attempt == 1
    sandbox.client.clear_faults()
    drain()
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.attempt == 2
    assert [line.amount for line in lines_of(drift)] == [300, 200, 100]


def test_consent_expiry_is_shown_and_renewed(owner_client, customer, bank_env):
    sandbox, company = bank_env, customer.company
    agreement = connect_api(sandbox, customer, add_business_days(bank_day(sandbox), -2))
    drain()
    agreement.refresh_from_db()
    BankAgreement.objects.filter(pk=agreement.pk).update(consent_expires=datetime.date.today() + datetime.timedelta(days=5))
    html = owner_client.get(reverse("companies:dashboard", args=[company.pk])).content.decode()
    renew = reverse("banking:connect", args=[company.pk]) + f"?bank={DNB}&amp;renew=1"
    assert renew in html  # shown ahead of time, with the link
    sandbox.client.expire_consents(company.org_number)
    run = start_run(agreement)
    drain()
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "consent_expired" in run.message
    response = owner_client.post(reverse("banking:connect", args=[company.pk]) + f"?bank={DNB}&renew=1")
    response = owner_client.get(reverse("banking:oauth_callback"), consent_at_bank(sandbox, response["Location"], customer))
    assert response["Location"] == reverse("banking:agreement", args=[company.pk, agreement.pk])
    agreement.refresh_from_db()
    assert agreement.consent_expires > datetime.date.today() and not agreement.last_sync_error
    run = start_run(agreement)
    drain()
    run.refresh_from_db()
    assert run.status == RunStatus.DONE


def test_the_banks_files_and_an_overlapping_fetch_add_nothing(customer, bank_env):
    from avstem.banking.connector import BankApi
    from avstem.banking.uploads import start_upload

    sandbox = bank_env
    today = bank_day(sandbox)
    drift = customer.accounts["Driftskonto"]["account_number"]
    day = add_business_days(today, -2)
    agreement = connect_api(sandbox, customer, add_business_days(today, -4))
    kids = [str(KID.create(str(n))) for n in (101, 202)]
    add(sandbox, {"account": drift, "date": day.isoformat(), "batch": [
        {"amount": "150.00", "kid": kids[0], "counterparty": {"name": "A"}},
        {"amount": "250.00", "kid": kids[1], "counterparty": {"name": "B"}}]},
        {"account": drift, "amount": "-75.50", "date": day.isoformat(), "end_to_end_id": "E2E-9",
         "counterparty": {"name": "Mølle AS", "account": "12010012358"}})
    drain()
    assert len(lines_of(drift)) == 2
    api = BankApi(sandbox.url, "avstem-test")
    token = tokens_of(agreement)["access"]
    account_id = customer.accounts["Driftskonto"]["id"]
    statement = api.statement(token, account_id, day)
    notification = api._request("GET", f"/api/v1/accounts/{account_id}/notifications/{day.isoformat()}.camt054",
                                token=token, accept="application/xml")
    for name, data in (("053.xml", statement), ("054.xml", notification), ("053-again.xml", statement)):
        batch = start_upload(customer.owner, customer.company, name, data)
        assert batch.status == "done" and batch.lines_new == 0, (name, batch.error)
    assert len(lines_of(drift)) == 2
    line = next(line for line in lines_of(drift) if line.amount == 40000)
    assert sorted(d.kid for d in line.details.all()) == sorted(kids) and set(line.source_list()) >= {"api", "camt053", "camt054"}
    AgreementAccount.objects.filter(agreement=agreement).update(synced_through=add_business_days(today, -4))
    run = start_run(agreement)
    drain()
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.lines_new == 0 and len(lines_of(drift)) == 2


def test_file_exchange_through_the_mailbox(customer, bank_env, django_capture_on_commit_callbacks):
    sandbox, company = bank_env, customer.company
    from avstem.banking.lines import LineError, create_manual_line
    from avstem.banking.services import create_bank_account

    drift = customer.accounts["Driftskonto"]
    account = create_bank_account(customer.owner, company, nickname="Drift", kind="operating",
                                  account_number=drift["account_number"], gl_account=gl(company, "1920"))
    sandbox.client.admin("POST", "/sandbox/accounts", {"org_number": company.org_number, "bank": "dnb",
                                                        "name": "OCR-konto", "ocr_agreement_id": "812345001"})
    ordered = datetime.date.today()
    agreement = agreements.order_file_agreement(customer.owner, company, bank(DNB), [account], on=ordered)
    assert agreement.status == AgreementStatus.ORDERED and agreement.external_id
    today = bank_day(sandbox)
    assert agreement.active_from == add_business_days(today, 2)  # the sandbox confirms after 2 business days
    with pytest.raises(LineError, match="waiting for the bank"):
        create_manual_line(customer.owner, account, date=ordered, amount=100, text="for tidlig")
    create_manual_line(customer.owner, account, date=ordered - datetime.timedelta(days=1), amount=100, text="før")
    scheduling.tick()
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ORDERED
    sandbox.client.advance_day(days=2)
    scheduling.tick()
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ACTIVE
    create_manual_line(customer.owner, account, date=ordered, amount=100, text="i ventetiden")  # R3.8, once active
    kid = str(KID.create("55555"))
    add(sandbox, {"account": drift["account_number"], "amount": "-120.00", "end_to_end_id": "E2E-F1"},
        {"account": drift["account_number"], "amount": "990.00", "kid": kid, "counterparty": {"name": "Kunde"}})
    sandbox.client.advance_day()  # the bank writes the day's camt.053 and camt.054 to the mailbox
    run = start_run(agreement)
    drain()
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.message
    from_bank = BankLine.objects.filter(bank_account=account).exclude(source="manual")
    assert sorted(line.amount for line in from_bank) == [-12000, 99000]
    assert all(set(line.source_list()) == {"camt053", "camt054"} for line in from_bank)
    run = start_run(agreement)  # the same files again: nothing new
    drain()
    assert BankLine.objects.filter(bank_account=account).exclude(source="manual").count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        agreements.deactivate_accounts(customer.owner, agreement, [account])
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.DEACTIVATED
    [at_bank] = [a for a in sandbox.client.admin("GET", f"/sandbox/agreements?org_number={company.org_number}")["agreements"]]
    assert at_bank["deactivated_on"] is not None


def test_amounts_stay_exact(customer, bank_env):
    sandbox = bank_env
    drift = customer.accounts["Driftskonto"]["account_number"]
    agreement = connect_api(sandbox, customer, add_business_days(bank_day(sandbox), -1))
    add(sandbox, {"account": drift, "amount": "0.10"}, {"account": drift, "amount": "0.20"},
        {"account": drift, "amount": "-1234567.89"})
    drain()
    start_run(agreement)
    drain()
    assert sum(line.amount for line in lines_of(drift)) == int(Decimal("-1234567.59") * 100)
