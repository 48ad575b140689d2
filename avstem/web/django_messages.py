"""Django's own form messages, listed so our catalogue can word them as PRODUCT.md R1.6 does
("Feltet må fylles ut." rather than Django's "Feltet er påkrevet."). Our LOCALE_PATHS win over
Django's catalogue; marking them here keeps `makemessages` from dropping them."""

from django.utils.translation import gettext_noop

R1_6_OVERRIDES = [
    gettext_noop("This field is required."),
    gettext_noop("Enter a valid email address."),
    gettext_noop("Enter a valid date."),
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices."),
    gettext_noop("Enter a whole number."),
    gettext_noop("Enter a number."),
    gettext_noop("Please enter a correct %(username)s and password. Note that both fields may be case-sensitive."),
]
