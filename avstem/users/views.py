from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services, twofactor
from .forms import CodeForm, LoginForm, ProfileForm, TokenForm
from .guards import second_factor_required
from .models import ApiToken


def _next_url(request, default="web:home"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def _wrong_code_message(user, message: str) -> str:
    if twofactor.throttled(user):
        return _("Too many wrong codes in a row. Wait a few seconds, then try the newest code.")
    return message


class LoginView(auth_views.LoginView):
    template_name = "users/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@login_required
def profile(request):
    user = request.user
    form = ProfileForm(request.POST or None, initial={"name": user.name, "mobile": user.mobile})
    if request.method == "POST" and form.is_valid():
        services.update_profile(user, **form.cleaned_data)
        messages.success(request, _("Your profile was saved."))
        return redirect("users:profile")
    context = {
        "form": form,
        "token_form": TokenForm(),
        "tokens": user.api_tokens.filter(revoked_at=None),
        "has_two_factor": twofactor.has_two_factor(user),
        "recovery_left": twofactor.recovery_codes_left(user),
    }
    return render(request, "users/profile.html", context)


@login_required
def two_factor_setup(request):
    if twofactor.has_two_factor(request.user):
        messages.info(request, _("Two-factor login is already on."))
        return redirect("users:profile")
    device = twofactor.pending_device(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = twofactor.confirm_enrolment(request, device, form.cleaned_data["code"])
        if codes is not None:
            messages.success(request, _("Two-factor login is on."))
            return render(request, "users/recovery_codes.html", {"codes": codes, "next": _next_url(request, "")})
        form.add_error("code", _wrong_code_message(request.user, _("The code is wrong or too old. Try the newest code in the app.")))
    context = {
        "form": form,
        "qr": twofactor.qr_svg(device),
        "key": twofactor.manual_key(device),
        "next": _next_url(request, ""),
    }
    return render(request, "users/two_factor_setup.html", context)


@login_required
def two_factor_verify(request):
    if not twofactor.has_two_factor(request.user):
        return redirect("users:2fa_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.verify(request, form.cleaned_data["code"]):
            return redirect(_next_url(request))
        form.add_error(
            "code",
            _wrong_code_message(request.user, _("The code is wrong or has been used. Try the newest code in the app, or a recovery code.")),
        )
    return render(request, "users/two_factor_verify.html", {"form": form, "next": _next_url(request, "")})


@second_factor_required
def recovery_codes(request):
    if request.method == "POST":
        codes = twofactor.regenerate_recovery_codes(request.user)
        return render(request, "users/recovery_codes.html", {"codes": codes, "next": ""})
    return redirect("users:profile")


@login_required
def two_factor_disable(request):
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.disable(request.user, form.cleaned_data["code"]):
            messages.success(request, _("Two-factor login is off."))
            return redirect("users:profile")
        form.add_error("code", _wrong_code_message(request.user, _("The code is wrong or has been used. Use a fresh code from the app.")))
    return render(request, "users/two_factor_disable.html", {"form": form})


@login_required
@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the token a name."))
        return redirect("users:profile")
    token, raw = services.create_token(
        request.user, form.cleaned_data["name"], two_factor=twofactor.is_verified(request)
    )
    return render(request, "users/token_created.html", {"token": token, "raw": raw})


@login_required
@require_POST
def token_revoke(request, token_id):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    services.revoke_token(request.user, token)
    messages.success(request, _("The token was revoked."))
    return redirect("users:profile")
