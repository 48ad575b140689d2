"""User services: profile changes and API tokens, each audited."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from avstem.audit import services as audit

from .models import ApiToken, User, hash_token

PROFILE_FIELDS = ("name", "mobile")


@transaction.atomic
def update_profile(user: User, **fields) -> User:
    before = audit.snapshot(user, PROFILE_FIELDS)
    for name in PROFILE_FIELDS:
        if name in fields:
            setattr(user, name, fields[name])
    user.save(update_fields=list(PROFILE_FIELDS))
    changes = audit.diff(before, audit.snapshot(user, PROFILE_FIELDS))
    if changes:
        audit.record(action="user.update", actor=user, obj=user, changes=changes)
    return user


@transaction.atomic
def create_user(email: str, password: str, *, name: str = "", mobile: str = "", actor=None, job: str = "") -> User:
    user = User.objects.create_user(email, password, name=name, mobile=mobile)
    audit.record(action="user.create", actor=actor, job=job, obj=user, changes={"email": [None, user.email]})
    return user


@transaction.atomic
def create_token(user: User, name: str, *, two_factor: bool) -> tuple[ApiToken, str]:
    """Returns the token and its raw value, which is shown once and never stored."""
    raw = ApiToken.new_raw_value()
    token = ApiToken.objects.create(
        user=user, name=name, prefix=raw[4 : 4 + ApiToken.PREFIX_LENGTH], digest=hash_token(raw), two_factor=two_factor
    )
    audit.record(action="token.create", actor=user, obj=token, summary=name)
    return token, raw


@transaction.atomic
def revoke_token(user: User, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(action="token.revoke", actor=user, obj=token, summary=token.name)


def user_for_token(raw: str) -> ApiToken | None:
    token = ApiToken.objects.select_related("user").filter(digest=hash_token(raw), revoked_at=None).first()
    if token is None or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token
