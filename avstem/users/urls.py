from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views

app_name = "users"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path(
        "profile/password/",
        auth_views.PasswordChangeView.as_view(
            template_name="users/password_change.html", success_url=reverse_lazy("users:profile")
        ),
        name="password_change",
    ),
    path("profile/2fa/setup/", views.two_factor_setup, name="2fa_setup"),
    path("profile/2fa/verify/", views.two_factor_verify, name="2fa_verify"),
    path("profile/2fa/recovery-codes/", views.recovery_codes, name="2fa_recovery"),
    path("profile/2fa/disable/", views.two_factor_disable, name="2fa_disable"),
    path("profile/tokens/", views.token_create, name="token_create"),
    path("profile/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
]
