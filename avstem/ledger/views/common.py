from __future__ import annotations

import datetime

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone

from avstem.companies.models import Permission

from ..errors import LedgerError


def owned(model, request, pk, **extra):
    """The company's object, or 404: another company's id is never found."""
    return get_object_or_404(model, pk=pk, company=request.company, **extra)


def can_change(request) -> bool:
    return request.membership.allows(Permission.CHANGE)


def add_problems(form, exc: LedgerError) -> None:
    for problem in exc.problems or [str(exc)]:
        form.add_error(None, problem)


def csv_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def today() -> datetime.date:
    return timezone.localdate()


def year_start(day: datetime.date, start_month: int = 1) -> datetime.date:
    from ..periods import fiscal_year, fiscal_year_start

    return fiscal_year_start(fiscal_year(day, start_month), start_month)
