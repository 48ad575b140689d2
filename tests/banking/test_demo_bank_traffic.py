"""The demo's bank is the bank side of the demo's books: seeded as `dev.py demo` seeds it, the
sandbox bank brings Fjellbekk Bakeri's customer payments by KID (not in the ledger yet) and the
payments, fees and VAT the ledger already holds; connecting the operating account from its
default start date shows no balance difference, and one reconciliation run with automation on
closes the invoices, pairs the postings and leaves exactly the everyday lines and the mistyped
KID waiting, the difference between bank and ledger being just those lines."""

from __future__ import annotations

import datetime
import json
import urllib.parse
from collections import Counter

import pytest

from avstem.norway.calendar import business_day_on_or_after

from .conftest import AVSTEM, drain

TODAY = datetime.date(2025, 4, 25)  # a Friday after Easter: the window holds a VAT payment and the bills of April
REDIRECT = "http://127.0.0.1:8000/bank/oauth/callback/"
DNB = "DNBANOKK"


class Session(dict):
    modified = False


# --- the plan (plain Python) -----------------------------------------------------------------------


def invoices(n: int, due: datetime.date) -> list:
    from avstem.demo_bank import OpenInvoice
    from avstem.norway.kid import KID

    return [OpenInvoice(str(100 + k), KID.create(f"1000{k:04d}", "MOD10").value, 100_000 * (k + 1), due,
                        f"Kunde {k} AS", "") for k in range(n)]


def test_the_plan_pays_what_is_due_mirrors_the_ledger_and_adds_everyday_lines():
    from avstem.demo_bank import LedgerMove, plan, transactions
    from avstem.norway.calendar import business_days_in_range
    from avstem.norway.kid import KID

    days = business_days_in_range(datetime.date(2025, 4, 1), datetime.date(2025, 4, 25))
    move = LedgerMove(datetime.date(2025, 4, 10), -1_299_123, "payment", "Mva 1. termin", name="Skatteetaten")
    due = invoices(7, datetime.date(2025, 4, 8))
    overdue = invoices(1, datetime.date(2025, 3, 1))[0]
    overdue = type(overdue)("99", overdue.kid, 5_000, overdue.due_date, "Sen AS")
    lines = plan(days, moves=[move], invoices=[*due, overdue])
    assert lines == plan(days, moves=[move], invoices=[overdue, *reversed(due)])  # the same, in any order
    assert [line.date for line in lines] == sorted(line.date for line in lines)
    assert set(line.date for line in lines) <= set(days)
    paid = [line for line in lines if line.invoice]
    assert sorted(line.invoice for line in paid) == [inv.number for inv in due]  # the overdue one stays open
    assert [line.case for line in paid] == ["kid", "partial", "kid", "overpayment", "kid", "kid_typo", "kid"]
    typo = next(line for line in paid if line.case == "kid_typo")
    meant = next(inv for inv in due if inv.number == typo.invoice)
    assert not KID(typo.kid).valid and len(typo.kid) == len(meant.kid) and typo.name == meant.customer
    assert [(line.case, line.amount) for line in lines if line.case not in ("kid", "partial", "overpayment",
                                                                            "kid_typo")] == [
        ("ledger", -1_299_123), ("card", -124_900), ("card", -38_750), ("fee", -3_000)]
    ledger = transactions(lines)[[line.case for line in lines].index("ledger")]
    assert ledger == {"date": "2025-04-10", "amount": "-12991.23", "kind": "payment", "description": "Mva 1. termin",
                      "counterparty": {"name": "Skatteetaten"}}


def test_the_plan_of_a_short_window():
    from avstem.demo_bank import LedgerMove, plan

    day = datetime.date(2025, 4, 1)
    assert plan([], moves=[], invoices=invoices(3, day)) == []
    lines = plan([day], moves=[], invoices=invoices(3, day))
    assert {line.date for line in lines} == {day} and [line.case for line in lines if line.invoice][1] == "partial"
    with pytest.raises(ValueError, match="outside the bank days"):
        plan([day], moves=[LedgerMove(datetime.date(2025, 4, 2), 100, "fee", "Gebyr")], invoices=[])


