from .access import SESSION_KEY, companies_of


def companies(request):
    """The company switcher in the header: the user's companies and the current one."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    mine = list(companies_of(user))
    current = getattr(request, "company", None)
    if current is None:
        wanted = request.session.get(SESSION_KEY)
        current = next((c for c in mine if c.pk == wanted), None)
    return {"my_companies": mine, "current_company": current}
