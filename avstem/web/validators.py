"""Django form validators for Norwegian identifiers, with the messages of PRODUCT.md R1.6.

The checks themselves live in the pure `avstem.norway` package; this module only turns their
failures into translated ValidationErrors and returns the compact canonical form.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from django.utils.translation import get_language

from avstem.norway import accounts, identifiers
from avstem.norway.errors import InvalidNumber


def message_for(error: InvalidNumber) -> str:
    """The error's message in the request's language (the cores carry both)."""
    return error.message_en if (get_language() or "nb").startswith("en") else error.message_nb


def _checked(validate: Callable[[str], str]) -> Callable[[str], str]:
    def check(value: str) -> str:
        try:
            return validate(value)
        except InvalidNumber as exc:
            raise ValidationError(message_for(exc), code=exc.code) from None

    return check


def api_checked(validate: Callable[[str], str], value: str) -> str:
    """For API schemas: the English message plus what exactly is wrong, as a ValueError."""
    try:
        return validate(value)
    except InvalidNumber as exc:
        raise ValueError(f"{exc.message_en} ({exc.detail})") from None


clean_org_number = _checked(identifiers.validate_organisation_number)
clean_mobile = _checked(identifiers.validate_mobile_number)
clean_postal_code = _checked(identifiers.validate_postal_code)
clean_account_number = _checked(accounts.validate_account_number)


class NorwegianField(forms.CharField):
    """A text field whose value is checked and normalised by one of the cleaners above."""

    def __init__(self, cleaner: Callable[[str], str], **kwargs):
        self.cleaner = cleaner
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return self.cleaner(value) if value else value


DATE_FORMAT_HINT = _("dd.mm.yyyy")


class NorwegianDateField(forms.DateField):
    """A date typed as dd.mm.yyyy (ISO also accepted), with the R1.6 error message."""

    input_formats = ["%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y"]
    default_error_messages = {"invalid": _("Invalid date (example of a valid date 31.12.2016).")}

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.DateInput(format="%d.%m.%Y", attrs={"placeholder": DATE_FORMAT_HINT}))
        super().__init__(**kwargs)
