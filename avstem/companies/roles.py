"""Roles in a company and what each may do. No models here: the CLI imports it before Django is set up."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    ACCOUNTANT = "accountant", _("Accountant")
    APPROVER = "approver", _("Approver")
    VIEWER = "viewer", _("Viewer")


class Permission(models.TextChoices):
    """What a role may do in a company. Views and API operations name the one they need."""

    VIEW = "view", _("see the company's data")
    CHANGE = "change", _("change the company's data")
    APPROVE = "approve", _("approve payments")
    MANAGE = "manage", _("manage users and company settings")
    AUDIT = "audit", _("read the audit log")


ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.OWNER: frozenset(Permission.values),
    Role.ACCOUNTANT: frozenset({Permission.VIEW, Permission.CHANGE, Permission.AUDIT}),
    Role.APPROVER: frozenset({Permission.VIEW, Permission.APPROVE}),
    Role.VIEWER: frozenset({Permission.VIEW}),
}
