"""The voucher a reconciliation posted (and the reversal its undo posted) move from the link table
PostedVoucher to two columns of Reconciliation: a reconciliation posts at most one voucher, and
the link row cost the automatic run a row, its indexes and two key checks per line."""

import django.db.models.deletion
from django.db import migrations, models


def copy_links(apps, schema_editor):
    """One UPDATE for all (a big installation has a link per automatic reconciliation)."""
    Reconciliation = apps.get_model("reconciliation", "Reconciliation")
    PostedVoucher = apps.get_model("reconciliation", "PostedVoucher")
    twice = (PostedVoucher.objects.values("reconciliation_id").annotate(n=models.Count("id")).filter(n__gt=1)
             .order_by("reconciliation_id").values_list("reconciliation_id", flat=True).first())
    if twice is not None:
        raise RuntimeError(f"reconciliation {twice} posted more than one voucher; nothing was changed")
    link = PostedVoucher.objects.filter(reconciliation_id=models.OuterRef("pk"))
    Reconciliation.objects.filter(pk__in=PostedVoucher.objects.values("reconciliation_id")).update(
        voucher_id=models.Subquery(link.values("voucher_id")[:1]),
        reversal_id=models.Subquery(link.values("reversal_id")[:1]))


def copy_back(apps, schema_editor):
    Reconciliation = apps.get_model("reconciliation", "Reconciliation")
    PostedVoucher = apps.get_model("reconciliation", "PostedVoucher")
    PostedVoucher.objects.bulk_create(
        [PostedVoucher(reconciliation_id=pk, voucher_id=voucher_id, reversal_id=reversal_id)
         for pk, voucher_id, reversal_id in Reconciliation.objects.filter(voucher__isnull=False)
         .values_list("pk", "voucher_id", "reversal_id").iterator(chunk_size=5000)], batch_size=5000)


class Migration(migrations.Migration):

    dependencies = [
        ("ledger", "0007_openitem_party_indexes"),
        ("reconciliation", "0002_lean_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="reconciliation",
            name="voucher",
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="ledger.voucher"),
        ),
        migrations.AddField(
            model_name="reconciliation",
            name="reversal",
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="ledger.voucher"),
        ),
        migrations.RunPython(copy_links, copy_back),
        migrations.AddIndex(
            model_name="reconciliation",
            index=models.Index(condition=models.Q(("voucher__isnull", False)), fields=["voucher"], name="recon_voucher_set"),
        ),
        migrations.AddIndex(
            model_name="reconciliation",
            index=models.Index(condition=models.Q(("reversal__isnull", False)), fields=["reversal"],
                               name="recon_reversal_set"),
        ),
        migrations.DeleteModel(name="PostedVoucher"),
    ]
