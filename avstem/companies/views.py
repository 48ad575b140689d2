from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from avstem.users.twofactor import has_two_factor

from . import services
from .access import SESSION_KEY, company_view, membership_for
from .forms import CompanyForm, MemberForm, RoleForm
from .models import Membership, Permission


@login_required
def company_list(request):
    memberships = request.user.memberships.select_related("company")
    form = CompanyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        company = services.create_company(request.user, **form.cleaned_data)
        messages.success(request, _("%(name)s was created. You are its owner.") % {"name": company.name})
        return redirect("companies:dashboard", company.pk)
    return render(request, "companies/list.html", {"memberships": memberships, "form": form})


@login_required
@require_POST
def switch(request):
    membership = membership_for(request.user, request.POST.get("company_id"))
    request.session[SESSION_KEY] = membership.company_id
    return redirect("companies:dashboard", membership.company_id)


@company_view()
def dashboard(request, company_id):
    user = request.user
    profile_missing = not (user.name and user.mobile and has_two_factor(user))
    return render(request, "companies/dashboard.html", {"company": request.company, "profile_missing": profile_missing})


@company_view(Permission.VIEW, write=Permission.MANAGE)
def settings(request, company_id):
    company = request.company
    can_edit = request.membership.allows(Permission.MANAGE)
    initial = {f: getattr(company, f) for f in services.COMPANY_FIELDS}
    form = CompanyForm(request.POST or None, initial=initial, company=company)
    if request.method == "POST" and form.is_valid():
        services.update_company(request.user, company, **form.cleaned_data)
        messages.success(request, _("The company settings were saved."))
        return redirect("companies:settings", company.pk)
    if not can_edit:
        for field in form.fields.values():
            field.disabled = True
    return render(request, "companies/settings.html", {"company": company, "form": form, "can_edit": can_edit})


@company_view(Permission.VIEW, write=Permission.MANAGE)
def members(request, company_id):
    company = request.company
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_member(request.user, company, form.cleaned_data["email"], form.cleaned_data["role"])
        except services.MembershipError as exc:
            form.add_error("email", str(exc))
        else:
            messages.success(request, _("The user was added."))
            return redirect("companies:members", company.pk)
    rows = company.memberships.select_related("user").order_by("user__email")
    return render(
        request,
        "companies/members.html",
        {
            "company": company,
            "form": form,
            "rows": [(m, RoleForm(initial={"role": m.role}, prefix=str(m.pk))) for m in rows],
            "can_manage": request.membership.allows(Permission.MANAGE),
        },
    )


@company_view(Permission.MANAGE)
@require_POST
def member_update(request, company_id, membership_id):
    membership = get_object_or_404(Membership, pk=membership_id, company_id=company_id)
    try:
        if "remove" in request.POST:
            services.remove_member(request.user, membership)
            messages.success(request, _("The user was removed from the company."))
        else:
            form = RoleForm(request.POST, prefix=str(membership.pk))
            if not form.is_valid():
                raise Http404
            services.change_role(request.user, membership, form.cleaned_data["role"])
            messages.success(request, _("The role was changed."))
    except services.MembershipError as exc:
        messages.error(request, str(exc))
    return redirect("companies:members", company_id)
