from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from .twofactor import has_two_factor

# Paths a user who has two-factor login but has not yet verified this session may open.
OPEN_PREFIXES = ("/static/", "/i18n/", "/api/")


class SecondFactorLoginMiddleware:
    """A user with two-factor login is not logged in until the second factor is verified."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified() and not request.path.startswith(OPEN_PREFIXES):
            allowed = {reverse("users:2fa_verify"), reverse("users:logout")}
            if request.path not in allowed and has_two_factor(user):
                return redirect(f"{reverse('users:2fa_verify')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
