"""The demo: a user who belongs to two companies, so every page has something to show.

Idempotent: running it again changes nothing. Later contexts (ledger, banking) add their own
demo data through `ensure_demo`.
"""

from __future__ import annotations

import datetime

from django.db import transaction

DEMO_EMAIL = "demo@avstem.no"
DEMO_PASSWORD = "avstem-demo-2026"
DEMO_COMPANIES = [
    dict(
        name="Fjellbekk Bakeri AS",
        org_number="923456783",
        address="Storgata 12",
        postal_code="0155",
        city="Oslo",
        conversion_date=datetime.date(2025, 1, 1),
        runs_payroll=True,
    ),
    dict(
        name="Nordlys Konsult AS",
        org_number="934567897",
        address="Kongens gate 3",
        postal_code="7011",
        city="Trondheim",
        conversion_date=datetime.date(2025, 1, 1),
    ),
]


@transaction.atomic
def ensure_demo():
    from avstem.companies.models import Company
    from avstem.companies.services import create_company
    from avstem.users.models import User
    from avstem.users.services import create_user

    user = User.objects.filter(email=DEMO_EMAIL).first()
    if user is None:
        user = create_user(DEMO_EMAIL, DEMO_PASSWORD, name="Demo Bruker", mobile="91234567", job="demo")
    companies = []
    for fields in DEMO_COMPANIES:
        company = Company.objects.filter(org_number=fields["org_number"]).first()
        companies.append(company or create_company(user, **fields))
    from avstem.ledger.demo import ensure_ledger_demo

    ensure_ledger_demo(user, companies)
    return user, companies
