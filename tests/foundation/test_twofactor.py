"""Two-factor login: enrolment, verification at login, recovery codes, turning it off, the guard."""

from __future__ import annotations

import re

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from avstem.users.guards import missing_second_factor, second_factor_required
from tests.conftest import PASSWORD, enable_totp, login_verified


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def let_throttle_pass(device: TOTPDevice) -> None:
    """django-otp makes a user wait after a wrong code; here the wait is over."""
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None, throttling_failure_count=0)


@pytest.fixture
def user(tenant_a):
    return tenant_a.owner


def test_enrolment_shows_qr_and_key_and_confirms_with_a_code(client, user):
    client.login(email=user.email, password=PASSWORD)
    page = client.get("/profile/2fa/setup/").content.decode()
    assert "<svg" in page
    key = re.search(r'data-testid="totp-key">([A-Z2-7 ]+)<', page).group(1)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    import base64

    assert base64.b32decode(key.replace(" ", "") + "=" * (-len(key.replace(" ", "")) % 8)) == device.bin_key
    # The same pending key on reload, so a user who scanned it is not left with a stale one.
    assert key in client.get("/profile/2fa/setup/").content.decode()

    wrong = client.post("/profile/2fa/setup/", {"code": "000000" if current_code(device) != "000000" else "111111"})
    assert "wrong" in wrong.content.decode() or "feil" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    let_throttle_pass(device)

    done = client.post("/profile/2fa/setup/", {"code": current_code(device)})
    assert done.status_code == 200
    codes = re.findall(r"<li>([0-9a-f]{6}-[0-9a-f]{6})</li>", done.content.decode())
    assert len(codes) == 10
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1


def test_login_requires_the_second_factor_once_enabled(client, user):
    device, next_code = enable_totp(user)
    client.login(email=user.email, password=PASSWORD)
    response = client.get("/companies/")
    assert response.status_code == 302 and response.url.startswith("/profile/2fa/verify/")
    assert client.get("/api/me").status_code == 401  # the session is not yet a login for the API

    assert client.post("/profile/2fa/verify/", {"code": "12345"}).status_code == 200  # wrong: form again
    let_throttle_pass(device)
    assert client.post("/profile/2fa/verify/", {"code": next_code(), "next": "/companies/"}).url == "/companies/"
    assert client.get("/companies/").status_code == 200
    assert client.get("/api/me").json()["two_factor"] is True


def test_a_used_code_cannot_be_replayed(client, user):
    device, next_code = enable_totp(user)
    code = next_code()
    client.login(email=user.email, password=PASSWORD)
    assert client.post("/profile/2fa/verify/", {"code": code}).status_code == 302
    client.logout()
    client.login(email=user.email, password=PASSWORD)
    assert client.post("/profile/2fa/verify/", {"code": code}).status_code == 200  # refused


def test_recovery_code_works_once(client, user):
    from avstem.users.twofactor import regenerate_recovery_codes

    enable_totp(user)
    code = regenerate_recovery_codes(user)[0]
    client.login(email=user.email, password=PASSWORD)
    assert client.post("/profile/2fa/verify/", {"code": code}).status_code == 302
    client.logout()
    client.login(email=user.email, password=PASSWORD)
    assert client.post("/profile/2fa/verify/", {"code": code}).status_code == 200


def test_turning_off_needs_a_fresh_code(client, user):
    from avstem.audit.models import AuditEntry

    device, next_code = enable_totp(user)
    login_verified(client, user, next_code)
    assert client.post("/profile/2fa/disable/", {"code": "000000"}).status_code == 200
    assert TOTPDevice.objects.filter(user=user).exists()
    let_throttle_pass(device)
    assert client.post("/profile/2fa/disable/", {"code": next_code()}).status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert AuditEntry.objects.filter(actor=user, action="2fa.disable").exists()


@pytest.fixture
def guarded():
    @second_factor_required
    def view(request):
        return HttpResponse("secret action")

    return view


def _request(user, verified: bool):
    request = RequestFactory().get("/connect-bank/")
    request.user = user
    request.user.is_verified = lambda: verified
    request.session = {}
    request._messages = type("M", (), {"add": lambda *a, **k: None})()
    return request


def test_guard_sends_users_without_two_factor_to_enrolment(user, guarded):
    response = guarded(_request(user, verified=False))
    assert response.status_code == 302
    assert response.url.startswith("/profile/2fa/setup/?next=%2Fconnect-bank%2F")
    with translation.override("en"):
        assert "Turn it on first" in missing_second_factor(_request(user, verified=False))


def test_guard_sends_unverified_sessions_to_verification(user, guarded):
    enable_totp(user)
    response = guarded(_request(user, verified=False))
    assert response.url.startswith("/profile/2fa/verify/?next=")
    with translation.override("en"):
        assert "Confirm with a code" in missing_second_factor(_request(user, verified=False))
    with translation.override("nb"):
        assert "Bekreft med en kode" in missing_second_factor(_request(user, verified=False))


def test_guard_lets_verified_sessions_through(user, guarded):
    enable_totp(user)
    assert guarded(_request(user, verified=True)).content == b"secret action"


def test_wrong_codes_in_a_row_tell_the_user_to_wait(client, user):
    device, next_code = enable_totp(user)
    client.login(email=user.email, password=PASSWORD)
    client.post("/profile/2fa/verify/", {"code": "000001"})
    page = client.post("/profile/2fa/verify/", {"code": next_code()}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Wait a few seconds" in page


def test_guard_message_is_shown_to_the_user(client, user):
    """Through the real stack: the message says why, in Norwegian by default."""
    client.login(email=user.email, password=PASSWORD)
    response = client.get("/profile/2fa/recovery-codes/", follow=True)
    assert response.redirect_chain[0][0].startswith("/profile/2fa/setup/")
    assert "tofaktor" in response.content.decode().lower()
