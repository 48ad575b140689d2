"""Companies created before the ledger existed get the standard chart and ledger settings
(new companies get them from the post-create hook in apps.py)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from avstem.ledger.standard_chart import standard_accounts

    Company = apps.get_model("companies", "Company")
    Account = apps.get_model("ledger", "Account")
    LedgerSettings = apps.get_model("ledger", "LedgerSettings")
    for company in Company.objects.all():
        LedgerSettings.objects.get_or_create(company=company)
        existing = set(Account.objects.filter(company=company).values_list("number", flat=True))
        Account.objects.bulk_create(
            [
                Account(company=company, number=a.number, name=a.name, account_type=a.account_type, vat_code=a.vat_code,
                        grouping_category=a.grouping_category, grouping_code=a.grouping_code, subledger=a.subledger,
                        is_bank=a.is_bank, standard=True)
                for a in standard_accounts()
                if a.number not in existing
            ],
            batch_size=500,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0003_voucher_draft"),
        ("companies", "0002_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
