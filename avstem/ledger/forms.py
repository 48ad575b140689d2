"""Forms of the ledger pages. Amounts are typed as kroner ("1 250,50") and cleaned to øre."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from avstem.web.validators import NorwegianDateField

from . import vat
from .models import Account, AccountType, Customer, KidAlgorithm, Series, Supplier
from .money import AmountError, format_amount, parse_amount

MANUAL_SERIES = [(s.value, s.label) for s in (Series.MANUAL, Series.BANK, Series.PAYROLL, Series.OPENING)]


class AmountField(forms.CharField):
    """Kroner as typed ("1 250,50", "1250.5") to integer øre."""

    default_error_messages = {"invalid": _("Enter an amount, for example 1 250,50.")}

    def __init__(self, *, allow_negative: bool = True, **kwargs):
        self.allow_negative = allow_negative
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "class": "amount", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            return format_amount(value, thousands="")
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            ore = parse_amount(value)
        except AmountError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if ore < 0 and not self.allow_negative:
            raise forms.ValidationError(_("Enter a positive amount."), code="negative")
        return ore


def vat_choices(side: str | None = None, blank: str = "") -> list[tuple[str, str]]:
    from django.utils.translation import get_language

    language = get_language() or "nb"
    choices = [("", blank or "–")]
    for code in vat.codes().values():
        if side == "sales" and not code.is_sales:
            continue
        if side == "purchase" and code.is_sales:
            continue
        choices.append((code.code, f"{code.code} – {code.name(language)}"))
    return choices


def account_choices(company, *, prefix: tuple[str, ...] = (), blank: bool = True) -> list[tuple[str, str]]:
    accounts = Account.objects.filter(company=company, active=True).order_by("number")
    choices = [("", "–")] if blank else []
    choices += [(a.number, f"{a.number} {a.name}") for a in accounts if not prefix or a.number.startswith(prefix)]
    return choices


def _today() -> datetime.date:
    return timezone.localdate()


# --- Chart of accounts ------------------------------------------------------------------------


class AccountForm(forms.Form):
    number = forms.CharField(label=_("Account number"), max_length=6, help_text=_("4 to 6 digits, e.g. 1921 for a second bank account."))
    name = forms.CharField(label=_("Name"), max_length=200)
    account_type = forms.ChoiceField(label=_("Type"), choices=[("", _("From the account number"))] + list(AccountType.choices), required=False)
    vat_code = forms.ChoiceField(label=_("Default VAT code"), required=False)
    is_bank = forms.BooleanField(label=_("Bank account (reconciled against the bank)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vat_code"].choices = vat_choices()


class AccountEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    vat_code = forms.ChoiceField(label=_("Default VAT code"), required=False)
    active = forms.BooleanField(label=_("Active (can be posted to)"), required=False)
    is_bank = forms.BooleanField(label=_("Bank account (reconciled against the bank)"), required=False)
    grouping_category = forms.CharField(label=_("SAF-T grouping category"), max_length=100)
    grouping_code = forms.CharField(label=_("SAF-T grouping code"), max_length=20)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vat_code"].choices = vat_choices()


class AccountFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, widget=forms.TextInput(attrs={"placeholder": _("Number or name")}))
    show = forms.ChoiceField(
        label=_("Show"), required=False,
        choices=[("", _("All accounts")), ("used", _("Accounts with postings")), ("inactive", _("Inactive accounts"))],
    )


# --- Vouchers ---------------------------------------------------------------------------------


class VoucherForm(forms.Form):
    date = NorwegianDateField(label=_("Date"))
    series = forms.ChoiceField(label=_("Series"), choices=MANUAL_SERIES, initial=Series.MANUAL)
    description = forms.CharField(label=_("Description"), max_length=200)
    amounts_include_vat = forms.BooleanField(
        label=_("Amounts include VAT"), required=False, initial=True,
        help_text=_("On lines with a VAT code the VAT is taken out of the amount and posted on the VAT account."),
    )
    attachment = forms.FileField(label=_("Attachment"), required=False, help_text=_("Receipt or invoice (PDF or image)."))


class VoucherLineForm(forms.Form):
    account = forms.CharField(label=_("Account"), max_length=120, widget=forms.TextInput(attrs={"list": "accounts", "class": "account", "autocomplete": "off"}))
    description = forms.CharField(label=_("Text"), max_length=200, required=False)
    debit = AmountField(label=_("Debit"), required=False, allow_negative=False)
    credit = AmountField(label=_("Credit"), required=False, allow_negative=False)
    vat_code = forms.ChoiceField(label=_("VAT"), required=False)
    party = forms.ChoiceField(label=_("Customer / supplier"), required=False)

    def __init__(self, *args, company=None, parties=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vat_code"].choices = vat_choices()
        self.fields["party"].choices = parties if parties is not None else party_choices(company)

    def clean_party(self):
        """"c:<id>" is a customer, "s:<id>" a supplier of the company (the choices hold only those)."""
        value = self.cleaned_data["party"]
        self.cleaned_data["customer"] = self.cleaned_data["supplier"] = None
        if value:
            kind, pk = value.split(":")
            model = Customer if kind == "c" else Supplier
            self.cleaned_data["customer" if kind == "c" else "supplier"] = model.objects.get(pk=int(pk))
        return value

    def clean_account(self):
        # "1920 Bank, driftskonto" from the suggestion list, or just "1920"
        value = self.cleaned_data["account"].strip()
        return value.split()[0] if value else value

    def clean(self):
        data = super().clean()
        debit, credit = data.get("debit"), data.get("credit")
        if debit and credit:
            raise forms.ValidationError(_("Fill in either debit or credit, not both."))
        if not debit and not credit and not self.errors:
            raise forms.ValidationError(_("Fill in an amount."))
        data["amount"] = (debit or 0) - (credit or 0)
        return data


def party_choices(company) -> list:
    """Customers and suppliers in one list, grouped: values "c:<id>" and "s:<id>"."""
    if company is None:
        return [("", "–")]
    customers = [(f"c:{c.pk}", f"{c.number} {c.name}") for c in Customer.objects.filter(company=company, active=True)]
    suppliers = [(f"s:{s.pk}", f"{s.number} {s.name}") for s in Supplier.objects.filter(company=company, active=True)]
    return [("", "–"), (_("Customers"), customers), (_("Suppliers"), suppliers)]


class BaseLineFormSet(forms.BaseFormSet):
    def __init__(self, *args, company=None, **kwargs):
        self.company = company
        super().__init__(*args, **kwargs)

    def _line_kwargs(self) -> dict:
        kwargs = {"company": self.company}
        if "party" in self.form.base_fields:  # one query for all the lines' customer/supplier lists
            if not hasattr(self, "_parties"):
                self._parties = party_choices(self.company)
            kwargs["parties"] = self._parties
        return kwargs

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs.update(self._line_kwargs())
        return kwargs

    @property
    def empty_form(self):
        form = self.form(auto_id=self.auto_id, prefix=self.add_prefix("__prefix__"), empty_permitted=True,
                         use_required_attribute=False, renderer=self.renderer, **self._line_kwargs())
        self.add_fields(form, None)
        return form


VoucherLineFormSet = forms.formset_factory(VoucherLineForm, formset=BaseLineFormSet, extra=4, min_num=2, validate_min=True, max_num=200)


class ReverseForm(forms.Form):
    date = NorwegianDateField(label=_("Date of the reversal"))


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Attachment"))


class VoucherFilterForm(forms.Form):
    series = forms.ChoiceField(label=_("Series"), required=False, choices=[("", _("All series"))] + list(Series.choices))
    date_from = NorwegianDateField(label=_("From"), required=False)
    date_to = NorwegianDateField(label=_("To"), required=False)
    q = forms.CharField(label=_("Search"), required=False, widget=forms.TextInput(attrs={"placeholder": _("Text or number")}))


# --- Customers and suppliers ------------------------------------------------------------------


class PartyForm(forms.Form):
    number = forms.IntegerField(label=_("Number"), min_value=1, required=False, help_text=_("Leave empty for the next free number."))
    name = forms.CharField(label=_("Name"), max_length=200)
    org_number = forms.CharField(label=_("Organisation number"), max_length=20, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=4, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class CustomerForm(PartyForm):
    pass


class SupplierForm(PartyForm):
    bank_account = forms.CharField(label=_("Bank account number"), max_length=20, required=False)
    iban = forms.CharField(label=_("IBAN (foreign suppliers)"), max_length=42, required=False)
    bic = forms.CharField(label=_("BIC"), max_length=11, required=False)
    default_account = forms.ChoiceField(label=_("Default expense account"), required=False)

    def __init__(self, *args, company=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["default_account"].choices = account_choices(company, prefix=("4", "5", "6", "7")) if company else []


# --- Invoices ---------------------------------------------------------------------------------


class InvoiceForm(forms.Form):
    customer = forms.ModelChoiceField(label=_("Customer"), queryset=Customer.objects.none(), empty_label=_("Choose a customer"))
    invoice_date = NorwegianDateField(label=_("Invoice date"))
    due_date = NorwegianDateField(label=_("Due date"), required=False, help_text=_("Empty: the payment terms from the ledger settings."))
    reference = forms.CharField(label=_("Your reference"), max_length=100, required=False)
    note = forms.CharField(label=_("Note on the invoice"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, company=None, **kwargs):
        super().__init__(*args, **kwargs)
        if company is not None:
            self.fields["customer"].queryset = Customer.objects.filter(company=company, active=True)


class QuantityField(forms.CharField):
    """A quantity with up to three decimals, typed with a decimal comma or point."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        number = parse_quantity(value)
        if number != number.quantize(Decimal("0.001")) or abs(number) >= Decimal("1000000000"):
            raise forms.ValidationError(_("Enter a quantity with at most three decimals."))
        return number

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            text = f"{value.normalize():f}"
            return text.replace(".", ",")
        return value

    def has_changed(self, initial, data):
        try:
            return self.to_python(initial) != self.to_python(data)
        except forms.ValidationError:
            return True


