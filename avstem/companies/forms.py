from django import forms
from django.utils.translation import gettext_lazy as _

from avstem.web.validators import NorwegianDateField, NorwegianField, clean_org_number, clean_postal_code

from .models import Role

MONTHS = [
    (1, _("January")), (2, _("February")), (3, _("March")), (4, _("April")), (5, _("May")), (6, _("June")),
    (7, _("July")), (8, _("August")), (9, _("September")), (10, _("October")), (11, _("November")),
    (12, _("December")),
]


class CompanyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    org_number = NorwegianField(clean_org_number, label=_("Organisation number"), max_length=20)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    postal_code = NorwegianField(clean_postal_code, label=_("Postal code"), max_length=4, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    conversion_date = NorwegianDateField(
        label=_("Conversion date"), help_text=_("The date the books start in this program. Nothing may be dated earlier.")
    )
    fiscal_year_start_month = forms.TypedChoiceField(
        label=_("Fiscal year starts in"), choices=MONTHS, coerce=int, initial=1
    )
    runs_payroll = forms.BooleanField(label=_("The company runs payroll"), required=False)

    def __init__(self, *args, company=None, **kwargs):
        self.company = company
        super().__init__(*args, **kwargs)

    def clean_org_number(self):
        from .models import Company

        number = self.cleaned_data["org_number"]
        taken = Company.objects.filter(org_number=number)
        if self.company is not None:
            taken = taken.exclude(pk=self.company.pk)
        if taken.exists():
            raise forms.ValidationError(_("A company with this organisation number is already registered."))
        return number


class MemberForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.VIEWER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
