from django import forms
from django.utils.translation import gettext_lazy as _

from avstem.web.validators import NorwegianField, clean_account_number

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
