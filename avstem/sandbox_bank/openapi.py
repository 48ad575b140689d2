"""The OpenAPI 3.1 description, built from the routes themselves (each route carries its summary,
parameters, body and responses), plus the shared schemas below. A test checks that every route
is described and every described operation is served."""

from __future__ import annotations

from avstem.sandbox_bank.web import Router

MONEY = {"type": "string", "pattern": r"^-?\d+\.\d{2}$", "description": "decimal kroner; credits positive"}
DATE = {"type": "string", "format": "date"}
NULLABLE_STRING = {"type": ["string", "null"]}

SCHEMAS = {
    "Error": {"type": "object", "required": ["error", "message"], "properties": {
        "error": {"type": "string", "description": "machine-readable code"},
        "message": {"type": "string", "description": "what is wrong, naming the field"}}},
    "OAuthError": {"type": "object", "required": ["error"], "properties": {
        "error": {"type": "string"}, "error_description": {"type": "string"}, "message": {"type": "string"}}},
    "Token": {"type": "object", "required": ["access_token", "token_type", "expires_in", "refresh_token"], "properties": {
        "access_token": {"type": "string"}, "token_type": {"const": "Bearer"}, "expires_in": {"type": "integer"},
        "refresh_token": {"type": "string"}, "scope": {"type": "string"}, "org_number": {"type": "string"},
        "consent_expires": DATE}},
    "Account": {"type": "object", "properties": {
        "id": {"type": "string"}, "account_number": {"type": "string", "pattern": r"^\d{11}$"},
        "iban": {"type": "string"}, "name": {"type": "string"}, "currency": {"type": "string"},
        "bank_name": {"type": "string"}, "bic": {"type": "string"},
        "owner": {"type": "object", "properties": {"name": {"type": "string"}, "org_number": {"type": "string"}}},
        "opened_on": DATE, "credit_limit": MONEY, "ocr_agreement_id": NULLABLE_STRING}},
    "AccountList": {"type": "object", "properties": {
        "accounts": {"type": "array", "items": {"$ref": "#/components/schemas/Account"}},
        "consent": {"type": "object", "properties": {"org_number": {"type": "string"}, "expires": DATE,
                                                     "scope": {"type": "string"}}},
        "bank_day": DATE}},
    "Balances": {"type": "object", "properties": {
        "account_id": {"type": "string"}, "currency": {"type": "string"}, "bank_day": DATE,
        "balances": {"type": "array", "items": {"type": "object", "properties": {
            "date": DATE, "opening_booked": MONEY, "closing_booked": MONEY, "available": MONEY,
            "final": {"type": "boolean"}}}}}},
    "TransactionDetail": {"type": "object", "properties": {
        "amount": MONEY,
        "counterparty": {"type": "object", "properties": {"name": NULLABLE_STRING, "account": NULLABLE_STRING,
                                                          "bic": NULLABLE_STRING, "org_number": NULLABLE_STRING}},
        "kids": {"type": "array", "items": {"type": "string"}}, "message": NULLABLE_STRING,
        "end_to_end_id": NULLABLE_STRING, "instruction_id": NULLABLE_STRING,
        "payment_information_id": NULLABLE_STRING, "message_id": NULLABLE_STRING,
        "reference": NULLABLE_STRING, "additional_info": NULLABLE_STRING}},
    "Transaction": {"type": "object", "properties": {
        "id": {"type": "string", "description": "stable; also the camt AcctSvcrRef"},
        "status": {"enum": ["booked", "pending"]}, "booking_date": {"type": ["string", "null"], "format": "date"},
        "value_date": DATE, "transaction_date": DATE,
        "expected_booking_date": {"type": ["string", "null"], "format": "date"},
        "amount": MONEY, "currency": {"type": "string"}, "kind": {"type": "string"},
        "description": NULLABLE_STRING, "archive_reference": {"type": "string"},
        "bank_transaction_code": {"type": ["object", "null"]}, "batch": {"type": ["object", "null"]},
        "payment_id": NULLABLE_STRING,
        "transactions": {"type": "array", "items": {"$ref": "#/components/schemas/TransactionDetail"}}}},
    "TransactionPage": {"type": "object", "properties": {
        "account_id": {"type": "string"}, "from": DATE, "to": DATE, "bank_day": DATE,
        "transactions": {"type": "array", "items": {"$ref": "#/components/schemas/Transaction"}},
        "next_cursor": {"type": ["string", "null"], "description": "null on the last page"}}},
    "StatusReport": {"type": "object", "properties": {
        "seq": {"type": "integer"}, "status": {"type": "string"}, "created_at": {"type": "string"},
        "url": {"type": "string"}, "document": {"type": "string", "description": "the pain.002 XML"}}},
    "StatusReports": {"type": "object", "properties": {
        "payment_id": {"type": "string"}, "status": {"type": "string"},
        "status_reports": {"type": "array", "items": {"$ref": "#/components/schemas/StatusReport"}}}},
    "Payment": {"type": "object", "properties": {
        "id": {"type": "string"}, "message_id": NULLABLE_STRING, "channel": {"enum": ["api", "file"]},
        "status": {"enum": ["ACCP", "ACSP", "ACSC", "PART", "RJCT"]}, "duplicate_of": NULLABLE_STRING,
        "received_at": {"type": "string"}, "received_on": DATE,
        "transactions": {"type": "array", "items": {"type": "object", "properties": {
            "end_to_end_id": NULLABLE_STRING, "amount": MONEY, "status": {"type": "string"},
            "reason": {"type": ["object", "null"], "properties": {"code": {"type": "string"}, "text": {"type": "string"}}},
            "execution_date": {"type": ["string", "null"], "format": "date"}, "entry_id": NULLABLE_STRING}}},
        "status_reports": {"type": "array", "items": {"$ref": "#/components/schemas/StatusReport"}}}},
}

