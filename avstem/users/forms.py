from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from avstem.web.validators import NorwegianField, clean_mobile


class LoginForm(AuthenticationForm):
    username = forms.EmailField(label=_("E-mail"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}))


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    mobile = NorwegianField(clean_mobile, label=_("Mobile number"), max_length=20, required=False,
                            help_text=_("8 digits, e.g. 912 34 567."))


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "class": "code"}),
    )


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name of the token"), max_length=100, help_text=_("E.g. the program that will use it."))
