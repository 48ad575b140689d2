"""The reconciliation API (everything the screen does) and `avstem reconcile`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from avstem.reconciliation import automatic
from avstem.reconciliation.models import LineProposal, Reconciliation
from tests.reconciliation.conftest import DAY, bank_line, invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, owner):
    from avstem.users.services import create_token

    _token, raw = create_token(owner, "test", two_factor=True)

    class Api:
        def __init__(self):
            self.headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}", "HTTP_ACCEPT_LANGUAGE": "en"}

        def get(self, path, **params):
            return client.get(path, params, **self.headers)

        def post(self, path, payload=None):
            return client.post(path, payload or {}, content_type="application/json", **self.headers)

        def patch(self, path, payload):
            return client.patch(path, payload, content_type="application/json", **self.headers)

        def delete(self, path):
            return client.delete(path, **self.headers)

    return Api()


def test_api_lists_reconciles_refuses_twice_and_undoes(api, company, owner, account, customer):
    base = f"/api/companies/{company.pk}/reconciliation"
    inv, item = invoice(owner, company, customer, 125000)
    line = bank_line(account, 125000, name="Kafé Solsiden AS")
    fee = bank_line(account, -4500, text="Gebyr")

    accounts = api.get(f"{base}/accounts").json()
    assert accounts[0]["lines_to_reconcile"] == 2 and accounts[0]["lines_sum"] == "1205.00"
    lines = api.get(f"{base}/accounts/{account.pk}/bank-lines", amount="45").json()
    assert [row["id"] for row in lines["items"]] == [fee.pk]
    items = api.get(f"{base}/open-items", kind="customer").json()
    assert items["items"][0]["id"] == item.pk and items["items"][0]["remaining"] == "1250.00"

    made = api.post(f"{base}/accounts/{account.pk}/reconcile", {"bank_line_ids": [line.pk], "open_items": [{"id": item.pk}]})
    assert made.status_code == 201, made.content
    again = api.post(f"{base}/accounts/{account.pk}/reconcile", {"bank_line_ids": [line.pk], "open_items": [{"id": item.pk}]})
    assert again.status_code == 409 and "was reconciled by a@example.no" in again.json()["detail"]

    posted = api.post(f"{base}/bank-lines/{fee.pk}/post", {"account": "7770", "description": "Gebyr"})
    assert posted.status_code == 201 and posted.json()["vouchers"]
    assert api.post(f"{base}/bank-lines/{fee.pk}/post", {"account": "7770"}).status_code == 409

    undone = api.post(f"{base}/reconciliations/{made.json()['id']}/undo")
    assert undone.status_code == 200 and undone.json()["undone_at"]
    item.refresh_from_db()
    assert item.remaining == 125000
    assert api.post(f"{base}/reconciliations/{made.json()['id']}/undo").status_code == 400


def test_api_proposals_run_and_accept(api, company, owner, account, customer):
    base = f"/api/companies/{company.pk}/reconciliation"
    _i1, item1 = invoice(owner, company, customer, 99000)
    _i2, item2 = invoice(owner, company, customer, 55000)
    l1, l2 = bank_line(account, 99000, name="Kafe Solsiden"), bank_line(account, 55000, name="Kafe Solsiden")
    run = api.post(f"{base}/accounts/{account.pk}/run", {"apply": False}).json()
    assert run["proposed"] == 2 and run["matched"] == 0
    proposals = api.get(f"{base}/bank-lines/{l1.pk}/proposals").json()
    assert proposals[0]["kind"] == "amount_party" and proposals[0]["targets"][0]["ref"] == str(item1.pk)
    assert "Kafé Solsiden AS" in proposals[0]["targets"][0]["label"] and proposals[0]["explanation"]
    assert api.post(f"{base}/proposals/{proposals[0]['id']}/accept").status_code == 201
    other = LineProposal.objects.filter(bank_line=l2).first()
    outcomes = api.post(f"{base}/proposals/accept", {"proposal_ids": [other.pk]}).json()
    assert outcomes[0]["reconciliation_id"] and not outcomes[0]["error"]
    assert Reconciliation.objects.filter(method="proposal").count() == 2


def test_api_rules_draft_automation_report_and_sign_off(api, company, owner, account):
    base = f"/api/companies/{company.pk}/reconciliation"
    line = bank_line(account, -29900, text="VISA 1234 SPOTIFY AB")
    draft = api.get(f"{base}/bank-lines/{line.pk}/rule-draft", account="6800", vat_code="1").json()
    assert draft["text_contains"] and draft["direction"] == "out" and draft["account"] == "6800"
    rule = api.post(f"{base}/rules", {**draft, "automatic": True})
    assert rule.status_code == 201, rule.content
    second = api.post(f"{base}/rules", {"name": "Renter", "account": "8050", "text_contains": "renter", "direction": "in"})
    moved = api.post(f"{base}/rules/{second.json()['id']}/move", {"direction": "up"}).json()
    assert [r["name"] for r in moved][0] == "Renter"
    assert api.patch(f"{base}/rules/{rule.json()['id']}", {"text_regex": "("}).status_code == 400
    bad = api.post(f"{base}/rules", {"name": "Ingen", "account": "6800"})
    assert bad.status_code == 400 and "at least one condition" in bad.json()["detail"]

    automation = api.patch(f"{base}/accounts/{account.pk}/automation", {"on": True})
    assert automation.status_code == 400 and "No bank agreement" in automation.json()["detail"]
    assert api.patch(f"{base}/accounts/{account.pk}/automation", {"min_confidence": "0.95"}).json()["min_confidence"] == "0.950"

    run = api.post(f"{base}/accounts/{account.pk}/run", {"apply": True}).json()
    assert run["matched"] == 1 and "rule: " + draft["name"] in run["by_rule"]["matched"], (run, draft)

    report = api.get(f"{base}/accounts/{account.pk}/report", date=DAY.isoformat()).json()
    assert report["ledger_balance"] == "-299.00" and report["postings_not_in_bank"] == "0.00"
    assert api.get(f"{base}/accounts/{account.pk}/report.csv", date=DAY.isoformat()).content.startswith("\ufeff".encode())
    assert api.get(f"{base}/accounts/{account.pk}/report.pdf").content.startswith(b"%PDF")
    signed = api.post(f"{base}/accounts/{account.pk}/sign-offs", {"through": DAY.isoformat(), "note": "Mars"})
    assert signed.status_code == 201
    rec = Reconciliation.objects.get()
    locked = api.post(f"{base}/reconciliations/{rec.pk}/undo")
    assert locked.status_code == 400 and "signed off" in locked.json()["detail"]
    assert api.post(f"{base}/sign-offs/{signed.json()['id']}/revoke").status_code == 200
    assert api.post(f"{base}/reconciliations/{rec.pk}/undo").status_code == 200


def test_cli_reconcile_prints_matched_proposed_and_left_by_rule(company, owner, account, customer, capsys):
    from avstem.cli import main
    from avstem.ledger.models import Account
    from avstem.reconciliation.models import BankRule

    inv, _item = invoice(owner, company, customer, 125000)
    invoice(owner, company, customer, 99000)
    bank_line(account, 125000, kid=inv.kid)
    bank_line(account, 99000, name="Kafe Solsiden")
    bank_line(account, -4500, text="Gebyr")
    bank_line(account, -777, text="Ukjent")
    BankRule.objects.create(company=company, name="Gebyrer", text_contains="gebyr", automatic=True,
                            account=Account.objects.get(company=company, number="7770"))

    assert main(["reconcile", "--company", company.org_number, "--account", account.account_number]) == 0
    out = capsys.readouterr().out
    assert "Matched and posted: 2" in out and "rule: Gebyrer" in out and "KID" in out
    assert "Proposed (waiting on the screen): 1" in out and "Amount and payer" in out
    assert "Left (nothing fits): 1" in out

    assert main(["reconcile", "--company", company.org_number, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["counts"] == {"matched": 0, "proposed": 1, "left": 1}
    assert {line["outcome"] for line in data["lines"]} == {"proposed", "left"}
    assert main(["reconcile", "--company", "999999999"]) == 2


def test_cli_help(tmp_path):
    avstem = str(Path(sys.executable).with_name("avstem"))
    done = subprocess.run([avstem, "reconcile", "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "--company" in done.stdout and "--json" in done.stdout
