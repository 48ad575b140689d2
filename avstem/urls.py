from django.urls import include, path

from .api import api

urlpatterns = [
    path("", include("avstem.web.urls")),
    path("", include("avstem.users.urls")),
    path("", include("avstem.companies.urls")),
    path("", include("avstem.audit.urls")),
    path("", include("avstem.ledger.urls")),
    path("", include("avstem.banking.urls")),
    path("", include("avstem.reconciliation.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
]
