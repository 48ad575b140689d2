from django.urls import path

from . import views

app_name = "companies"

urlpatterns = [
    path("companies/", views.company_list, name="list"),
    path("companies/switch/", views.switch, name="switch"),
    path("c/<int:company_id>/", views.dashboard, name="dashboard"),
    path("c/<int:company_id>/settings/", views.settings, name="settings"),
    path("c/<int:company_id>/members/", views.members, name="members"),
    path("c/<int:company_id>/members/<int:membership_id>/", views.member_update, name="member_update"),
]
