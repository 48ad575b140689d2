"""The JSON API: tokens, OpenAPI, docs served locally, the same permissions as the pages."""

from __future__ import annotations

import pytest

from avstem.users.models import ApiToken
from avstem.users.services import create_token, revoke_token
from tests.conftest import PASSWORD, enable_totp, login_verified


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_openapi_and_docs_need_no_cdn(client, db):
    schema = client.get("/api/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/companies" in schema["paths"] and "/api/me" in schema["paths"]
    docs = client.get("/api/docs").content.decode()
    assert "cdn" not in docs.lower() and "/static/ninja/" in docs


def test_tokens_are_stored_as_hashes_and_can_be_revoked(client, tenant_a):
    token, raw = create_token(tenant_a.owner, "integration", two_factor=False)
    assert raw not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    me = client.get("/api/me", **bearer(raw))
    assert me.status_code == 200 and me.json()["email"] == tenant_a.owner.email
    revoke_token(tenant_a.owner, token)
    assert client.get("/api/me", **bearer(raw)).status_code == 401
    assert client.get("/api/me", **bearer("avs_nonsense")).status_code == 401
    assert client.get("/api/me").status_code == 401


def test_profile_page_creates_and_revokes_tokens(client, tenant_a):
    _, next_code = enable_totp(tenant_a.owner)
    login_verified(client, tenant_a.owner, next_code)
    page = client.post("/profile/tokens/", {"name": "Regnskapsbyrå"}).content.decode()
    token = ApiToken.objects.get(user=tenant_a.owner)
    assert token.two_factor  # made in a verified session
    raw = page.split('data-testid="api-token">')[1].split("<")[0]
    assert client.get("/api/me", **bearer(raw)).status_code == 200
    assert raw not in client.get("/profile/").content.decode()  # shown once only
    client.post(f"/profile/tokens/{token.pk}/revoke/")
    assert client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_company_operations_follow_roles(client, tenant_a):
    from avstem.companies.models import Membership, Role
    from avstem.users.services import create_user

    _, owner_raw = create_token(tenant_a.owner, "o", two_factor=False)
    viewer = create_user("v@example.no", PASSWORD, job="test")
    Membership.objects.create(user=viewer, company=tenant_a.company, role=Role.VIEWER)
    _, viewer_raw = create_token(viewer, "v", two_factor=False)
    url = f"/api/companies/{tenant_a.company.pk}"
    assert client.get(url, **bearer(viewer_raw)).json()["name"] == tenant_a.company.name
    denied = client.patch(url, {"city": "Bodø"}, content_type="application/json", **bearer(viewer_raw))
    assert denied.status_code == 403
    ok = client.patch(url, {"city": "Bodø"}, content_type="application/json", **bearer(owner_raw))
    assert ok.status_code == 200 and ok.json()["city"] == "Bodø"
    members = client.get(f"{url}/memberships", **bearer(viewer_raw)).json()
    assert {m["user_email"] for m in members} == {tenant_a.owner.email, viewer.email}


def test_create_company_validates_the_org_number(client, tenant_a):
    _, raw = create_token(tenant_a.owner, "o", two_factor=False)
    bad = client.post("/api/companies", {"name": "X", "org_number": "123456789", "conversion_date": "2026-01-01"},
                      content_type="application/json", **bearer(raw))
    assert bad.status_code == 422 and "organisation number" in bad.content.decode()
    good = client.post("/api/companies", {"name": "X AS", "org_number": "974 760 673", "conversion_date": "2026-01-01"},
                       content_type="application/json", **bearer(raw))
    assert good.status_code == 201 and good.json()["org_number"] == "974760673"
    assert client.post("/api/companies", {"name": "Y", "org_number": "974760673", "conversion_date": "2026-01-01"},
                       content_type="application/json", **bearer(raw)).status_code == 409


def test_guard_for_api_operations(rf, tenant_a):
    from ninja.errors import HttpError

    from avstem.users.guards import require_second_factor

    request = rf.get("/api/x")
    request.user = tenant_a.owner
    request.user.is_verified = lambda: False
    request.auth = create_token(tenant_a.owner, "plain", two_factor=False)[0]
    with pytest.raises(HttpError) as refused:
        require_second_factor(request)
    assert refused.value.status_code == 403
    request.auth = create_token(tenant_a.owner, "strong", two_factor=True)[0]
    require_second_factor(request)  # a token made in a verified session passes
