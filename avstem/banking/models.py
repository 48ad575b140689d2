"""The company's bank accounts, each tied to one GL account in its books."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    OPERATING = "operating", _("Operating account")
    TAX_WITHHOLDING = "tax_withholding", _("Tax withholding account")
    PAYROLL = "payroll", _("Payroll account")
    CURRENCY = "currency", _("Currency account")


# The GL account a new bank account of each kind usually posts to (R1.4). A second operating
# or a currency account gets an account of its own (1921, 1922, ...), added in the chart.
SUGGESTED_GL = {Kind.OPERATING: "1920", Kind.TAX_WITHHOLDING: "1950", Kind.PAYROLL: "1920"}


class BankAccount(models.Model):
    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="bank_accounts")
    nickname = models.CharField(_("nickname"), max_length=100)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.OPERATING)
    account_number = models.CharField(_("account number"), max_length=11)
    iban = models.CharField("IBAN", max_length=34)
    bic = models.CharField("BIC", max_length=11, blank=True)
    bank_name = models.CharField(_("bank"), max_length=200, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="NOK")
    gl_account = models.ForeignKey(
        "ledger.Account", on_delete=models.PROTECT, related_name="bank_accounts", verbose_name=_("GL account")
    )
    is_default_operating = models.BooleanField(_("default operating account"), default=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-active", "kind", "nickname"]
        constraints = [
            models.UniqueConstraint(fields=["company", "account_number"], name="banking_account_number_once"),
            # R2.5: one GL account never serves two active bank accounts.
            models.UniqueConstraint(fields=["gl_account"], condition=Q(active=True), name="banking_gl_account_once"),
            models.UniqueConstraint(
                fields=["company"], condition=Q(is_default_operating=True), name="banking_one_default_operating"
            ),
        ]
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")

    def __str__(self) -> str:
        return f"{self.nickname} ({self.account_number_display})"

    @property
    def account_number_display(self) -> str:
        from avstem.norway.accounts import format_account_number

        return format_account_number(self.account_number)
