from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from avstem.companies.access import SESSION_KEY, companies_of


@login_required
def home(request):
    """Open the company the user last worked in, else the company list."""
    mine = companies_of(request.user)
    last = request.session.get(SESSION_KEY)
    company = mine.filter(pk=last).first() or (mine.first() if mine.count() == 1 else None)
    if company is not None:
        return redirect("companies:dashboard", company.pk)
    return redirect("companies:list")
