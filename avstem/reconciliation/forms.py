"""Forms of the reconciliation pages. Amounts are typed as kroner and cleaned to øre."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from avstem.ledger.forms import AmountField, account_choices, party_choices, vat_choices
from avstem.ledger.models import Account, Customer, Supplier
from avstem.web.validators import NorwegianDateField

from .automation import CONFIDENCE_CHOICES
from .models import BankRule

SPLIT_ROWS = 3


def gl_choices(company, *, exclude_bank: bool = True) -> list[tuple[str, str]]:
    """GL accounts a bank line may be posted to: not a bank account's own, not 1500/2400 (those
    go through a customer or supplier)."""
    accounts = Account.objects.filter(company=company, active=True, subledger="").order_by("number")
    if exclude_bank:
        accounts = accounts.exclude(is_bank=True)
    return [("", "–")] + [(a.number, f"{a.number} {a.name}") for a in accounts]


class PostForm(forms.Form):
    """"Post and reconcile" from a bank line (R5.6): to a GL account with a VAT code, or to a
    customer or supplier."""

    account = forms.ChoiceField(label=_("Account"), required=False)
    vat_code = forms.ChoiceField(label=_("VAT code"), required=False)
    party = forms.ChoiceField(label=_("or customer / supplier"), required=False)
    description = forms.CharField(label=_("Text on the voucher"), max_length=200, required=False)
    make_rule = forms.BooleanField(label=_("Make a rule from this line after posting"), required=False)

    def __init__(self, *args, company=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = gl_choices(company)
        self.fields["vat_code"].choices = vat_choices()
        self.fields["party"].choices = party_choices(company)
        self.company = company

    def clean(self):
        data = super().clean()
        party = data.get("party")
        data["customer"] = data["supplier"] = None
        if party:
            kind, pk = party.split(":")
            model = Customer if kind == "c" else Supplier
            data["customer" if kind == "c" else "supplier"] = model.objects.get(company=self.company, pk=int(pk))
            if data.get("account"):
                raise forms.ValidationError(_("Choose an account or a customer/supplier, not both."))
        elif not data.get("account"):
            raise forms.ValidationError(_("Choose the account to post to, or a customer or supplier."))
        return data


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    text_contains = forms.CharField(label=_("Text contains"), max_length=200, required=False)
    counterparty = forms.CharField(label=_("Counterparty (name or account number)"), max_length=200, required=False)
    text_regex = forms.CharField(label=_("Text matches (regular expression)"), max_length=200, required=False)
    direction = forms.ChoiceField(label=_("Direction"), choices=BankRule.Direction.choices, required=False)
    amount_min = AmountField(label=_("Amount at least"), required=False, allow_negative=False)
    amount_max = AmountField(label=_("Amount at most"), required=False, allow_negative=False)
    bank_account = forms.ChoiceField(label=_("Only for bank account"), required=False)
    account = forms.ChoiceField(label=_("Post to account"))
    vat_code = forms.ChoiceField(label=_("VAT code"), required=False)
    description = forms.CharField(label=_("Text on the voucher"), max_length=200, required=False)
    automatic = forms.BooleanField(
        label=_("Apply without a click"), required=False,
        help_text=_("When nothing stronger fits (an invoice, a posting), the automatic reconciliation posts the line "
                    "by this rule. Leave it off to get a proposal instead."))
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, company=None, **kwargs):
        super().__init__(*args, **kwargs)
        from avstem.banking.models import BankAccount

        self.fields["account"].choices = gl_choices(company)
        self.fields["vat_code"].choices = vat_choices()
        self.fields["bank_account"].choices = [("", _("Every bank account"))] + [
            (str(a.pk), str(a)) for a in BankAccount.objects.filter(company=company, active=True)]
        choices = [("", "–")] + account_choices(company, blank=False)
        for n in range(1, SPLIT_ROWS + 1):
            self.fields[f"split_account_{n}"] = forms.ChoiceField(label=_("Account"), required=False, choices=choices)
            self.fields[f"split_percent_{n}"] = forms.DecimalField(label=_("Percent"), required=False, min_value=0,
                                                                   max_value=100, decimal_places=2)
            self.fields[f"split_amount_{n}"] = AmountField(label=_("or amount"), required=False, allow_negative=False)
        self.company = company

    CONDITIONS = ("text_contains", "counterparty", "text_regex", "direction", "amount_min", "amount_max", "bank_account")

    def conditions(self):
        return [self[name] for name in self.CONDITIONS]

    def split_rows(self):
        return [(self[f"split_account_{n}"], self[f"split_percent_{n}"], self[f"split_amount_{n}"])
                for n in range(1, SPLIT_ROWS + 1)]

    def clean(self):
        data = super().clean()
        splits = []
        for n in range(1, SPLIT_ROWS + 1):
            account, percent, amount = (data.get(f"split_account_{n}"), data.get(f"split_percent_{n}"),
                                        data.get(f"split_amount_{n}"))
            if not account and percent is None and amount is None:
                continue
            if not account:
                raise forms.ValidationError(_("Split line %(n)s needs an account.") % {"n": n})
            if (percent is None) == (amount is None):
                raise forms.ValidationError(_("Split line %(n)s: give either a percent or an amount.") % {"n": n})
            split = {"account": account}
            if percent is not None:
                split["percent"] = str(percent)
            else:
                split["amount"] = amount
            splits.append(split)
        data["splits"] = splits
        return data

    def rule_fields(self) -> dict:
        from avstem.banking.models import BankAccount

        data = self.cleaned_data
        account = Account.objects.get(company=self.company, number=data["account"])
        bank = (BankAccount.objects.get(company=self.company, pk=int(data["bank_account"]))
                if data.get("bank_account") else None)
        return dict(name=data["name"].strip(), text_contains=data["text_contains"].strip(),
                    counterparty=data["counterparty"].strip(), text_regex=data["text_regex"].strip(),
                    direction=data.get("direction") or "", amount_min=data.get("amount_min"),
                    amount_max=data.get("amount_max"), bank_account=bank, account=account,
                    vat_code=data.get("vat_code") or "", description=data["description"].strip(),
                    automatic=data.get("automatic", False), active=data.get("active", False), splits=data["splits"])

    @classmethod
    def initial_of(cls, rule: BankRule) -> dict:
        initial = dict(name=rule.name, text_contains=rule.text_contains, counterparty=rule.counterparty,
                       text_regex=rule.text_regex, direction=rule.direction, amount_min=rule.amount_min,
                       amount_max=rule.amount_max, bank_account=str(rule.bank_account_id or ""),
                       account=rule.account.number, vat_code=rule.vat_code, description=rule.description,
                       automatic=rule.automatic, active=rule.active)
        for n, split in enumerate(rule.splits or (), start=1):
            initial[f"split_account_{n}"] = split.get("account", "")
            initial[f"split_percent_{n}"] = split.get("percent")
            initial[f"split_amount_{n}"] = split.get("amount")
        return initial


class AutomationForm(forms.Form):
    on = forms.BooleanField(label=_("Automatic bank reconciliation"), required=False)
    min_confidence = forms.ChoiceField(
        label=_("Confidence needed"), choices=[(c, f"{float(c) * 100:.0f} %") for c in CONFIDENCE_CHOICES],
        help_text=format_lazy(
            "{} {}",
            _("A certain match (a valid KID, our own payment's end-to-end id, a unique posting) is applied "
              "without a click when its confidence is at least this. Everything else waits on the screen."),
            _("At 90 % (the default) a partial, over- or double payment by a valid KID is posted to the customer "
              "too: what is short stays open on the invoice, what is over is a credit on the customer. At 95 % "
              "these wait on the screen.")))


class SignOffForm(forms.Form):
    through = NorwegianDateField(label=_("Sign off through"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ReportForm(forms.Form):
    date = NorwegianDateField(label=_("Date"), required=False)