SECURITY_SCHEMES = {
    "bearer": {"type": "oauth2", "description": "OAuth 2.0 authorization code with PKCE (S256); the login stands "
               "in for BankID", "flows": {"authorizationCode": {
                   "authorizationUrl": "/oauth/authorize", "tokenUrl": "/oauth/token", "refreshUrl": "/oauth/token",
                   "scopes": {"accounts": "account information", "payments": "payment initiation"}}}},
    "admin": {"type": "apiKey", "in": "header", "name": "X-Admin-Key",
              "description": "sandbox administration; printed at start or AVSTEM_SANDBOX_ADMIN_KEY"},
}


def document(router: Router) -> dict:
    paths: dict[str, dict] = {}
    for route in router.routes:
        operation: dict = {
            "operationId": route.handler.__name__, "summary": route.summary, "tags": [route.tag],
            "parameters": [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                           for name in route.path_params]
            + [{"name": p.name, "in": "query", "required": p.required, "description": p.description, "schema": p.schema}
               for p in route.query],
            "responses": route.responses or {"200": {"description": "OK"}},
        }
        if route.description:
            operation["description"] = route.description
        if route.body is not None:
            operation["requestBody"] = route.body
        if route.auth == "bearer":
            operation["security"] = [{"bearer": []}]
        elif route.auth == "admin":
            operation["security"] = [{"admin": []}]
        else:
            operation["security"] = []
        paths.setdefault(route.pattern, {})[route.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "Avstem sandbox bank", "version": "1",
                 "description": "A local stand-in for a Norwegian bank's corporate integration: onboarding with "
                                "OAuth 2.0 + PKCE, account information (JSON, camt.053, camt.054, Nets OCR), "
                                "payments (pain.001 in, pain.002 out), and administration for tests."},
        "paths": paths,
        "components": {"schemas": SCHEMAS, "securitySchemes": SECURITY_SCHEMES},
    }