# --- the demo, end to end --------------------------------------------------------------------------


@pytest.fixture
def demo(db, tmp_path):
    """The Django demo for TODAY and its bank's traffic file, as `dev.py demo` leaves them."""
    from avstem.demo import ensure_demo, write_bank_traffic

    user, companies = ensure_demo(TODAY)
    data = tmp_path / "sandbox-bank"
    assert write_bank_traffic(data, TODAY) == data / "demo-traffic.json"
    return user, companies[0], data


@pytest.fixture
def bank(demo, settings):
    """The sandbox bank started as the demo starts it (`--demo`, its first bank day TODAY)."""
    from avstem.sandbox_bank.process import SandboxBankProcess

    _user, _company, data = demo
    with SandboxBankProcess(data, start_day=TODAY.isoformat(), demo=True,
                            command=[str(AVSTEM)] if AVSTEM.exists() else None) as running:
        settings.BANK_API_URL = running.url
        settings.BANK_CLIENT_ID = "avstem-dev"  # the bank's public client: any loopback redirect
        settings.SANDBOX_ADMIN_KEY = running.admin_key
        settings.BANK_MAILBOX_DIR = data / "mailbox"
        settings.BANK_RETRY_MAX_WAIT = 2
        yield running


def connect_operating_accounts(bank, user, company):
    """The API onboarding as the demo user clicks it: consent at the bank, the suggested GL
    accounts for the DNB accounts, the default start date; returns the balance check too."""
    from avstem.banking import onboarding
    from avstem.banking.banks import bank as bank_named
    from avstem.ledger.models import Account
    from avstem.sandbox_bank.demo import DEMO_PERSON

    session, dnb = Session(), bank_named(DNB)
    location = onboarding.begin(session, company, dnb, REDIRECT)
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
    answer = bank.client.consent(client_id=query["client_id"], redirect_uri=query["redirect_uri"],
                                 national_id=DEMO_PERSON["national_id"], org_number=company.org_number,
                                 code_challenge=query["code_challenge"], state=query["state"])
    data = onboarding.callback(session, answer, dnb, company)
    rows = onboarding.proposal(company, data)
    assert {r["name"]: Account.objects.get(pk=r["gl"]).number for r in rows} == {
        "Driftskonto": "1920", "Skattetrekkskonto": "1950"}
    onboarding.choose_accounts(session, company, data, rows)
    onboarding.choose_services(session, data, {})
    onboarding.choose_fee_account(session, company, data, onboarding.default_fee_account(company))
    start = onboarding.default_start_date(company, TODAY)
    onboarding.choose_start_date(session, company, data, start)
    check = onboarding.balance_check(company, data)
    onboarding.settle_differences(user, session, company, data, {})
    numbers = {r["name"]: r["account_number"] for r in rows}
    onboarding.choose_roles(session, company, data, f"new:{numbers['Driftskonto']}", "",
                            f"new:{numbers['Skattetrekkskonto']}")
    return onboarding.finish(user, session, company, data), check, start


