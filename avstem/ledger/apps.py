from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "avstem.ledger"
    label = "ledger"
    verbose_name = _("Ledger")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from avstem.companies.models import Company

        from .chart import company_created
        from .rows import register_lookups

        register_lookups()

        # Every new company gets the standard chart and ledger settings in the transaction
        # that creates it; `ensure_chart` also fills in companies created before this app.
        post_save.connect(company_created, sender=Company, dispatch_uid="ledger.company_created")
