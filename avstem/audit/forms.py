from django import forms
from django.utils.translation import gettext_lazy as _

from avstem.web.validators import NorwegianDateField


class AuditFilterForm(forms.Form):
    date_from = NorwegianDateField(label=_("From"), required=False)
    date_to = NorwegianDateField(label=_("To"), required=False)
    user = forms.ChoiceField(label=_("User"), required=False)
    object_type = forms.ChoiceField(label=_("Object"), required=False)

    def __init__(self, data, *, users, object_types):
        super().__init__(data)
        self.fields["user"].choices = [("", _("All"))] + [(str(u.pk), str(u.email)) for u in users]
        self.fields["object_type"].choices = [("", _("All"))] + [(t, t) for t in object_types]
