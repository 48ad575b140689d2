"""What every context's JSON API shares: the money type and the company a request may act on.
(A context's refusals become HTTP errors in avstem/api.py.)"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from ninja import Field

from avstem.companies.access import membership_for
from avstem.companies.models import Permission

# Kroner as a decimal string ("1250.50"): øre in the database, never a float on the wire.
Money = Annotated[Decimal, Field(max_digits=15, decimal_places=2, examples=["1250.00"])]


def company_of(request, company_id, permission: str = Permission.VIEW):
    """The company, if the request's user belongs to it with `permission` (else 404 or 403)."""
    return membership_for(request.user, company_id, permission).company

