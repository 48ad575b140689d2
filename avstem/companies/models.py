"""Companies (clients) and the users who belong to them, each with a role."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .roles import ROLE_PERMISSIONS, Permission, Role

__all__ = ["Company", "Membership", "Permission", "Role", "ROLE_PERMISSIONS"]


class Company(models.Model):
    name = models.CharField(_("name"), max_length=200)
    org_number = models.CharField(_("organisation number"), max_length=9, unique=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=4, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    conversion_date = models.DateField(
        _("conversion date"), help_text=_("The date the books start in this program.")
    )
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        _("fiscal year starts in month"), default=1
    )
    runs_payroll = models.BooleanField(_("runs payroll"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")

    def __str__(self) -> str:
        return self.name

    @property
    def org_number_display(self) -> str:
        n = self.org_number
        return f"{n[:3]} {n[3:6]} {n[6:]}" if len(n) == 9 else n


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "company"], name="one_membership_per_company")]
        ordering = ["company__name"]

    def __str__(self) -> str:
        return f"{self.user} @ {self.company} ({self.get_role_display()})"

    def allows(self, permission: str) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]
