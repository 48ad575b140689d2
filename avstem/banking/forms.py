from django import forms
from django.utils.translation import gettext_lazy as _

from avstem.web.validators import NorwegianDateField, NorwegianField, clean_account_number

from .models import Kind

CURRENCIES = ["NOK", "EUR", "USD", "SEK", "DKK", "GBP", "CHF"]


class BankAccountForm(forms.Form):
    nickname = forms.CharField(label=_("Nickname"), max_length=100, help_text=_("For your own use, e.g. “Drift DNB”."))
    kind = forms.ChoiceField(label=_("Type"), choices=Kind.choices)
    account_number = NorwegianField(clean_account_number, label=_("Account number"), max_length=20,
                                    help_text=_("11 digits. The bank, BIC and IBAN are filled in from it."))
    currency = forms.ChoiceField(label=_("Currency"), choices=[(c, c) for c in CURRENCIES], initial="NOK")
    gl_account = forms.ModelChoiceField(label=_("GL account"), queryset=None)
    is_default_operating = forms.BooleanField(
        label=_("Default operating account (used for payments)"), required=False
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        from avstem.ledger.models import Account

        accounts = Account.objects.filter(company=company, active=True)
        # Bank accounts (19xx) first: they are nearly always the right choice.
        self.fields["gl_account"].queryset = accounts.filter(number__startswith="19") | accounts.filter(is_bank=True)
        self.fields["gl_account"].help_text = _("Usually 1920 for the operating account and 1950 for tax withholding.")

    def clean(self):
        data = super().clean()
        if data.get("kind") != Kind.CURRENCY and data.get("currency") not in (None, "NOK"):
            self.add_error("currency", _("Only a currency account can have another currency than NOK."))
        return data


class AmountField(forms.CharField):
    """An amount typed the Norwegian way ("-1 234,50"), cleaned to signed øre."""

    def clean(self, value):
        from decimal import Decimal, InvalidOperation

        value = super().clean(value)
        if value in (None, ""):
            return value
        text = str(value).replace("\u00a0", "").replace(" ", "").replace(",", ".")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(_("Enter an amount, e.g. 1 234,50 (negative for money out).")) from None
        if amount != amount.quantize(Decimal("0.01")):
            raise forms.ValidationError(_("At most two decimals (øre)."))
        return int(amount * 100)


class ManualLineForm(forms.Form):
    date = NorwegianDateField(label=_("Date"))
    amount = AmountField(label=_("Amount"), help_text=_("Money in is positive, money out negative (e.g. -250,00)."))
    text = forms.CharField(label=_("Text"), max_length=500)
    counterparty = forms.CharField(label=_("Counterparty"), max_length=200, required=False)


class RemoveLineForm(forms.Form):
    reason = forms.CharField(label=_("Why remove it?"), max_length=300,
                             help_text=_("E.g. “Registered twice” or “Not on the bank statement”."))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Bank file"),
                           help_text=_("camt.053 or camt.054 (XML), Nets OCR (.txt) or a CSV export from the online bank."))
    account = forms.ModelChoiceField(label=_("Account"), queryset=None, required=False,
                                     empty_label=_("Find it from the file"))
    csv_layout = forms.ChoiceField(label=_("CSV layout"), required=False,
                                   help_text=_("Only for CSV files; found from the columns when left open."))

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        from .csvfiles import PRESETS
        from .models import BankAccount, CsvMapping

        self.fields["account"].queryset = BankAccount.objects.filter(company=company, active=True)
        choices = [("", _("Find it from the columns"))]
        choices += [(f"preset:{key}", spec.name) for key, spec in PRESETS.items()]
        choices += [(f"saved:{m.pk}", m.name) for m in CsvMapping.objects.filter(company=company)]
        self.fields["csv_layout"].choices = choices


class CsvLayoutForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("E.g. the bank's name."))
    delimiter = forms.ChoiceField(label=_("Column separator"), choices=[(";", ";"), (",", ","), ("\t", "Tab")])
    decimal = forms.ChoiceField(label=_("Decimal separator"), choices=[(",", ","), (".", ".")])
    date = forms.CharField(label=_("Date column"), max_length=100)
    date_format = forms.ChoiceField(label=_("Date format"), choices=[
        ("%d.%m.%Y", "31.12.2025"), ("%Y-%m-%d", "2025-12-31"), ("%Y/%m/%d", "2025/12/31"), ("%d/%m/%Y", "31/12/2025"),
        ("%d.%m.%y", "31.12.25")])
    text = forms.CharField(label=_("Text column(s)"), max_length=300, help_text=_("Several separated by commas."))
    amount = forms.CharField(label=_("Amount column (signed)"), max_length=100, required=False)
    credit = forms.CharField(label=_("Money in column"), max_length=100, required=False)
    debit = forms.CharField(label=_("Money out column"), max_length=100, required=False)
    value_date = forms.CharField(label=_("Value date column"), max_length=100, required=False)
    reference = forms.CharField(label=_("Archive reference column"), max_length=100, required=False)
    counterparty_name = forms.CharField(label=_("Counterparty column"), max_length=100, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("amount") and not (data.get("credit") and data.get("debit")):
            raise forms.ValidationError(_("Name the amount column, or both the money in and money out columns."))
        return data

    def spec(self):
        from .csvfiles import CsvMappingSpec

        d = self.cleaned_data
        return CsvMappingSpec(
            name=d["name"], date=d["date"], text=tuple(t.strip() for t in d["text"].split(",") if t.strip()),
            amount=d.get("amount", ""), credit=d.get("credit", ""), debit=d.get("debit", ""),
            value_date=d.get("value_date", ""), reference=d.get("reference", ""),
            counterparty_name=d.get("counterparty_name", ""), date_format=d["date_format"],
            delimiter=d["delimiter"], decimal=d["decimal"])
