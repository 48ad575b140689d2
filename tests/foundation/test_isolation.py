"""Company isolation: a member of company A can neither see nor change anything of company B.

The test walks every URL pattern and every API operation, so a view added later is covered
without anyone remembering to add it. A URL parameter the walker does not know how to fill
with one of B's objects fails the test: register it in OBJECTS_OF_B below (or in a later
context's `tenant_objects` fixture) when you add a view.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from avstem.api import api
from tests.conftest import SECRET_B, enable_totp, login_verified
from tests.banking import objects as banking_objects
from tests.ledger.objects import OBJECT_PARAMETERS, ledger_state, make_ledger_objects
from tests.reconciliation import objects as reconciliation_objects

# Each context's test objects: (make B's objects, fingerprint of B's state, URL parameters).
CONTEXTS = [
    (make_ledger_objects, ledger_state, OBJECT_PARAMETERS),
    (banking_objects.make_objects, banking_objects.state, banking_objects.OBJECT_PARAMETERS),
    (reconciliation_objects.make_objects, reconciliation_objects.state, reconciliation_objects.OBJECT_PARAMETERS),
]

# URL parameter -> how to find company B's object for it.
OBJECTS_OF_B = {
    "company_id": lambda b: b.company.pk,
    "membership_id": lambda b: b.membership.pk,
    "token_id": lambda b: b.objects["token"].pk,
}


def _object_of_b(key: str):
    return lambda b: b.objects[key].pk


# The contexts' objects (accounts, vouchers, invoices, bank accounts, ...).
for _make, _state, parameters in CONTEXTS:
    OBJECTS_OF_B.update({name: _object_of_b(key) for name, key in parameters.items()})


def walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def object_id(name: str, route: str, b, own_company=None) -> str:
    """B's object for a URL parameter; with `own_company`, the company itself is the caller's."""
    if own_company is not None and name == "company_id":
        return str(own_company.pk)
    assert name in OBJECTS_OF_B, f"URL parameter <{name}> in {route!r}: add it to OBJECTS_OF_B"
    return str(OBJECTS_OF_B[name](b))


def variants(route: str, parameter: str, b, a) -> list[str]:
    """The route filled with B's ids; and, when it takes an object besides the company, with the
    caller's own company and B's object (the classic hole: a lookup without a company filter)."""
    names = re.findall(parameter, route)
    fills = [None] + ([a.company] if "company_id" in names and len(names) > 1 else [])
    return [re.sub(parameter, lambda m: object_id(m.group(m.lastindex), route, b, own), route) for own in fills]


PAGE_PARAMETER = r"<(?:\w+:)?(\w+)>"
API_PARAMETER = r"\{(\w+)\}"


def b_state(b):
    """What an attacker from A would try to change: B's row, members, tokens and audit trail."""
    from avstem.audit.models import AuditEntry
    from avstem.users.models import ApiToken

    company = type(b.company).objects.get(pk=b.company.pk)
    return (
        tuple((f, getattr(company, f)) for f in ("name", "org_number", "address", "conversion_date")),
        tuple(b.company.memberships.values_list("user_id", "role").order_by("user_id")),
        tuple(ApiToken.objects.filter(user=b.owner).values_list("pk", "revoked_at")),
        AuditEntry.objects.filter(company=b.company).count(),
        tuple(state(b) for _make, state, _parameters in CONTEXTS),
    )


@pytest.fixture
def world(client, tenant_a, tenant_b):
    from avstem.users.services import create_token

    tenant_b.objects["token"], _ = create_token(tenant_b.owner, "B's token", two_factor=True)
    for make, _state, _parameters in CONTEXTS:
        make(tenant_b)
    _, next_code = enable_totp(tenant_a.owner)
    login_verified(client, tenant_a.owner, next_code)
    return tenant_a, tenant_b


def test_every_page_refuses_company_b(client, world):
    a, b = world
    before = b_state(b)
    routes = [(route, p) for route, p in walk(get_resolver().url_patterns)]
    assert len(routes) > 10
    checked = 0
    for route, pattern in routes:
        if route.startswith("^") or route.startswith("api/") or pattern.name == "logout":
            continue  # Django's own regex routes (static, i18n, docs); the API below; logout ends the walk
        if "company_id" in route:
            assert getattr(pattern.callback, "company_scoped", False), f"{route} is not wrapped in company_view"
        for path, method in ((f"/{p}", m) for p in variants(route, PAGE_PARAMETER, b, a) for m in ("get", "post")):
            response = getattr(client, method)(path, {"name": "Overtatt", "role": "owner", "email": a.owner.email})
            body = response.content.decode(errors="replace")
            assert SECRET_B not in body, f"{method.upper()} {path} shows company B"
            if "<" in route:
                assert response.status_code in (403, 404, 405), f"{method.upper()} {path} gave {response.status_code}"
            checked += 1
    assert checked > 20
    assert b_state(b) == before, "a request from company A changed company B"


def test_every_api_operation_refuses_company_b(client, world):
    from avstem.users.services import create_token

    a, b = world
    _, raw = create_token(a.owner, "A's token", two_factor=True)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    before = b_state(b)
    schema = api.get_openapi_schema()
    operations = 0
    for route, methods in schema["paths"].items():
        for path, method in ((p, m) for p in variants(route, API_PARAMETER, b, a) for m in methods):
            call = getattr(client, method.lower())
            payload = {"name": "Overtatt", "role": "owner", "email": a.owner.email, "org_number": "923456783"}
            if method.lower() in ("post", "patch", "put"):
                response = call(path, payload, content_type="application/json", **headers)
            else:
                response = call(path, **headers)
            body = response.content.decode(errors="replace")
            assert SECRET_B not in body, f"{method.upper()} {path} shows company B"
            if "{" in route:
                assert response.status_code in (403, 404, 405, 422), f"{method.upper()} {path}: {response.status_code}"
            operations += 1
    assert operations >= 8
    assert b_state(b) == before, "an API call from company A changed company B"


def test_a_sees_its_own_company(client, world):
    a, _ = world
    assert a.company.name in client.get(f"/c/{a.company.pk}/").content.decode()
    response = client.get("/companies/")
    assert a.company.name in response.content.decode()
