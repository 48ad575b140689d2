"""The guard for actions that need a verified second factor (connecting a bank, approving
payments). Views use `second_factor_required`; API operations call `require_second_factor`."""

from __future__ import annotations

import functools
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja.errors import HttpError

from .twofactor import has_two_factor, is_verified


def missing_second_factor(request) -> str | None:
    """Why this request may not do a guarded action, or None when it may."""
    auth = getattr(request, "auth", None)
    if auth is not None and getattr(auth, "two_factor", False):
        return None  # an API token created in a verified session
    if not has_two_factor(request.user):
        return _("This action needs two-factor login. Turn it on first.")
    if not is_verified(request):
        return _("This action needs two-factor login. Confirm with a code from your authenticator app.")
    return None


def second_factor_required(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        reason = missing_second_factor(request)
        if reason is None:
            return view(request, *args, **kwargs)
        messages.warning(request, reason)
        target = "users:2fa_setup" if not has_two_factor(request.user) else "users:2fa_verify"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")

    wrapper.second_factor_guarded = True
    return wrapper


def require_second_factor(request) -> None:
    reason = missing_second_factor(request)
    if reason is not None:
        raise HttpError(403, reason)