def test_the_demo_bank_closes_the_demo_invoices_and_agrees_with_the_books(demo, bank):
    from avstem.banking.models import BankAccount, BankLine, DailyBalance
    from avstem.demo import operating_lines
    from avstem.ledger import reports
    from avstem.ledger.models import OpenItem, Posting
    from avstem.reconciliation import automatic, automation, report
    from avstem.reconciliation.models import LineProposal, Method, ReconciledLine, ReconciledPosting

    user, company, _data = demo
    planned = operating_lines(TODAY)  # what the bank was given (the ledger has not moved since)
    cases = Counter(line.case for line in planned)
    assert cases["kid"] >= 3 and cases["ledger"] >= 3 and cases["card"] == 2 and cases["fee"] == 1, cases
    assert cases["partial"] == cases["overpayment"] == cases["kid_typo"] == 1, cases
    assert any(line.case == "ledger" and line.amount < 0 and line.kid for line in planned)  # a bill paid by its KID
    by_key = {(line.date, line.amount): line for line in planned}
    assert len(by_key) == len(planned)  # every planned line is told apart by its date and amount

    agreement, check, start = connect_operating_accounts(bank, user, company)
    assert start == datetime.date(2025, 4, 1) and planned[0].date == business_day_on_or_after(start)
    check = {row["name"]: row for row in check}
    assert {name: row["difference"] for name, row in check.items()} == {"Driftskonto": 0, "Skattetrekkskonto": 0}
    assert check["Driftskonto"]["bank_balance"] == check["Driftskonto"]["ledger_balance"] != 0

    drain()  # the first sync, and the reconciliation run it ends with (automation still off: proposals only)
    account = BankAccount.objects.get(company=company, gl_account__number="1920")
    lines = list(BankLine.objects.filter(bank_account=account).order_by("date", "id"))
    assert sorted((line.date, line.amount) for line in lines) == sorted(by_key)
    assert not ReconciledLine.objects.exists()

    automation.set_automation(user, company, account, on=True)  # Innstillinger › Automatisering
    result = automatic.run(company, accounts=[account.pk], actor=user)  # "Finn treff" on the screen
    run = result.run

    items = {str(item.invoice.number): item for item in OpenItem.objects.filter(
        company=company, invoice__isnull=False, customer__isnull=False).select_related("invoice")}
    waiting = []
    for line in lines:
        plan = by_key[(line.date, line.amount)]
        link = ReconciledLine.objects.filter(bank_line=line, active=True).select_related("reconciliation").first()
        if plan.case in ("kid", "partial", "overpayment"):
            assert link is not None, plan
            rec = link.reconciliation
            assert rec.method == Method.AUTOMATIC and rec.run_id == run.pk and rec.voucher is not None, plan
            posted = Posting.objects.filter(voucher=rec.voucher, account__number="1920").get()
            assert posted.amount == line.amount and posted.date == line.date
            item = items[plan.invoice]
            item.refresh_from_db()
            if plan.case == "partial":
                assert item.remaining == item.amount - line.amount > 0
            else:
                assert item.remaining == 0, plan
            if plan.case == "overpayment":  # the excess is a credit on the customer
                credit = OpenItem.objects.get(posting__voucher=rec.voucher, customer=item.customer)
                assert credit.remaining == item.amount - line.amount < 0
        elif plan.case == "ledger":
            assert link is not None, plan
            paired = ReconciledPosting.objects.filter(reconciliation=link.reconciliation, active=True).get().posting
            assert (paired.account.number, paired.amount, paired.date) == ("1920", line.amount, line.date)
            assert link.reconciliation.voucher is None  # nothing new posted: the ledger had it
        else:
            assert link is None, plan
            waiting.append(line)
            if plan.case == "kid_typo":  # waits with the invoice it was meant for as a proposal
                proposal = LineProposal.objects.filter(bank_line=line, rank=0).first()
                assert proposal is not None and any(str(items[plan.invoice].pk) == str(t[1])
                                                    for t in proposal.targets), proposal
                assert items[plan.invoice].remaining == items[plan.invoice].amount
    assert sorted(by_key[(w.date, w.amount)].case for w in waiting) == ["card", "card", "fee", "kid_typo"]

    # Bank and books agree but for the waiting lines, and the report explains it line by line.
    bank_balance = DailyBalance.objects.filter(bank_account=account, closing_booked__isnull=False).latest("date")
    assert bank_balance.date == TODAY
    ledger = reports.balance(company, "1920", TODAY)
    assert bank_balance.closing_booked - ledger == sum(w.amount for w in waiting)
    built = report.build(account, TODAY, chart_days=0)
    assert built.opening_difference == 0 and built.postings_count == 0 and built.agrees
    assert sorted(item.id for item in built.lines) == sorted(w.pk for w in waiting)


