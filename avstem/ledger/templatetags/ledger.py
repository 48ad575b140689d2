"""Template filters for money in øre: {{ amount|nok }} -> 1 250,00 (no-break spaces)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from avstem.ledger.money import format_amount

register = template.Library()
NBSP = "\u00a0"


@register.filter
def nok(ore):
    """Øre as kroner, Norwegian style; empty for None."""
    if ore is None or ore == "":
        return ""
    return format_amount(int(ore), thousands=NBSP)


@register.filter
def nok_blank(ore):
    """Like nok, but blank for zero (debit/credit columns)."""
    if not ore:
        return ""
    return format_amount(int(ore), thousands=NBSP)


@register.filter
def nok_input(ore):
    """For a form field: 1250,50 without thousands separators."""
    if ore is None or ore == "":
        return ""
    return format_amount(int(ore), thousands="")


@register.filter
def percent(value):
    if value is None:
        return ""
    text = f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value}"
    return text.replace(".", ",") + NBSP + "%"


@register.filter
def negate(ore):
    return -int(ore or 0)


@register.filter
def abs_amount(ore):
    return abs(int(ore or 0))


@register.simple_tag
def series_label(series):
    from avstem.ledger.models import Series

    return Series(series).label if series in Series.values else series


@register.filter
def yesno_nb(value):
    return _("Yes") if value else _("No")


# url name -> the sub-navigation tab it belongs to
TAB_OF = {
    "overview": "overview",
    "vouchers": "vouchers", "voucher": "vouchers", "voucher_new": "vouchers",
    "invoices": "invoices", "invoice": "invoices", "invoice_new": "invoices", "invoice_edit": "invoices",
    "customers": "customers", "customer": "customers", "customer_new": "customers",
    "supplier_invoices": "supplier_invoices", "supplier_invoice": "supplier_invoices",
    "supplier_invoice_new": "supplier_invoices", "supplier_invoice_edit": "supplier_invoices",
    "suppliers": "suppliers", "supplier": "suppliers", "supplier_new": "suppliers",
    "open_items": "open_items", "open_item": "open_items",
    "trial_balance": "trial_balance", "general_ledger": "general_ledger",
    "accounts": "accounts", "account": "accounts", "vat_codes": "vat_codes",
    "periods": "periods", "settings": "settings",
}


@register.simple_tag(takes_context=True)
def current_tab(context):
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is None or match.namespace != "ledger":
        return ""
    return TAB_OF.get(match.url_name, "")


@register.filter
def bank_account(value):
    """11-digit Norwegian account numbers printed as 9710 21 07563; IBANs in groups of four."""
    from avstem.norway.accounts import format_account_number, format_iban, is_valid_account_number, is_valid_iban

    if not value:
        return ""
    if is_valid_account_number(value):
        return format_account_number(value)
    if is_valid_iban(value):
        return format_iban(value)
    return value
