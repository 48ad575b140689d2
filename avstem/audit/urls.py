from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [path("c/<int:company_id>/audit/", views.log, name="log")]
