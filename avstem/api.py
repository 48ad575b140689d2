"""The JSON API under /api/: token (Bearer) or session authentication, the same permission
rules as the web pages. Each context contributes a router from its own `api.py`."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.security import APIKeyCookie, HttpBearer

from avstem import __version__
from avstem.users.services import user_for_token


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        api_token = user_for_token(token)
        if api_token is None:
            return None
        request.user = api_token.user
        return api_token


class Session(APIKeyCookie):
    """The browser's login session (CSRF-checked), for htmx and the docs page."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        user = request.user
        if "HTTP_AUTHORIZATION" in request.META:
            return None  # a request that presents a token is judged by the token alone
        if not user.is_authenticated:
            return None
        if user.is_verified() is False and _has_two_factor(user):
            return None  # logged in with a password but the second factor is not yet verified
        return user


def _has_two_factor(user) -> bool:
    from avstem.users.twofactor import has_two_factor

    return has_two_factor(user)


api = NinjaAPI(
    title="Avstem API",
    version=__version__,
    description="Bank and Altinn integration for Norwegian accounting. Amounts are decimal strings in NOK.",
    auth=[BearerToken(), Session(csrf=True)],
    urls_namespace="api",
)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(request, {"detail": _("Your role in this company does not allow this.")}, status=403)


def _refusal(status: int):
    """A context's refusal (an error with `.problems`, the reasons in the user's language) as an
    HTTP error naming the problem."""

    def handler(request, exc):
        return api.create_response(request, {"detail": " ".join(exc.problems) or str(exc)}, status=status)

    return handler


def _register_refusals() -> None:
    from avstem.ledger.errors import LedgerError
    from avstem.reconciliation.errors import AlreadyReconciled, ReconciliationError

    # The most specific class wins: someone else reconciled it first is a conflict.
    for error, status in ((LedgerError, 400), (ReconciliationError, 400), (AlreadyReconciled, 409)):
        api.add_exception_handler(error, _refusal(status))


def _register_routers() -> None:
    from avstem.audit.api import router as audit_router
    from avstem.banking.api import router as banking_router
    from avstem.companies.api import router as companies_router
    from avstem.ledger.api import router as ledger_router
    from avstem.reconciliation.api import router as reconciliation_router
    from avstem.users.api import router as users_router

    api.add_router("/", users_router)
    api.add_router("/companies", companies_router)
    api.add_router("/companies", audit_router)
    api.add_router("/companies", ledger_router)
    api.add_router("/companies", reconciliation_router)
    api.add_router("/", banking_router)


_register_refusals()
_register_routers()
