"""{% bank_panel company %}: the bank accounts on the company's front page (R1.5, R5.3)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("banking/_front_panel.html")
def bank_panel(company):
    from avstem.banking.agreements import account_status
    from avstem.banking.models import BankAccount

    accounts = BankAccount.objects.filter(company=company, active=True).select_related("gl_account")
    return {"company": company, "statuses": [account_status(a) for a in accounts]}


@register.filter
def account_number(value):
    """11 digits as 1234.56.78901; anything else as given."""
    from avstem.norway.accounts import format_account_number

    text = str(value or "")
    return format_account_number(text) if len(text) == 11 and text.isdigit() else text
