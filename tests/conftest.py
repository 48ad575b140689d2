"""Fixtures shared by the Django test suites: two companies whose data must never mix."""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# Keep test runs out of the developer's var/ directory.
os.environ.setdefault("AVSTEM_DATA_DIR", str(Path(__file__).resolve().parent.parent / "var" / "test"))

REFERENCE_DIR = Path(
    os.environ.get("AVSTEM_REFERENCE_DIR", Path(__file__).resolve().parent.parent.parent / "shared" / "reference")
)
PASSWORD = "correct-horse-battery-9"
SECRET_B = "Hemmelig Bedrift B AS"  # must never appear on a page or API answer for company A


@dataclass
class Tenant:
    """A company, its owner and whatever later fixtures attach to it (objects by kind)."""

    company: object
    owner: object
    membership: object
    objects: dict = field(default_factory=dict)


def make_tenant(name: str, org_number: str, email: str):
    from avstem.companies.services import create_company
    from avstem.users.services import create_user

    owner = create_user(email, PASSWORD, name=f"Eier {name}", mobile="91234567", job="test")
    company = create_company(
        owner, name=name, org_number=org_number, postal_code="0150", city="Oslo",
        conversion_date=datetime.date(2025, 1, 1),
    )
    return Tenant(company=company, owner=owner, membership=company.memberships.get(user=owner))


@pytest.fixture
def tenant_a(db):
    return make_tenant("Alfa Handel AS", "923456783", "a@example.no")


@pytest.fixture
def tenant_b(db):
    return make_tenant(SECRET_B, "934567897", "b@example.no")


def enable_totp(user):
    """Give `user` a confirmed TOTP device; returns a function that yields fresh valid codes."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    # A wide tolerance lets a test use many later time steps without waiting for the clock.
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True, tolerance=1000)
    step = {"t": 0}

    def next_code() -> str:
        # Each call gives the code of a later time step, so replay protection never bites.
        step["t"] += 1
        device.refresh_from_db()
        return f"{totp(device.bin_key, step=device.step, t0=device.t0 - step['t'] * device.step, digits=device.digits):06d}"

    return device, next_code


def login_verified(client, user, next_code) -> None:
    """Log in with password and second factor, as the login pages do."""
    assert client.login(email=user.email, password=PASSWORD)
    response = client.post("/profile/2fa/verify/", {"code": next_code()})
    assert response.status_code == 302, response.content[:500]


@pytest.fixture(autouse=True)
def _fast_password_hashing(request):
    """PBKDF2's deliberate slowness is not what these tests measure."""
    if "django_db_setup" not in request.fixturenames and "db" not in request.fixturenames:
        yield
        return
    settings = request.getfixturevalue("settings")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    yield
