"""Two-factor login with TOTP (django-otp): enrolment, verification, recovery codes.

A user has two-factor login when they have a confirmed TOTP device. Recovery codes are a
django-otp static device; each code works once.
"""

from __future__ import annotations

import base64
import secrets

import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from avstem.audit import services as audit

RECOVERY_CODE_COUNT = 10
TOTP_NAME = "Authenticator"
RECOVERY_NAME = "Recovery codes"
TOTP_DIGITS = 6


def totp_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_two_factor(user) -> bool:
    return user.is_authenticated and TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_verified(request) -> bool:
    return request.user.is_authenticated and request.user.is_verified()


def pending_device(user) -> TOTPDevice:
    """The unconfirmed device being enrolled; the same key until the user confirms it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def manual_key(device: TOTPDevice) -> str:
    """The secret as base32, in groups of four, for typing into an authenticator app."""
    raw = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    return image.to_string(encoding="unicode")


def throttled(user) -> bool:
    """True while django-otp makes the user wait after wrong codes (it doubles the wait each time)."""
    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "-id").first()
    return device is not None and not device.verify_is_allowed()[0]


def _clean(code: str) -> str:
    return "".join(str(code).split()).replace("-", "").lower()


@transaction.atomic
def confirm_enrolment(request, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the pending device with a code from the app; returns fresh recovery codes."""
    if not device.verify_token(_clean(code)):
        return None
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save()
    otp_login(request, device)
    codes = _new_recovery_codes(device.user)
    audit.record(action="2fa.enable", actor=device.user, obj=device.user, summary="TOTP")
    return codes


def verify(request, code: str) -> bool:
    """Verify this session with a TOTP code or an unused recovery code."""
    code = _clean(code)
    user = request.user
    if len(code) == TOTP_DIGITS:
        # Only app codes go to the TOTP device, so a mistyped recovery code does not throttle it.
        device = totp_device(user)
        if device is not None and device.verify_token(code):
            otp_login(request, device)
            return True
        return False
    for static in StaticDevice.objects.filter(user=user, confirmed=True):
        if static.verify_token(code):
            otp_login(request, static)
            audit.record(action="2fa.recovery_code_used", actor=user, obj=user)
            return True
    return False


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c.replace("-", "")) for c in codes)
    return codes


@transaction.atomic
def regenerate_recovery_codes(user) -> list[str]:
    codes = _new_recovery_codes(user)
    audit.record(action="2fa.recovery_codes", actor=user, obj=user)
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user).count()


@transaction.atomic
def disable(user, code: str) -> bool:
    """Turn two-factor login off; only with a fresh code from the authenticator app."""
    device = totp_device(user)
    if device is None or not device.verify_token(_clean(code)):
        return False
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit.record(action="2fa.disable", actor=user, obj=user)
    return True
