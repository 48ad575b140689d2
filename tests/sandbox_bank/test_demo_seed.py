"""`sandbox-bank --demo`: the demo customers, with the traffic the demo program planned for one of
them (demo-traffic.json in the data directory) or else the generator's; once only; a plan that
is not right is refused naming the file and the field."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from avstem.sandbox_bank import accounts as acc
from avstem.sandbox_bank.demo import TRAFFIC_FILE, TRAFFIC_SCHEMA, seed_demo
from avstem.sandbox_bank.store import Store, bank_day

DAY = dt.date(2025, 4, 25)
PLAN = {"schema": TRAFFIC_SCHEMA, "org_number": "923456783", "from": "2025-04-01", "accounts": [
    {"name": "Driftskonto", "balance": "1000.00", "transactions": [
        {"date": "2025-04-01", "amount": "-181.00", "kind": "fee", "description": "Gebyr kontohold"},
        {"date": "2025-04-03", "amount": "478.40", "kind": "credit_transfer", "description": "Innbetaling med KID",
         "kid": "100040000323"},
        {"date": "2025-04-25", "amount": "1249.50", "kind": "credit_transfer", "description": "Innbetaling",
         "counterparty": {"name": "Kafé Solsiden AS", "account": "15030341462"}, "kid": "100000000230"}]},
    {"name": "Skattetrekkskonto", "balance": "0.00"}]}


def entries(store, org_number):
    with store.read() as conn:
        return [(r["name"], r["opened_on"], r["opening_balance"], r["day"], r["amount"], r["kind"]) for r in conn.execute(
            "SELECT a.name, a.opened_on, a.opening_balance, e.day, e.amount, e.kind FROM accounts a "
            "LEFT JOIN entries e ON e.account_id = a.id WHERE a.org_number = ? ORDER BY a.name, e.seq", (org_number,))]


def test_the_planned_company_gets_exactly_its_plan_and_the_other_the_generators(tmp_path):
    (tmp_path / TRAFFIC_FILE).write_text(json.dumps(PLAN), encoding="utf-8")
    store = Store(tmp_path, start_day=DAY)
    assert seed_demo(store) is True
    assert entries(store, "923456783") == [
        ("Driftskonto", "2025-04-01", 100000, "2025-04-01", -18100, "fee"),
        ("Driftskonto", "2025-04-01", 100000, "2025-04-03", 47840, "credit_transfer"),
        ("Driftskonto", "2025-04-01", 100000, "2025-04-25", 124950, "credit_transfer"),
        ("Skattetrekkskonto", "2025-04-01", 0, None, None, None),
        ("Sparekonto", "2025-04-01", 400_000_00, None, None, None)]  # not in the plan: its own balance
    with store.read() as conn:
        details = conn.execute(
            "SELECT d.kids, d.name, d.account FROM details d JOIN entries e ON e.id = d.entry_id "
            "JOIN accounts a ON a.id = e.account_id WHERE a.org_number = '923456783' ORDER BY e.seq").fetchall()
        assert [tuple(d) for d in details] == [("100040000323", None, None),
                                               ("100000000230", "Kafé Solsiden AS", "15030341462")]
        assert bank_day(conn) == DAY
    assert len(entries(store, "934567897")) > 20  # Nordlys Konsult: the generator's everyday traffic

    before = entries(store, "923456783") + entries(store, "934567897")
    assert seed_demo(Store(tmp_path, start_day=DAY + dt.timedelta(days=7))) is False  # once only
    assert entries(store, "923456783") + entries(store, "934567897") == before


def test_a_plan_from_a_later_day_moves_a_new_bank_on_to_it(tmp_path):
    (tmp_path / TRAFFIC_FILE).write_text(json.dumps(PLAN), encoding="utf-8")
    store = Store(tmp_path, start_day=dt.date(2025, 4, 14))
    assert seed_demo(store) is True
    with store.read() as conn:
        assert bank_day(conn) == DAY
        operating = next(a for a in acc.accounts_of(conn, "923456783") if a["name"] == "Driftskonto")
        assert acc.booked_balance(conn, operating) == 100000 - 18100 + 47840 + 124950


@pytest.mark.parametrize("change, message", [
    (lambda p: p.update(schema="x"), "schema must be"),
    (lambda p: p.update(org_number="999999999"), "org_number must be one of the demo companies"),
    (lambda p: p["accounts"][1].update(name="Brukskonto"), "accounts[1].name must be one of"),
    (lambda p: p["accounts"][0].update(balance="12.345"), "accounts[0].balance: 12.345 has more than 2 decimals"),
    (lambda p: p["accounts"][0]["transactions"][1].update(amount=0.5), "Driftskonto.transactions[1].amount must be a "
                                                                        "string or integer amount, never a float"),
    (lambda p: p["accounts"][0]["transactions"][2].update(date="25.04.2025"),
     "Driftskonto.transactions[2].date '25.04.2025' is not a date"),
    (lambda p: p["accounts"][0]["transactions"][0].update(account="15030341462"), "no account here"),
])
def test_a_plan_that_is_not_right_is_refused_and_nothing_is_made(tmp_path, change, message):
    plan = json.loads(json.dumps(PLAN))
    change(plan)
    (tmp_path / TRAFFIC_FILE).write_text(json.dumps(plan), encoding="utf-8")
    store = Store(tmp_path, start_day=DAY)
    with pytest.raises(ValueError) as raised:
        seed_demo(store)
    assert message in str(raised.value) and TRAFFIC_FILE in str(raised.value)
    with store.read() as conn:
        assert conn.execute("SELECT count(*) FROM customers").fetchone()[0] == 0  # all or nothing


def test_without_a_plan_every_demo_company_gets_the_generators_traffic(tmp_path):
    store = Store(tmp_path, start_day=DAY)
    assert seed_demo(store) is True
    assert len(entries(store, "923456783")) > 20 and len(entries(store, "934567897")) > 20