class InvoiceLineForm(forms.Form):
    description = forms.CharField(label=_("Description"), max_length=200)
    quantity = QuantityField(label=_("Quantity"), initial="1")
    unit_price = AmountField(label=_("Unit price excl. VAT"))
    account = forms.ChoiceField(label=_("Account"))
    vat_code = forms.ChoiceField(label=_("VAT"), required=False)

    def __init__(self, *args, company=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = account_choices(company, prefix=("3",), blank=False) if company else []
        self.fields["account"].initial = "3000"
        self.fields["vat_code"].choices = vat_choices("sales")
        self.fields["vat_code"].initial = "3"
        self.fields["quantity"].widget.attrs.update({"inputmode": "decimal", "class": "qty", "autocomplete": "off"})


InvoiceLineFormSet = forms.formset_factory(InvoiceLineForm, formset=BaseLineFormSet, extra=3, min_num=1, validate_min=True, max_num=200)


class CreditNoteForm(forms.Form):
    date = NorwegianDateField(label=_("Credit note date"))


class SupplierInvoiceForm(forms.Form):
    supplier = forms.ModelChoiceField(label=_("Supplier"), queryset=Supplier.objects.none(), empty_label=_("Choose a supplier"))
    supplier_invoice_number = forms.CharField(label=_("Supplier's invoice number"), max_length=50)
    invoice_date = NorwegianDateField(label=_("Invoice date"))
    due_date = NorwegianDateField(label=_("Due date"), required=False)
    gross_amount = AmountField(label=_("Amount including VAT"), help_text=_("A credit note from the supplier is a negative amount."))
    account = forms.ChoiceField(label=_("Expense account"), required=False, help_text=_("Empty: the supplier's default account."))
    vat_code = forms.ChoiceField(label=_("VAT code"), required=False)
    vat_amount = AmountField(label=_("VAT on the invoice"), required=False, help_text=_("Empty: calculated from the amount."))
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    kid = forms.CharField(label=_("KID"), max_length=40, required=False)
    message = forms.CharField(label=_("Message to the supplier"), max_length=140, required=False, help_text=_("When the invoice has no KID."))
    creditor_account = forms.CharField(label=_("Pay to account"), max_length=42, required=False, help_text=_("Empty: the supplier's account."))

    def __init__(self, *args, company=None, **kwargs):
        super().__init__(*args, **kwargs)
        if company is not None:
            self.fields["supplier"].queryset = Supplier.objects.filter(company=company, active=True)
            self.fields["account"].choices = account_choices(company, prefix=("1", "4", "5", "6", "7", "8"))
        self.fields["vat_code"].choices = vat_choices("purchase", blank=str(_("From the account")))


# --- Open items, reports, periods, settings ---------------------------------------------------


class SettleForm(forms.Form):
    """One amount field per candidate open item, named item_<id>."""

    date = NorwegianDateField(label=_("Settlement date"), required=False)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        for item in self.candidates:
            self.fields[f"item_{item.pk}"] = AmountField(label=item.label, required=False, allow_negative=False)

    def allocations(self):
        return [(item, self.cleaned_data[f"item_{item.pk}"]) for item in self.candidates if self.cleaned_data.get(f"item_{item.pk}")]


class PeriodForm(forms.Form):
    date_from = NorwegianDateField(label=_("From"))
    date_to = NorwegianDateField(label=_("To"))

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data


class GeneralLedgerForm(PeriodForm):
    account = forms.ChoiceField(label=_("Account"))

    def __init__(self, *args, company=None, **kwargs):
        super().__init__(*args, **kwargs)
        accounts = Account.objects.filter(company=company).order_by("number") if company else []
        self.fields["account"].choices = [(a.number, f"{a.number} {a.name}") for a in accounts]
        self.order_fields(["account", "date_from", "date_to"])


class OpenItemsForm(forms.Form):
    kind = forms.ChoiceField(label=_("Subledger"), choices=[("customer", _("Customers")), ("supplier", _("Suppliers"))], required=False)
    as_of = NorwegianDateField(label=_("As of"), required=False)


class LedgerSettingsForm(forms.Form):
    kid_algorithm = forms.ChoiceField(label=_("KID check digit"), choices=KidAlgorithm.choices)
    kid_customer_digits = forms.IntegerField(label=_("KID: digits for the customer number"), min_value=1, max_value=12)
    kid_invoice_digits = forms.IntegerField(label=_("KID: digits for the invoice number"), min_value=1, max_value=12)
    payment_terms_days = forms.IntegerField(label=_("Payment terms (days)"), min_value=0, max_value=365)


def parse_quantity(text) -> Decimal:
    try:
        return Decimal(str(text).replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        raise forms.ValidationError(_("Enter a number.")) from None
