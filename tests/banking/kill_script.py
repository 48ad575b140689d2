"""Run by test_worker_kill.py in a child process with its own SQLite database (never the test's).

    python kill_script.py setup ORG NATIONAL_ID ACCOUNT_NUMBER START   -> prints the run id
    python kill_script.py fetch                                        -> a new run; prints its id
"""

from __future__ import annotations

import datetime
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "avstem.settings")


def main(argv: list[str]) -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from avstem.banking.models import BankAgreement
    from avstem.banking.sync import start_run

    call_command("migrate", verbosity=0)
    if argv[0] == "setup":
        org, national_id, number, start = argv[1:5]
        print(setup(settings, org, national_id, number, datetime.date.fromisoformat(start)).pk)
    elif argv[0] == "fetch":
        print(start_run(BankAgreement.objects.get()).pk)
    return 0


def setup(settings, org, national_id, number, start):
    from avstem.banking.agreements import set_tokens
    from avstem.banking.banks import bank_of_account
    from avstem.banking.connector import Tokens
    from avstem.banking.models import AgreementAccount, AgreementStatus, BankAgreement, Connection
    from avstem.banking.services import create_bank_account
    from avstem.banking.sync import start_run
    from avstem.companies.services import create_company
    from avstem.ledger.chart import ensure_chart
    from avstem.ledger.models import Account
    from avstem.sandbox_bank.client import SandboxBankClient
    from avstem.users.services import create_user

    user = create_user("kill@example.no", "correct-horse-battery-9", name="K", mobile="91234567", job="test")
    company = create_company(user, name="Kill AS", org_number=org, conversion_date=datetime.date(2025, 1, 1))
    ensure_chart(company)
    account = create_bank_account(user, company, nickname="Drift", kind="operating", account_number=number,
                                  gl_account=Account.objects.get(company=company, number="1920"))
    client = SandboxBankClient(settings.BANK_API_URL)
    answer = client.connect(national_id=national_id, org_number=org, client_id=settings.BANK_CLIENT_ID,
                            redirect_uri="http://127.0.0.1:9/callback")
    bank = bank_of_account(number)
    agreement = BankAgreement(company=company, bank_key=bank.key, bank_name=bank.name, connection=Connection.API,
                              status=AgreementStatus.ACTIVE, ordered_on=start, active_from=start, start_date=start)
    set_tokens(agreement, Tokens(answer["access_token"], answer["refresh_token"], 4_000_000_000.0))
    agreement.save()
    accounts = client.request("GET", "/api/v1/accounts", token=answer["access_token"]).json()["accounts"]
    external = next(a["id"] for a in accounts if a["account_number"] == number)
    AgreementAccount.objects.create(agreement=agreement, bank_account=account, external_id=external,
                                    connected_on=start)
    return start_run(agreement)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
