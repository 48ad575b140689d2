from django.core.paginator import Paginator
from django.shortcuts import render

from avstem.companies.access import company_view
from avstem.companies.models import Permission

from .forms import AuditFilterForm
from .queries import actors_of, entries_for, object_types_of

PAGE_SIZE = 50


@company_view(Permission.AUDIT)
def log(request, company_id):
    company = request.company
    form = AuditFilterForm(request.GET or None, users=actors_of(company), object_types=object_types_of(company))
    filters = form.cleaned_data if form.is_valid() else {}
    qs = entries_for(
        company,
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
        user_id=filters.get("user") or None,
        object_type=filters.get("object_type") or None,
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/log.html", {"company": company, "form": form, "page": page, "query": query.urlencode()})