def test_seeding_the_demo_again_changes_nothing(demo, tmp_path):
    """`dev.py demo` again, the same day or a later one, with var/ kept: no invoice, payment,
    plan or bank transaction twice."""
    from avstem.demo import ensure_demo, write_bank_traffic
    from avstem.ledger.models import Invoice, OpenItem, Posting, Voucher
    from avstem.sandbox_bank.demo import seed_demo
    from avstem.sandbox_bank.store import Store, bank_day

    _user, company, data = demo

    def books():
        return (Voucher.objects.filter(company=company).count(), Posting.objects.filter(company=company).count(),
                Invoice.objects.filter(company=company).count(),
                list(OpenItem.objects.filter(company=company).order_by("id").values_list("remaining", flat=True)))

    plan = (data / "demo-traffic.json").read_text()
    store = Store(data, start_day=TODAY)
    assert seed_demo(store) is True

    def bank_state():
        with store.read() as conn:
            return (bank_day(conn), [tuple(r) for r in conn.execute(
                "SELECT a.name, a.opening_balance, e.day, e.amount FROM entries e JOIN accounts a ON a.id = e.account_id "
                "ORDER BY e.seq")])

    before_books, before_bank = books(), bank_state()
    operating = [r for r in before_bank[1] if r[0] == "Driftskonto"]
    assert before_bank[0] == TODAY and len(operating) > len(json.loads(plan)["accounts"][0]["transactions"])  # and Nordlys's

    later = TODAY + datetime.timedelta(days=9)
    for day in (TODAY, later):
        ensure_demo(day)
        assert write_bank_traffic(data, day) is None  # the bank has its plan already
        assert seed_demo(Store(data, start_day=day)) is False
        assert books() == before_books and bank_state() == before_bank
        assert (data / "demo-traffic.json").read_text() == plan


def test_a_bank_made_for_an_earlier_database_is_set_aside(demo):
    """var/avstem.sqlite3 deleted, var/sandbox-bank kept: the bank's payments are another ledger's, so
    `dev.py demo` moves the bank aside and plans one for these books."""
    from avstem.companies.models import Company
    from avstem.demo import set_aside_stale_bank, write_bank_traffic

    _user, company, data = demo
    plan = json.loads((data / "demo-traffic.json").read_text())
    assert plan["ledger"] == company.created_at.isoformat()
    assert set_aside_stale_bank(data) is None and (data / "demo-traffic.json").exists()  # these books' bank stays

    new_books = company.created_at + datetime.timedelta(minutes=5)  # as a new database would have
    Company.objects.filter(pk=company.pk).update(created_at=new_books)
    aside = set_aside_stale_bank(data)
    assert aside is not None and aside.parent == data.parent and aside.name.startswith("sandbox-bank.earlier-")
    assert not data.exists() and json.loads((aside / "demo-traffic.json").read_text()) == plan
    assert write_bank_traffic(data, TODAY) == data / "demo-traffic.json"
    assert json.loads((data / "demo-traffic.json").read_text())["ledger"] == new_books.isoformat()
    assert set_aside_stale_bank(data) is None


@pytest.mark.parametrize("content", [None, "{not json", '{"schema": "avstem.sandbox_bank.demo-traffic/1"}', "[]"])
def test_a_bank_without_a_plan_naming_its_books_is_kept(demo, content):
    """No plan, a broken one (the bank refuses it itself, naming the file) or one from before plans
    named their books: nothing is moved."""
    from avstem.demo import set_aside_stale_bank

    _user, _company, data = demo
    path = data / "demo-traffic.json"
    path.unlink()
    if content is not None:
        path.write_text(content)
    assert set_aside_stale_bank(data) is None and data.exists()
